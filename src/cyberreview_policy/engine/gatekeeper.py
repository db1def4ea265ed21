"""The one decide-with-cases step: the gate, the sweep, the HTTP service and the
change-management check all decide through :class:`Gatekeeper`.

Around the pure engine (:mod:`.core`) it puts the case store: the record as the
store knows it (its review case overlaid), the cases the rules ask for opened
(never twice), and the decision (and any single-run override) recorded in the
audit trail.  (``Runtime.engine`` is the one place an engine is assembled
with the waivers in force.)  The caller owns the store's lifetime; nothing here prints or
exits.
"""

from __future__ import annotations

import datetime as dt
from collections.abc import Callable, Sequence
from functools import partial
from typing import TYPE_CHECKING

from .core import Engine

if TYPE_CHECKING:
    from ..cases.base import Case, CaseStore
    from ..cases.calendar import WorkCalendar
    from ..models.decision import Decision
    from ..models.outcomes import CaseKind
    from ..models.validate import RecordData
    from ..models.waiver import Waiver


class Gatekeeper:
    """Decides records with the case store around the engine (or the engine alone,
    without a store: no case is read or opened, nothing is recorded)."""

    def __init__(
        self,
        engine: Engine,
        store: CaseStore | None = None,
        calendar: WorkCalendar | None = None,
        actor: str = "cyberreview",
    ):
        self.engine = engine
        self.store = store
        self.actor = actor
        self._cases = None
        if store is not None:
            from ..cases.service import CaseService

            assert calendar is not None, "a store needs the work calendar"
            first = engine.packs[0].ref
            self._cases = CaseService(store, calendar, actor, f"{first['id']}@{first['version']}")

    def open_case(self, record: RecordData, kind: CaseKind, as_of: dt.date) -> tuple[Case, bool]:
        """Open a case of ``kind`` for ``record`` by hand (``cases open``), or find the
        open one; ``True`` if created now."""
        assert self._cases is not None, "opening a case needs the case store"
        return self._cases.open_by_hand(self.engine, record, kind, as_of)

    def unaudited(self) -> Callable[[RecordData, dt.date], Decision]:
        """``decide(record, as_of, audit=None)``, as a sweep calls it for every record:
        without a store, the engine's own."""
        if self._cases is None:
            return self.engine.decide
        return partial(self.decide, audit=None)

    def decide(
        self,
        record: RecordData,
        as_of: dt.date,
        *,
        overrides: Sequence[Waiver] = (),
        audit: str | None = "gate.decision",
    ) -> Decision:
        """Decide ``record``; with a store, under its review cases, opening the cases the
        rules ask for, and recording the decision as ``audit`` (``None``: not recorded,
        as in a sweep, whose summary is recorded once)."""
        cases = self._cases
        if cases is None:
            return self.engine.decide(record, as_of)
        prepared = cases.prepare(record, as_of)
        decision = self.engine.decide(prepared.record, as_of)
        cases.finish(decision, record, prepared)
        for waiver in overrides:
            cases.audit_override(record, waiver)
        if audit is not None:
            cases.audit_decision(decision, record, audit)
        return decision
