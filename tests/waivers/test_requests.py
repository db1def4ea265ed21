"""Waivers requested by one identity and approved (or rejected) by another, on SQLite
and PostgreSQL: only an approved waiver sets findings aside; an identity never decides
on its own request; of two approvals at once one wins; the audit trail tells it all."""

from __future__ import annotations

import datetime as dt
import threading
from concurrent.futures import ThreadPoolExecutor
from pathlib import Path
from typing import Any

import pytest

from cyberreview_policy.cases import sqlstore
from cyberreview_policy.cases.trail import state_problems
from cyberreview_policy.errors import (
    SelfApprovalError,
    UnknownWaiverError,
    WaiverConflictError,
)
from cyberreview_policy.models.waiver import Waiver
from tests.cases.conftest import open_store, raw_sql
from tests.conftest import COVERED, with_changes
from tests.waivers.test_store import asked

GAP = with_changes(COVERED, review__status="passed", contract__commitments__no_illegal_control=None)
REQUEST = (
    "--rule", "commitments", "--record", "PO-2021-0117/1", "--reason", "amendment signed",
    "--ticket", "CHG-7", "--created", "2021-05-01", "--expires", "2021-12-31",
)  # fmt: skip


def test_a_decision_is_once_and_never_by_the_requester(store_url: str) -> None:
    store = open_store(store_url)
    try:
        store.request_waiver(asked("PO-1"), "ana")
        with pytest.raises(SelfApprovalError, match="W-0001 was requested by ana: another"):
            store.decide_waiver("W-0001", True, "ana")
        with pytest.raises(SelfApprovalError):
            store.decide_waiver("W-0001", False, "ana", "no")
        with pytest.raises(UnknownWaiverError, match="no waiver 'W-0404'"):
            store.decide_waiver("W-0404", True, "bo")
        rejected = store.decide_waiver("W-0001", False, "bo", "not the product on site")
        assert (rejected.status, rejected.approver, rejected.decided_by) == ("rejected", "", "bo")
        assert rejected.state(dt.date(2021, 6, 1)) == "rejected"
        today = dt.date.today()
        with pytest.raises(WaiverConflictError, match=f"was rejected already, on {today} by bo"):
            store.decide_waiver("W-0001", True, "cy")
        store.request_waiver(asked("PO-2"), "ana")
        store.revoke_waiver("W-0002", dt.date(2021, 5, 2), "ana", "asked by mistake")
        with pytest.raises(WaiverConflictError, match="W-0002 was revoked on 2021-05-02 by ana"):
            store.decide_waiver("W-0002", True, "bo")
        assert state_problems(store, store.audit_entries()) == []
    finally:
        store.close()


def test_two_approvals_at_once_one_wins(store_url: str) -> None:
    """Two reviewers, each with a connection of their own, approve the same requests at
    the same moment (and one approves while another rejects): one decision each."""
    first = open_store(store_url)
    for n in range(4):
        first.request_waiver(asked(f"PO-{n}"), "ana")
    first.close()

    def decide(who: str, waiver_id: str, approve: bool, start: threading.Barrier) -> Any:
        store = open_store(store_url)
        try:
            start.wait(timeout=30)
            return store.decide_waiver(waiver_id, approve, who, None if approve else "no")
        except WaiverConflictError as exc:
            return exc
        finally:
            store.close()

    for n in range(4):
        start = threading.Barrier(2)
        second_approves = n % 2 == 0  # else the second one rejects
        with ThreadPoolExecutor(2) as pool:
            results = list(
                pool.map(
                    lambda ask, start=start: decide(*ask, start),
                    [("bo", f"W-000{n + 1}", True), ("cy", f"W-000{n + 1}", second_approves)],
                )
            )
        won = [r for r in results if isinstance(r, Waiver)]
        lost = [r for r in results if isinstance(r, WaiverConflictError)]
        assert (len(won), len(lost)) == (1, 1), results
        assert f"already, on {dt.date.today()} by {won[0].decided_by}" in str(lost[0])
    store = open_store(store_url)
    try:
        decisions = [e for e in store.audit_entries() if e.action != "waiver.requested"]
        assert sorted(e.subject for e in decisions) == ["W-0001", "W-0002", "W-0003", "W-0004"]
        assert state_problems(store, store.audit_entries()) == []
    finally:
        store.close()


