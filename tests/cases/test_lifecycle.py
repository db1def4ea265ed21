"""The procedure: which state may follow which, and in what order of dates."""

from __future__ import annotations

import datetime as dt

import pytest

from cyberreview_policy.cases.lifecycle import Event, Step, check_transition, next_states
from cyberreview_policy.cases.sqlparts import parse_case_id
from cyberreview_policy.errors import TransitionError, UnknownCaseError

D = dt.date
AT = dt.datetime(2026, 1, 1, tzinfo=dt.UTC)
OPENED = [Event(1, "opened", D(2026, 1, 5), AT, "ana", to_state="open")]
TODAY = D(2026, 6, 30)


def moved(*states: str) -> list[Event]:
    events = list(OPENED)
    previous = "open"
    for number, state in enumerate(states, start=2):
        events.append(Event(number, "transition", D(2026, 1, number), AT, "ana", previous, state))
        previous = state
    return events


@pytest.mark.parametrize(
    ("kind", "state", "events", "allowed"),
    [
        ("review", "open", OPENED, ("declared", "withdrawn")),
        (
            "review",
            "declared",
            moved("declared"),
            ("under_review", "not_required", "supplementing", "withdrawn"),
        ),
        (
            "review",
            "under_review",
            moved("declared", "under_review"),
            ("special_review", "passed", "failed", "supplementing", "withdrawn"),
        ),
        ("review", "supplementing", moved("declared", "supplementing"), ("declared", "withdrawn")),
        (
            "review",
            "supplementing",
            moved("declared", "under_review", "supplementing"),
            ("under_review", "withdrawn"),
        ),
        ("review", "passed", moved("declared", "under_review", "passed"), ()),
        ("assessment", "open", OPENED, ("assessed", "withdrawn")),
        ("remediation", "open", OPENED, ("remediated", "withdrawn")),
        ("assessment", "passed", OPENED, ()),  # closed before 0.8: stays closed
    ],
)
def test_next_states(kind: str, state: str, events: list[Event], allowed: tuple[str, ...]) -> None:
    assert next_states(kind, state, events) == allowed


def test_a_wrong_state_names_the_allowed_ones() -> None:
    with pytest.raises(TransitionError) as info:
        check_transition(
            "CR-000007",
            "review",
            "declared",
            moved("declared"),
            Step("passed", D(2026, 2, 1)),
            today=TODAY,
        )
    assert str(info.value) == (
        "case CR-000007 (review) is declared: it can go to under_review, not_required, "
        "supplementing, withdrawn, not passed"
    )


def test_a_closed_case_goes_nowhere() -> None:
    with pytest.raises(
        TransitionError, match="is passed: it can go to nowhere: it is closed, not declared"
    ):
        check_transition(
            "CR-1",
            "review",
            "passed",
            moved("declared", "under_review", "passed"),
            Step("declared", D(2026, 3, 1)),
            today=TODAY,
        )


def test_unknown_state() -> None:
    with pytest.raises(TransitionError, match="unknown state 'approved'; states: open, declared"):
        check_transition(
            "CR-1", "review", "open", OPENED, Step("approved", D(2026, 1, 6)), today=TODAY
        )


def test_dates_go_forward() -> None:
    with pytest.raises(TransitionError, match="2026-01-04 is before its last step, on 2026-01-05"):
        check_transition(
            "CR-1", "review", "open", OPENED, Step("declared", D(2026, 1, 4)), today=TODAY
        )
    check_transition(
        "CR-1", "review", "open", OPENED, Step("declared", D(2026, 1, 5)), today=TODAY
    )  # same day is fine


def test_complex_only_for_a_review() -> None:
    with pytest.raises(
        TransitionError, match="complex marks a review as complex: only with under_review"
    ):
        check_transition(
            "CR-1",
            "review",
            "open",
            OPENED,
            Step("declared", D(2026, 1, 6), complex_review=True),
            today=TODAY,
        )


def check(kind: str, step: Step, events: list[Event] = OPENED, state: str = "open") -> None:
    check_transition("CR-1", kind, state, events, step, today=TODAY)


