"""The sweep: every record of every source decided, streamed, and summarised.

Constant memory: records are decided one at a time and only counts are kept
(and the first :data:`MAX_SKIPS_KEPT` skipped records with their reasons).
A record that cannot be read or decided is skipped and reported; a source
that fails marks the run incomplete.
"""

from __future__ import annotations

import datetime as dt
from collections import Counter
from collections.abc import Iterable, Iterator
from dataclasses import dataclass, field
from typing import TYPE_CHECKING, Any

from .cases.service import CaseService
from .engine import Engine, EvaluationError
from .errors import CyberreviewError, Location, SourceError

if TYPE_CHECKING:
    from .models.decision import Decision, PackRef
from .sources.base import Source

MAX_SKIPS_KEPT = 1000


@dataclass
class Skip:
    location: Location
    message: str
    record_id: str | None = None

    def to_json(self) -> dict[str, Any]:
        return {"location": str(self.location), "record_id": self.record_id, "reason": self.message}


@dataclass
class SourceReport:
    name: str
    records: int = 0
    skipped: int = 0
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
        if len(self.skips) < MAX_SKIPS_KEPT:
            self.skips.append(skip)

    def to_json(self) -> dict[str, Any]:
        return {
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
            "sources": [s.to_json() for s in self.sources],
        }


Event = tuple["Decision", None] | tuple[None, Skip]


def sweep(
    sources: Iterable[Source],
    engine: Engine,
    as_of: dt.date,
    summary: Summary,
    cases: CaseService | None = None,
) -> Iterator[Event]:
    """Decide every record; yield each decision or skip as it happens.

    ``summary`` is filled in as the run goes.  With ``cases``, each record is
    decided as its review case knows it, and the cases rules ask for are
    opened; a case store error stops the run (it raises): cases must not
    silently go unopened.
    """
    for source in sources:
        report = SourceReport(source.name)
        summary.sources.append(report)
        try:
            for item in source.read():
                if item.record is None:
                    error = item.error
                    assert error is not None
                    skip = Skip(
                        error.location or item.location, str(_reason(error)), error.record_id
                    )
                    report.skipped += 1
                    summary.skip(skip)
                    yield None, skip
                    continue
                try:
                    if cases is None:
                        decision = engine.decide(item.record, as_of)
                    else:
                        evaluated, facts = cases.prepare(item.record, as_of)
                        decision = engine.decide(evaluated, as_of)
                        cases.finish(decision, item.record, facts)
                except EvaluationError as exc:
                    skip = Skip(item.location, str(exc), item.record.id)
                    report.skipped += 1
                    summary.skip(skip)
                    yield None, skip
                    continue
                report.records += 1
                summary.add(decision)
                yield decision, None
        except SourceError as exc:
            report.error = exc.message


def _reason(error: CyberreviewError) -> str:
    """A record error without its location (reports print that separately)."""
    field_name = getattr(error, "field", None)
    message = getattr(error, "message", str(error))
    return f"{field_name}: {message}" if field_name else str(message)
