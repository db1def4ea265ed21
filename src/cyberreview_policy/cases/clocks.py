"""Statutory clocks of a review case, in Chinese working days.

=============== ================== ============================ =================
state           period             working days                 Art. (2020 / 2021)
=============== ================== ============================ =================
declared        determination      10                           8 / 9
under_review    preliminary review 30, +15 when complex         10 / 11
under_review    member opinions    15, after the preliminary    11 / 12
special_review  special review     45; 90 from 2022-02-15; +ext 13 / 14
=============== ================== ============================ =================

Time in ``supplementing`` does not count (Art. 14 / Art. 15): the days after
the Office's request up to and including the day the material is supplied
are paused, and the deadline moves by as many working days.  A clock that
runs into a year without an official schedule is provisional.
"""

from __future__ import annotations

import datetime as dt
from collections.abc import Sequence
from dataclasses import dataclass, field
from typing import Any

from ..models.measures import REVISION_2021
from .calendar import WorkCalendar
from .lifecycle import Event

COMPLEX_EXTRA = 15


@dataclass
class Clock:
    period: str
    days: int
    started_on: dt.date
    deadline: dt.date
    provisional: bool
    elapsed: bool  # the period has run out (as of the date asked, or when it ended)
    running: bool  # the case is in this period now
    paused: bool = False  # the case is supplementing: the clock stands still
    ended_on: dt.date | None = None

    def to_json(self) -> dict[str, Any]:
        return {
            "period": self.period,
            "days": self.days,
            "started_on": self.started_on.isoformat(),
            "deadline": self.deadline.isoformat(),
            "elapsed": self.elapsed,
            "provisional": self.provisional,
            "running": self.running,
            "paused": self.paused,
            "ended_on": self.ended_on.isoformat() if self.ended_on else None,
        }


@dataclass
class _Phase:
    state: str
    started_on: dt.date
    complex_review: bool = False
    extra_days: int = 0
    pauses: list[tuple[dt.date, dt.date | None]] = field(default_factory=list)
    ended_on: dt.date | None = None


def _phases(events: Sequence[Event]) -> list[_Phase]:
    phases: list[_Phase] = []
    current: _Phase | None = None
    for event in events:
        if event.kind == "extend" and current is not None:
            current.extra_days += int(event.details.get("days", 0))
            continue
        if event.kind != "transition":
            continue
        to_state = event.to_state or ""
        if to_state == "supplementing" and current is not None:
            current.pauses.append((event.on, None))
            continue
        if current is not None and current.pauses and current.pauses[-1][1] is None:
            since, _ = current.pauses[-1]
            current.pauses[-1] = (since, event.on)
            if to_state == current.state:  # resumed after supplementing
                continue
        if current is not None:
            current.ended_on = event.on
        current = None
        if to_state in ("declared", "under_review", "special_review"):
            current = _Phase(to_state, event.on, bool(event.details.get("complex")))
            phases.append(current)
    return phases


def _periods(phase: _Phase) -> list[tuple[str, int]]:
    if phase.state == "declared":
        return [("determination", 10)]
    if phase.state == "under_review":
        return [
            ("preliminary review", 30 + (COMPLEX_EXTRA if phase.complex_review else 0)),
            ("member opinions", 15),
        ]
    days = 45 if phase.started_on < REVISION_2021 else 90
    return [("special review", days + phase.extra_days)]


def case_clocks(events: Sequence[Event], as_of: dt.date, calendar: WorkCalendar) -> list[Clock]:
    """Every period the case has entered, oldest first, as of ``as_of``."""
    clocks: list[Clock] = []
    for phase in _phases(events):
        open_pause = bool(phase.pauses) and phase.pauses[-1][1] is None
        pauses = [(since, until or as_of) for since, until in phase.pauses]
        start = phase.started_on
        for period, days in _periods(phase):
            deadline, provisional = calendar.add_workdays(start, days, pauses)
            ended = phase.ended_on
            in_phase = ended is None and as_of >= start
            running = in_phase and (as_of <= deadline or period != "preliminary review")
            if period == "member opinions":
                running = in_phase and as_of > start
            reference = ended if ended is not None else as_of
            clocks.append(
                Clock(
                    period=period,
                    days=days,
                    started_on=start,
                    deadline=deadline,
                    provisional=provisional,
                    elapsed=reference > deadline and not (running and open_pause),
                    running=running,
                    paused=running and open_pause,
                    ended_on=ended,
                )
            )
            start = deadline
    return clocks


def current_clock(clocks: Sequence[Clock]) -> Clock | None:
    """The clock that runs now: the last running one."""
    running = [clock for clock in clocks if clock.running]
    return running[-1] if running else None
