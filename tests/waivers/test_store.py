"""Waivers in the case store (SQLite and PostgreSQL): ids the store issues, changes
that are one audited transaction, waiver files brought in and written out, and the
upgrade from the files of earlier versions."""

from __future__ import annotations

import datetime as dt
import json
import textwrap
from collections.abc import Iterator
from pathlib import Path
from typing import Any

import pytest
import yaml

from cyberreview_policy.cases.sqlstore import SqlStore
from cyberreview_policy.errors import WaiverError
from cyberreview_policy.waivers import Scope, Waiver, load_file
from tests.cases.conftest import open_store
from tests.conftest import COVERED, with_changes
from tests.waivers.helpers import granted

D = dt.date
GAP = with_changes(COVERED, review__status="passed", contract__commitments__no_illegal_control=None)


@pytest.fixture
def store(store_url: str) -> Iterator[SqlStore]:
    opened = open_store(store_url)
    yield opened
    opened.close()


def asked(record: str = "PO-2021-0117/1", **changes: Any) -> Waiver:
    base = {
        "id": "",
        "rule": "commitments",
        "scope": Scope(record=record),
        "reason": "amendment signed",
        "approver": "Li Wei",
        "created": D(2021, 5, 1),
        "expires": D(2021, 12, 31),
        "ticket": "CHG-7",
    }
    return Waiver(**{**base, **changes})


def test_the_store_numbers_waivers_and_audits_each_change(store: SqlStore) -> None:
    assert store.waivers() == [] and store.waivers_stamp() == (0, 0, 0)
    first = store.request_waiver(asked("PO-1"), "ana")
    second = store.request_waiver(asked("PO-2", id="W-9999"), "ana")  # the id asked is ignored
    assert (first.id, second.id) == ("W-0001", "W-0002")
    assert (first.status, first.requested_by, first.approver) == ("requested", "ana", "")
    assert store.waivers_stamp() == (2, 0, 0)
    approved = store.decide_waiver("W-0001", True, "bo", "checked")
    assert (approved.status, approved.approver, approved.decided_by) == ("approved", "bo", "bo")
    assert store.waivers_stamp() == (2, 0, 1)  # a decision changes what decisions use
    revoked = store.revoke_waiver("W-0001", D(2021, 6, 1), "bo", "vendor changed")
    assert (revoked.revoked_on, revoked.revoked_by, revoked.revoked_reason) == (
        D(2021, 6, 1),
        "bo",
        "vendor changed",
    )
    assert store.waivers_stamp() == (2, 1, 1)
    assert [w.state(D(2021, 6, 2)) for w in store.waivers()] == ["revoked", "requested"]
    with pytest.raises(WaiverError, match="W-0001 was revoked already, from 2021-06-01 by bo"):
        store.revoke_waiver("W-0001", D(2021, 7, 1), "cy", "again")
    with pytest.raises(WaiverError, match="no waiver 'W-0404' in the case store"):
        store.revoke_waiver("W-0404", D(2021, 7, 1), "cy", "x")
    trail = [(e.action, e.subject, e.actor) for e in store.audit_entries()]
    assert trail == [
        ("waiver.requested", "W-0001", "ana"),
        ("waiver.requested", "W-0002", "ana"),
        ("waiver.approved", "W-0001", "bo"),
        ("waiver.revoked", "W-0001", "bo"),
    ]
    requested = next(store.audit_entries()).details
    assert requested["scope"] == {"record": "PO-1"} and requested["expires"] == "2021-12-31"
    assert (requested["status"], requested["requested_by"]) == ("requested", "ana")


def grant(cli: Any, rule: str, *store: str) -> Any:
    """``waivers request`` of ``rule`` for record PO-1, May to August 2021, approved."""
    return granted(
        cli, "--rule", rule, "--record", "PO-1", "--reason", "r",
        "--created", "2021-05-01", "--expires", "2021-08-01", *store,
    )  # fmt: skip


def write(path: Path, text: str) -> Path:
    path.write_text(textwrap.dedent(text), "utf-8")
    return path


