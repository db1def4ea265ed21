"""The sweep: every record of every source decided, streamed, and summarised.

Constant memory: records are decided one at a time and only counts are kept
(and the first :data:`MAX_KEPT` skipped records and finding changes).  A
record that cannot be read or decided is skipped and reported; a source that
fails marks the run incomplete.

A :class:`Decider` is what happens to one record: the case store's view of
it, the decision, the cases its rules ask for, its findings compared with the
last sweep's.  :func:`serial` runs it in this process; ``sweep_pool`` runs it
in worker processes.  A :class:`Shard` keeps the records of one slice of the
record space, so one estate can be swept as N jobs.
"""

from __future__ import annotations

import datetime as dt
import zlib
from collections import Counter
from collections.abc import Iterable, Iterator
from dataclasses import dataclass, field
from typing import TYPE_CHECKING, Any

from .engine import Engine, EvaluationError
from .errors import CyberreviewError, Location, SourceError, UsageError

if TYPE_CHECKING:
    from .cases.service import CaseService
    from .cases.sweepstate import FindingChange
    from .models.decision import Decision, PackRef
    from .sources.base import Item, Source

MAX_KEPT = 1000
TRACKED = ("warn", "block")  # findings compared from sweep to sweep


@dataclass
class Skip:
    location: Location
    message: str
    record_id: str | None = None

    def to_json(self) -> dict[str, Any]:
        return {"location": str(self.location), "record_id": self.record_id, "reason": self.message}


@dataclass(frozen=True)
class Subject:
    """What reports group a decision by."""

    operator: str | None
    system: str | None
    product: str | None
    kind: str


@dataclass
class Decided:
    decision: Decision
    subject: Subject
    json: bytes | None = None  # the decision serialised already (by a sweep worker)
    problems: tuple[str, ...] = ()  # source values of the wrong type, left unknown
    location: Location | None = None  # where the record was read: file and line, or source[ref]


@dataclass(frozen=True)
class Shard:
    """Slice ``index`` of ``count`` (1-based): a record belongs to exactly one, by a
    stable hash of its identity (adapter and id), whoever runs it."""

    index: int
    count: int

    @classmethod
    def parse(cls, text: str) -> Shard:
        try:
            index, count = (int(part) for part in text.split("/"))
        except ValueError:
            raise UsageError(f"--shard {text}: give I/N, e.g. 2/8") from None
        if not 1 <= index <= count:
            raise UsageError(f"--shard {text}: I must be between 1 and N")
        return cls(index, count)

    def owns(self, record_key: str) -> bool:
        return zlib.crc32(record_key.encode()) % self.count == self.index - 1

    def __str__(self) -> str:
        return f"{self.index}/{self.count}"


@dataclass
class SourceReport:
    name: str
    records: int = 0
    skipped: int = 0
    elsewhere: int = 0  # records of other shards
    error: str | None = None

    @property
    def complete(self) -> bool:
        return self.error is None

    def to_json(self) -> dict[str, Any]:
        return {
            "name": self.name,
            "complete": self.complete,
            "records": self.records,
            "skipped": self.skipped,
            "other_shards": self.elsewhere,
            "error": self.error,
        }


@dataclass
class Summary:
    as_of: dt.date
    packs: list[PackRef]
    decisions: Counter[str] = field(default_factory=Counter)
    rules: Counter[tuple[str, str]] = field(default_factory=Counter)  # (rule, outcome)
    cases_created: int = 0
    cases_existing: int = 0
    skipped: int = 0
    skips: list[Skip] = field(default_factory=list)
    sources: list[SourceReport] = field(default_factory=list)
    shard: Shard | None = None
    tracked: bool = False  # findings were compared with the previous sweep
    with_problems: int = 0  # records decided with wrong-typed values left unknown
    problems: list[Skip] = field(default_factory=list)
    new: Counter[str] = field(default_factory=Counter)  # by rule
    resolved: Counter[str] = field(default_factory=Counter)
    changes: list[FindingChange] = field(default_factory=list)

    @property
    def records(self) -> int:
        return sum(self.decisions.values())

    @property
    def complete(self) -> bool:
        return self.skipped == 0 and all(s.complete for s in self.sources)

    def add(self, decision: Decision) -> None:
        self.decisions[decision["decision"]] += 1
        for finding in decision["findings"]:
            self.rules[(finding["rule"], finding["outcome"])] += 1
        for action in decision["actions"]:
            if action["created"] is True:
                self.cases_created += 1
            elif action["created"] is False:
                self.cases_existing += 1

    def skip(self, skip: Skip) -> None:
        self.skipped += 1
        if len(self.skips) < MAX_KEPT:
            self.skips.append(skip)

    def problem(self, decided: Decided) -> None:
        self.with_problems += 1
        if len(self.problems) < MAX_KEPT:
            record_id = decided.decision["record_id"]
            self.problems.append(Skip(Location(record_id), "; ".join(decided.problems), record_id))

    def changed(self, changes: Iterable[FindingChange]) -> None:
        for change in changes:
            counter = self.resolved if change.change == "resolved" else self.new
            if change.change != "changed":
                counter[change.rule] += 1
            if len(self.changes) < MAX_KEPT:
                self.changes.append(change)

    def to_json(self) -> dict[str, Any]:
        data = {
            "as_of": self.as_of.isoformat(),
            "packs": self.packs,
            "complete": self.complete,
            "records": self.records,
            "decisions": {v: self.decisions.get(v, 0) for v in ("block", "warn", "allow")},
            "rules": [
                {"rule": rule, "outcome": outcome, "count": count}
                for (rule, outcome), count in sorted(
                    self.rules.items(), key=lambda item: (-item[1], item[0])
                )
            ],
            "cases": {"created": self.cases_created, "already_open": self.cases_existing},
            "skipped": self.skipped,
            "skips": [s.to_json() for s in self.skips],
            "data_problems": self.with_problems,
            "problems": [{"record_id": p.record_id, "problems": p.message} for p in self.problems],
            "sources": [s.to_json() for s in self.sources],
        }
        if self.shard is not None:
            data["shard"] = str(self.shard)
        if self.tracked:
            data["findings"] = {
                "new": sum(self.new.values()),
                "resolved": sum(self.resolved.values()),
                "new_by_rule": dict(sorted(self.new.items())),
                "resolved_by_rule": dict(sorted(self.resolved.items())),
            }
        return data


