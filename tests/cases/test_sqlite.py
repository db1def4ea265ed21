"""The embedded case store: one open case per record and kind, under concurrency too."""

from __future__ import annotations

import datetime as dt
import multiprocessing
import sqlite3
import stat
from pathlib import Path

import pytest

from cyberreview_policy.cases.base import CaseRequest
from cyberreview_policy.cases.sqlite import SqliteStore, path_from_url
from cyberreview_policy.errors import CaseStoreError, UnknownCaseError


def request(record: str = "PO-1", kind: str = "review") -> CaseRequest:
    return CaseRequest(
        record_key=record,
        record_id=record,
        kind=kind,  # type: ignore[arg-type]
        rule="review-required",
        pack="cn-csr-2020@1.0.0",
        opened_on=dt.date(2021, 6, 1),
        summary={"operator": "Grid", "product": "Router", "system": "WAN"},
        record_digest="sha256:0",
    )


@pytest.fixture
def store(tmp_path: Path) -> SqliteStore:
    return SqliteStore(tmp_path / "state" / "cases.db")


def test_open_then_find(store: SqliteStore) -> None:
    case, created = store.open_case(request())
    assert created is True
    assert case.id == "CR-000001"
    assert case.state == "open" and case.is_open
    again, created_again = store.open_case(request())
    assert created_again is False
    assert again.id == case.id
    other, created_other = store.open_case(request(kind="remediation"))
    assert created_other is True and other.id == "CR-000002"


def test_get_list_and_unknown(store: SqliteStore) -> None:
    store.open_case(request("PO-1"))
    store.open_case(request("PO-2", "assessment"))
    assert [c.record_id for c in store.list()] == ["PO-1", "PO-2"]
    assert [c.record_id for c in store.list(kind="assessment")] == ["PO-2"]
    assert store.list(state="passed") == []
    assert store.get("CR-000002").kind == "assessment"
    assert store.get("CR-000002").summary["operator"] == "Grid"
    with pytest.raises(UnknownCaseError, match="no case 'CR-000099'"):
        store.get("CR-000099")
    with pytest.raises(UnknownCaseError, match="case ids look like CR-000001"):
        store.get("42")


def test_file_is_private(store: SqliteStore) -> None:
    store.open_case(request())
    assert stat.S_IMODE(store.path.stat().st_mode) == 0o600
    assert stat.S_IMODE(store.path.parent.stat().st_mode) == 0o700


def test_an_ended_case_allows_a_new_one(store: SqliteStore) -> None:
    case, _ = store.open_case(request())
    db = sqlite3.connect(store.path)
    db.execute("UPDATE cases SET state = 'passed' WHERE seq = 1")
    db.commit()
    db.close()
    new, created = store.open_case(request())
    assert created is True and new.id != case.id


def test_the_database_refuses_a_second_open_case(store: SqliteStore) -> None:
    store.open_case(request())
    db = sqlite3.connect(store.path)
    with pytest.raises(sqlite3.IntegrityError):
        db.execute(
            "INSERT INTO cases (record_key, record_id, kind, rule, pack, opened_on, created_at, "
            "updated_at, summary, record_digest) VALUES ('PO-1','PO-1','review','r','p','d','c','u','{}','')"
        )


def _race(
    path: str, barrier: multiprocessing.synchronize.Barrier, results: multiprocessing.queues.Queue
) -> None:  # type: ignore[name-defined]
    store = SqliteStore(Path(path))
    barrier.wait()
    case, created = store.open_case(request())
    results.put((case.id, created))


def test_sixteen_racing_processes_leave_one_open_case(tmp_path: Path) -> None:
    path = tmp_path / "cases.db"
    SqliteStore(path).close()
    ctx = multiprocessing.get_context("fork")
    barrier = ctx.Barrier(16)
    results = ctx.Queue()
    procs = [ctx.Process(target=_race, args=(str(path), barrier, results)) for _ in range(16)]
    for proc in procs:
        proc.start()
    for proc in procs:
        proc.join(60)
        assert proc.exitcode == 0
    outcomes = [results.get(timeout=5) for _ in procs]
    assert {case_id for case_id, _ in outcomes} == {"CR-000001"}
    assert sum(created for _, created in outcomes) == 1
    assert len(SqliteStore(path).list()) == 1


def test_newer_schema_is_refused(tmp_path: Path) -> None:
    path = tmp_path / "cases.db"
    SqliteStore(path).close()
    db = sqlite3.connect(path)
    db.execute("PRAGMA user_version = 99")
    db.commit()
    db.close()
    with pytest.raises(CaseStoreError, match="schema 99, newer than this version"):
        SqliteStore(path)


def test_unopenable_path(tmp_path: Path) -> None:
    blocker = tmp_path / "file"
    blocker.write_text("x")
    with pytest.raises(CaseStoreError, match="cannot open case store"):
        SqliteStore(blocker / "cases.db")


@pytest.mark.parametrize(
    ("url", "path"),
    [
        ("sqlite:////tmp/x.db", "/tmp/x.db"),
        ("sqlite:cases.db", "cases.db"),
        ("sqlite:///rel/x.db", "rel/x.db"),
    ],
)
def test_path_from_url(url: str, path: str) -> None:
    assert str(path_from_url(url)) == path
