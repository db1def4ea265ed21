"""Case states and the transitions between them, mirroring the review procedure.

Review cases follow the Measures: ``open`` (the operator prepares) ->
``declared`` (materials filed; the Office decides whether to review) ->
``under_review`` (preliminary review, then member opinions) -> possibly
``special_review`` -> ``passed`` or ``failed``; the Office may find no review
necessary (``not_required``); it may ask for more material (``supplementing``,
which pauses the clocks, 2020 Art. 14, 2021 Art. 15) and the case then resumes where it was; the
operator may withdraw (``withdrawn``, the purchase ``cancelled`` or
``superseded``).

Each kind closes in states that mean something: an assessment is
``assessed`` with a conclusion (``may_affect`` or ``no_effect``, which then
feeds decisions); a remediation is ``remediated`` (use stopped, or reviewed)
with a note.  ``passed``, ``not_required`` and ``failed`` of assessment and
remediation cases opened before 0.7 stay as they are, closed.

Dates: a step is dated when it happened, never after today, unless it is
*planned* (a projected date, shown as such; a case is never closed by a
planned step).  A planned step is confirmed by the same transition, dated.
"""

from __future__ import annotations

import datetime as dt
from collections.abc import Sequence
from dataclasses import dataclass, field
from typing import Any

from ..errors import TransitionError
from ..i18n.catalog import _
from ..models.outcomes import CASE_STATES

STATES = CASE_STATES
ENDED_STATES = ("not_required", "passed", "failed", "withdrawn", "assessed", "remediated")
#: The ended states before 0.7 (the first version of the one-open-case index).
ENDED_STATES_V1 = ("not_required", "passed", "failed", "withdrawn")

#: the events that are steps of the procedure: a later step is not dated before them
#: (material, notices and notes may be recorded late and do not count)
STEPS = ("opened", "transition", "extend", "complex")
CONCLUSIONS = ("may_affect", "no_effect")
WITHDRAW_REASONS = ("cancelled", "superseded")

#: How far ahead of today a step may be dated.  A clock that starts on a later day
#: runs past the last date there is (a step on 9999-12-31 broke every later listing).
MAX_AHEAD = dt.timedelta(days=366)

TRANSITIONS: dict[str, dict[str, tuple[str, ...]]] = {
    "review": {
        "open": ("declared", "withdrawn"),
        "declared": ("under_review", "not_required", "supplementing", "withdrawn"),
        "under_review": ("special_review", "passed", "failed", "supplementing", "withdrawn"),
        "special_review": ("passed", "failed", "supplementing", "withdrawn"),
        "supplementing": ("withdrawn",),  # and back to the state it paused
    },
    "assessment": {"open": ("assessed", "withdrawn")},
    "remediation": {"open": ("remediated", "withdrawn")},
}

#: The closing states of each kind, for help texts and docs.
CLOSING = {
    "review": ("passed", "failed", "not_required", "withdrawn"),
    "assessment": ("assessed", "withdrawn"),
    "remediation": ("remediated", "withdrawn"),
}


@dataclass(frozen=True)
class Event:
    """One step in a case's history."""

    n: int
    kind: str  # opened | transition | extend | attach | complex | notice | note | reopened
    on: dt.date
    at: dt.datetime
    actor: str
    from_state: str | None = None
    to_state: str | None = None
    note: str | None = None
    details: dict[str, Any] = field(default_factory=dict)

    @property
    def planned(self) -> bool:
        return bool(self.details.get("planned"))

    def to_json(self) -> dict[str, Any]:
        return {
            "n": self.n,
            "kind": self.kind,
            "on": self.on.isoformat(),
            "at": self.at.isoformat(),
            "actor": self.actor,
            "from": self.from_state,
            "to": self.to_state,
            "note": self.note,
            **({"details": self.details} if self.details else {}),
        }


@dataclass(frozen=True)
class Step:
    """A transition asked for: where to, when, and what the closing states need."""

    to_state: str
    on: dt.date
    note: str | None = None
    complex_review: bool = False
    conclusion: str | None = None  # assessed
    reason: str | None = None  # withdrawn
    planned: bool = False

    def details(self) -> dict[str, Any]:
        """What the step's event (and its audit entry) records beyond from/to/on."""
        out: dict[str, Any] = {}
        if self.complex_review:
            out["complex"] = True
        if self.conclusion:
            out["conclusion"] = self.conclusion
        if self.reason:
            out["reason"] = self.reason
        if self.planned:
            out["planned"] = True
        return out


def paused_state(events: Sequence[Event]) -> str | None:
    """The state a supplementing case resumes to."""
    for event in reversed(events):
        if event.kind == "transition" and event.to_state == "supplementing":
            return event.from_state
    return None


def last_transition(events: Sequence[Event]) -> Event | None:
    for event in reversed(events):
        if event.kind in ("transition", "opened"):
            return event
    return None


def pending_plan(events: Sequence[Event]) -> Event | None:
    """The planned step not yet confirmed, if the case's last step is one."""
    last = last_transition(events)
    return last if last is not None and last.planned else None


def next_states(kind: str, state: str, events: Sequence[Event]) -> tuple[str, ...]:
    allowed = TRANSITIONS.get(kind, {}).get(state, ())
    if state == "supplementing":
        resume = paused_state(events)
        allowed = ((resume,) if resume else ()) + allowed
    return allowed


