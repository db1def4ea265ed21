"""What a sweep found: the counts and lists every output reads (the text summary,
JSON, reports, CI outputs), and how the records are sliced into shards.

Constant memory: only counts are kept, and the first :data:`MAX_KEPT` skipped
records, data problems and finding changes.
"""

from __future__ import annotations

import datetime as dt
import zlib
from collections import Counter
from collections.abc import Iterable
from dataclasses import dataclass, field
from typing import TYPE_CHECKING, Any, NamedTuple

from ..errors import Location, UsageError
from ..i18n.catalog import _

if TYPE_CHECKING:
    from ..cases.sweepstate import FindingChange
    from ..models.decision import Decision, PackRef
    from ..models.validate import RecordData

MAX_KEPT = 1000
CASE_OUTCOMES = ("created", "already_open", "closed", "adopted")


def case_outcome(action: Any) -> str | None:
    """What became of an ``open_case`` action: created, already_open, closed (a case
    closed for the same facts answered it), or ``None`` (cases were off)."""
    if action["created"] is True:
        return "created"
    if action["created"] is None:
        return None
    from ..cases.lifecycle import ENDED_STATES

    return "closed" if action.get("state") in ENDED_STATES else "already_open"


@dataclass
class Skip:
    location: Location
    message: str
    record_id: str | None = None

    def to_json(self) -> dict[str, Any]:
        return {"location": str(self.location), "record_id": self.record_id, "reason": self.message}


class Subject(NamedTuple):
    """What reports group a decision by (a tuple: made for every record of a sweep)."""

    operator: str | None
    system: str | None
    product: str | None
    kind: str
    planned: str | None = None  # the planned go-live (deployment.planned_date)


class Decided:
    """A record's decision in a sweep, and what reports group it by (its
    :class:`Subject`: given, or read from ``record`` when first asked for, since
    JSON output never asks)."""

    __slots__ = ("_record", "_subject", "decision", "json", "location", "problems")

    def __init__(
        self,
        decision: Decision,
        subject: Subject | None = None,
        json: bytes | None = None,  # the decision serialised already (by a sweep worker)
        problems: tuple[str, ...] = (),  # source values of the wrong type, left unknown
        location: Location | None = None,  # where the record was read: file and line
        *,
        record: RecordData | None = None,
    ):
        self.decision = decision
        self._subject = subject
        self._record = record
        self.json = json
        self.problems = problems
        self.location = location

    @property
    def subject(self) -> Subject:
        if self._subject is None:
            self._subject = subject_of(self._record)  # type: ignore[arg-type]
            self._record = None
        return self._subject

    def __reduce__(self) -> tuple[Any, ...]:
        """Sent from a sweep worker with its subject, not its record."""
        return (Decided, (self.decision, self.subject, self.json, self.problems, self.location))

    def __eq__(self, other: object) -> bool:
        if not isinstance(other, Decided):
            return NotImplemented
        mine = (self.decision, self.subject, self.json, self.problems, self.location)
        return mine == (other.decision, other.subject, other.json, other.problems, other.location)

    __hash__ = None  # type: ignore[assignment]

    def __repr__(self) -> str:
        return f"Decided({self.decision!r}, {self.subject!r}, location={self.location!r})"


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
            raise UsageError(_("--shard {text}: give I/N, e.g. 2/8").format(text=text)) from None
        if not 1 <= index <= count:
            raise UsageError(_("--shard {text}: I must be between 1 and N").format(text=text))
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
    quarantined: int = 0  # records held in quarantine after this sweep (sweep/quarantine.py)

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
            "quarantined": self.quarantined,
        }