def test_request_approve_and_what_decisions_see(cli: Any, store_url: str, write_json: Any) -> None:
    store = ("--store", store_url)
    gate = ("gate", "--record", write_json(GAP), "--as-of", "2021-06-01", "--format", "json")
    asked = cli("waivers", "request", *REQUEST, "--actor", "ana", *store)
    assert asked.code == 0, asked.err
    assert asked.out == (
        "W-0001: requested by ana: commitments for record PO-2021-0117/1 until 2021-12-31; "
        "it applies once another identity approves it (cyberreview waivers approve W-0001)\n"
    )
    before = cli(*gate, *store)
    assert before.json()["decision"] == "warn"  # a request waives nothing
    assert [f["waiver"] for f in before.json()["findings"] if f["rule"] == "commitments"] == [None]
    own = cli("waivers", "approve", "W-0001", "--actor", "ana", *store)
    assert (own.code, own.out) == (3, "")
    assert own.err == (
        "cyberreview: error: waiver W-0001 was requested by ana: another identity approves "
        "or rejects it\n"
    )
    approved = cli("waivers", "approve", "W-0001", "--actor", "Li Wei", "--note", "seen", *store)
    assert approved.code == 0, approved.err
    after = cli(*gate, *store)
    assert after.json()["decision"] == "allow"
    [waived] = [f["waiver"] for f in after.json()["findings"] if f["waiver"]]
    assert (waived["id"], waived["approver"]) == ("W-0001", "Li Wei")
    again = cli("waivers", "reject", "W-0001", "--actor", "Zhang Min", "--note", "no", *store)
    assert again.code == 3
    assert "waiver W-0001 was approved already" in again.err and "by Li Wei" in again.err
    unknown = cli("waivers", "approve", "W-0404", "--actor", "Li Wei", *store)
    assert unknown.err == "cyberreview: error: no waiver 'W-0404' in the case store\n"
    trail = [(e["action"], e["actor"]) for e in cli("audit", "export", *store).lines()]
    assert [t for t in trail if t[0].startswith("waiver.")] == [
        ("waiver.requested", "ana"),
        ("waiver.approved", "Li Wei"),
    ]
    assert cli("audit", "verify", *store).code == 0


def test_a_rejected_request_waives_nothing(cli: Any, write_json: Any) -> None:
    gate = ("gate", "--record", write_json(GAP), "--as-of", "2021-06-01", "--fail-on-warn")
    cli("waivers", "request", *REQUEST, "--actor", "ana")
    no_note = cli("waivers", "reject", "W-0001", "--actor", "Li Wei")
    assert no_note.code == 3 and "--note" in no_note.err
    rejected = cli("waivers", "reject", "W-0001", "--actor", "Li Wei", "--note", "not signed")
    assert rejected.out == "W-0001: rejected by Li Wei (requested by ana)\n"
    assert cli(*gate).code == 1
    [listed] = cli("waivers", "list", "--format", "json", "--as-of", "2021-06-01").json()
    assert (listed["status"], listed["state"], listed["approver"]) == ("rejected", "rejected", None)
    assert (listed["decided_by"], listed["decision_note"]) == ("Li Wei", "not signed")


def test_the_old_add_says_what_replaced_it(cli: Any) -> None:
    result = cli(
        "waivers", "add", "--rule", "commitments", "--record", "PO-1", "--reason", "r",
        "--approver", "Li Wei", "--expires", "2021-12-31",
    )  # fmt: skip
    assert result.code == 3
    assert "`waivers add` is replaced: request a waiver with `cyberreview waivers request`" in (
        result.err
    )
    assert cli("waivers", "list").out == "no waivers\n"


def test_list_shows_who_asked_who_approved_and_warns_of_expiry(cli: Any) -> None:
    today = dt.date.today()
    soon, later = today + dt.timedelta(days=12), today + dt.timedelta(days=200)
    for record, expires in (("PO-1", soon), ("PO-2", later), ("PO-3", soon)):
        cli(
            "waivers", "request", "--rule", "commitments", "--record", record,
            "--reason", f"signed {record}", "--ticket", f"CHG-{record}",
            "--expires", expires.isoformat(), "--actor", "ana",
        )  # fmt: skip
    cli("waivers", "approve", "W-0001", "--actor", "Li Wei")
    cli("waivers", "approve", "W-0002", "--actor", "Li Wei")
    listed = cli("waivers", "list")
    assert listed.code == 0
    heading, *rows = listed.out.splitlines()
    assert heading.split() == [
        "ID", "STATE", "RULE", "SCOPE", "EXPIRES", "REQUESTER", "APPROVER", "TICKET", "REASON",
    ]  # fmt: skip
    assert [row.split() for row in rows] == [
        ["W-0001", "active", "commitments", "record", "PO-1", str(soon), "ana", "Li", "Wei",
         "CHG-PO-1", "signed", "PO-1"],
        ["W-0002", "active", "commitments", "record", "PO-2", str(later), "ana", "Li", "Wei",
         "CHG-PO-2", "signed", "PO-2"],
        ["W-0003", "requested", "commitments", "record", "PO-3", str(soon), "ana", "-",
         "CHG-PO-3", "signed", "PO-3"],
    ]  # fmt: skip
    assert listed.err == (
        f"cyberreview: warning: waiver W-0001 (active) expires in 12 days, on {soon}\n"
        f"cyberreview: warning: waiver W-0003 (requested) expires in 12 days, on {soon}\n"
    )
    as_json = cli("waivers", "list", "--format", "json")
    assert as_json.err == listed.err
    assert [(w["id"], w["requested_by"], w["approver"], w["warning"]) for w in as_json.json()] == [
        ("W-0001", "ana", "Li Wei", f"waiver W-0001 (active) expires in 12 days, on {soon}"),
        ("W-0002", "ana", "Li Wei", None),
        ("W-0003", "ana", None, f"waiver W-0003 (requested) expires in 12 days, on {soon}"),
    ]
    later_on = cli("waivers", "list", "--as-of", str(soon + dt.timedelta(days=1)))
    assert later_on.err == ""  # W-0001 expired: no longer warned of


