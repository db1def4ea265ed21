"""Review cases end to end on the command line: the procedure, clocks, material,
waivers and overrides, the audit trail, PostgreSQL, and sixteen racing gates."""

from __future__ import annotations

import json
import os
import sqlite3
import subprocess
import sys
from collections.abc import Callable
from concurrent.futures import ThreadPoolExecutor
from pathlib import Path
from typing import Any

import pytest

from tests.conftest import COVERED, Result, with_changes
from tests.waivers.helpers import granted

Cli = Callable[..., Result]
PINNED = ("--pack", "cn-csr-2020")


@pytest.fixture
def po(tmp_path: Path) -> Path:
    path = tmp_path / "po.json"
    path.write_text(json.dumps(COVERED), "utf-8")
    return path


def opened(cli: Cli, po: Path, as_of: str = "2026-01-05", *extra: str) -> str:
    result = cli("gate", "--record", po, *PINNED, "--as-of", as_of, "--format", "json", *extra)
    assert result.code == 2, result.err
    case_id: str = result.json()["actions"][0]["case_id"]
    return case_id


def clocks(cli: Cli, case_id: str, as_of: str, *extra: str) -> list[tuple[Any, ...]]:
    data = cli("cases", "show", case_id, "--as-of", as_of, "--format", "json", *extra).json()
    return [
        (c["period"], c["deadline"], c["running"], c["elapsed"], c["provisional"], c["paused"])
        for c in data["clocks"]
    ]


def test_a_review_walked_through_the_2026_spring_festival(cli: Cli, po: Path) -> None:
    case = opened(cli, po)
    move = lambda state, on, *extra: cli("cases", "transition", case, state, "--on", on, *extra)  # noqa: E731
    assert move("declared", "2026-01-20", "--note", "filed with the Office").out == (
        f"{case} is declared from 2026-01-20; determination until 2026-02-03\n"
    )
    assert move("under_review", "2026-02-02").out == (
        f"{case} is under_review from 2026-02-02; preliminary review until 2026-03-20\n"
    )
    assert clocks(cli, case, "2026-02-26") == [
        ("determination", "2026-02-03", False, False, False, False),
        ("preliminary review", "2026-03-20", True, False, False, False),
        ("member opinions", "2026-04-13", False, False, False, False),
    ]
    assert (
        "the clocks stand still"
        in move("supplementing", "2026-03-02", "--note", "escrow agreement").out
    )
    # paused since Mar 2: as of Mar 10, six working days stood still (Mar 3-6, 9, 10)
    assert clocks(cli, case, "2026-03-10")[1] == (
        "preliminary review",
        "2026-03-30",
        True,
        False,
        False,
        True,
    )
    move("under_review", "2026-03-16")
    assert clocks(cli, case, "2026-04-01")[1:] == [
        ("preliminary review", "2026-04-03", True, False, False, False),
        ("member opinions", "2026-04-27", False, False, False, False),
    ]
    assert move("passed", "2026-04-20", "--note", "notice 7").code == 0
    shown = cli("cases", "show", case, "--as-of", "2026-05-01")
    assert "state          passed" in shown.out
    assert "2026-03-02  under_review -> supplementing by" in shown.out
    # the record is cleared by its case from now on, although the ERP still says "none"
    after = cli("gate", "--record", po, *PINNED, "--as-of", "2026-05-01", "--format", "json")
    assert after.code == 0
    assert after.json()["cases"][0]["state"] == "passed"


def test_clocks_into_2027_are_provisional(cli: Cli, po: Path) -> None:
    case = opened(cli, po, "2026-11-02")
    cli("cases", "transition", case, "declared", "--on", "2026-11-02")
    cli("cases", "transition", case, "under_review", "--on", "2026-11-16")
    assert [c[4] for c in clocks(cli, case, "2026-11-20")] == [False, False, True]
    text = cli("cases", "show", case, "--as-of", "2026-11-20").out
    assert (
        "member opinions      15 days  projected  from 2026-12-28  until 2027-01-18 (provisional)"
        "  to come\n" in text
    )


def test_an_operator_calendar_makes_2027_definite(cli: Cli, po: Path, tmp_path: Path) -> None:
    calendar = tmp_path / "calendar.yaml"
    calendar.write_text("2027:\n  holidays: [2027-01-01]\n  workdays: []\n", "utf-8")
    case = opened(cli, po, "2026-11-02")
    cli("cases", "transition", case, "declared", "--on", "2026-11-02")
    cli("cases", "transition", case, "under_review", "--on", "2026-11-16")
    assert [c[4] for c in clocks(cli, case, "2026-11-20", "--calendar", calendar)] == [
        False,
        False,
        False,
    ]


