"""The sweep: every record of every source decided, streamed, and summarised.

A record that cannot be read or decided is skipped and reported; a source that
fails marks the run incomplete.  A :class:`SweepStep` is what happens to one
record: the gatekeeper's decision (the case store's view of it, the cases its
rules ask for), its findings compared with the last sweep's.  :func:`serial`
runs it in this process; :mod:`.pool` runs it in worker processes.
"""

from __future__ import annotations

import datetime as dt
from collections.abc import Iterable, Iterator
from typing import TYPE_CHECKING, Any

from ..errors import CyberreviewError, EvaluationError, SourceError
from ..models.identity import record_key
from .ranges import Part
from .summary import Decided, Shard, Skip, SourceReport, Summary

if TYPE_CHECKING:
    from ..cases.sweepstate import FindingChange
    from ..engine.gatekeeper import Gatekeeper
    from ..errors import Location
    from ..models.decision import Decision
    from ..sources.base import Item, Source

TRACKED = ("warn", "block")  # findings compared from sweep to sweep


def compare(was: dict[str, str], now: dict[str, str]) -> list[tuple[str, str, str]]:
    """(rule, outcome, change) between a record's baseline findings and this run's: a
    finding that is waived now is ``waived`` (not resolved, not new); one whose waiver
    ended counts as ``new`` again."""
    out = []
    for rule, outcome in now.items():
        before = was.get(rule)
        if before == outcome:
            continue
        if outcome == "waived":
            out.append((rule, outcome, "waived"))
        elif before is None or before == "waived":
            out.append((rule, outcome, "new"))
        else:
            out.append((rule, outcome, "changed"))
    out += [(rule, outcome, "resolved") for rule, outcome in was.items() if rule not in now]
    return out


class FindingTracker:
    """Buffers each record's warn/block findings (``waived`` when a waiver sets them
    aside); :meth:`flush` compares them with the baseline (the last complete sweep of
    the same sources and as-of regime) and stages the changes in the store."""

    def __init__(self, store: Any, run_id: str, baseline: str, actor: str = "", size: int = 500):
        self.store = store
        self.run_id = run_id
        self.baseline = baseline
        self.actor = actor
        self.size = size
        self.buffer: dict[str, tuple[str, dict[str, str]]] = {}

    def add(self, record_key: str, decision: Decision) -> None:
        fired: dict[str, str] = {
            f["rule"]: "waived" if f["waiver"] else f["outcome"]
            for f in decision["findings"]
            if f["outcome"] in TRACKED
        }
        self.buffer[record_key] = (decision["record_id"], fired)

    @property
    def full(self) -> bool:
        return len(self.buffer) >= self.size

    def flush(self) -> list[FindingChange]:
        from ..cases.sweepstate import FindingChange

        if not self.buffer:
            return []
        before = self.store.findings_for(list(self.buffer), self.baseline)
        changes = [
            FindingChange(key, record_id, rule, outcome, change)
            for key, (record_id, now) in self.buffer.items()
            for rule, outcome, change in compare(before.get(key, {}), now)
        ]
        self.buffer.clear()
        self.store.record_findings(changes, self.run_id)
        return changes


#: what deciding one item gives: a decision, a skip, or ``None`` (another shard's)
Result = Decided | Skip | None


class SweepStep:
    """One record, as a sweep decides it (no audit entry per record: the sweep's summary
    is audited once)."""

    def __init__(
        self,
        gatekeeper: Gatekeeper,
        as_of: dt.date,
        tracker: FindingTracker | None = None,
        shard: Shard | None = None,
    ):
        self.gatekeeper = gatekeeper
        self._decide = gatekeeper.unaudited()
        self.as_of = as_of
        self.tracker = tracker
        self.shard = shard

    def __call__(self, item: Item) -> Result:
        record = item.record
        if record is None:
            error = item.error
            assert error is not None
            return Skip(error.location or item.location, _reason(error), error.record_id)
        shard, tracker = self.shard, self.tracker
        key = record_key(record) if shard is not None or tracker is not None else ""
        if shard is not None and not shard.owns(key):
            return None
        try:
            decision = self._decide(record, self.as_of)
        except EvaluationError as exc:
            return Skip(item.location, str(exc), record.id)
        if tracker is not None:
            tracker.add(key, decision)
        return Decided(decision, None, None, item.problems, item.location, record=record)

    def flush(self) -> list[FindingChange]:
        return self.tracker.flush() if self.tracker is not None else []

    def elsewhere(self, line: bytes) -> bool:
        """Whether the record on this raw JSON line surely belongs to another shard: its
        identity read from the JSON without validating it (a quarter of the cost),
        so that a shard validates only its own records (and reports only its own
        invalid ones).  ``False`` when that cannot be told: the record is validated."""
        shard = self.shard
        if shard is None:
            return False
        key = raw_key(line)
        return key is not None and not shard.owns(key)


