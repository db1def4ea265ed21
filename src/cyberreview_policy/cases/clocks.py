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

Say what is known.  A period is *actual* when it starts on a recorded step;
it is *projected* when its start is planned, was not recorded by the source a
case was adopted from, or is inferred (member opinions start when the
preliminary review may last end: no event tells when it did).  A period the
tool cannot see end says so ("not recorded"); it never says "done".
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
#: what a review still needs after each period, at the least (working days)
_AFTER = {"determination": (30, 15), "preliminary review": (15,)}
#: a review not yet declared: determination, preliminary review, member opinions
NOT_DECLARED = (10, 30, 15)


@dataclass
class Clock:
    period: str
    days: int
    started_on: dt.date
    deadline: dt.date
    provisional: bool  # the deadline runs past the known official calendar
    elapsed: bool  # the period has run out (as of the date asked, or when it ended)
    running: bool  # the case is in this period now
    paused: bool = False  # the case is supplementing: the clock stands still
    ended_on: dt.date | None = None  # a recorded step ended the period then
    projected: bool = False  # the start is not a recorded step
    status: str = ""  # running, elapsed, paused, to come, ended, not recorded, not reached

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
            "basis": "projected" if self.projected else "actual",
            "status": self.status,
        }


@dataclass
class _Phase:
    state: str
    started_on: dt.date
    projected: bool = False
    complex_review: bool = False
    extra_days: int = 0
    pauses: list[tuple[dt.date, dt.date | None]] = field(default_factory=list)
    ended_on: dt.date | None = None


def _projected(event: Event) -> bool:
    return event.planned or event.details.get("recorded") is False


def _phases(events: Sequence[Event]) -> list[_Phase]:
    phases: list[_Phase] = []
    current: _Phase | None = None
    for event in events:
        if event.kind == "extend" and current is not None:
            current.extra_days += int(event.details.get("days", 0))
            continue
        if event.kind == "complex" and current is not None:
            current.complex_review = True
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
        if current is not None and event.from_state == to_state == current.state:
            current.started_on, current.projected = event.on, False  # a plan confirmed
            continue
        if current is not None:
            current.ended_on = event.on
        current = None
        if to_state in ("declared", "under_review", "special_review"):
            current = _Phase(
                to_state, event.on, _projected(event), bool(event.details.get("complex"))
            )
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


def _status(clock: Clock, first: bool, last: bool, as_of: dt.date) -> str:
    ended = clock.ended_on
    if ended is not None:
        if not first and ended <= clock.started_on:
            return "not reached"
        if ended <= clock.deadline or last:
            return "ended"
        return "not recorded"  # the phase went on: when this period ended is unknown
    if clock.paused:
        return "paused"
    if clock.running:
        return "elapsed" if clock.elapsed else "running"
    if as_of <= clock.started_on:
        return "to come"
    return "not recorded"


def case_clocks(events: Sequence[Event], as_of: dt.date, calendar: WorkCalendar) -> list[Clock]:
    """Every period the case has entered, oldest first, as of ``as_of``."""
    clocks: list[Clock] = []
    for phase in _phases(events):
        open_pause = bool(phase.pauses) and phase.pauses[-1][1] is None
        pauses = [(since, until or as_of) for since, until in phase.pauses]
        start, projected = phase.started_on, phase.projected
        periods = _periods(phase)
        for index, (period, days) in enumerate(periods):
            deadline, provisional = calendar.add_workdays(start, days, pauses)
            ended = phase.ended_on
            in_phase = ended is None and as_of >= start
            running = in_phase and (as_of <= deadline or period != "preliminary review")
            if period == "member opinions":
                running = in_phase and as_of > start
            reference = ended if ended is not None else as_of
            clock = Clock(
                period=period,
                days=days,
                started_on=start,
                deadline=deadline,
                provisional=provisional,
                elapsed=reference > deadline and not (running and open_pause),
                running=running,
                paused=running and open_pause,
                ended_on=ended,
                projected=projected,
            )
            clock.status = _status(clock, index == 0, index == len(periods) - 1, as_of)
            clocks.append(clock)
            start, projected = deadline, True  # the next period starts when this may end
    return clocks


def current_clock(clocks: Sequence[Clock]) -> Clock | None:
    """The clock that runs now: the last running one."""
    running = [clock for clock in clocks if clock.running]
    return running[-1] if running else None


def earliest_clearance(
    clocks: Sequence[Clock], as_of: dt.date, calendar: WorkCalendar, *, declared: bool
) -> tuple[dt.date, bool]:
    """The earliest day a review can end, counting every statutory period still ahead
    in full (the Office may answer sooner, and often takes longer): the running
    period to its deadline (or today, once it has run out), then those that follow.
    A review not yet ``declared`` needs all of 10 + 30 + 15 working days from today
    (or from a planned declaration).  Returns (date, provisional)."""
    clock = current_clock(clocks)
    if not declared or clock is None:
        start = max([as_of, *(c.started_on for c in clocks if c.status == "to come")])
        return calendar.add_workdays(start, sum(NOT_DECLARED))
    end, provisional = max(clock.deadline, as_of), clock.provisional
    after = _AFTER.get(clock.period, ())
    if after:
        end, more = calendar.add_workdays(end, sum(after))
        provisional = provisional or more
    return end, provisional
