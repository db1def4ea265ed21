"""The case store, on SQLite and PostgreSQL alike: one open case per record and
kind, the procedure, material, the audit chain, and nothing half written."""

from __future__ import annotations

import datetime as dt
import hashlib
import multiprocessing
import os
import signal
import stat
import subprocess
import sys
import textwrap
from pathlib import Path
from typing import Any

import pytest

from cyberreview_policy.cases.audit import verify
from cyberreview_policy.cases.base import CaseRequest, Notice
from cyberreview_policy.cases.calendar import WorkCalendar
from cyberreview_policy.cases.clocks import case_clocks
from cyberreview_policy.cases.sqlite import SqliteStore, path_from_url
from cyberreview_policy.cases.sqlstore import SqlStore
from cyberreview_policy.errors import (
    CaseStoreError,
    MaterialError,
    TransitionError,
    UnknownCaseError,
)
from tests.cases.conftest import open_store, raw_sql

D = dt.date


def request(record: str = "PO-1", kind: str = "review") -> CaseRequest:
    return CaseRequest(
        record_key=record,
        record_id=record,
        kind=kind,  # type: ignore[arg-type]
        rule="review-required",
        pack="cn-csr-2020@1.1.0",
        opened_on=D(2026, 1, 5),
        summary={"kind": "purchase", "operator": "Grid", "product": "Router", "system": "WAN"},
        record_digest="sha256:0",
    )


def test_open_then_find(store: SqlStore) -> None:
    case, created = store.open_case(request(), "ana")
    assert created is True
    assert case.id == "CR-000001"
    assert case.state == "open"
    again, created_again = store.open_case(request(), "ana")
    assert (again.id, created_again) == (case.id, False)
    other, created_other = store.open_case(request(kind="remediation"), "ana")
    assert (other.id, created_other) == ("CR-000002", True)  # no number skipped


def test_get_list_and_unknown(store: SqlStore) -> None:
    store.open_case(request("PO-1"), "ana")
    store.open_case(request("PO-2", "assessment"), "ana")
    assert [c.record_id for c in store.list_cases()] == ["PO-1", "PO-2"]
    assert [c.record_id for c in store.list_cases(kind="assessment")] == ["PO-2"]
    assert store.list_cases(state="passed") == []
    case = store.get("CR-000002")
    assert case.kind == "assessment"
    assert [e.kind for e in case.events] == ["opened"]
    with pytest.raises(UnknownCaseError, match="no case 'CR-000099'"):
        store.get("CR-000099")
    with pytest.raises(UnknownCaseError, match="case ids look like CR-000001"):
        store.get("42")


def test_walk_the_procedure(store: SqlStore) -> None:
    store.open_case(request(), "ana")
    store.transition("CR-000001", "declared", on=D(2026, 1, 20), actor="ana", note="filed")
    store.transition(
        "CR-000001", "under_review", on=D(2026, 2, 2), actor="ana", complex_review=True
    )
    store.transition("CR-000001", "supplementing", on=D(2026, 3, 2), actor="bo")
    store.transition("CR-000001", "under_review", on=D(2026, 3, 16), actor="bo")
    case = store.transition("CR-000001", "passed", on=D(2026, 5, 6), actor="bo", note="notice 7")
    assert case.state == "passed"
    assert not case.is_open
    steps = [(e.from_state, e.to_state, e.actor) for e in case.events if e.kind == "transition"]
    assert steps == [
        ("open", "declared", "ana"),
        ("declared", "under_review", "ana"),
        ("under_review", "supplementing", "bo"),
        ("supplementing", "under_review", "bo"),
        ("under_review", "passed", "bo"),
    ]
    assert case.events[2].details == {"complex": True}
    assert case.events[-1].note == "notice 7"
    # a passed case ends: the record may get a new one
    _, created = store.open_case(request(), "ana")
    assert created is True