@pytest.mark.parametrize(
    ("kind", "step", "message"),
    [
        (
            "assessment",
            Step("assessed", D(2026, 2, 1)),
            "assessed needs a conclusion, may_affect or no_effect",
        ),
        (
            "assessment",
            Step("assessed", D(2026, 2, 1), conclusion="maybe"),
            "assessed needs a conclusion",
        ),
        (
            "review",
            Step("declared", D(2026, 2, 1), conclusion="no_effect"),
            "a conclusion goes with assessed",
        ),
        (
            "review",
            Step("withdrawn", D(2026, 2, 1)),
            "withdrawn needs a reason, cancelled or superseded",
        ),
        (
            "assessment",
            Step("withdrawn", D(2026, 2, 1), reason="bored"),
            "withdrawn needs a reason",
        ),
        (
            "review",
            Step("declared", D(2026, 2, 1), reason="cancelled"),
            "a reason goes with withdrawn",
        ),
        ("remediation", Step("remediated", D(2026, 2, 1), note="  "), "remediated needs a note"),
        (
            "assessment",
            Step("passed", D(2026, 2, 1)),
            "it can go to assessed, withdrawn, not passed",
        ),
    ],
)
def test_closing_states_say_why(kind: str, step: Step, message: str) -> None:
    with pytest.raises(TransitionError, match=message):
        check(kind, step)


def test_closing_states_with_what_they_need() -> None:
    check("assessment", Step("assessed", D(2026, 2, 1), conclusion="may_affect"))
    check("assessment", Step("withdrawn", D(2026, 2, 1), reason="cancelled"))
    check("remediation", Step("remediated", D(2026, 2, 1), note="use stopped on 1 Feb"))
    check("review", Step("withdrawn", D(2026, 2, 1), reason="superseded"))


def test_a_step_after_today_is_refused_unless_planned() -> None:
    with pytest.raises(TransitionError, match="2031-01-05 is after today \\(2026-06-30\\)"):
        check("review", Step("declared", D(2031, 1, 5)))
    check("review", Step("declared", D(2026, 7, 20), planned=True))
    with pytest.raises(TransitionError, match="a planned step is one still to come"):
        check("review", Step("declared", D(2026, 6, 30), planned=True))
    with pytest.raises(TransitionError, match="passed cannot be planned"):
        check(
            "review",
            Step("passed", D(2026, 7, 20), planned=True),
            moved("declared", "under_review"),
            "under_review",
        )


def test_a_planned_step_is_confirmed_by_the_same_transition() -> None:
    planned = [
        *OPENED,
        Event(
            2,
            "transition",
            D(2026, 7, 20),
            AT,
            "ana",
            "open",
            "declared",
            details={"planned": True},
        ),
    ]
    check("review", Step("declared", D(2026, 6, 29)), planned, "declared")  # it happened earlier
    with pytest.raises(TransitionError, match="its declared is planned for 2026-07-20; confirm it"):
        check("review", Step("under_review", D(2026, 6, 29)), planned, "declared")
    with pytest.raises(TransitionError, match="it can go to under_review"):
        check(
            "review", Step("declared", D(2026, 6, 29)), moved("declared"), "declared"
        )  # not planned


@pytest.mark.parametrize("on", [D(9999, 12, 31), D(9999, 12, 30), D(2150, 1, 1)])
def test_a_step_planned_absurdly_far_ahead_is_refused(on: dt.date) -> None:
    with pytest.raises(TransitionError, match=f"{on} is too far ahead"):
        check("review", Step("declared", on, planned=True))


def test_a_step_planned_within_a_year_is_allowed() -> None:
    check("review", Step("declared", TODAY + dt.timedelta(days=366), planned=True))
    with pytest.raises(TransitionError, match="too far ahead"):
        check("review", Step("declared", TODAY + dt.timedelta(days=367), planned=True))


@pytest.mark.parametrize(
    ("text", "seq"),
    [("CR-000001", 1), ("CR-1", 1), ("CR-" + "0" * 40 + "12", 12), ("CR-" + "9" * 18, 10**18 - 1)],
)
def test_case_ids(text: str, seq: int) -> None:
    assert parse_case_id(text) == seq


@pytest.mark.parametrize(
    "text", ["CR-²", "CR-①", "CR-٣", "CR-" + "9" * 19, "CR-" + "7" * 5000, "CR-", "CR-1\n", "cr-1"]
)
def test_ids_no_case_can_have_are_unknown(text: str) -> None:
    with pytest.raises(UnknownCaseError, match="case ids look like CR-000001") as info:
        parse_case_id(text)
    assert len(str(info.value)) < 120
