"""What gate and sweep do with the case store around each decision.

Before: the record's cases, a review the source says is running adopted as a
case (so every review-overdue warning has a case behind it), and the record
as the store knows it (:mod:`.overlay`).  After: the cases the rules ask for
opened (or found, or found closed for the same facts), and what the open
cases show of their record kept current.
"""

from __future__ import annotations

import datetime as dt
from collections.abc import Sequence
from dataclasses import dataclass, field
from typing import TYPE_CHECKING, Any

from ..models.identity import record_digest, record_key, record_summary
from .actions import apply_actions, facts_digest
from .base import Adopted, Case, CaseRequest, CaseStore
from .calendar import WorkCalendar
from .overlay import ReviewFacts, live_review, overlay, review_facts
from .trail import case_differences, replay_cases

if TYPE_CHECKING:
    from ..models.decision import Decision, Finding
    from ..models.outcomes import CaseKind
    from ..models.validate import RecordData
    from ..models.waiver import Waiver


def mismatch_finding(case_id: str, found: list[str], decision: Decision) -> Finding:
    """A block: the case store holds a case its audit trail does not account for."""
    return {
        "rule": "case-mismatch",
        "pack": decision["pack"]["id"],
        "title": "A case differs from its audit trail",
        "outcome": "block",
        "message": (
            f"case {case_id} differs from its audit trail ({'; '.join(found)}): it was changed "
            "outside cyberreview, and cannot clear the record"
        ),
        "citations": [],
        "overridable": False,
        "waiver": None,
        "exposure": None,
        "remediation": (
            "Find out who changed the case store, and restore the case as its audit trail "
            "says (`cyberreview audit verify` names every difference)."
        ),
        "facts": {"case": case_id, "differences": found},
    }


#: the review states a source may say a review is in, and the steps to reach each
RUNNING = {
    "declared": ("declared",),
    "under_review": ("declared", "under_review"),
    "special_review": ("declared", "under_review", "special_review"),
    "supplementing": ("declared", "supplementing"),
}
#: working days a step can take at most before the next (when the source does not date it)
_AT_MOST = {"declared": 10, "under_review": 45}
ADOPTED_RULE = "adopted"


@dataclass
class Prepared:
    """What :meth:`CaseService.prepare` found: the record to decide, and what
    :meth:`CaseService.finish` needs."""

    record: RecordData  # as the case store knows it: its review case overlaid
    cases: list[Case] = field(default_factory=list)
    review: ReviewFacts | None = None  # the review case used
    differing: dict[str, list[str]] = field(default_factory=dict)  # case id -> differences


def adoption_steps(record: RecordData, as_of: dt.date, calendar: WorkCalendar) -> list[Adopted]:
    """The steps of a review the source says is running: dated by the source where it
    says (``review.declared_on``), else projected (the latest the step could have
    come, and never after the as-of date)."""
    status = record.review.status
    declared = record.review.declared_on
    steps: list[Adopted] = []
    on = declared if declared is not None and declared <= as_of else as_of
    for index, state in enumerate(RUNNING[status]):
        if index == 0:
            steps.append(Adopted(state, on, declared is not None and declared <= as_of))
            continue
        previous = steps[-1].state
        if state != "supplementing":
            on = min(calendar.add_workdays(on, _AT_MOST[previous])[0], as_of)
        steps.append(Adopted(state, on, False))
    return steps