def test_refused_transitions_change_nothing(store: SqlStore) -> None:
    store.open_case(request(), "ana")
    with pytest.raises(
        TransitionError,
        match=r"CR-000001 \(review\) is open: it can go to declared, withdrawn, not passed",
    ):
        store.transition("CR-000001", "passed", on=D(2026, 1, 6), actor="ana")
    store.transition("CR-000001", "declared", on=D(2026, 1, 20), actor="ana")
    with pytest.raises(TransitionError, match="2026-01-10 is before its last step, on 2026-01-20"):
        store.transition("CR-000001", "under_review", on=D(2026, 1, 10), actor="ana")
    case = store.get("CR-000001")
    assert case.state == "declared"
    assert len(case.events) == 2


def test_extend_only_a_special_review(store: SqlStore) -> None:
    store.open_case(request(), "ana")
    with pytest.raises(TransitionError, match="only a special review can be extended"):
        store.extend("CR-000001", 10, D(2026, 1, 6), "ana", "notice")
    for state, on in (("declared", 7), ("under_review", 8), ("special_review", 9)):
        store.transition("CR-000001", state, on=D(2026, 1, on), actor="ana")
    case = store.extend("CR-000001", 20, D(2026, 1, 12), "ana", "notice 12")
    assert case.events[-1].details == {"days": 20}


def test_material_is_kept_in_versions_and_listed_apart(store: SqlStore) -> None:
    store.open_case(request(), "ana")
    material = store.attach(
        "CR-000001",
        "impact_analysis",
        "analysis.pdf",
        b"%PDF-1.7 secret",
        on=D(2026, 1, 9),
        actor="ana",
    )
    assert (material.size, material.name) == (15, "impact_analysis@1")
    with pytest.raises(MaterialError, match="on file already as impact_analysis@1"):
        store.attach(
            "CR-000001",
            "impact_analysis",
            "copy.pdf",
            b"%PDF-1.7 secret",
            on=D(2026, 1, 9),
            actor="ana",
        )
    second = store.attach(
        "CR-000001", "impact_analysis", "v2.pdf", b"%PDF-1.7 revised", on=D(2026, 1, 12), actor="bo"
    )
    assert second.name == "impact_analysis@2"
    case = store.get("CR-000001")
    assert case.material_kinds() == {"impact_analysis"}
    assert [m.name for m in case.materials] == ["impact_analysis@1", "impact_analysis@2"]
    versions = store.material("CR-000001", "impact_analysis")
    assert [(m.filename, c) for m, c in versions] == [
        ("analysis.pdf", b"%PDF-1.7 secret"),
        ("v2.pdf", b"%PDF-1.7 revised"),
    ]
    assert store.material_named("CR-000001", "impact_analysis")[1] == b"%PDF-1.7 revised"
    assert store.material_named("CR-000001", "impact_analysis@1")[1] == b"%PDF-1.7 secret"
    with pytest.raises(MaterialError, match="versions 1 to 2, not 3"):
        store.material_named("CR-000001", "impact_analysis@3")
    with pytest.raises(MaterialError, match="has no declaration on file"):
        store.material_named("CR-000001", "declaration")
    assert b"secret" not in repr(store.list_cases()).encode()
    with pytest.raises(CaseStoreError, match="unknown material kind 'contract'"):
        store.attach("CR-000001", "contract", "c.pdf", b"x", on=D(2026, 1, 9), actor="ana")
    with pytest.raises(MaterialError, match=r"empty\.pdf is empty"):
        store.attach("CR-000001", "declaration", "empty.pdf", b"", on=D(2026, 1, 9), actor="ana")
    store.transition("CR-000001", "withdrawn", on=D(2026, 1, 13), actor="ana", reason="cancelled")
    with pytest.raises(
        TransitionError, match="CR-000001 is withdrawn: material is attached to open"
    ):
        store.attach("CR-000001", "declaration", "f.pdf", b"form", on=D(2026, 1, 13), actor="ana")