def raw_key(line: bytes) -> str | None:
    """:func:`~..models.identity.record_key` of a record's raw JSON, or ``None`` unless its
    ``id`` (and ``source.adapter``) are plain text, as validation would keep them."""
    from ..models.jsonout import loads

    try:
        data = loads(line)
    except ValueError:
        return None
    if not isinstance(data, dict):
        return None
    record_id, source = data.get("id"), data.get("source")
    if source is not None and not isinstance(source, dict):
        return None
    adapter = source.get("adapter") if source else None
    if not isinstance(record_id, str) or not (adapter is None or isinstance(adapter, str)):
        return None
    return f"{adapter}:{record_id}" if adapter else record_id


#: what a runner yields: results, and the finding changes of each flush
Event = Result | list["FindingChange"]


def serial(source: Source, decider: SweepStep) -> Iterator[Event]:
    """Decide a source's records in this process."""
    tracker = decider.tracker
    try:
        for item in _items(source, decider):
            yield None if item is None else decider(item)
            if tracker is not None and tracker.full:
                yield decider.flush()
    except SourceError:
        yield decider.flush()  # what was decided before the failure counts
        raise
    yield decider.flush()


def _items(source: Source, decider: SweepStep) -> Iterator[Item | None]:
    """The source's items; with a shard, a JSON Lines file's records of other shards
    as ``None``, not validated (:meth:`SweepStep.elsewhere`)."""
    from ..sources.files import FileSource

    lines = source.payloads() if decider.shard and isinstance(source, FileSource) else None
    if lines is None:
        return iter(source.read())
    return _ours(lines, decider)


def _ours(lines: Iterator[tuple[Location, bytes]], decider: SweepStep) -> Iterator[Item | None]:
    from ..sources.files import parse

    for where, line in lines:
        yield None if decider.elsewhere(line) else parse(line, where)


def sweep(
    sources: Iterable[Source],
    run: Any,
    summary: Summary,
    changed: Any = None,
) -> Iterator[Decided | Skip | Part]:
    """Every source through ``run(source)`` (:func:`serial` with a decider, or a
    pool's); yield each decision or skip as it happens, filling in ``summary`` (and
    telling ``changed`` each batch of finding changes since the previous sweep).

    A source that fails is reported and the next one read; a case store error
    stops the run (it raises): cases must not silently go unopened.
    """
    for source in sources:
        report = SourceReport(source.name)
        summary.sources.append(report)
        add = summary.add
        try:
            for event in run(source):
                if type(event) is Decided:  # the common case first
                    report.records += 1
                    add(event.decision)
                    if event.problems:
                        summary.problem(event)
                    yield event
                elif isinstance(event, list):
                    summary.changed(event)
                    if changed is not None and event:
                        changed(event)
                elif isinstance(event, Part):  # a worker's range of a file, decided
                    report.records += event.summary.records
                    report.skipped += event.summary.skipped
                    report.elsewhere += event.elsewhere
                    summary.merge(event.summary)
                    yield event
                elif event is None:
                    report.elsewhere += 1
                else:
                    report.skipped += 1
                    summary.skip(event)
                    yield event
        except SourceError as exc:
            report.error = exc.message


def _reason(error: CyberreviewError) -> str:
    """A record error without its location (reports print that separately)."""
    field_name = getattr(error, "field", None)
    message = getattr(error, "message", str(error))
    return f"{field_name}: {message}" if field_name else str(message)
