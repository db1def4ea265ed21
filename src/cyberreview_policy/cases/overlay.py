"""Cases feed decisions: the case store is the tool's record of the review.

Before a record is decided, its review case (the newest that was not
withdrawn) overrides what the source system says about the review: a case
that ``passed`` or was found ``not_required`` clears the record even when the
ERP still says ``none``; ``failed`` blocks; a case under way sets the status
and the running statutory period, when it started (the Measures then in force
govern it), its deadline (and whether it is provisional) and whether it is
overdue (the *review-overdue* rule reads them).  A decided case gives the
decision's date (the case wins, as it does for the status).  An assessment case
closed as ``assessed`` sets the operator's conclusion
(``risk.may_affect_national_security``), as a review outcome sets the status.
For a planned go-live the record gets the earliest day its review can end
(``review.earliest_clearance``; the *go-live-at-risk* rule reads it).  Material
attached to any case of the record counts as on file.
"""

from __future__ import annotations

import datetime as dt
from collections.abc import Sequence
from dataclasses import dataclass
from typing import TYPE_CHECKING, Any

from .base import Case
from .calendar import WorkCalendar
from .clocks import case_clocks, current_clock, earliest_clearance
from .lifecycle import paused_state, pending_plan

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
#: the record's material kinds (the case store also holds letters and notices)
_RECORD_MATERIALS = (
    "declaration",
    "impact_analysis",
    "procurement_documents",
    "listing_documents",
    "other",
)
_ENDED_REVIEW = ("not_required", "passed", "failed")


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
    provisional: bool | None = None
    adopted: bool = False

    def ref(self) -> dict[str, Any]:
        return {
            "id": self.case.id,
            "kind": self.case.kind,
            "state": self.case.state,
            "period": self.period,
            "deadline": self.deadline,
            "overdue": self.overdue,
            "provisional": self.provisional,
            "adopted": self.adopted,
        }


def live_review(cases: Sequence[Case]) -> Case | None:
    """The record's newest review case that was not withdrawn."""
    reviews = [c for c in cases if c.kind == "review" and c.state != "withdrawn"]
    return reviews[-1] if reviews else None


def review_facts(
    cases: Sequence[Case], as_of: dt.date, calendar: WorkCalendar, adopted: bool = False
) -> ReviewFacts | None:
    """What the record's newest live review case says, as of ``as_of``."""
    case = live_review(cases)
    if case is None:
        return None
    state = paused_state(case.events) if case.state == "supplementing" else case.state
    plan = pending_plan(case.events)
    if plan is not None and plan.on > as_of:  # planned, not yet taken: the record is as before
        state = plan.from_state
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
        provisional=clock.provisional if clock else None,
        adopted=adopted,
    )


def conclusion(cases: Sequence[Case]) -> tuple[bool, dt.date] | None:
    """The newest ``assessed`` assessment's conclusion: (may affect, assessed on)."""
    for case in reversed(cases):
        closing = case.closing() if case.kind == "assessment" else None
        if closing is not None and case.state == "assessed":
            return closing.details.get("conclusion") == "may_affect", closing.on
    return None


def clearance(
    record: RecordData, case: Case | None, as_of: dt.date, calendar: WorkCalendar
) -> dt.date | None:
    """The earliest day the record's review can end, or ``None`` when nothing is
    planned or the review has ended."""
    if record.deployment.planned_date is None:
        return None
    if case is not None and case.state in _ENDED_REVIEW:
        return None
    if case is None and record.review.status in _ENDED_REVIEW:
        return None
    events = case.events if case is not None else ()
    declared = case is not None and case.state != "open"
    if case is None and record.review.status != "none":
        return None  # a review running in the source, not (yet) adopted: unknown
    day, _ = earliest_clearance(
        case_clocks(events, as_of, calendar), as_of, calendar, declared=declared
    )
    return day


def overlay(
    record: RecordData,
    facts: ReviewFacts | None,
    cases: Sequence[Case],
    as_of: dt.date,
    calendar: WorkCalendar,
) -> RecordData:
    """``record`` as the case store knows it (the record itself is not changed)."""
    on_file = {kind for case in cases for kind in case.material_kinds()}
    changes: dict[str, Any] = {}
    review: dict[str, Any] = {}
    if facts is not None:
        review = {
            "case_id": facts.case.id,
            "period": facts.period,
            "deadline": facts.deadline,
            "overdue": facts.overdue,
            "period_started_on": facts.started_on,
            "deadline_provisional": facts.provisional,
        }
        if facts.decided_on is not None:
            review["decided_on"] = facts.decided_on
        if facts.status is not None:
            review["status"] = facts.status
    earliest = clearance(record, facts.case if facts else None, as_of, calendar)
    if earliest is not None:
        review["earliest_clearance"] = earliest
    if review:
        changes["review"] = record.review.replace(**review)
    assessed = conclusion(cases)
    if assessed is not None:
        may_affect, on = assessed
        changes["risk"] = record.risk.replace(
            may_affect_national_security=may_affect, assessed_on=on
        )
    missing = sorted((on_file & set(_RECORD_MATERIALS)) - set(record.materials))
    if missing:
        changes["materials"] = [*record.materials, *missing]
    return record.replace(**changes) if changes else record
