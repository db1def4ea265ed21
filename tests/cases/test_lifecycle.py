"""The procedure: which state may follow which, and in what order of dates."""

from __future__ import annotations

import datetime as dt

import pytest

from cyberreview_policy.cases.lifecycle import Event, check_date, check_transition, next_states
from cyberreview_policy.cases.sqlstore import parse_case_id
from cyberreview_policy.errors import TransitionError, UnknownCaseError

D = dt.date
AT = dt.datetime(2026, 1, 1, tzinfo=dt.UTC)
OPENED = [Event(1, "opened", D(2026, 1, 5), AT, "ana", to_state="open")]


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
        ("assessment", "open", OPENED, ("passed", "not_required", "withdrawn")),
        ("remediation", "open", OPENED, ("passed", "failed", "withdrawn")),
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
            to_state="passed",
            on=D(2026, 2, 1),
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
            to_state="declared",
            on=D(2026, 3, 1),
        )


def test_unknown_state() -> None:
    with pytest.raises(TransitionError, match="unknown state 'approved'; states: open, declared"):
        check_transition("CR-1", "review", "open", OPENED, to_state="approved", on=D(2026, 1, 6))


def test_dates_go_forward() -> None:
    with pytest.raises(
        TransitionError, match="--on 2026-01-04 is before its last step, on 2026-01-05"
    ):
        check_transition("CR-1", "review", "open", OPENED, to_state="declared", on=D(2026, 1, 4))
    check_transition(
        "CR-1", "review", "open", OPENED, to_state="declared", on=D(2026, 1, 5)
    )  # same day is fine


def test_complex_only_for_a_review() -> None:
    with pytest.raises(
        TransitionError, match="--complex marks a review as complex: only with under_review"
    ):
        check_transition(
            "CR-1",
            "review",
            "open",
            OPENED,
            to_state="declared",
            on=D(2026, 1, 6),
            complex_review=True,
        )


@pytest.mark.parametrize("on", [D(9999, 12, 31), D(9999, 12, 30), D(2150, 1, 1)])
def test_a_step_dated_absurdly_far_ahead_is_refused(on: dt.date) -> None:
    with pytest.raises(TransitionError, match=f"--on {on} is too far ahead"):
        check_transition("CR-1", "review", "open", OPENED, to_state="declared", on=on)


def test_a_step_within_a_year_is_allowed() -> None:
    soon = dt.date.today() + dt.timedelta(days=300)
    check_transition("CR-1", "review", "open", OPENED, to_state="declared", on=soon)
    with pytest.raises(TransitionError, match="too far ahead"):
        check_date("CR-1", D(2027, 1, 3), today=D(2026, 1, 1))
    check_date("CR-1", D(2027, 1, 2), today=D(2026, 1, 1))


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
