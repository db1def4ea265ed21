"""Case states and the transitions between them, mirroring the review procedure.

Review cases follow the Measures: ``open`` (the operator prepares) ->
``declared`` (materials filed; the Office decides whether to review) ->
``under_review`` (preliminary review, then member opinions) -> possibly
``special_review`` -> ``passed`` or ``failed``; the Office may find no review
necessary (``not_required``); it may ask for more material (``supplementing``,
which pauses the clocks, 2020 Art. 14, 2021 Art. 15) and the case then resumes where it was; the
operator may withdraw.  Assessment and remediation cases are simpler.
"""

from __future__ import annotations

import datetime as dt
from collections.abc import Sequence
from dataclasses import dataclass, field
from typing import Any

from ..errors import TransitionError

STATES = (
    "open",
    "declared",
    "under_review",
    "special_review",
    "supplementing",
    "not_required",
    "passed",
    "failed",
    "withdrawn",
)
ENDED_STATES = ("not_required", "passed", "failed", "withdrawn")

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
    "assessment": {"open": ("passed", "not_required", "withdrawn")},
    "remediation": {"open": ("passed", "failed", "withdrawn")},
}


@dataclass(frozen=True)
class Event:
    """One step in a case's history."""

    n: int
    kind: str  # opened | transition | extend | attach
    on: dt.date
    at: dt.datetime
    actor: str
    from_state: str | None = None
    to_state: str | None = None
    note: str | None = None
    details: dict[str, Any] = field(default_factory=dict)

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


def paused_state(events: Sequence[Event]) -> str | None:
    """The state a supplementing case resumes to."""
    for event in reversed(events):
        if event.kind == "transition" and event.to_state == "supplementing":
            return event.from_state
    return None


def next_states(kind: str, state: str, events: Sequence[Event]) -> tuple[str, ...]:
    allowed = TRANSITIONS.get(kind, {}).get(state, ())
    if state == "supplementing":
        resume = paused_state(events)
        allowed = ((resume,) if resume else ()) + allowed
    return allowed


def check_date(case_id: str, on: dt.date, today: dt.date | None = None) -> None:
    """Raise :class:`TransitionError` if a step of ``case_id`` dated ``on`` lies more than
    :data:`MAX_AHEAD` after ``today``."""
    today = today or dt.date.today()
    if (on - today) > MAX_AHEAD:
        raise TransitionError(
            f"case {case_id}: --on {on} is too far ahead: a step may be dated at most "
            f"{MAX_AHEAD.days} days after today ({today})"
        )


def check_transition(
    case_id: str,
    kind: str,
    state: str,
    events: Sequence[Event],
    *,
    to_state: str,
    on: dt.date,
    complex_review: bool = False,
) -> None:
    """Raise :class:`TransitionError` unless ``state -> to_state`` on ``on`` is allowed."""
    if to_state not in STATES:
        raise TransitionError(f"unknown state {to_state!r}; states: {', '.join(STATES)}")
    check_date(case_id, on)
    allowed = next_states(kind, state, events)
    if to_state not in allowed:
        where = f"{', '.join(allowed)}" if allowed else "nowhere: it is closed"
        raise TransitionError(
            f"case {case_id} ({kind}) is {state}: it can go to {where}, not {to_state}"
        )
    last = max((event.on for event in events), default=None)
    if last is not None and on < last:
        raise TransitionError(f"case {case_id}: --on {on} is before its last step, on {last}")
    if complex_review and to_state != "under_review":
        raise TransitionError("--complex marks a review as complex: only with under_review")
