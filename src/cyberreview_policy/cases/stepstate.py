"""A case's steps: transitions, a special review extended, a review marked complex,
and the Office's notices.  Each is checked and written in one transaction, and
its audit entry says what changed (state, dates, conclusion, notice reference),
so the trail alone can rebuild where every case stands."""

from __future__ import annotations

import datetime as dt
from typing import TYPE_CHECKING, Any

from ..errors import TransitionError
from ..i18n.catalog import _
from .base import MATERIAL_KINDS, NOTICE_KINDS, Case, Notice
from .clocks import case_clocks
from .lifecycle import (
    Step,
    check_date,
    check_transition,
    paused_state,
    pending_plan,
    shown_kind,
    shown_state,
)
from .materialstate import MaterialState
from .sqlparts import now, parse_case_id

if TYPE_CHECKING:
    from .calendar import WorkCalendar


class StepState(MaterialState):
    """Mixed into :class:`~.sqlstore.SqlStore` (a notice's letter is material)."""

    def _step(self, case: Case, kind: str, on: dt.date, actor: str, **event: Any) -> None:
        """One event on the case and its audit entry (``case.<kind>``), whose details
        repeat the event's: what changed, and when."""
        details: dict[str, Any] = event.pop("details", None) or {}
        audit: dict[str, Any] = event.pop("audit", None) or {}
        self._add_event(parse_case_id(case.id), kind, on, actor, details=details, **event)
        self._append_audit(
            f"case.{kind}",
            actor,
            subject=case.id,
            pack=case.pack,
            record_digest=case.record_digest if kind == "transition" else None,
            details={**audit, "on": on.isoformat(), **details},
        )

    def transition(
        self,
        case_id: str,
        to_state: str,
        *,
        on: dt.date,
        actor: str,
        note: str | None = None,
        complex_review: bool = False,
        conclusion: str | None = None,
        reason: str | None = None,
        planned: bool = False,
    ) -> Case:
        step = Step(to_state, on, note, complex_review, conclusion, reason, planned)
        with self._guard("moving a case"), self._write():
            case = self._locked(case_id)
            check_transition(case.id, case.kind, case.state, case.events, step, today=self._today())
            details = step.details()
            plan = pending_plan(case.events)
            if plan is not None and case.state == to_state and not planned:
                details["confirms"] = plan.n
            self._execute(
                "UPDATE cases SET state = ?, updated_at = ? WHERE seq = ?",
                (to_state, now().isoformat(), parse_case_id(case.id)),
            )
            self._step(
                case,
                "transition",
                on,
                actor,
                from_state=case.state,
                to_state=to_state,
                note=note,
                details=details,
                audit={"from": case.state, "to": to_state},
            )
        return self.get(case_id)

    def _running(self, case: Case, on: dt.date, calendar: WorkCalendar, period: str) -> Any:
        clocks = [c for c in case_clocks(case.events, on, calendar) if c.period == period]
        return clocks[-1] if clocks else None

    def extend(
        self,
        case_id: str,
        days: int,
        on: dt.date,
        actor: str,
        note: str,
        *,
        calendar: WorkCalendar | None = None,
    ) -> Case:
        if days <= 0:
            raise TransitionError(_("an extension is a positive number of working days"))
        with self._guard("extending a case"), self._write():
            case = self._locked(case_id)
            if case.state != "special_review":
                raise TransitionError(
                    _("case {id} is {state}: only a special review can be extended").format(
                        id=case.id, state=shown_state(case.state)
                    )
                )
            check_date(case.id, on, case.events, self._today())
            if calendar is not None:
                clock = self._running(case, on, calendar, "special review")
                if clock is not None and on > clock.deadline:
                    raise TransitionError(
                        _(
                            "case {id}: its special review ran out on {deadline}; a period "
                            "that has ended cannot be extended"
                        ).format(id=case.id, deadline=clock.deadline)
                    )
            self._step(case, "extend", on, actor, note=note, details={"days": days})
        return self.get(case_id)

    def mark_complex(
        self, case_id: str, *, on: dt.date, actor: str, note: str | None, calendar: WorkCalendar
    ) -> Case:
        with self._guard("marking a case complex"), self._write():
            case = self._locked(case_id)
            state = paused_state(case.events) if case.state == "supplementing" else case.state
            if case.kind != "review" or state != "under_review":
                raise TransitionError(
                    _(
                        "case {id} ({kind}) is {state}: only a review under preliminary review "
                        "can be marked complex"
                    ).format(id=case.id, kind=shown_kind(case.kind), state=shown_state(case.state))
                )
            check_date(case.id, on, case.events, self._today())
            clock = self._running(case, on, calendar, "preliminary review")
            if clock is None or clock.days > 30:
                raise TransitionError(_("case {id} is marked complex already").format(id=case.id))
            if on > clock.deadline:
                raise TransitionError(
                    _(
                        "case {id}: its preliminary review ran out on {deadline}; a review is "
                        "marked complex before then"
                    ).format(id=case.id, deadline=clock.deadline)
                )
            self._step(case, "complex", on, actor, note=note, details={"extra_days": 15})
        return self.get(case_id)

    def notice(self, case_id: str, notice: Notice, *, actor: str) -> Case:
        if notice.kind not in NOTICE_KINDS:
            raise TransitionError(
                _("unknown notice kind {kind}; kinds: {value}").format(
                    kind=repr(notice.kind), value=", ".join(NOTICE_KINDS)
                )
            )
        ref = notice.ref.strip()
        if not ref:
            raise TransitionError(_("a notice needs the Office's reference number"))
        _check_requests(notice)
        with self._guard("recording a notice"), self._write():
            case = self._locked(case_id)
            if notice.on > self._today():
                raise TransitionError(
                    _("case {id}: {on} is after today ({value})").format(
                        id=case.id, on=notice.on, value=self._today()
                    )
                )
            if any(e.details.get("ref") == ref for e in case.notices()):
                raise TransitionError(
                    _("case {id}: notice {ref} is on file already").format(id=case.id, ref=ref)
                )
            details: dict[str, Any] = {"notice": notice.kind, "ref": ref}
            if notice.requests:
                details["requests"] = sorted(set(notice.requests))
            if notice.content is not None:
                material = self._insert_material(
                    case,
                    "office_notice",
                    notice.filename or f"{ref}.pdf",
                    notice.content,
                    on=notice.on,
                    actor=actor,
                )
                details |= {"material": material.name, "sha256": material.sha256}
            self._step(case, "notice", notice.on, actor, note=notice.note, details=details)
        return self.get(case_id)


def _check_requests(notice: Notice) -> None:
    """What a notice asks for: material kinds, and only on a supplement request."""
    if not notice.requests:
        return
    if notice.kind != "supplement_request":
        raise TransitionError(_("only a supplement_request notice names the materials it asks for"))
    unknown = sorted(set(notice.requests) - set(MATERIAL_KINDS))
    if unknown:
        raise TransitionError(
            _("unknown material kind {kind}; kinds: {value}").format(
                kind=repr(unknown[0]), value=", ".join(MATERIAL_KINDS)
            )
        )