def test_a_malformed_calendar_file_is_named(cli: Cli, po: Path, tmp_path: Path) -> None:
    calendar = tmp_path / "calendar.yaml"
    calendar.write_text("2027:\n  holidays: [new year]\n", "utf-8")
    case = opened(cli, po)
    result = cli("cases", "show", case, "--calendar", calendar)
    assert result.code == 3
    assert result.err == (
        f"cyberreview: error: {calendar}:2: 2027.holidays[0]: 'new year' is not a date "
        "(YYYY-MM-DD) or a from/to range\n"
    )


@pytest.mark.parametrize(
    ("args", "message"),
    [
        (
            ("passed", "--on", "2026-01-06"),
            "case {case} (review) is open: it can go to declared, withdrawn, not passed",
        ),
        (
            ("declared", "--on", "2026-01-01"),
            "case {case}: 2026-01-01 is before its last step, on 2026-01-05",
        ),
        (
            ("declared", "--on", "2026-01-06", "--complex"),
            "complex marks a review as complex: only with under_review",
        ),
    ],
)
def test_refused_transitions(cli: Cli, po: Path, args: tuple[str, ...], message: str) -> None:
    case = opened(cli, po)
    result = cli("cases", "transition", case, *args)
    assert result.code == 3
    assert result.err == f"cyberreview: error: {message.format(case=case)}\n"


def test_unknown_case_and_unknown_state(cli: Cli) -> None:
    missing = cli("cases", "transition", "CR-000404", "declared", "--on", "2026-01-06")
    assert missing.code == 3
    assert "no case 'CR-000404'" in missing.err
    bad_state = cli("cases", "transition", "CR-000001", "approved", "--on", "2026-01-06")
    assert bad_state.code == 3
    assert "invalid choice: 'approved'" in bad_state.err


def test_material_is_shown_only_when_asked(cli: Cli, po: Path, tmp_path: Path, home: Path) -> None:
    case = opened(cli, po)
    secret = tmp_path / "impact-analysis-ZHONGXIN.pdf"
    secret.write_bytes(b"%PDF confidential analysis")
    attached = cli("cases", "attach", case, "impact_analysis", secret, "--on", "2026-01-10")
    assert attached.out == f"{case}: impact_analysis on file as impact_analysis@1 (26 bytes)\n"
    assert "ZHONGXIN" not in attached.out
    for listing in (
        cli("cases", "list"),
        cli("cases", "list", "--format", "json"),
        cli("cases", "show", case),
    ):
        assert "ZHONGXIN" not in listing.out
    shown = cli("cases", "show", case)
    assert "  [x] impact_analysis  (attached)" in shown.out
    assert "  [x] declaration  (listed by the source)" in shown.out
    assert "impact-analysis-ZHONGXIN.pdf" in cli("cases", "show", case, "--materials").out
    data = cli("cases", "show", case, "--materials", "--format", "json").json()
    assert data["materials"][0]["filename"] == "impact-analysis-ZHONGXIN.pdf"
    assert oct((home / "cases.db").stat().st_mode & 0o777) == "0o600"
    assert b"confidential" not in json.dumps(cli("audit", "export").lines()).encode()


def test_list_overdue(cli: Cli, po: Path) -> None:
    case = opened(cli, po)
    cli("cases", "transition", case, "declared", "--on", "2026-01-20")
    assert cli("cases", "list", "--overdue", "--as-of", "2026-02-03").out.startswith("no cases")
    late = cli("cases", "list", "--overdue", "--as-of", "2026-02-04")
    assert late.out.startswith(f"{case}  review  declared  PO-2021-0117/1  review-required")
    assert "determination until 2026-02-03 OVERDUE" in late.out


def test_extend_a_special_review(cli: Cli, po: Path) -> None:
    case = opened(cli, po)
    for state, on in (
        ("declared", "2026-01-20"),
        ("under_review", "2026-02-02"),
        ("special_review", "2026-05-06"),
    ):
        cli("cases", "transition", case, state, "--on", on)
    result = cli(
        "cases", "extend", case, "--days", "20", "--on", "2026-06-01", "--note", "notice 12"
    )
    assert result.code == 0
    assert result.out.startswith(f"{case} extended by 20 working days: special review until ")
    assert clocks(cli, case, "2026-06-02")[-1][0] == "special review"


# -- the audit trail -------------------------------------------------------------


def test_audit_verify_names_an_edited_entry(cli: Cli, po: Path, home: Path) -> None:
    case = opened(cli, po)
    cli("cases", "transition", case, "declared", "--on", "2026-01-20")
    intact = cli("audit", "verify")
    assert (intact.code, intact.out.split(" in ")[0]) == (0, "audit trail intact: 3 entries")
    actions = [entry["action"] for entry in cli("audit", "export").lines()]
    assert actions == ["case.opened", "gate.decision", "case.transition"]
    db = sqlite3.connect(home / "cases.db")
    db.execute("UPDATE audit SET details = replace(details, 'block', 'allow') WHERE seq = 2")
    db.commit()
    db.close()
    broken = cli("audit", "verify")
    assert broken.code == 1
    assert broken.out.startswith(
        "audit trail BROKEN at entry 2: its content does not match its hash (edited)"
    )