def test_notices_and_the_material_that_answers_them(store: SqlStore) -> None:
    store.open_case(request(), "ana")
    store.transition("CR-000001", "declared", on=D(2026, 1, 20), actor="ana")
    asked = Notice(
        "supplement_request", "网审补〔2026〕12号", D(2026, 2, 2), "escrow", "req.pdf", b"letter"
    )
    case = store.notice("CR-000001", asked, actor="ana")
    (notice,) = case.notices()
    assert notice.details == {
        "notice": "supplement_request",
        "ref": "网审补〔2026〕12号",
        "material": "office_notice@1",
        "sha256": hashlib.sha256(b"letter").hexdigest(),
    }
    with pytest.raises(TransitionError, match="is on file already"):
        store.notice("CR-000001", asked, actor="ana")
    with pytest.raises(MaterialError, match="no supplement request 'X-1'"):
        store.attach(
            "CR-000001", "other", "e.pdf", b"escrow", on=D(2026, 2, 9), actor="ana", answers="X-1"
        )
    answer = store.attach(
        "CR-000001",
        "other",
        "e.pdf",
        b"escrow",
        on=D(2026, 2, 9),
        actor="ana",
        answers="网审补〔2026〕12号",
    )
    assert answer.answers == "网审补〔2026〕12号"
    with pytest.raises(TransitionError, match="unknown notice kind 'memo'"):
        store.notice("CR-000001", Notice("memo", "1", D(2026, 2, 2)), actor="ana")
    with pytest.raises(TransitionError, match="needs the Office's reference number"):
        store.notice("CR-000001", Notice("accepted", " ", D(2026, 2, 2)), actor="ana")
    later = dt.date.today() + dt.timedelta(days=3)
    with pytest.raises(TransitionError, match="is after today"):
        store.notice("CR-000001", Notice("accepted", "A-1", later), actor="ana")
    trail = [e for e in store.audit_entries() if e.action == "case.notice"]
    assert trail[0].details["ref"] == "网审补〔2026〕12号"
    assert trail[0].details["sha256"] == hashlib.sha256(b"letter").hexdigest()


def test_mark_complex_before_the_preliminary_review_ends(store: SqlStore) -> None:
    calendar = WorkCalendar()
    store.open_case(request(), "ana")
    with pytest.raises(TransitionError, match="only a review under preliminary review"):
        store.mark_complex("CR-000001", on=D(2026, 1, 6), actor="ana", note=None, calendar=calendar)
    store.transition("CR-000001", "declared", on=D(2026, 1, 20), actor="ana")
    store.transition("CR-000001", "under_review", on=D(2026, 2, 2), actor="ana")
    with pytest.raises(TransitionError, match="its preliminary review ran out on 2026-03-20"):
        store.mark_complex(
            "CR-000001", on=D(2026, 3, 23), actor="ana", note=None, calendar=calendar
        )
    case = store.mark_complex(
        "CR-000001", on=D(2026, 3, 20), actor="ana", note="notice 9", calendar=calendar
    )
    clocks = case_clocks(case.events, D(2026, 3, 23), calendar)
    assert (clocks[1].days, clocks[1].deadline, clocks[1].running) == (
        45,
        D(2026, 4, 13),
        True,
    )  # Apr 6: Qingming
    with pytest.raises(TransitionError, match="marked complex already"):
        store.mark_complex(
            "CR-000001", on=D(2026, 3, 23), actor="ana", note=None, calendar=calendar
        )


def test_an_extension_after_the_special_review_ran_out_is_refused(store: SqlStore) -> None:
    store.open_case(request(), "ana")
    for state, on in (("declared", 7), ("under_review", 8), ("special_review", 9)):
        store.transition("CR-000001", state, on=D(2026, 1, on), actor="ana")
    with pytest.raises(TransitionError, match=r"its special review ran out on 2026-05-\d\d; a"):
        store.extend("CR-000001", 10, D(2026, 6, 30), "ana", "late", calendar=WorkCalendar())
    extended = store.extend(
        "CR-000001", 10, D(2026, 3, 2), "ana", "notice", calendar=WorkCalendar()
    )
    assert extended.events[-1].details == {"days": 10}


def test_future_dates_are_refused_unless_planned(store: SqlStore) -> None:
    store.open_case(request(), "ana")
    soon = dt.date.today() + dt.timedelta(days=20)
    with pytest.raises(TransitionError, match=f"{soon} is after today"):
        store.transition("CR-000001", "declared", on=soon, actor="ana")
    with pytest.raises(TransitionError, match="is after today"):
        store.attach("CR-000001", "declaration", "f.pdf", b"form", on=soon, actor="ana")
    case = store.transition("CR-000001", "declared", on=soon, actor="ana", planned=True)
    assert case.events[-1].details == {"planned": True}
    confirmed = store.transition("CR-000001", "declared", on=dt.date.today(), actor="ana")
    assert confirmed.events[-1].details == {"confirms": 2}
    assert case_clocks(confirmed.events, dt.date.today(), WorkCalendar())[0].projected is False


