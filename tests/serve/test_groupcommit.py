"""Group commit: the audit entries of concurrent decisions share a transaction, each
caller returns only once its entry is committed, and a failed commit fails every
decision in it."""

from __future__ import annotations

import threading
from pathlib import Path
from typing import Any

import pytest

from cyberreview_policy.cases.audit import verify
from cyberreview_policy.cases.sqlite import SqliteStore
from cyberreview_policy.errors import CaseStoreError
from cyberreview_policy.serve.groupcommit import GroupCommit
from tests.cases.conftest import open_store

THREADS = 12


class Gated:
    """A real store whose first commit, once it has taken its entries, waits until the
    test opens the gate (it is "on disk"), so that the other entries queue up behind
    it (no timing involved)."""

    def __init__(self, url: str, fail: int = 0):
        self.url = url
        self.store: Any = None  # opened in the committer's thread, as the service does
        self.gate = threading.Event()
        self.entered = threading.Event()
        self.batches: list[int] = []
        self.fail = fail  # fail this many commits (after the first has waited)

    def audit_taken(self, take: Any) -> Any:
        entries = take()
        self.batches.append(len(entries))
        if len(self.batches) == 1:
            self.entered.set()
            assert self.gate.wait(30)
        if self.fail:
            self.fail -= 1
            raise CaseStoreError("disk full")
        self.store = self.store or open_store(self.url)
        return self.store.audit_many(entries)

    def close(self) -> None:
        if self.store is not None:
            self.store.close()
            self.store = None


def audit_from_threads(commits: GroupCommit, gated: Gated, count: int) -> dict[int, Any]:
    """``count`` threads each audit one entry; returns what each got (None or an error)."""
    results: dict[int, Any] = {}
    returned = threading.Semaphore(0)

    def one(n: int) -> None:
        try:
            commits.audit("gate.decision", f"actor-{n}", subject=f"PO-{n}", details={"n": n})
            results[n] = None
        except CaseStoreError as exc:
            results[n] = exc
        returned.release()

    first = threading.Thread(target=one, args=(0,))
    first.start()
    assert gated.entered.wait(30)  # the first commit is on its way: the rest queue up
    others = [threading.Thread(target=one, args=(n,)) for n in range(1, count)]
    for thread in others:
        thread.start()
    while len(commits._queue) < count - 1:  # every other entry is waiting
        threading.Event().wait(0.005)
    assert not results  # nobody has an answer while its entry is not committed
    gated.gate.set()
    for thread in [first, *others]:
        thread.join(30)
    return results


def test_entries_waiting_together_are_committed_together(store_url: str) -> None:
    real = open_store(store_url)
    gated = Gated(store_url)
    commits = GroupCommit(lambda: gated)  # type: ignore[arg-type,return-value]
    try:
        results = audit_from_threads(commits, gated, THREADS)
    finally:
        commits.close()
    assert results == dict.fromkeys(range(THREADS))
    assert gated.batches == [1, THREADS - 1]  # one transaction for all that waited
    entries = list(real.audit_entries())
    assert sorted(e.subject for e in entries) == sorted(f"PO-{n}" for n in range(THREADS))
    assert verify(entries, real.audit_head()).ok  # one chain, in commit order
    real.close()


class Locked(Gated):
    """A real store whose first commit waits for the write lock (another process holds
    it) until the test opens the gate, before it takes its entries."""

    def audit_taken(self, take: Any) -> Any:
        if not self.entered.is_set():
            self.entered.set()
            assert self.gate.wait(30)
        self.store = self.store or open_store(self.url)
        return self.store.audit_taken(lambda: self._counted(take()))

    def _counted(self, entries: Any) -> Any:
        self.batches.append(len(entries))
        return entries


def test_entries_that_come_while_the_lock_is_awaited_join_that_commit(store_url: str) -> None:
    """With ``--workers``, a committer waits for another process's commit; what comes
    meanwhile is taken once it has the lock, not left for the next transaction."""
    real = open_store(store_url)
    locked = Locked(store_url)
    commits = GroupCommit(lambda: locked)  # type: ignore[arg-type,return-value]
    try:
        results = audit_from_threads(commits, locked, THREADS)
    finally:
        commits.close()
    assert results == dict.fromkeys(range(THREADS))
    assert locked.batches == [THREADS]  # the first entry and all that came while it waited
    entries = list(real.audit_entries())
    assert sorted(e.subject for e in entries) == sorted(f"PO-{n}" for n in range(THREADS))
    assert verify(entries, real.audit_head()).ok
    real.close()


def test_a_failed_commit_fails_every_decision_in_it(store_url: str) -> None:
    real = open_store(store_url)
    gated = Gated(store_url, fail=2)
    opened: list[int] = []

    def reopen() -> Any:
        opened.append(1)
        return gated

    commits = GroupCommit(reopen)
    try:
        results = audit_from_threads(commits, gated, THREADS)
        assert all(isinstance(error, CaseStoreError) for error in results.values())
        assert len(results) == THREADS
        commits.audit("gate.decision", "later", subject="PO-later")  # a new connection
    finally:
        commits.close()
    assert len(opened) == 3  # reconnected after each failure
    assert [e.subject for e in real.audit_entries()] == ["PO-later"]  # nothing half written
    real.close()


def test_a_closed_group_commit_refuses(tmp_path: Path) -> None:
    commits = GroupCommit(lambda: SqliteStore(tmp_path / "cases.db"))
    commits.audit("gate.decision", "a", subject="PO-1")
    commits.close()
    with pytest.raises(CaseStoreError, match="stopping"):
        commits.audit("gate.decision", "a", subject="PO-2")
    assert [e.subject for e in SqliteStore(tmp_path / "cases.db").audit_entries()] == ["PO-1"]


def test_a_store_that_cannot_be_opened_fails_what_waits(tmp_path: Path) -> None:
    """No connection, no lock: the entries waiting fail at once (they were not taken
    into a transaction), and the next one tries a new connection."""
    tries: list[int] = []

    def unreachable() -> Any:
        tries.append(1)
        if len(tries) == 1:
            raise CaseStoreError("connection refused")
        return SqliteStore(tmp_path / "cases.db")

    commits = GroupCommit(unreachable)
    try:
        with pytest.raises(CaseStoreError, match="connection refused"):
            commits.audit("gate.decision", "a", subject="PO-1")
        commits.audit("gate.decision", "a", subject="PO-2")
    finally:
        commits.close()
    assert [e.subject for e in SqliteStore(tmp_path / "cases.db").audit_entries()] == ["PO-2"]
