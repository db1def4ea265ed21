"""Working days: the official schedule, make-up days, the operator's own years."""

from __future__ import annotations

import datetime as dt
from pathlib import Path

import pytest

from cyberreview_policy.cases.calendar import WorkCalendar, calendar_for, load_calendar
from cyberreview_policy.errors import CalendarError

D = dt.date
CAL = WorkCalendar()


def test_spring_festival_2026() -> None:
    assert CAL.is_workday(D(2026, 2, 14))  # a Saturday, worked to make up
    assert not CAL.is_workday(D(2026, 2, 16))  # a Monday of the holiday
    assert not CAL.is_workday(D(2026, 2, 23))
    assert CAL.is_workday(D(2026, 2, 24))
    assert CAL.is_workday(D(2026, 2, 28))  # the second make-up Saturday


def test_counting_starts_the_day_after() -> None:
    assert CAL.add_workdays(D(2026, 1, 20), 1) == (D(2026, 1, 21), False)
    assert CAL.add_workdays(D(2026, 1, 23), 1) == (D(2026, 1, 26), False)  # over a weekend
    # 10 working days across the 2026 Spring Festival: Feb 12, 13, 14 (Sat), 24, 25, 26, 27, 28 (Sat), Mar 2, 3
    assert CAL.add_workdays(D(2026, 2, 11), 10) == (D(2026, 3, 3), False)


def test_pauses_do_not_count() -> None:
    deadline, _ = CAL.add_workdays(D(2026, 3, 2), 5, [(D(2026, 3, 4), D(2026, 3, 10))])
    # Mar 3, 4 count; Mar 5..10 are paused; then Mar 11, 12, 13
    assert deadline == D(2026, 3, 13)


def test_a_year_without_schedule_is_provisional() -> None:
    deadline, provisional = CAL.add_workdays(D(2026, 12, 20), 15)
    assert provisional is True
    assert deadline.year == 2027
    assert CAL.add_workdays(D(2026, 12, 1), 5)[1] is False
    assert not CAL.known(2027)


def test_operator_schedule_for_a_new_year(tmp_path: Path) -> None:
    path = tmp_path / "calendar.yaml"
    path.write_text(
        "2027:\n"
        "  holidays:\n"
        "    - 2027-01-01\n"
        "    - {from: 2027-02-06, to: 2027-02-13}\n"
        "  workdays: [2027-02-14]\n",
        "utf-8",
    )
    cal = calendar_for(path)
    assert cal.known(2027)
    assert not cal.is_workday(D(2027, 1, 1))
    assert not cal.is_workday(D(2027, 2, 8))
    assert cal.is_workday(D(2027, 2, 14))  # a Sunday made up
    assert cal.add_workdays(D(2026, 12, 20), 15)[1] is False


def test_no_file_is_the_official_schedule(tmp_path: Path) -> None:
    assert calendar_for(tmp_path / "none.yaml").extra == {}


@pytest.mark.parametrize(
    ("text", "line", "field", "message"),
    [
        (
            "2027:\n  holidays: [2027-13-01]\n",
            2,
            None,
            "invalid value '2027-13-01': month must be in 1..12",
        ),
        ("2027:\n  holidays: [yesterday]\n", 2, "2027.holidays[0]", "'yesterday' is not a date"),
        ("2027:\n  workdays: [2027-02-15]\n", 2, "2027.workdays", "2027-02-15 is a weekday"),
        ("2027:\n  holidays: [2028-01-01]\n", 2, "2027.holidays", "2028-01-01 is not in 2027"),
        ("2027:\n  vacations: []\n", 1, "2027", "'holidays' and 'workdays' lists, nothing else"),
        ("twenty:\n  holidays: []\n", 1, "twenty", "'twenty' is not a year"),
        (
            "2027:\n  holidays: [{from: 2027-02-10, to: 2027-02-01}]\n",
            2,
            "2027.holidays[0]",
            "from <= to",
        ),
    ],
)
def test_bad_calendar_file(
    tmp_path: Path, text: str, line: int, field: str | None, message: str
) -> None:
    path = tmp_path / "calendar.yaml"
    path.write_text(text, "utf-8")
    with pytest.raises(CalendarError) as info:
        load_calendar(path)
    error = info.value
    assert error.location is not None
    assert (error.location.file, error.location.line) == (str(path), line)
    assert error.field == field
    assert message in str(error)


def test_a_deadline_is_counted_once_and_remembered(monkeypatch: pytest.MonkeyPatch) -> None:
    """The service asks the same deadlines for every record with a case: the second
    time, the calendar answers without walking the days again."""
    calendar = WorkCalendar()
    paused = [(dt.date(2026, 2, 20), dt.date(2026, 3, 2))]
    first = calendar.add_workdays(dt.date(2026, 2, 10), 45, paused)
    walked: list[dt.date] = []
    monkeypatch.setattr(calendar, "is_workday", lambda day: walked.append(day) or True)
    assert calendar.add_workdays(dt.date(2026, 2, 10), 45, tuple(paused)) == first
    assert walked == []
    assert calendar.add_workdays(dt.date(2026, 2, 11), 45, paused) != first  # another question
    assert walked
    assert WorkCalendar() == calendar  # what it remembers is not part of it
