"""One gate decision with the case store around it: the CLI, the HTTP service and
the change-management plugins all decide through :func:`decide`.

The caller owns the store's lifetime (the CLI opens one per run, a service one
per process); nothing here prints or exits.
"""

from __future__ import annotations

import datetime as dt
from collections.abc import Sequence
from typing import TYPE_CHECKING, Any

if TYPE_CHECKING:
    from .cases.base import CaseStore
    from .cases.calendar import WorkCalendar
    from .engine import Engine
    from .models.decision import Decision
    from .waivers import Waiver


def decide(
    engine: Engine,
    record: Any,
    as_of: dt.date,
    *,
    store: CaseStore | None,
    calendar: WorkCalendar | None = None,
    actor: str = "cyberreview",
    overrides: Sequence[Waiver] = (),
    audit_action: str = "gate.decision",
) -> Decision:
    """Decide ``record``; with a ``store``, under its review cases, opening the cases
    the rules ask for and recording the decision (and any override) in the audit trail.

    Without a store the decision is the engine's alone: no case is read or opened.
    """
    if store is None:
        return engine.decide(record, as_of)
    from .cases.service import CaseService
    from .fastrecord import record_digest

    assert calendar is not None, "a store needs the work calendar"
    service = CaseService(store, calendar, actor)
    evaluated, facts = service.prepare(record, as_of)
    decision = engine.decide(evaluated, as_of)
    service.finish(decision, record, facts)
    for waiver in overrides:
        store.audit(
            "gate.override",
            actor,
            subject=record.id,
            record_digest=record_digest(record),
            details={"rule": waiver.rule, "reason": waiver.reason, "approver": waiver.approver},
        )
    service.audit_decision(decision, record, audit_action)
    return decision