TEAM = """\
waivers:
  - id: TEAM-1
    rule: commitments
    scope: {vendor: Example Networks}
    reason: escrow agreement on file
    approver: Li Wei
    ticket: CHG-1
    created: 2021-05-01
    expires: 2021-12-31
"""


def test_ids_follow_the_highest_imported_number(store: SqlStore, tmp_path: Path) -> None:
    file = write(tmp_path / "w.yaml", TEAM.replace("TEAM-1", "W-0017"))
    store.import_waivers(load_file(file), "ana", str(file))
    assert store.request_waiver(asked("PO-2"), "ana").id == "W-0018"


def test_import_then_export_then_import_again(
    cli: Any, store_url: str, tmp_path: Path, write_json: Any
) -> None:
    store = ("--store", store_url)
    team = write(tmp_path / "team.yaml", TEAM)
    assert cli("waivers", "import", team, *store).out == (
        f"{team}: 1 added, 0 revoked, 0 unchanged\n"
    )
    assert cli("waivers", "import", team, *store).out == (
        f"{team}: 0 added, 0 revoked, 1 unchanged\n"
    )
    gate = ("gate", "--record", write_json(GAP), "--as-of", "2021-06-01", "--format", "json")
    waived = cli(*gate, *store).json()
    assert [f["waiver"]["id"] for f in waived["findings"] if f["waiver"]] == ["TEAM-1"]
    added = grant(cli, "materials", *store)
    assert added.out.startswith("W-0001: approved by Li Wei (requested by ana): materials waived")
    exported = tmp_path / "exported.yaml"
    assert cli("waivers", "export", "-o", exported, *store).code == 0
    text = exported.read_text("utf-8")
    assert text.startswith("# The waivers of the case store ")
    assert [w.id for w in load_file(exported)] == ["TEAM-1", "W-0001"]
    assert cli("waivers", "import", exported, *store).out == (
        f"{exported}: 0 added, 0 revoked, 2 unchanged\n"
    )
    # reviewed in git: one revoked, one new
    data = yaml.safe_load(text)
    data["waivers"][0]["revoked"] = {"on": "2021-06-15", "by": "Zhang Min", "reason": "ended"}
    data["waivers"].append({**data["waivers"][1], "id": "TEAM-2", "scope": {"record": "PO-3"}})
    exported.write_text(yaml.safe_dump(data, sort_keys=False), "utf-8")
    assert cli("waivers", "import", exported, *store).out == (
        f"{exported}: 1 added, 1 revoked, 1 unchanged\n"
    )
    listed = {w["id"]: w for w in cli("waivers", "list", "--format", "json", *store).json()}
    assert listed["TEAM-1"]["state"] == "revoked"
    assert listed["TEAM-1"]["revoked"] == {"on": "2021-06-15", "by": "Zhang Min", "reason": "ended"}
    assert sorted(listed) == ["TEAM-1", "TEAM-2", "W-0001"]
    actions = [e["action"] for e in cli("audit", "export", *store).lines()]
    assert actions.count("waiver.imported") == 2 and actions.count("waiver.revoked") == 1


def test_a_file_cannot_change_a_granted_waiver(cli: Any, store_url: str, tmp_path: Path) -> None:
    store = ("--store", store_url)
    team = write(tmp_path / "team.yaml", TEAM)
    cli("waivers", "import", team, *store)
    longer = write(tmp_path / "longer.yaml", TEAM.replace("2021-12-31", "2022-03-31"))
    result = cli("waivers", "import", longer, *store)
    assert result.code == 3
    assert result.err == (
        f"cyberreview: error: {longer}:2: expires: waiver TEAM-1 differs from the one in the "
        "case store (expires): a granted waiver is not changed; revoke it and grant a new one "
        "under a new id\n"
    )
    # a revocation in the store is not undone by a file that does not know of it
    assert cli("waivers", "revoke", "TEAM-1", "--reason", "ended", *store).code == 0
    again = cli("waivers", "import", team, *store)
    assert again.code == 0 and "revoked in the case store" in again.err
    [listed] = cli("waivers", "list", "--format", "json", *store).json()
    assert listed["revoked"]["reason"] == "ended"


