"""What gate and sweep do with the case store around each decision."""

from __future__ import annotations

import datetime as dt
from typing import TYPE_CHECKING

from ..models.identity import record_digest, record_key
from .actions import apply_actions
from .base import CaseStore
from .calendar import WorkCalendar
from .overlay import ReviewFacts, overlay, review_facts

if TYPE_CHECKING:
    from ..models.decision import Decision
    from ..models.validate import RecordData
    from ..waivers import Waiver


class CaseService:
    """Reads a record's cases before it is decided, opens cases after."""

    def __init__(self, store: CaseStore, calendar: WorkCalendar, actor: str):
        self.store = store
        self.calendar = calendar
        self.actor = actor

    def prepare(self, record: RecordData, as_of: dt.date) -> tuple[RecordData, ReviewFacts | None]:
        """The record as the case store knows it, and the review case it used."""
        cases = self.store.cases_for(record_key(record))
        if not cases:
            return record, None
        facts = review_facts(cases, as_of, self.calendar)
        return overlay(record, facts, cases), facts

    def finish(self, decision: Decision, record: RecordData, facts: ReviewFacts | None) -> None:
        """Name the case used, and open (or find) the cases the rules ask for."""
        if facts is not None:
            decision["cases"] = [facts.ref()]  # type: ignore[list-item]
        if decision["actions"]:
            apply_actions(decision, record, self.store, self.actor)

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
