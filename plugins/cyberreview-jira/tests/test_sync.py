"""Cases mirrored in the local Jira through the host's sync: one issue per case, only
changes sent, transitions by name, never a duplicate, 429 storms, minimal content."""

from __future__ import annotations

import datetime as dt
import logging
from pathlib import Path

import pytest
from fake_jira import FakeJira

from conftest import AS_OF, TOKEN, Setup
from cyberreview_policy.testing import Fault, Request


def creates(request: Request) -> bool:
    return request.method == "POST" and request.path == "/rest/api/3/issue"


def test_one_issue_per_case_then_only_what_changed(setup: Setup, jira: FakeJira) -> None:
    a, b, c = setup.open(3)
    first = setup.sync()
    assert (first.created, first.failed) == ([a, b, c], [])
    assert len(jira.issues) == 3
    assert [r.method for r in jira.requests].count("PUT") == 0  # created as they are
    for case_id, key in zip((a, b, c), ("SEC-1", "SEC-2", "SEC-3"), strict=True):
        assert case_id in jira.issues[key].fields["summary"]
        assert len(jira.with_label(setup.store.tracker_refs("jira")[case_id].fingerprint)) == 1

    second = setup.sync()
    assert (second.created, second.updated, second.unchanged) == ([], [], 3)

    setup.store.transition(b, "declared", on=dt.date(2026, 2, 2), actor="test")
    third = setup.sync()
    assert (third.created, third.updated, third.unchanged) == ([], [b], 2)
    assert len(jira.issues) == 3
    assert jira.status_of("SEC-2") == "In Progress" and jira.status_of("SEC-1") == "To Do"
    assert "determination until 2026-02-" in jira.issues["SEC-2"].fields["summary"]


def test_transitions_are_resolved_by_name_as_cases_move(home: Path, jira: FakeJira) -> None:
    """A configured name matches a transition's name ("Start review") or its target
    status's ("Done", reached by the transition "Close")."""
    setup = Setup(home, jira, transitions={"declared": "Start review", "passed": "Done"})
    (case,) = setup.open(1)
    setup.sync()
    moves = []
    for state, on in (("declared", 2), ("under_review", 9), ("passed", 20)):
        setup.store.transition(case, state, on=dt.date(2026, 2, on), actor="test")
        before = len(jira.requests)
        setup.sync(dt.date(2026, 2, on))
        posted = [
            r.json()["transition"]["id"]
            for r in jira.requests[before:]
            if r.method == "POST" and r.path.endswith("/transitions")
        ]
        moves.append((jira.status_of("SEC-1"), posted))
    assert moves == [("In Progress", ["11"]), ("In Progress", []), ("Done", ["21"])]
    setup.store.close()


def test_an_issue_moved_by_hand_is_moved_back(home: Path, jira: FakeJira) -> None:
    setup = Setup(home, jira)
    (case,) = setup.open(1)
    setup.store.transition(case, "declared", on=dt.date(2026, 2, 2), actor="test")
    setup.sync()
    jira.move("SEC-1", "To Do")
    setup.store.transition(case, "under_review", on=dt.date(2026, 2, 9), actor="test")
    assert setup.sync().updated == [case]
    assert jira.status_of("SEC-1") == "In Progress"
    setup.store.close()


def test_a_transition_jira_does_not_offer_names_those_it_does(home: Path, jira: FakeJira) -> None:
    setup = Setup(home, jira, transitions={"declared": "Escalate"})
    (case,) = setup.open(1)
    setup.store.transition(case, "declared", on=dt.date(2026, 2, 2), actor="test")
    result = setup.sync()
    ((failed, reason),) = result.failed
    assert failed == case
    assert "no transition named 'Escalate'" in reason
    assert "'Start review' (to 'In Progress')" in reason and "'Close' (to 'Done')" in reason
    assert len(jira.issues) == 1  # created, linked; only the move failed
    setup.store.close()


def test_no_duplicate_when_the_create_answer_is_lost_and_the_index_lags(
    home: Path, tmp_path: Path
) -> None:
    """Jira creates the issue, the answer never arrives, and search does not show the
    issue for the next two searches: the retried sync finds it, and creates nothing."""
    with FakeJira(users={"cyberreview@eastgrid.example": TOKEN}, index_lag_searches=2) as jira:
        setup = Setup(home, jira)
        a, b = setup.open(2)
        jira.fail_next(Fault.lost(), match=creates)
        first = setup.sync()
        assert [case for case, _ in first.failed] == [a] and first.created == [b]
        assert "may have acted on it" in first.failed[0][1]
        assert len(jira.issues) == 2  # the lost create did create
        assert len([r for r in jira.requests if creates(r)]) == 2  # and was not resent

        second = setup.sync()
        assert (second.linked, second.created, second.failed) == ([a], [], [])
        assert len(jira.issues) == 2
        assert setup.store.tracker_refs("jira")[a].key == "SEC-1"
        setup.store.close()