@dataclass
class Summary:
    as_of: dt.date
    packs: list[PackRef]
    decisions: Counter[str] = field(default_factory=Counter)
    rules: Counter[tuple[str, str]] = field(default_factory=Counter)  # (rule, outcome)
    cases_created: int = 0
    cases_existing: int = 0
    #: by kind: created, already_open, closed (answered by a case closed for the same
    #: facts: not opened again), adopted (a review the source says is running)
    case_kinds: dict[str, Counter[str]] = field(default_factory=dict)
    skipped: int = 0
    skips: list[Skip] = field(default_factory=list)
    sources: list[SourceReport] = field(default_factory=list)
    shard: Shard | None = None
    tracked: bool = False  # findings were compared with the previous sweep
    with_problems: int = 0  # records decided with wrong-typed values left unknown
    problems: list[Skip] = field(default_factory=list)
    new: Counter[str] = field(default_factory=Counter)  # by rule
    resolved: Counter[str] = field(default_factory=Counter)
    waived: Counter[str] = field(default_factory=Counter)
    changes: list[FindingChange] = field(default_factory=list)

    @property
    def records(self) -> int:
        return sum(self.decisions.values())

    @property
    def complete(self) -> bool:
        return self.skipped == 0 and all(s.complete for s in self.sources)

    def add(self, decision: Decision) -> None:
        self.decisions[decision["decision"]] += 1
        rules = self.rules
        for finding in decision["findings"]:
            rules[(finding["rule"], finding["outcome"])] += 1
        for action in decision["actions"]:
            if action["created"] is None:  # cases are off
                continue
            what = case_outcome(action)
            if what is None:
                continue
            self.case_kinds.setdefault(action["kind"], Counter())[what] += 1
            if what == "created":
                self.cases_created += 1
            elif what == "already_open":
                self.cases_existing += 1
        for ref in decision["cases"]:
            if ref.get("adopted"):
                self.case_kinds.setdefault(ref["kind"], Counter())["adopted"] += 1

    def cases_json(self) -> dict[str, Any]:
        """Cases opened, found open, found closed for the same facts, adopted: in all and
        by kind."""
        total: Counter[str] = Counter()
        for counts in self.case_kinds.values():
            total.update(counts)
        return {
            "created": self.cases_created,
            "already_open": self.cases_existing,
            "closed": total["closed"],
            "adopted": total["adopted"],
            "by_kind": {
                kind: {what: counts[what] for what in CASE_OUTCOMES}
                for kind, counts in sorted(self.case_kinds.items())
            },
        }

    def merge(self, other: Summary) -> None:
        """Add what ``other`` counted (a sweep worker's part of a file)."""
        self.decisions.update(other.decisions)
        self.rules.update(other.rules)
        self.cases_created += other.cases_created
        self.cases_existing += other.cases_existing
        for kind, counts in other.case_kinds.items():
            self.case_kinds.setdefault(kind, Counter()).update(counts)
        self.skipped += other.skipped
        self.skips.extend(other.skips[: MAX_KEPT - len(self.skips)])
        self.with_problems += other.with_problems
        self.problems.extend(other.problems[: MAX_KEPT - len(self.problems)])

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
        counters = {"new": self.new, "resolved": self.resolved, "waived": self.waived}
        for change in changes:
            if change.change in counters:
                counters[change.change][change.rule] += 1
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
            "cases": self.cases_json(),
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
                "waived": sum(self.waived.values()),
                "new_by_rule": dict(sorted(self.new.items())),
                "resolved_by_rule": dict(sorted(self.resolved.items())),
                "waived_by_rule": dict(sorted(self.waived.items())),
            }
        return data


def subject_of(record: RecordData) -> Subject:
    product = record.product
    planned = record.deployment.planned_date
    return Subject(
        record.operator.name,
        record.deployment.system,
        product.name if product is not None else None,
        record.kind,
        planned.isoformat() if planned is not None else None,
    )


def short(summary: Summary) -> str:
    d = summary.decisions
    return (
        f"{summary.records} records: {d.get('block', 0)} block, {d.get('warn', 0)} warn, "
        f"{d.get('allow', 0)} allow; {summary.skipped} skipped"
    )


def audit_details(summary: Summary) -> dict[str, object]:
    """What the audit trail and the run history keep of a sweep."""
    data = summary.to_json()
    keys = ("as_of", "complete", "records", "decisions", "cases", "skipped", "sources", "shard")
    return {key: data[key] for key in keys if key in data}
