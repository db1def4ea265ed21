"""A case changed in the database behind cyberreview's back: ``audit verify`` names
it, and the gate does not let it clear the record (the attack on 0.6.0 that turned
a block into an allow with one ``UPDATE``)."""

from __future__ import annotations

import json
from pathlib import Path

import pytest

from tests.cases.conftest import raw_sql
from tests.cli.test_review_cli import PINNED, Cli
from tests.conftest import COVERED, Result, with_changes
from tests.waivers.helpers import granted


@pytest.fixture
def under_review(cli: Cli, tmp_path: Path, store_url: str) -> tuple[Path, str]:
    """A covered purchase whose review case is under way (so the gate blocks it)."""
    po = tmp_path / "po.json"
    po.write_text(json.dumps(COVERED), "utf-8")
    gate = cli(
        "gate",
        "--record",
        po,
        *PINNED,
        "--as-of",
        "2026-01-05",
        "--format",
        "json",
        "--store",
        store_url,
    )
    case_id: str = gate.json()["actions"][0]["case_id"]
    for state, on in (("declared", "2026-01-20"), ("under_review", "2026-02-02")):
        assert (
            cli("cases", "transition", case_id, state, "--on", on, "--store", store_url).code == 0
        )
    return po, case_id


def _gate(cli: Cli, po: Path, store_url: str) -> Result:
    return cli(
        "gate",
        "--record",
        po,
        *PINNED,
        "--as-of",
        "2026-02-10",
        "--format",
        "json",
        "--store",
        store_url,
    )


def test_a_case_passed_in_the_database_is_named_and_clears_nothing(
    cli: Cli, under_review: tuple[Path, str], store_url: str
) -> None:
    po, case_id = under_review
    before = _gate(cli, po, store_url)
    assert before.code == 2
    assert cli("audit", "verify", "--store", store_url).code == 0
    raw_sql(store_url, "UPDATE cases SET state = 'passed'")
    verified = cli("audit", "verify", "--store", store_url)
    assert verified.code == 1, verified.out
    assert f"case {case_id}" in verified.out
    assert "state is passed" in verified.out and "under_review" in verified.out
    after = _gate(cli, po, store_url)
    assert after.code == 2, after.out
    decision = after.json()
    assert decision["decision"] == "block"
    mismatch = decision["findings"][0]
    assert mismatch["rule"] == "case-mismatch" and mismatch["outcome"] == "block"
    assert case_id in mismatch["message"] and "audit trail" in mismatch["message"]


GAP = with_changes(COVERED, review__status="passed", contract__commitments__no_illegal_control=None)


@pytest.mark.parametrize(
    "sql",
    [
        "UPDATE waivers SET expires = '2022-04-30'",
        "UPDATE waivers SET scope_record = NULL, scope_vendor = 'Example Networks'",
        "UPDATE waivers SET revoked_on = NULL, revoked_by = NULL, revoked_reason = NULL",
        "UPDATE waivers SET approver = 'Zhang Min (CISO)', decided_by = 'Zhang Min (CISO)'",
        "INSERT INTO waivers (id, rule, scope_vendor, reason, approver, created, expires, "
        "added_at, added_by) VALUES ('W-0099', 'commitments', 'Example Networks', 'r', 'a', "
        "'2021-05-01', '2021-12-31', '2021-05-01', 'mallory')",
    ],
)
def test_a_waiver_changed_in_the_database_stops_decisions(
    cli: Cli, tmp_path: Path, store_url: str, sql: str
) -> None:
    store = ("--store", store_url)
    record = tmp_path / "gap.json"
    record.write_text(json.dumps(GAP), "utf-8")
    added = granted(cli, "--rule", "commitments", "--record", "PO-2021-0117/1",
                    "--reason", "r", "--created", "2021-05-01",
                    "--expires", "2021-07-31", *store)  # fmt: skip
    assert added.code == 0, added.err
    if "revoked_on = NULL" in sql:
        assert cli("waivers", "revoke", "W-0001", "--reason", "ended", "--on", "2021-05-02",
                   *store).code == 0  # fmt: skip
    gate = ("gate", "--record", record, "--as-of", "2021-06-01", "--fail-on-warn", *store)
    assert cli(*gate).code == (1 if "revoked_on = NULL" in sql else 0)  # waived, or not
    raw_sql(store_url, sql)
    refused = cli(*gate)
    assert refused.code == 3, refused.out
    assert "differs from its audit trail" in refused.err and "W-00" in refused.err
    assert "changed outside cyberreview" in refused.err
    verified = cli("audit", "verify", *store)
    assert verified.code == 1 and "differs from its audit trail" in verified.out