def test_audit_export_since(cli: Cli, po: Path) -> None:
    opened(cli, po)
    assert len(cli("audit", "export", "--since", "2000-01-01").lines()) == 2
    assert cli("audit", "export", "--since", "2999-01-01").lines() == []


# -- waivers and overrides --------------------------------------------------------


GAP = with_changes(COVERED, review__status="passed", contract__commitments__no_illegal_control=None)


def test_waivers_request_approve_list_revoke_and_apply(
    cli: Cli, tmp_path: Path, home: Path
) -> None:
    record = tmp_path / "gap.json"
    record.write_text(json.dumps(GAP), "utf-8")
    gate = ("gate", "--record", record, "--as-of", "2021-06-01", "--fail-on-warn")
    assert cli(*gate).code == 1
    added = granted(
        cli,
        "--rule",
        "commitments",
        "--record",
        "PO-2021-0117/1",
        "--reason",
        "amendment signed",
        "--ticket",
        "CHG-7",
        "--created",
        "2021-05-01",
        "--expires",
        "2021-12-31",
    )
    assert added.out == (
        "W-0001: approved by Li Wei (requested by ana): commitments waived for record "
        "PO-2021-0117/1 until 2021-12-31\n"
    )
    listed = cli("waivers", "list", "--as-of", "2021-06-01").out.splitlines()
    assert listed[1].split()[:3] == ["W-0001", "active", "commitments"]
    waived = cli(*gate, "--format", "json")
    assert waived.code == 0
    assert [f["waiver"]["id"] for f in waived.json()["findings"] if f["waiver"]] == ["W-0001"]
    expired = cli("gate", "--record", record, *PINNED, "--as-of", "2022-01-05", "--format", "json")
    assert "waiver-expired" in [f["rule"] for f in expired.json()["findings"]]
    assert (
        cli("waivers", "revoke", "W-0001", "--reason", "vendor changed", "--on", "2021-06-01").code
        == 0
    )
    assert cli(*gate).code == 1
    actions = [e["action"] for e in cli("audit", "export").lines()]
    assert actions.count("waiver.requested") == 1
    assert actions.count("waiver.approved") == 1
    assert actions.count("waiver.revoked") == 1


@pytest.mark.parametrize(
    ("args", "message"),
    [
        (
            ("--rule", "review-required", "--record", "A"),
            "rule review-required of pack cn-csr-2020 is not overridable",
        ),
        (
            ("--rule", "no-such-rule", "--record", "A"),
            "no registered pack has a rule 'no-such-rule'",
        ),
        (("--rule", "commitments"), "a waiver needs a scope"),
        (
            ("--rule", "commitments", "--record", "A", "--expires", "2023-01-01"),
            "must be within 365 days after the waiver starts (2021-05-01)",
        ),
    ],
)
def test_waivers_request_refuses(cli: Cli, args: tuple[str, ...], message: str) -> None:
    base = {
        "--reason": "r",
        "--created": "2021-05-01",
        "--expires": "2021-12-31",
    }
    for key, value in zip(args[::2], args[1::2], strict=True):
        base[key] = value
    result = cli("waivers", "request", *[part for pair in base.items() for part in pair])
    assert result.code == 3
    assert message in result.err
    assert cli("waivers", "list").out == "no waivers\n"


def test_a_waiver_file_naming_a_fixed_rule_is_not_imported(
    cli: Cli, po: Path, tmp_path: Path
) -> None:
    path = tmp_path / "team.yaml"
    path.write_text(
        "waivers:\n  - id: T-1\n    rule: review-required\n    scope: {vendor: Example Networks}\n"
        "    reason: r\n    approver: a\n    created: 2021-01-01\n    expires: 2021-12-31\n",
        "utf-8",
    )
    result = cli("waivers", "import", path)
    assert result.code == 3
    assert result.err == (
        f"cyberreview: error: {path}:2: rule: rule review-required of pack cn-csr-2020 is not "
        "overridable: no waiver can set it aside\n"
    )
    assert cli("waivers", "list").out == "no waivers\n"


