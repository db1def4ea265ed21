"""What gate and sweep do with the case store around each decision."""

from __future__ import annotations

import datetime as dt
from dataclasses import dataclass
from typing import TYPE_CHECKING

from ..models.identity import record_digest, record_key
from .actions import apply_actions
from .base import CaseStore
from .calendar import WorkCalendar
from .overlay import ReviewFacts, overlay, review_facts
from .trail import case_differences, replay_cases

if TYPE_CHECKING:
    from ..models.decision import Decision, Finding
    from ..models.validate import RecordData
    from ..models.waiver import Waiver


@dataclass(frozen=True)
class Prepared:
    """A record as the case store knows it, ready to decide."""

    record: RecordData  # with its review case overlaid
    facts: ReviewFacts | None  # the review case used
    differing: dict[str, list[str]]  # case id -> how its row differs from its audit trail


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


class CaseService:
    """Reads a record's cases before it is decided, opens cases after."""

    def __init__(self, store: CaseStore, calendar: WorkCalendar, actor: str):
        self.store = store
        self.calendar = calendar
        self.actor = actor

    def prepare(self, record: RecordData, as_of: dt.date) -> Prepared:
        """The record as the case store knows it, the review case it used, and the
        cases whose rows do not match their audit trail."""
        cases = self.store.cases_for(record_key(record))
        if not cases:
            return Prepared(record, None, {})
        told = replay_cases(self.store.trail_of([case.id for case in cases], "case."))
        differing = {}
        for case in cases:
            found = case_differences(
                case, told.get(case.id), {(m.kind, m.sha256) for m in case.materials}
            )
            if found:
                differing[case.id] = found
        facts = review_facts(cases, as_of, self.calendar)
        return Prepared(overlay(record, facts, cases), facts, differing)

    def finish(self, decision: Decision, record: RecordData, prepared: Prepared) -> None:
        """Name the case used, open (or find) the cases the rules ask for, and block
        on a case that differs from its trail: it must not clear the record."""
        if prepared.facts is not None:
            decision["cases"] = [prepared.facts.ref()]  # type: ignore[list-item]
        if decision["actions"]:
            apply_actions(decision, record, self.store, self.actor)
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
        packs = ", ".join(f"{p['id']}@{p['version']}" for p in decision["packs"])
        self.store.audit(
            action,
            self.actor,
            subject=decision["record_id"],
            pack=packs,
            record_digest=record_digest(record),
            details={
                "decision": decision["decision"],
                "as_of": decision["as_of"].isoformat(),
                "rules": [f["rule"] for f in decision["findings"] if f["outcome"] != "advisory"],
                "waived": [f["rule"] for f in decision["findings"] if f["waiver"]],
                "cases": sorted(
                    {a["case_id"] for a in decision["actions"] if a["case_id"]}
                    | {c["id"] for c in decision["cases"]}
                ),
            },
        )