def check_date(case_id: str, on: dt.date, events: Sequence[Event], today: dt.date) -> None:
    """A dated step: not before the case's last step, not after today."""
    if on > today:
        raise TransitionError(
            _(
                "case {case_id}: {on} is after today ({today}); a step is dated when it "
                "happened (a step still to come can be recorded as planned)"
            ).format(case_id=case_id, on=on, today=today)
        )
    last = max((e.on for e in events if e.kind in STEPS and not e.planned), default=None)
    if last is not None and on < last:
        raise TransitionError(
            _("case {case_id}: {on} is before its last step, on {last}").format(
                case_id=case_id, on=on, last=last
            )
        )


#: what a closing state needs: (field, its values, what it says)
_NEEDS = {
    "assessed": (
        "conclusion",
        CONCLUSIONS,
        "whether putting the product into use affects or may affect national security",
    ),
    "withdrawn": (
        "reason",
        WITHDRAW_REASONS,
        "the purchase was cancelled, or the case is superseded by another",
    ),
}


def _check_closing(case_id: str, kind: str, step: Step) -> None:
    to_state = step.to_state
    for state, (name, values, meaning) in _NEEDS.items():
        given = getattr(step, name)
        if to_state == state and given not in values:
            raise TransitionError(
                _("case {case_id}: {state} needs a {name}, {value} ({meaning})").format(
                    case_id=case_id,
                    state=state,
                    name=name,
                    value=" or ".join(values),
                    meaning=meaning,
                )
            )
        if given is not None and to_state != state:
            raise TransitionError(_("a {name} goes with {state}").format(name=name, state=state))
    if to_state == "remediated" and not (step.note or "").strip():
        raise TransitionError(
            _(
                "case {case_id}: remediated needs a note saying how (use stopped, or reviewed)"
            ).format(case_id=case_id)
        )
    if step.planned and to_state in ENDED_STATES:
        raise TransitionError(
            _(
                "case {case_id}: a case is closed by what happened, not by a plan: "
                "{to_state} cannot be planned"
            ).format(case_id=case_id, to_state=shown_state(to_state))
        )
    if step.complex_review and to_state != "under_review":
        raise TransitionError(_("complex marks a review as complex: only with under_review"))


def shown_state(state: str) -> str:
    """A case state as an error message names it (:func:`..i18n.words.with_value`)."""
    from ..i18n.catalog import current_lang
    from ..i18n.words import with_value

    return with_value("case_state", state, current_lang())


def shown_kind(kind: str) -> str:
    """A case kind as an error message names it: the value in English, the word in Chinese."""
    from ..i18n.catalog import current_lang
    from ..i18n.words import word

    lang = current_lang()
    return kind if lang == "en" else word("case_kind", kind, "zh-CN")


def check_transition(
    case_id: str,
    kind: str,
    state: str,
    events: Sequence[Event],
    step: Step,
    *,
    today: dt.date,
) -> None:
    """Raise :class:`TransitionError` unless ``step`` is allowed from ``state`` now."""
    to_state = step.to_state
    if to_state not in STATES:
        raise TransitionError(
            _("unknown state {to_state}; states: {value}").format(
                to_state=repr(to_state), value=", ".join(STATES)
            )
        )
    plan = pending_plan(events)
    confirming = plan is not None and plan.to_state == to_state == state and not step.planned
    allowed = next_states(kind, state, events)
    if to_state not in allowed and not confirming:
        where = (
            _(", ").join(shown_state(s) for s in allowed) if allowed else _("nowhere: it is closed")
        )
        raise TransitionError(
            _("case {case_id} ({kind}) is {state}: it can go to {where}, not {to_state}").format(
                case_id=case_id,
                kind=shown_kind(kind),
                state=shown_state(state),
                where=where,
                to_state=shown_state(to_state),
            )
        )
    _check_closing(case_id, kind, step)
    if step.planned:
        if step.on <= today:
            raise TransitionError(
                _(
                    "case {case_id}: a planned step is one still to come; {on} is not after "
                    "today ({today})"
                ).format(case_id=case_id, on=step.on, today=today)
            )
        if step.on - today > MAX_AHEAD:
            raise TransitionError(
                _(
                    "case {case_id}: {on} is too far ahead: a step may be planned at most "
                    "{days} days after today ({today})"
                ).format(case_id=case_id, on=step.on, days=MAX_AHEAD.days, today=today)
            )
        last = max((e.on for e in events if e.kind in STEPS), default=None)
        if last is not None and step.on < last:
            raise TransitionError(
                _("case {case_id}: {on} is before its last step, on {last}").format(
                    case_id=case_id, on=step.on, last=last
                )
            )
        return
    history = [e for e in events if e is not plan] if confirming else list(events)
    if plan is not None and not confirming and step.on < plan.on:
        raise TransitionError(
            _(
                "case {case_id}: its {to_state} is planned for {on}; confirm it (the "
                "same transition, dated) before a later step"
            ).format(case_id=case_id, to_state=shown_state(plan.to_state or ""), on=plan.on)
        )
    check_date(case_id, step.on, history, today)