def test_no_cases_decides_without_the_stores_waivers(
    cli: Any, tmp_path: Path, write_json: Any
) -> None:
    cli("waivers", "import", write(tmp_path / "team.yaml", TEAM))
    gate = ("gate", "--record", write_json(GAP), "--as-of", "2021-06-01", "--fail-on-warn")
    assert cli(*gate).code == 0
    assert cli(*gate, "--no-cases").code == 1


# -- the upgrade from waiver files in $CYBERREVIEW_HOME ------------------------------


def test_files_of_an_earlier_version_are_refused_until_imported(
    cli: Any, home: Path, write_json: Any
) -> None:
    legacy = write(home / "waivers.yaml", TEAM.replace("TEAM-1", "W-0003"))
    (home / "waivers.d").mkdir()
    hand = write(home / "waivers.d" / "team.yaml", TEAM.replace("TEAM-1", "T-1"))
    record = write_json(GAP)
    gate = ("gate", "--record", record, "--as-of", "2021-06-01", "--format", "json")
    for refused in (cli(*gate), cli("sweep", record, "--as-of", "2021-06-01")):
        assert refused.code == 3
        assert refused.err == (
            f"cyberreview: error: {legacy}: waivers now live in the case store, and this file "
            "(and 1 more waiver file(s) here) is no longer read: bring them in with "
            "`cyberreview waivers import` (which then renames them *.imported)\n"
        )
    imported = cli("waivers", "import")
    assert imported.out == (
        f"{legacy}: 1 added, 0 revoked, 0 unchanged; renamed waivers.yaml.imported\n"
        f"{hand}: 1 added, 0 revoked, 0 unchanged; renamed team.yaml.imported\n"
    )
    assert not legacy.exists() and (home / "waivers.yaml.imported").is_file()
    decided = cli(*gate)
    assert decided.code == 0, decided.err
    assert sorted(f["waiver"]["id"] for f in decided.json()["findings"] if f["waiver"]) == [
        "W-0003"
    ]  # the first of the two that match
    assert grant(cli, "materials").out.startswith("W-0004:")
    nothing = cli("waivers", "import")
    assert nothing.code == 3 and "give waiver FILEs to import" in nothing.err


def test_an_import_checks_every_waiver_before_writing(cli: Any, tmp_path: Path) -> None:
    good = write(tmp_path / "good.yaml", TEAM)
    bad = write(
        tmp_path / "bad.yaml",
        TEAM.replace("TEAM-1", "TEAM-2").replace("rule: commitments", "rule: no-such-rule"),
    )
    result = cli("waivers", "import", good, bad)
    assert result.code == 3
    assert result.err == (
        f"cyberreview: error: {bad}:2: rule: no registered pack has a rule 'no-such-rule'\n"
    )
    assert cli("waivers", "list").out == "no waivers\n"


def test_waivers_list_and_decisions_read_the_store(cli: Any, home: Path) -> None:
    assert not (home / "waivers.yaml").exists()
    added = grant(cli, "commitments")
    assert added.code == 0 and not (home / "waivers.yaml").exists()  # no file written
    listed: list[dict[str, Any]] = json.loads(cli("waivers", "list", "--format", "json").out)
    assert [(w["id"], w["state"]) for w in listed] == [("W-0001", "expired")]


def test_an_export_reads_back_exactly(cli: Any, store_url: str, tmp_path: Path) -> None:
    """A vendor with NEL (U+0085) in its name survives export and import unchanged
    (PyYAML writes NEL raw in a quoted scalar and reads it back as a line break)."""
    store = ("--store", store_url)
    name = "Example\u0085Networks"
    added = granted(
        cli, "--rule", "commitments", "--vendor", name, "--reason", "r",
        "--created", "2021-05-01", "--expires", "2021-12-31", *store,
    )  # fmt: skip
    assert added.code == 0, added.err
    exported = tmp_path / "exported.yaml"
    assert cli("waivers", "export", "-o", exported, *store).code == 0
    [waiver] = load_file(exported)
    assert waiver.scope.vendor == name
    assert cli("waivers", "import", exported, *store).out == (
        f"{exported}: 0 added, 0 revoked, 1 unchanged\n"
    )