class CaseService:
    """Reads a record's cases before it is decided, opens cases after."""

    def __init__(self, store: CaseStore, calendar: WorkCalendar, actor: str, pack: str = ""):
        self.store = store
        self.calendar = calendar
        self.actor = actor
        self.pack = pack  # id@version, for the cases it adopts

    def prepare(self, record: RecordData, as_of: dt.date) -> Prepared:
        """The record as the case store knows it (its review case overlaid; a review the
        source says is running adopted as a case), the cases used, and the cases whose
        rows do not match their audit trail."""
        cases = self.store.cases_for(record_key(record))
        adopted = self._adopt(record, cases, as_of)
        if adopted is not None:
            cases = [*cases, adopted]
        facts = review_facts(cases, as_of, self.calendar, adopted is not None)
        differing = self._differing(cases)
        if not cases and record.deployment.planned_date is None:
            return Prepared(record, cases, facts, differing)
        evaluated = overlay(record, facts, cases, as_of, self.calendar)
        return Prepared(evaluated, cases, facts, differing)

    def _differing(self, cases: Sequence[Case]) -> dict[str, list[str]]:
        """The cases whose rows differ from their audit trail, and how.  The rows and
        the trail are two reads: a case another process moved between them is read
        once more before it is called different (an edit stays different)."""
        differing = self._compared(cases)
        if differing:
            again = [c for c in self.store.cases_for(cases[0].record_key) if c.id in differing]
            differing = self._compared(again)
        return differing

    def _compared(self, cases: Sequence[Case]) -> dict[str, list[str]]:
        if not cases:
            return {}
        told = replay_cases(self.store.trail_of([case.id for case in cases], "case."))
        differing = {}
        for case in cases:
            found = case_differences(
                case, told.get(case.id), {(m.kind, m.sha256) for m in case.materials}
            )
            if found:
                differing[case.id] = found
        return differing

    def _adopt(self, record: RecordData, cases: Sequence[Case], as_of: dt.date) -> Case | None:
        status = record.review.status
        if status not in RUNNING or live_review(cases) is not None:
            return None  # the case store knows this review (the case wins, as ever)
        digest = facts_digest(
            {"review.status": status, "review.declared_on": record.review.declared_on}, record
        )
        closed = [c for c in cases if c.kind == "review" and c.rule == ADOPTED_RULE]
        if closed and closed[-1].facts_digest == digest:
            return None  # adopted before, and closed for these same facts
        request = CaseRequest(
            record_key=record_key(record),
            record_id=record.id,
            kind="review",
            rule=ADOPTED_RULE,
            pack=self.pack,
            opened_on=adoption_steps(record, as_of, self.calendar)[0].on,
            summary=record_summary(record),
            record_digest=record_digest(record),
            facts_digest=digest,
        )
        return self.store.adopt(request, adoption_steps(record, as_of, self.calendar), self.actor)

    def open_by_hand(
        self, engine: Any, record: RecordData, kind: CaseKind, as_of: dt.date
    ) -> tuple[Case, bool]:
        """``cases open``: the record's open case of ``kind``, or a new one (a review the
        source says is running is adopted with its dates); named after the rule that
        asks for that kind, if one does (else ``manual``), and opened even where a
        case closed for the same facts (it is linked as reopened)."""
        prepared = self.prepare(record, as_of)
        evaluated = prepared.record
        for case in prepared.cases:
            if case.kind == kind and case.is_open:
                adopted = prepared.review is not None and prepared.review.adopted
                return case, adopted and prepared.review.case.id == case.id  # type: ignore[union-attr]
        decision = engine.decide(evaluated, as_of)
        action = next((a for a in decision["actions"] if a["kind"] == kind), None)
        rule = action["rule"] if action is not None else "manual"
        pack = next((f["pack"] for f in decision["findings"] if f["rule"] == rule), None)
        versions = {ref["id"]: ref["version"] for ref in decision["packs"]}
        return self.store.open_case(
            CaseRequest(
                record_key=record_key(record),
                record_id=record.id,
                kind=kind,
                rule=rule,
                pack=f"{pack}@{versions[pack]}" if pack else self.pack,
                opened_on=as_of,
                summary=record_summary(record),
                record_digest=record_digest(record),
            ),
            self.actor,
        )

    def finish(self, decision: Decision, record: RecordData, prepared: Prepared) -> None:
        """Name the case used, open (or find) the cases the rules ask for, keep what the
        open cases show of their record current, and block on a case that differs from
        its trail: it must not clear the record."""
        if prepared.review is not None:
            decision["cases"] = [prepared.review.ref()]  # type: ignore[list-item]
        if decision["actions"]:
            apply_actions(decision, record, self.store, self.actor)
        summary = record_summary(record)
        for case in prepared.cases:
            if case.is_open and any(case.summary.get(k) != v for k, v in summary.items()):
                self.store.refresh_summary(case.id, summary, self.actor)
        for case_id, found in reversed(prepared.differing.items()):
            decision["findings"].insert(0, mismatch_finding(case_id, found, decision))
            decision["decision"] = "block"

    def audit_override(self, record: RecordData, waiver: Waiver) -> None:
        """A single-run override (``gate --override``), in the audit trail."""
        self.store.audit(
            "gate.override",
            self.actor,
            subject=record.id,
            record_digest=record_digest(record),
            details={"rule": waiver.rule, "reason": waiver.reason, "approver": waiver.approver},
        )

    def audit_decision(
        self, decision: Decision, record: RecordData, action: str = "gate.decision"
    ) -> None:
        self.store.audit(action, self.actor, **decision_audit(decision, record))


def decision_audit(decision: Decision, record: RecordData) -> dict[str, Any]:
    """What the audit trail keeps of a decision (the keyword arguments of ``audit``)."""
    return {
        "subject": decision["record_id"],
        "pack": ", ".join(f"{p['id']}@{p['version']}" for p in decision["packs"]),
        "record_digest": record_digest(record),
        "details": {
            "decision": decision["decision"],
            "as_of": decision["as_of"].isoformat(),
            "rules": [f["rule"] for f in decision["findings"] if f["outcome"] != "advisory"],
            "waived": [f["rule"] for f in decision["findings"] if f["waiver"]],
            "cases": sorted(
                {a["case_id"] for a in decision["actions"] if a["case_id"]}
                | {c["id"] for c in decision["cases"]}
            ),
        },
    }


__all__ = ["CaseService", "Prepared", "adoption_steps", "decision_audit"]
