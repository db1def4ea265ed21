"""Statutory clocks of a review case, walked through the 2026 Spring Festival and into 2027."""

from __future__ import annotations

import datetime as dt
from typing import Any

from cyberreview_policy.cases.calendar import WorkCalendar
from cyberreview_policy.cases.clocks import Clock, case_clocks, current_clock
from cyberreview_policy.cases.lifecycle import Event

D = dt.date
AT = dt.datetime(2026, 1, 1, tzinfo=dt.UTC)


def steps(
    *moves: tuple[str, str, dt.date] | tuple[str, str, dt.date, dict[str, Any]],
) -> list[Event]:
    events = [Event(1, "opened", D(2026, 1, 5), AT, "ana", to_state="open")]
    for number, move in enumerate(moves, start=2):
        details = move[3] if len(move) == 4 else {}  # type: ignore[misc]
        kind = "extend" if move[0] == "extend" else "transition"
        events.append(
            Event(
                number,
                kind,
                move[2],
                AT,
                "ana",
                from_state=move[0],
                to_state=move[1],
                details=details,
            )
        )
    return events


def brief(clocks: list[Clock]) -> list[tuple[str, str, str, bool, bool]]:
    return [
        (c.period, str(c.started_on), str(c.deadline), c.elapsed, c.provisional) for c in clocks
    ]


WALK = steps(
    ("open", "declared", D(2026, 1, 20)),
    ("declared", "under_review", D(2026, 2, 2)),
    ("under_review", "supplementing", D(2026, 3, 2)),
    ("supplementing", "under_review", D(2026, 3, 16)),
)


def test_determination_then_preliminary_review_across_the_spring_festival() -> None:
    clocks = case_clocks(WALK[:3], D(2026, 2, 10), WorkCalendar())
    assert brief(clocks) == [
        # Jan 21..Feb 3 without the weekends: 10 working days
        ("determination", "2026-01-20", "2026-02-03", False, False),
        # 30 working days from Feb 2: Feb 14 and 28 (Saturdays) count, Feb 15-23 do not
        ("preliminary review", "2026-02-02", "2026-03-20", False, False),
        ("member opinions", "2026-03-20", "2026-04-13", False, False),  # Apr 4-6 Qingming
    ]
    running = current_clock(clocks)
    assert running is not None and running.period == "preliminary review"


def test_supplementing_stops_the_clock_and_moves_the_deadline() -> None:
    paused = case_clocks(WALK[:4], D(2026, 3, 10), WorkCalendar())
    running = current_clock(paused)
    assert running is not None
    assert running.paused
    assert not running.elapsed
    resumed = case_clocks(WALK, D(2026, 4, 1), WorkCalendar())
    # 16 working days were used by Mar 2; Mar 3..16 are paused; 14 more end on Apr 3
    assert brief(resumed)[1:] == [
        ("preliminary review", "2026-02-02", "2026-04-03", False, False),
        ("member opinions", "2026-04-03", "2026-04-27", False, False),  # Apr 4-6 Qingming
    ]


def test_overdue_once_member_opinions_elapse() -> None:
    late = case_clocks(WALK, D(2026, 4, 28), WorkCalendar())
    running = current_clock(late)
    assert running is not None
    assert (running.period, running.elapsed) == ("member opinions", True)
    on_time = current_clock(case_clocks(WALK, D(2026, 4, 27), WorkCalendar()))
    assert on_time is not None and not on_time.elapsed


def test_passed_ends_the_clocks() -> None:
    done = case_clocks(
        [*WALK, *steps(("under_review", "passed", D(2026, 4, 20)))[1:]],
        D(2026, 9, 1),
        WorkCalendar(),
    )
    assert current_clock(done) is None
    assert all(not clock.running for clock in done)


def test_complex_review_gets_fifteen_more_days() -> None:
    events = steps(
        ("open", "declared", D(2026, 1, 20)),
        ("declared", "under_review", D(2026, 2, 2), {"complex": True}),
    )
    clocks = case_clocks(events, D(2026, 2, 10), WorkCalendar())
    assert (clocks[1].days, str(clocks[1].deadline)) == (45, "2026-04-13")


def test_special_review_is_45_days_before_the_2021_revision_and_90_after() -> None:
    before = steps(
        ("open", "declared", D(2021, 3, 1)),
        ("declared", "under_review", D(2021, 3, 10)),
        ("under_review", "special_review", D(2021, 6, 1)),
    )
    after = steps(
        ("open", "declared", D(2026, 3, 1)),
        ("declared", "under_review", D(2026, 3, 10)),
        ("under_review", "special_review", D(2026, 6, 1)),
    )
    assert case_clocks(before, D(2021, 6, 2), WorkCalendar())[-1].days == 45
    assert case_clocks(after, D(2026, 6, 2), WorkCalendar())[-1].days == 90


def test_an_extension_moves_the_special_review_deadline() -> None:
    base = steps(
        ("open", "declared", D(2026, 3, 2)),
        ("declared", "under_review", D(2026, 3, 9)),
        ("under_review", "special_review", D(2026, 5, 6)),
    )
    extended = [*base, *steps(("extend", "", D(2026, 6, 1), {"days": 20}))[1:]]
    plain = case_clocks(base, D(2026, 6, 2), WorkCalendar())[-1]
    longer = case_clocks(extended, D(2026, 6, 2), WorkCalendar())[-1]
    assert (plain.days, longer.days) == (90, 110)
    assert longer.deadline > plain.deadline


def test_a_period_into_2027_is_provisional() -> None:
    events = steps(
        ("open", "declared", D(2026, 11, 2)), ("declared", "under_review", D(2026, 11, 16))
    )
    clocks = case_clocks(events, D(2026, 11, 20), WorkCalendar())
    assert [(c.period, str(c.deadline), c.provisional) for c in clocks] == [
        ("determination", "2026-11-16", False),
        ("preliminary review", "2026-12-28", False),
        ("member opinions", "2027-01-18", True),  # runs into 2027: no official schedule yet
    ]