def test_override_for_one_gate_run(cli: Cli, tmp_path: Path) -> None:
    record = tmp_path / "gap.json"
    record.write_text(json.dumps(GAP), "utf-8")
    result = cli(
        "gate",
        "--record",
        record,
        "--as-of",
        "2021-06-01",
        "--fail-on-warn",
        "--format",
        "json",
        "--override",
        "commitments",
        "--reason",
        "letter on file",
        "--approver",
        "Li Wei",
    )
    assert result.code == 0
    waived = next(f for f in result.json()["findings"] if f["rule"] == "commitments")
    assert waived["waiver"]["id"] == "override:commitments"
    override = next(e for e in cli("audit", "export").lines() if e["action"] == "gate.override")
    assert override["details"] == {
        "rule": "commitments",
        "reason": "letter on file",
        "approver": "Li Wei",
    }
    assert cli("gate", "--record", record, "--as-of", "2021-06-01", "--fail-on-warn").code == 1


@pytest.mark.parametrize(
    ("extra", "message"),
    [
        (
            ("--override", "review-required", "--reason", "r", "--approver", "a"),
            "--override review-required: the rule is not overridable",
        ),
        (("--override", "commitments"), "--override needs --reason and --approver"),
        (
            ("--override", "commitments", "--reason", "r", "--approver", "a", "--no-cases"),
            "not with --no-cases",
        ),
    ],
)
def test_override_refused(cli: Cli, po: Path, extra: tuple[str, ...], message: str) -> None:
    result = cli("gate", "--record", po, "--as-of", "2021-06-01", *extra)
    assert result.code == 3
    assert message in result.err


# -- PostgreSQL, and the gate failing closed -------------------------------------


def test_unreachable_postgresql_fails_the_gate_closed(cli: Cli, po: Path) -> None:
    url = "postgresql://gate:s3cret@127.0.0.1:1/cases"
    result = cli("gate", "--record", po, "--as-of", "2021-06-01", "--store", url)
    assert result.code == 3
    assert result.out == ""
    assert result.err.startswith(
        "cyberreview: error: cannot reach case store postgresql://gate:***@127.0.0.1:1/cases: "
    )
    assert "s3cret" not in result.err
    assert result.err.count("\n") == 1
    assert (
        cli("gate", "--record", po, "--as-of", "2021-06-01", "--store", url, "--no-cases").code == 2
    )


def test_the_walkthrough_on_postgresql(cli: Cli, po: Path, pg_url: str) -> None:
    store = ("--store", pg_url)
    result = cli(
        "gate", "--record", po, *PINNED, "--as-of", "2026-01-05", "--format", "json", *store
    )
    case = result.json()["actions"][0]["case_id"]
    for state, on in (
        ("declared", "2026-01-20"),
        ("under_review", "2026-02-02"),
        ("passed", "2026-04-20"),
    ):
        assert cli("cases", "transition", case, state, "--on", on, *store).code == 0
    assert cli("audit", "verify", *store).code == 0
    after = cli("gate", "--record", po, *PINNED, "--as-of", "2026-05-01", *store)
    assert after.code == 0


def _gate(po: Path, env: dict[str, str]) -> subprocess.CompletedProcess[str]:
    return subprocess.run(
        [
            sys.executable,
            "-m",
            "cyberreview_policy",
            "gate",
            "--record",
            str(po),
            *PINNED,
            "--as-of",
            "2026-01-05",
            "--format",
            "json",
        ],
        capture_output=True,
        text=True,
        env=env,
        check=False,
    )


@pytest.mark.slow
@pytest.mark.parametrize("backend", ["sqlite", "postgresql"])
def test_sixteen_concurrent_gates_leave_one_open_case(
    backend: str, po: Path, home: Path, request: pytest.FixtureRequest
) -> None:
    env = dict(os.environ, CYBERREVIEW_HOME=str(home))
    if backend == "postgresql":
        env["CYBERREVIEW_STORE"] = request.getfixturevalue("pg_url")
    _gate(po, env)  # not timed: migrate the store, cache the pack
    first = json.loads(_gate(po, env).stdout)["actions"][0]["case_id"]
    env_fresh = dict(env, CYBERREVIEW_ACTOR="racer")
    record = json.loads(po.read_text("utf-8"))
    record["id"] = "PO-RACE/1"
    po.write_text(json.dumps(record), "utf-8")
    with ThreadPoolExecutor(16) as pool:
        runs = list(pool.map(lambda _: _gate(po, env_fresh), range(16)))
    assert [run.returncode for run in runs] == [2] * 16, runs[0].stderr
    actions = [json.loads(run.stdout)["actions"][0] for run in runs]
    assert len({a["case_id"] for a in actions}) == 1
    assert sorted(a["created"] for a in actions) == [False] * 15 + [True]
    assert actions[0]["case_id"] != first


def test_cases_sync_without_trackers_says_so(cli: Cli, po: Path) -> None:
    opened(cli, po)
    result = cli("cases", "sync")
    assert result.code == 0 and "no trackers configured" in result.err
    refused = cli("sweep", po, "--no-cases", "--sync-trackers")
    assert refused.code == 3 and "--sync-trackers" in refused.err
