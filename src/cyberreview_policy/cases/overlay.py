"""Cases feed decisions: the case store is the tool's record of the review.

Before a record is decided, its review case (the newest that was not
withdrawn) overrides what the source system says about the review: a case
that ``passed`` or was found ``not_required`` clears the record even when the
ERP still says ``none``; ``failed`` blocks; a case under way sets the status
and the running statutory period, when it started (the Measures then in force
govern it), its deadline and whether it is overdue (the *review-overdue* rule
reads them).  A decided case gives the decision's date (the case wins, as it does for
the status).  Material attached to any case of the record counts as on file.
"""

from __future__ import annotations

import datetime as dt
from collections.abc import Sequence
from dataclasses import dataclass
from typing import TYPE_CHECKING, Any

from .base import Case
from .calendar import WorkCalendar
from .clocks import case_clocks, current_clock
from .lifecycle import paused_state

if TYPE_CHECKING:
    from ..models.validate import RecordData

#: Case states that say what the record's ``review.status`` is.
_STATUS = {
    "declared": "declared",
    "under_review": "under_review",
    "special_review": "special_review",
    "not_required": "not_required",
    "passed": "passed",
    "failed": "failed",
}


_DECISIONS = ("not_required", "passed", "failed")


@dataclass(frozen=True)
class ReviewFacts:
    case: Case
    status: str | None
    period: str | None
    deadline: dt.date | None
    overdue: bool | None
    started_on: dt.date | None = None  # of the running period
    decided_on: dt.date | None = None  # the day the case reached its decision

    def ref(self) -> dict[str, Any]:
        return {
            "id": self.case.id,
            "kind": self.case.kind,
            "state": self.case.state,
            "period": self.period,
            "deadline": self.deadline,
            "overdue": self.overdue,
        }


def review_facts(
    cases: Sequence[Case], as_of: dt.date, calendar: WorkCalendar
) -> ReviewFacts | None:
    """What the record's newest live review case says, as of ``as_of``."""
    reviews = [c for c in cases if c.kind == "review" and c.state != "withdrawn"]
    if not reviews:
        return None
    case = reviews[-1]
    state = paused_state(case.events) if case.state == "supplementing" else case.state
    clock = current_clock(case_clocks(case.events, as_of, calendar)) if case.is_open else None
    decided = [e.on for e in case.events if e.kind == "transition" and e.to_state in _DECISIONS]
    return ReviewFacts(
        case=case,
        status=_STATUS.get(state or ""),
        period=clock.period if clock else None,
        deadline=clock.deadline if clock else None,
        overdue=clock.elapsed if clock else (False if case.is_open else None),
        started_on=clock.started_on if clock else None,
        decided_on=decided[-1] if decided and not case.is_open else None,
    )


def overlay(record: RecordData, facts: ReviewFacts | None, cases: Sequence[Case]) -> RecordData:
    """``record`` as the case store knows it (the record itself is not changed)."""
    on_file = {kind for case in cases for kind in case.material_kinds()}
    changes: dict[str, Any] = {}
    if facts is not None:
        review: dict[str, Any] = {
            "case_id": facts.case.id,
            "period": facts.period,
            "deadline": facts.deadline,
            "overdue": facts.overdue,
            "period_started_on": facts.started_on,
        }
        if facts.decided_on is not None:
            review["decided_on"] = facts.decided_on
        if facts.status is not None:
            review["status"] = facts.status
        changes["review"] = record.review.replace(**review)
    missing = sorted(on_file - set(record.materials))
    if missing:
        changes["materials"] = [*record.materials, *missing]
    return record.replace(**changes) if changes else record