def test_every_change_is_in_the_audit_chain(store: SqlStore) -> None:
    store.open_case(request(), "ana")
    store.transition("CR-000001", "declared", on=D(2026, 1, 20), actor="ana")
    store.attach(
        "CR-000001", "declaration", "form.pdf", b"secret bytes", on=D(2026, 1, 20), actor="ana"
    )
    store.audit("gate.decision", "gate", subject="PO-1", details={"decision": "block"})
    entries = list(store.audit_entries())
    assert [e.action for e in entries] == [
        "case.opened",
        "case.transition",
        "case.attached",
        "gate.decision",
    ]
    assert [e.seq for e in entries] == [1, 2, 3, 4]
    assert entries[1].details == {"from": "open", "to": "declared", "on": "2026-01-20"}
    assert entries[2].details == {
        "material": "declaration",
        "version": 1,
        "sha256": hashlib.sha256(b"secret bytes").hexdigest(),
        "size": 12,
        "on": "2026-01-20",
    }
    assert "secret" not in repr(entries)
    assert verify(entries, store.audit_head()).ok
    assert [e.seq for e in store.audit_entries(since=D(2999, 1, 1))] == []


@pytest.mark.parametrize(
    ("sql", "broken", "reason"),
    [
        (
            "UPDATE audit SET actor = 'mallory' WHERE seq = 2",
            2,
            "its content does not match its hash (edited)",
        ),
        ("DELETE FROM audit WHERE seq = 2", 2, "entry 2 missing (deleted?)"),
        (
            "DELETE FROM audit WHERE seq = 3",
            3,
            "the trail ends at entry 2 but 3 were written (the newest deleted?)",
        ),
    ],
)
def test_tampering_is_detected_and_named(
    store: SqlStore, store_url: str, sql: str, broken: int, reason: str
) -> None:
    store.open_case(request(), "ana")
    store.transition("CR-000001", "declared", on=D(2026, 1, 20), actor="ana")
    store.transition("CR-000001", "under_review", on=D(2026, 2, 2), actor="ana")
    raw_sql(store_url, sql)
    verdict = verify(store.audit_entries(), store.audit_head())
    assert not verdict.ok
    assert (verdict.broken, verdict.reason) == (broken, reason)


def _race(url: str, barrier: Any, results: Any) -> None:
    store = open_store(url)
    barrier.wait()
    case, created = store.open_case(request(), "gate")
    results.put((case.id, created))
    store.close()


@pytest.mark.slow
def test_sixteen_racing_processes_leave_one_open_case(store_url: str) -> None:
    open_store(store_url).close()  # migrate first
    ctx = multiprocessing.get_context("fork")
    barrier = ctx.Barrier(16)
    results = ctx.Queue()
    procs = [ctx.Process(target=_race, args=(store_url, barrier, results)) for _ in range(16)]
    for proc in procs:
        proc.start()
    for proc in procs:
        proc.join(60)
        assert proc.exitcode == 0
    outcomes = [results.get(timeout=5) for _ in procs]
    assert len({case_id for case_id, _ in outcomes}) == 1  # everyone got the same case
    assert sum(created for _, created in outcomes) == 1
    store = open_store(store_url)
    assert len(store.list_cases()) == 1
    assert [e.action for e in store.audit_entries()] == ["case.opened"]
    store.close()


KILLED_MID_WRITE = """
import os, signal, sys
sys.path[:0] = {paths!r}
from tests.cases.conftest import open_store, raw_sql
from tests.cases.test_store import request
from cyberreview_policy.cases import sqlstore
store = open_store({url!r})
def die(*args, **kwargs):
    os.kill(os.getpid(), signal.SIGKILL)  # after the case row, before the commit
sqlstore.SqlStore._add_event = die
store.open_case(request(), "gate")
"""