def test_a_lost_store_finds_the_issues_instead_of_creating_them(
    home: Path, jira: FakeJira, tmp_path: Path
) -> None:
    """Same installation, links lost (a store restored from an old backup): every
    issue is found by its fingerprint label."""
    setup = Setup(home, jira)
    setup.open(2)
    setup.sync()
    setup.store._execute("DELETE FROM tracker_refs")  # type: ignore[attr-defined]
    again = setup.sync()
    assert (len(again.linked), again.created) == (2, []) and len(jira.issues) == 2
    setup.store.close()


def test_a_429_storm_is_ridden_out(setup: Setup, jira: FakeJira) -> None:
    setup.open(2)
    jira.throttle(times=3, retry_after=1)
    jira.fail_next(jira.throttled(1), match=creates)  # a create refused is safe to resend
    result = setup.sync()
    assert (len(result.created), result.failed) == (2, [])
    assert len(jira.issues) == 2 and jira.pending == 0
    assert sum(1 for r in jira.requests if creates(r)) == 3


def test_two_issues_with_the_label_the_oldest_is_used(home: Path, jira: FakeJira) -> None:
    """Someone copied the issue, label and all: the sync pages through both (one per
    page) and keeps the oldest."""
    setup = Setup(home, jira, page_size=1)
    (case,) = setup.open(1)
    setup.sync()
    label = setup.store.tracker_refs("jira")[case].fingerprint
    copy = dict(jira.issues["SEC-1"].fields)
    jira.issues["SEC-2"] = type(jira.issues["SEC-1"])("10002", "SEC-2", copy)
    jira._reindex(jira.issues["SEC-2"])
    setup.store._execute("DELETE FROM tracker_refs")  # type: ignore[attr-defined]
    assert setup.sync().linked == [case]
    assert setup.store.tracker_refs("jira")[case].key == "SEC-1"
    searches = [r.json() for r in jira.requests if r.path.endswith("/search/jql")]
    assert any("nextPageToken" in s for s in searches) and jira.with_label(label) == [
        "SEC-1",
        "SEC-2",
    ]
    setup.store.close()


def test_no_secret_in_logs(
    home: Path, jira: FakeJira, caplog: pytest.LogCaptureFixture, monkeypatch: pytest.MonkeyPatch
) -> None:
    import base64

    caplog.set_level(logging.DEBUG)
    setup = Setup(home, jira)
    setup.open(1)
    jira.throttle(times=1, retry_after=1)
    assert setup.sync().created
    monkeypatch.setenv("JIRA_TOKEN", "wrong-token-1234")
    setup.store.close()
    refused = Setup(home, jira)
    refused.open(2)
    result = refused.sync()
    assert result.failed and "HTTP 401" in result.failed[0][1]
    credential = base64.b64encode(f"cyberreview@eastgrid.example:{TOKEN}".encode()).decode()
    text = caplog.text + " ".join(reason for _, reason in result.failed)
    assert "retry 1" in caplog.text  # the 429 was logged, at least
    for secret in (TOKEN, "wrong-token-1234", credential):
        assert secret not in text
    refused.store.close()


def test_as_of_moves_the_deadline_and_overdue_flag(setup: Setup, jira: FakeJira) -> None:
    (case,) = setup.open(1)
    setup.store.transition(case, "declared", on=dt.date(2026, 2, 2), actor="test")
    setup.sync(dt.date(2026, 2, 3))
    assert "OVERDUE" not in jira.issues["SEC-1"].fields["summary"]
    assert setup.sync(AS_OF).updated == [case]
    assert jira.issues["SEC-1"].fields["summary"].endswith("(OVERDUE)")


def test_one_sync_per_tracker_at_a_time(setup: Setup, jira: FakeJira) -> None:
    """Two syncs at once could both find no issue and both create one: the second
    waits for the first's lock, and says so if it does not get it."""
    from cyberreview_policy.errors import TrackerError
    from cyberreview_policy.trackers.host import sync_trackers

    setup.open(1)
    setup.store.acquire_sweep(["tracker:jira"], "other-run", "ci-runner-2")
    with pytest.raises(TrackerError, match="another cases sync of it is running"):
        sync_trackers(setup.rt, setup.store, "test", AS_OF, lock_wait=0)
    assert jira.issues == {}
    setup.store.release_sweep("other-run")
    assert setup.sync().created and len(jira.issues) == 1


def test_a_wrong_issue_type_fails_each_case_by_name_then_recovers(
    home: Path, jira: FakeJira
) -> None:
    setup = Setup(home, jira, issue_type="Story")
    a, b = setup.open(2)
    result = setup.sync()
    assert [case for case, _ in result.failed] == [a, b]
    assert "HTTP 400" in result.failed[0][1] and "issuetype" in result.failed[0][1]
    setup.store.close()
    fixed = Setup(home, jira)  # the configuration corrected
    again = fixed.sync()
    assert (again.created, again.failed) == ([a, b], []) and len(jira.issues) == 2
    fixed.store.close()