def test_a_request_approved_behind_cyberreviews_back_is_refused(
    cli: Any, store_url: str, write_json: Any
) -> None:
    store = ("--store", store_url)
    cli("waivers", "request", *REQUEST, "--actor", "ana", *store)
    raw_sql(
        store_url,
        "UPDATE waivers SET status = 'approved', approver = 'ana', decided_by = 'ana', "
        "decided_on = '2021-05-01'",
    )
    gate = ("gate", "--record", write_json(GAP), "--as-of", "2021-06-01", *store)
    refused = cli(*gate)
    assert refused.code == 3
    assert "waiver W-0001 differs from its audit trail" in refused.err
    assert "status is 'approved', the trail says 'requested'" in refused.err
    verified = cli("audit", "verify", *store)
    assert verified.code == 1 and "decided_by is 'ana', the trail says None" in verified.out


def test_waivers_granted_before_migrate_as_approved(
    store_url: str, monkeypatch: pytest.MonkeyPatch
) -> None:
    """A store of the version before: its waivers become approved by their approver,
    asked by whoever stored them, and still agree with their audit trail."""
    from cyberreview_policy.cases.waiverstate import DECISION_MIGRATION

    before = sqlstore.MIGRATIONS[: sqlstore.MIGRATIONS.index(DECISION_MIGRATION)]
    monkeypatch.setattr(sqlstore, "MIGRATIONS", before)  # not [:-1]: later ones follow it
    old = open_store(store_url)
    waiver = asked("PO-1", id="W-0001")
    with old._write():
        old._execute(
            "INSERT INTO waivers (id, rule, scope_record, reason, approver, ticket, created, "
            "expires, added_at, added_by) VALUES (?, ?, ?, ?, ?, ?, ?, ?, ?, ?)",
            ("W-0001", "commitments", "PO-1", "amendment signed", "Li Wei", "CHG-7",
             "2021-05-01", "2021-12-31", "2021-05-03T08:00:00+00:00", "ana"),
        )  # fmt: skip
        old._append_audit("waiver.added", "ana", subject="W-0001", details=waiver.grant())
    old.close()
    monkeypatch.undo()
    store = open_store(store_url)
    try:
        [migrated] = store.waivers()
        assert (migrated.status, migrated.approver) == ("approved", "Li Wei")
        assert (migrated.requested_by, migrated.requested_on) == ("ana", dt.date(2021, 5, 1))
        assert (migrated.decided_by, migrated.decided_on) == ("Li Wei", dt.date(2021, 5, 1))
        assert migrated.state(dt.date(2021, 6, 1)) == "active"
        assert state_problems(store, store.audit_entries()) == []
        with pytest.raises(WaiverConflictError, match="approved already"):
            store.decide_waiver("W-0001", True, "bo")
    finally:
        store.close()


def test_export_and_import_keep_who_asked_and_who_decided(
    cli: Any, store_url: str, tmp_path: Path
) -> None:
    """Exported from one store and imported into another, a waiver keeps its status,
    requester and approver; a file never decides on a stored waiver."""
    store = ("--store", store_url)
    cli("waivers", "request", *REQUEST, "--actor", "ana", *store)
    cli("waivers", "request", *REQUEST, "--actor", "ana", *store)
    cli("waivers", "approve", "W-0001", "--actor", "Li Wei", "--note", "seen", *store)
    exported = tmp_path / "w.yaml"
    assert cli("waivers", "export", "-o", exported, *store).code == 0
    other = ("--store", f"sqlite:///{tmp_path / 'other.db'}")
    assert cli("waivers", "import", exported, *other).code == 0
    fields = ("id", "status", "requested_by", "approver", "decided_by", "decision_note")
    mine = cli("waivers", "list", "--format", "json", *store).json()
    theirs = cli("waivers", "list", "--format", "json", *other).json()
    assert [[w[f] for f in fields] for w in theirs] == [[w[f] for f in fields] for w in mine]
    assert cli("audit", "verify", *other).code == 0
    # W-0002 approved in the store; the file, older, says requested: noted, not applied
    cli("waivers", "approve", "W-0002", "--actor", "Zhang Min", *store)
    again = cli("waivers", "import", exported, *store)
    assert again.code == 0
    assert "waiver W-0002 is approved in the case store; the file says requested" in again.err


def test_request_refusals_name_fields(cli: Any) -> None:
    no_scope = cli(
        "waivers", "request", "--rule", "commitments", "--reason", "r", "--expires", "2099-01-01"
    )
    assert no_scope.err == (
        "cyberreview: error: a waiver needs a scope: a record, product model, vendor or operator\n"
    )
    assert cli("waivers", "list").out == "no waivers\n"