@pytest.mark.slow
def test_a_process_killed_mid_write_leaves_no_half_written_case(store_url: str) -> None:
    open_store(store_url).close()
    code = textwrap.dedent(KILLED_MID_WRITE).format(paths=sys.path, url=store_url)
    done = subprocess.run([sys.executable, "-c", code], check=False, cwd=Path(__file__).parents[2])
    assert done.returncode == -signal.SIGKILL
    store = open_store(store_url)
    assert store.list_cases() == []
    assert list(store.audit_entries()) == []
    case, created = store.open_case(request(), "gate")  # and the store works on
    assert created is True  # (PostgreSQL sequences may skip the number the dead one took)
    assert [c.id for c in store.list_cases()] == [case.id]
    store.close()


def test_newer_schema_is_refused(store: SqlStore, store_url: str) -> None:
    store._execute("UPDATE schema_version SET version = 99")
    with pytest.raises(CaseStoreError, match="has schema 99, newer than this version"):
        open_store(store_url)


def test_sqlite_file_is_private(tmp_path: Path) -> None:
    store = SqliteStore(tmp_path / "state" / "cases.db")
    store.open_case(request(), "ana")
    assert stat.S_IMODE(store.path.stat().st_mode) == 0o600
    assert stat.S_IMODE(store.path.parent.stat().st_mode) == 0o700


def test_unopenable_sqlite_path(tmp_path: Path) -> None:
    blocker = tmp_path / "file"
    blocker.write_text("x")
    with pytest.raises(CaseStoreError, match="cannot open case store"):
        SqliteStore(blocker / "cases.db")


def test_unreachable_postgresql_is_one_clear_line() -> None:
    from cyberreview_policy.cases.postgres import PostgresStore

    with pytest.raises(CaseStoreError) as info:
        PostgresStore("postgresql://gate:s3cret@127.0.0.1:1/cases", connect_timeout=2)
    message = str(info.value)
    assert message.startswith("cannot reach case store postgresql://gate:***@127.0.0.1:1/cases: ")
    assert "s3cret" not in message
    assert "\n" not in message


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


def test_environment_unused() -> None:
    assert os.environ.get("CYBERREVIEW_STORE") is None


def _open_new_store(path: str) -> str:
    from cyberreview_policy.cases.sqlite import SqliteStore

    try:
        SqliteStore(Path(path)).close()
    except CaseStoreError as exc:
        return str(exc)
    return "ok"


@pytest.mark.slow
def test_processes_opening_a_new_sqlite_store_at_once_all_get_it(tmp_path: Path) -> None:
    """Two sweeps or gates started together on a new home: neither fails with
    "database is locked" (SQLite refuses a second switch to WAL at once)."""

    with multiprocessing.get_context("spawn").Pool(4) as pool:
        for round_ in range(24):
            path = str(tmp_path / f"round{round_}" / "cases.db")
            assert pool.map(_open_new_store, [path] * 4) == ["ok"] * 4


def test_quarantine_holds_exactly_what_it_is_given(store: SqlStore) -> None:
    """New records are held from now, those held already keep their date, the others are
    released; the audit trail names the ids, never the reasons (they quote record values)."""
    assert store.quarantined("erp") == {}
    store.set_quarantine("erp", {"PO-1": "no mapping for 'Secret Box'", "PO-2": "bad"}, "t")
    first = store.quarantined("erp")
    assert sorted(first) == ["PO-1", "PO-2"] and first["PO-1"].reason.startswith("no mapping")
    store.set_quarantine("erp", {"PO-2": "still bad", "PO-3": "new"}, "t")
    second = store.quarantined("erp")
    assert sorted(second) == ["PO-2", "PO-3"]
    assert second["PO-2"].since == first["PO-2"].since and second["PO-2"].reason == "still bad"
    assert store.quarantined("other") == {}
    store.set_quarantine("erp", {}, "t")
    assert store.quarantined("erp") == {}
    entries = [e for e in store.audit_entries() if e.action == "source.quarantine"]
    assert [e.details["added"] for e in entries] == [["PO-1", "PO-2"], ["PO-3"], []]
    assert [e.details["released"] for e in entries] == [[], ["PO-1"], ["PO-2", "PO-3"]]
    assert "Secret Box" not in str([e.details for e in entries])
