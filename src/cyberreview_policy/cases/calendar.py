"""Chinese working days: the official schedule, operators' own years, and what is provisional.

A working day is a weekday that is not a statutory holiday, or a weekend day
designated as a make-up working day (调休).  The schedule comes from the
``chinesecalendar`` package for the years it knows (2004 to 2026 in 1.11);
operators supply later years in a calendar file until the package catches up.
A count that reaches a year neither knows is *provisional*: it falls back on
Monday to Friday and says so.

Convention (the Measures are silent): a period of N working days that starts
on day S ends on the N-th working day after S; S itself does not count.
"""

from __future__ import annotations

import datetime as dt
from collections.abc import Iterable, Mapping, Sequence
from dataclasses import dataclass, field
from functools import cache, lru_cache
from pathlib import Path
from typing import Any

from ..errors import CalendarError, LocatedError, Location
from ..i18n.catalog import _

ONE_DAY = dt.timedelta(days=1)
#: deadlines a calendar remembers at most (then it starts again: a service runs for months)
_REMEMBERED = 65536


@dataclass(frozen=True)
class YearSchedule:
    """One year's official schedule: days off that are not weekends, and make-up days."""

    holidays: frozenset[dt.date] = frozenset()
    workdays: frozenset[dt.date] = frozenset()


@cache
def _package_knows(year: int) -> bool:
    import chinese_calendar

    try:
        chinese_calendar.is_workday(dt.date(year, 6, 1))
    except NotImplementedError:
        return False
    return True


@lru_cache(maxsize=16384)
def _package_workday(day: dt.date) -> bool:
    """The package's answer, remembered: it scans its whole table of holidays on every
    call (its range check), 80 us a day, and a board of 500 cases asks for 100,000 days."""
    import chinese_calendar

    return bool(chinese_calendar.is_workday(day))


@dataclass
class WorkCalendar:
    """Working days from the package, then from operator-supplied years."""

    extra: Mapping[int, YearSchedule] = field(default_factory=dict)
    #: answers of :meth:`add_workdays`, which walks day by day: the service asks the
    #: same few deadlines for every record with a case (a fifth of its CPU time, before)
    _added: dict[Any, tuple[dt.date, bool]] = field(
        default_factory=dict, init=False, repr=False, compare=False
    )

    def known(self, year: int) -> bool:
        return _package_knows(year) or year in self.extra

    def is_workday(self, day: dt.date) -> bool:
        """Whether ``day`` is a working day (Monday to Friday for an unknown year)."""
        if _package_knows(day.year):
            return _package_workday(day)
        schedule = self.extra.get(day.year)
        if schedule is not None:
            if day in schedule.workdays:
                return True
            if day in schedule.holidays:
                return False
        return day.weekday() < 5

    def add_workdays(
        self, start: dt.date, days: int, paused: Sequence[tuple[dt.date, dt.date]] = ()
    ) -> tuple[dt.date, bool]:
        """The ``days``-th working day after ``start``, not counting paused days.

        ``paused`` holds (from, to) pairs: the days after ``from`` up to and
        including ``to`` do not count.  Returns (deadline, provisional).
        """
        key = (start, days, tuple(paused))
        found = self._added.get(key)
        if found is None:
            found = self._count(start, days, paused)
            if len(self._added) >= _REMEMBERED:
                self._added.clear()
            self._added[key] = found
        return found

    def _count(
        self, start: dt.date, days: int, paused: Sequence[tuple[dt.date, dt.date]]
    ) -> tuple[dt.date, bool]:
        day, counted, provisional = start, 0, False
        while counted < days:
            day += ONE_DAY
            provisional = provisional or not self.known(day.year)
            if self.is_workday(day) and not _in_pause(day, paused):
                counted += 1
        return day, provisional


def _in_pause(day: dt.date, paused: Iterable[tuple[dt.date, dt.date]]) -> bool:
    return any(since < day <= until for since, until in paused)


# -- the operator's calendar file -----------------------------------------------


def _dates(value: Any, loc: tuple[str | int, ...], fail: Any) -> set[dt.date]:
    if not isinstance(value, list):
        raise fail(loc, _("a list of dates or {from: DATE, to: DATE} ranges"))
    out: set[dt.date] = set()
    for index, item in enumerate(value):
        if isinstance(item, dt.date) and not isinstance(item, dt.datetime):
            out.add(item)
        elif isinstance(item, dict) and set(item) == {"from", "to"}:
            first, last = item["from"], item["to"]
            if not (isinstance(first, dt.date) and isinstance(last, dt.date)) or last < first:
                raise fail((*loc, index), _("a range needs dates with from <= to"))
            day = first
            while day <= last:
                out.add(day)
                day += ONE_DAY
        else:
            raise fail(
                (*loc, index),
                _("{item} is not a date (YYYY-MM-DD) or a from/to range").format(item=repr(item)),
            )
    return out


def load_calendar(path: Path) -> dict[int, YearSchedule]:
    """Read a calendar file: ``YEAR: {holidays: [...], workdays: [...]}`` per year."""
    from ..errors import dotted
    from ..policy.yamlsrc import load

    try:
        data, lines = load(path)
    except LocatedError as exc:
        raise CalendarError(exc.message, exc.location, exc.field) from None

    def fail(loc: tuple[Any, ...], message: str) -> CalendarError:
        field = ".".join(str(part) for part in loc[:2])
        field += dotted(loc[2:]) if len(loc) > 2 else ""
        return CalendarError(message, lines.location(loc), field or None)

    if not isinstance(data, dict):
        raise fail((), _("a calendar file maps years to {holidays: [...], workdays: [...]}"))
    years: dict[int, YearSchedule] = {}
    for year, body in data.items():
        if not isinstance(year, int) or not 2000 <= year <= 2200:
            raise fail((year,), _("{year} is not a year").format(year=repr(year)))
        if not isinstance(body, dict) or not set(body) <= {"holidays", "workdays"}:
            raise fail((year,), _("a year has 'holidays' and 'workdays' lists, nothing else"))
        holidays = _dates(body.get("holidays", []), (year, "holidays"), fail)
        workdays = _dates(body.get("workdays", []), (year, "workdays"), fail)
        for name, days in (("holidays", holidays), ("workdays", workdays)):
            stray = sorted(day for day in days if day.year != year)
            if stray:
                raise fail(
                    (year, name), _("{stray} is not in {year}").format(stray=stray[0], year=year)
                )
        weekday_makeups = sorted(day for day in workdays if day.weekday() < 5)
        if weekday_makeups:
            raise fail(
                (year, "workdays"),
                _("{weekday_makeups} is a weekday: make-up days are weekend days").format(
                    weekday_makeups=weekday_makeups[0]
                ),
            )
        both = sorted(holidays & workdays)
        if both:
            raise fail(
                (year,), _("{both} is both a holiday and a working day").format(both=both[0])
            )
        years[year] = YearSchedule(frozenset(holidays), frozenset(workdays))
    return years


def calendar_for(path: Path | None) -> WorkCalendar:
    """The working calendar, with the operator's file if there is one."""
    if path is None or not path.exists():
        return WorkCalendar()
    if not path.is_file():
        raise CalendarError(_("not a file"), Location(path))
    return WorkCalendar(load_calendar(path))
