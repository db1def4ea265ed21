"""The host's side of case trackers: links in the store, and the find-before-create
protocol that never creates an issue twice, against a tracker whose search lags."""

from __future__ import annotations

import datetime as dt

import pytest

from cyberreview_policy.cases.base import CaseRequest
from cyberreview_policy.cases.sqlstore import SqlStore
from cyberreview_policy.connectors import HttpError
from cyberreview_policy.trackers.api import TrackedCase
from cyberreview_policy.trackers.sync import TrackerSync
from cyberreview_policy.trackers.view import fingerprint


class LaggingTracker:
    """An issue tracker in memory whose search finds an issue only after ``lag`` searches
    since it was created; ``lose_next`` creates, then fails as if the answer were lost."""

    def __init__(self, lag: int = 0, search_lag: float = 0.0):
        self.issues: dict[str, dict[str, object]] = {}
        self.lag = lag
        self.search_lag = search_lag
        self.unseen: dict[str, int] = {}  # key -> searches it stays invisible for
        self.lose_next = False
        self.calls: list[str] = []

    def find(self, case: TrackedCase) -> str | None:
        self.calls.append("find")
        for key in self.unseen:
            self.unseen[key] -= 1
        visible = [k for k, i in self.issues.items() if self.unseen.get(k, 0) < 0]
        return next((k for k in visible if self.issues[k]["label"] == case.fingerprint), None)

    def create(self, case: TrackedCase) -> str:
        self.calls.append("create")
        key = f"SEC-{len(self.issues) + 1}"
        self.issues[key] = {"label": case.fingerprint, "state": "new"}
        self.unseen[key] = self.lag
        if self.lose_next:
            self.lose_next = False
            raise HttpError("POST /issue: ConnectionError (not retried)", None, True)
        return key

    def update(self, key: str, case: TrackedCase) -> None:
        self.calls.append("update")
        self.issues[key]["state"] = case.state


def view(case_id: str, state: str = "open", deadline: dt.date | None = None) -> TrackedCase:
    return TrackedCase(
        id=case_id,
        kind="review",
        state=state,
        ended=state in ("passed", "failed", "not_required", "withdrawn"),
        record_id="PO-1",
        rule="review-required",
        pack="cn-csr-2020@1.1.0",
        citations=("Measures 2020 Art. 2",),
        opened_on=dt.date(2026, 1, 5),
        period=None,
        deadline=deadline,
        provisional=False,
        overdue=False,
        fingerprint=fingerprint("test", case_id),
    )


def opened(store: SqlStore, n: int) -> list[str]:
    ids = []
    for i in range(n):
        request = CaseRequest(f"file:PO-{i}", f"PO-{i}", "review", "r", "p@1", dt.date(2026, 1, 5))
        ids.append(store.open_case(request, "test")[0].id)
    return ids


def test_one_issue_per_case_then_only_changes(store: SqlStore) -> None:
    tracker = LaggingTracker(lag=5)
    sync = TrackerSync("jira", tracker, store, "test")
    a, b = opened(store, 2)
    first = sync.run([view(a), view(b)])
    assert (first.created, first.failed) == ([a, b], [])
    again = sync.run([view(a, "declared"), view(b)])
    assert (again.created, again.updated, again.unchanged) == ([], [a], 1)
    assert len(tracker.issues) == 2 and tracker.issues["SEC-1"]["state"] == "declared"
    refs = store.tracker_refs("jira")
    assert refs[a].key == "SEC-1" and refs[a].intent_at is None
    assert [e.action for e in store.audit_entries()].count("case.tracked") == 2


def test_a_lost_create_answer_is_found_on_retry_not_created_again(store: SqlStore) -> None:
    """The create happened, its answer was lost, and the index has not caught up: the
    retry sees the intent and searches again (with backoff) until it finds the issue."""
    tracker = LaggingTracker(lag=3, search_lag=60)
    slept: list[float] = []
    sync = TrackerSync("jira", tracker, store, "test", sleep=slept.append)
    (a,) = opened(store, 1)
    tracker.lose_next = True
    first = sync.run([view(a)])
    assert first.failed and store.tracker_refs("jira")[a].intent_at is not None
    second = sync.run([view(a)])
    assert (second.linked, second.created, second.failed) == ([a], [], [])
    assert list(tracker.issues) == ["SEC-1"] and slept == [1.0, 2.0, 4.0]
    assert store.tracker_refs("jira")[a].key == "SEC-1"


def test_an_intent_older_than_the_search_lag_creates(store: SqlStore) -> None:
    """The sync died before the create was sent: once the lag has passed with nothing
    found, nothing was created, and the next sync creates the issue."""
    tracker = LaggingTracker(search_lag=30)
    (a,) = opened(store, 1)
    store.intend_create("jira", a, view(a).fingerprint)
    later = dt.datetime.now(dt.UTC) + dt.timedelta(seconds=40)
    sync = TrackerSync("jira", tracker, store, "test", now=lambda: later)
    assert sync.run([view(a)]).created == [a]
    assert tracker.calls == ["find", "create", "update"]


def test_ended_cases_never_mirrored_are_skipped(store: SqlStore) -> None:
    tracker = LaggingTracker()
    (a,) = opened(store, 1)
    result = TrackerSync("jira", tracker, store, "test").run([view(a, "withdrawn")])
    assert result.skipped == 1 and tracker.issues == {}


def test_refused_credentials_stop_the_tracker(store: SqlStore) -> None:
    class Refusing(LaggingTracker):
        def find(self, case: TrackedCase) -> str | None:
            raise HttpError("POST /search/jql: HTTP 401: not authenticated", 401)

    a, b = opened(store, 2)
    result = TrackerSync("jira", Refusing(), store, "test").run([view(a), view(b)])
    assert [case for case, _ in result.failed] == [a]
    assert not result.ok


@pytest.mark.parametrize("instance", ["sqlite:////srv/a.db", "team-b"])
def test_fingerprints_are_labels_stable_per_installation(instance: str) -> None:
    label = fingerprint(instance, "CR-000001")
    assert label == fingerprint(instance, "CR-000001") != fingerprint("other", "CR-000001")
    assert label.startswith("cyberreview-") and " " not in label and len(label) == 32


def test_a_refused_create_clears_its_intent(store: SqlStore) -> None:
    """A 400 means nothing was created: the next sync creates at once, without waiting
    out the search lag (which, per case, would make a misconfiguration crawl)."""

    class Refusing(LaggingTracker):
        def create(self, case: TrackedCase) -> str:
            if not self.calls.count("refused"):
                self.calls.append("refused")
                raise HttpError("POST /issue: HTTP 400: issuetype: Specify an issue type", 400)
            return super().create(case)

    tracker = Refusing(search_lag=60)
    slept: list[float] = []
    sync = TrackerSync("jira", tracker, store, "test", sleep=slept.append)
    (a,) = opened(store, 1)
    assert sync.run([view(a)]).failed and a not in store.tracker_refs("jira")
    assert sync.run([view(a)]).created == [a]
    assert slept == [] and len(tracker.issues) == 1