def subject_of(record: Any) -> Subject:
    product = record.product
    return Subject(
        record.operator.name,
        record.deployment.system,
        product.name if product is not None else None,
        record.kind,
    )


class FindingTracker:
    """Buffers each record's warn/block findings; :meth:`flush` compares them with what
    the store holds from the last sweep and stores the changes."""

    def __init__(self, store: Any, on: dt.date, actor: str, size: int = 500):
        self.store = store
        self.on = on
        self.actor = actor
        self.size = size
        self.buffer: dict[str, tuple[str, dict[str, str]]] = {}

    def add(self, record_key: str, decision: Decision) -> None:
        fired: dict[str, str] = {
            f["rule"]: f["outcome"]
            for f in decision["findings"]
            if f["outcome"] in TRACKED and not f["waiver"]
        }
        self.buffer[record_key] = (decision["record_id"], fired)

    @property
    def full(self) -> bool:
        return len(self.buffer) >= self.size

    def flush(self) -> list[FindingChange]:
        from .cases.sweepstate import FindingChange

        if not self.buffer:
            return []
        before = self.store.findings_for(list(self.buffer))
        changes = []
        for key, (record_id, now) in self.buffer.items():
            was = before.get(key, {})
            for rule, outcome in now.items():
                if rule not in was:
                    changes.append(FindingChange(key, record_id, rule, outcome, "new"))
                elif was[rule] != outcome:
                    changes.append(FindingChange(key, record_id, rule, outcome, "changed"))
            for rule, outcome in was.items():
                if rule not in now:
                    changes.append(FindingChange(key, record_id, rule, outcome, "resolved"))
        self.buffer.clear()
        self.store.record_findings(changes, self.on, self.actor)
        return changes


#: what deciding one item gives: a decision, a skip, or ``None`` (another shard's)
Result = Decided | Skip | None


class Decider:
    """One record, as a sweep decides it."""

    def __init__(
        self,
        engine: Engine,
        as_of: dt.date,
        cases: CaseService | None = None,
        tracker: FindingTracker | None = None,
        shard: Shard | None = None,
    ):
        self.engine = engine
        self.as_of = as_of
        self.cases = cases
        self.tracker = tracker
        self.shard = shard

    def __call__(self, item: Item) -> Result:
        from .fastrecord import record_key

        record = item.record
        if record is None:
            error = item.error
            assert error is not None
            return Skip(error.location or item.location, _reason(error), error.record_id)
        key = record_key(record)
        if self.shard is not None and not self.shard.owns(key):
            return None
        try:
            if self.cases is None:
                decision = self.engine.decide(record, self.as_of)
            else:
                evaluated, facts = self.cases.prepare(record, self.as_of)
                decision = self.engine.decide(evaluated, self.as_of)
                self.cases.finish(decision, record, facts)
        except EvaluationError as exc:
            return Skip(item.location, str(exc), record.id)
        if self.tracker is not None:
            self.tracker.add(key, decision)
        return Decided(decision, subject_of(record), problems=item.problems, location=item.location)

    def flush(self) -> list[FindingChange]:
        return self.tracker.flush() if self.tracker is not None else []


#: what a runner yields: results, and the finding changes of each flush
Event = Result | list["FindingChange"]


def serial(source: Source, decider: Decider) -> Iterator[Event]:
    """Decide a source's records in this process."""
    try:
        for item in source.read():
            yield decider(item)
            if decider.tracker is not None and decider.tracker.full:
                yield decider.flush()
    except SourceError:
        yield decider.flush()  # what was decided before the failure counts
        raise
    yield decider.flush()


def sweep(
    sources: Iterable[Source],
    run: Any,
    summary: Summary,
) -> Iterator[Decided | Skip]:
    """Every source through ``run(source)`` (:func:`serial` with a decider, or a
    pool's); yield each decision or skip as it happens, filling in ``summary``.

    A source that fails is reported and the next one read; a case store error
    stops the run (it raises): cases must not silently go unopened.
    """
    for source in sources:
        report = SourceReport(source.name)
        summary.sources.append(report)
        try:
            for event in run(source):
                if isinstance(event, list):
                    summary.changed(event)
                elif event is None:
                    report.elsewhere += 1
                elif isinstance(event, Skip):
                    report.skipped += 1
                    summary.skip(event)
                    yield event
                else:
                    report.records += 1
                    summary.add(event.decision)
                    if event.problems:
                        summary.problem(event)
                    yield event
        except SourceError as exc:
            report.error = exc.message


def _reason(error: CyberreviewError) -> str:
    """A record error without its location (reports print that separately)."""
    field_name = getattr(error, "field", None)
    message = getattr(error, "message", str(error))
    return f"{field_name}: {message}" if field_name else str(message)
