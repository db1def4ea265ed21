"""``cyberreview`` with the Jira tracker, end to end: the installed command against the
local Jira, in a fresh ``CYBERREVIEW_HOME`` with a ``cyberreview.yaml``, as an operator
would run it: the gate opens a case from a record file, ``cases sync`` mirrors it."""

from __future__ import annotations

import json
import os
import subprocess
import sys
from pathlib import Path
from typing import Any

import pytest
from fake_jira import FakeJira

from conftest import TOKEN, write_config

CLI = str(Path(sys.executable).with_name("cyberreview"))

RECORD = {
    "id": "PO-2026-0117/1",
    "operator": {"name": "East Grid Power", "ciio": True, "sector": "energy"},
    "product": {"name": "Backbone router", "category": "core_network_equipment", "type": "router"},
    "vendor": {"name": "Example Networks", "country": "CN"},
    "deployment": {"system": "Dispatch WAN", "cii": True, "planned_date": "2026-09-01"},
    "contract": {"number": "C-88", "amount": 4200000, "currency": "CNY"},
    "risk": {"may_affect_national_security": True, "assessed_on": "2026-01-02"},
    "review": {"status": "none"},
    "materials": ["declaration"],
}
NOTE = "filed with the Office; unit price 35000 per chassis"
CONFIDENTIAL = (
    "4200000",
    "4,200,000",
    "35000",
    "C-88",
    "East Grid Power",
    "Backbone router",
    "Example Networks",
    "Dispatch WAN",
    "unit price",
    "filed with the Office",
)


def run(home: Path, *args: str, token: str = TOKEN) -> subprocess.CompletedProcess[str]:
    env = {
        **{k: v for k, v in os.environ.items() if not k.startswith("CYBERREVIEW_")},
        "CYBERREVIEW_HOME": str(home),
        "CYBERREVIEW_ACTOR": "ci",
        "JIRA_TOKEN": token,
    }
    return subprocess.run(
        [CLI, *args], env=env, capture_output=True, text=True, timeout=120, check=False
    )


@pytest.fixture
def record(tmp_path: Path) -> Path:
    path = tmp_path / "po-117.json"
    path.write_text(json.dumps(RECORD))
    return path


def gate(home: Path, record: Path) -> dict[str, Any]:
    done = run(home, "gate", "--record", str(record), "--as-of", "2026-01-05", "--format", "json")
    assert done.returncode == 2, done.stderr  # block: review required
    decision: dict[str, Any] = json.loads(done.stdout)
    return decision


def test_gate_opens_a_case_and_sync_mirrors_it_minimally(
    home: Path, jira: FakeJira, record: Path
) -> None:
    write_config(home, jira)
    decision = gate(home, record)
    (action,) = [a for a in decision["actions"] if a["type"] == "open_case"]
    case_id = action["case_id"]
    (finding,) = [f for f in decision["findings"] if f["rule"] == action["rule"]]

    moved = run(home, "cases", "transition", case_id, "declared", "--on", "2026-01-20",
                "--note", NOTE)  # fmt: skip
    assert moved.returncode == 0, moved.stderr
    synced = run(home, "cases", "sync", "--as-of", "2026-01-21")
    assert synced.returncode == 0, synced.stderr
    assert synced.stdout.startswith("jira: 1 created, 0 updated")

    (key,) = jira.issues
    text = jira.text(key)
    for shown in (case_id, RECORD["id"], action["rule"], "declared", "determination until"):
        assert shown in text
    for citation in finding["citations"]:
        assert citation in text
    for secret in CONFIDENTIAL:
        assert secret not in text, secret
    assert jira.status_of(key) == "In Progress"
    assert TOKEN not in synced.stdout + synced.stderr

    again = run(home, "cases", "sync", "--as-of", "2026-01-21")
    assert again.stdout.startswith("jira: 0 created, 0 updated, 0 found and linked, 1 unchanged")
    assert len(jira.issues) == 1

    for state, on in (("under_review", "2026-02-02"), ("passed", "2026-03-02")):
        assert run(home, "cases", "transition", case_id, state, "--on", on).returncode == 0
    closed = run(home, "cases", "sync", "--as-of", "2026-03-02")
    assert closed.stdout.startswith("jira: 0 created, 1 updated"), closed.stderr
    assert jira.status_of(key) == "Done" and len(jira.issues) == 1


def test_refused_token_fails_the_sync_in_one_line_without_the_token(
    home: Path, jira: FakeJira, record: Path
) -> None:
    write_config(home, jira)
    gate(home, record)
    refused = run(home, "cases", "sync", token="not-the-token-77")
    assert refused.returncode == 3
    assert (
        "HTTP 401" in refused.stderr and "not-the-token-77" not in refused.stderr + refused.stdout
    )
    assert jira.issues == {}


def test_a_configuration_mistake_names_file_line_and_key(
    home: Path, jira: FakeJira, record: Path
) -> None:
    config = write_config(home, jira, project="sec ops")
    failed = run(home, "cases", "sync")
    assert failed.returncode == 3
    assert f"{config}:" in failed.stderr and "trackers.jira.settings.project" in failed.stderr
    unknown = run(home, "cases", "sync", "--tracker", "servicedesk")
    assert unknown.returncode == 3 and "no tracker 'servicedesk'" in unknown.stderr


def test_sweep_syncs_the_cases_it_opened(home: Path, jira: FakeJira, tmp_path: Path) -> None:
    write_config(home, jira)
    records = tmp_path / "export.jsonl"
    other = {**RECORD, "id": "PO-2026-0118/1", "risk": {"may_affect_national_security": None}}
    harmless = {**RECORD, "id": "PO-2026-0119/1", "product": {"name": "Desk", "category": "other"}}
    records.write_text("".join(json.dumps(r) + "\n" for r in (RECORD, other, harmless)))
    swept = run(
        home, "sweep", str(records), "--as-of", "2026-01-05", "--format", "jsonl",
        "--sync-trackers",
    )  # fmt: skip
    assert swept.returncode == 0, swept.stderr
    summary = [json.loads(line) for line in swept.stdout.splitlines()][-1]["summary"]
    assert summary["cases"]["created"] == 2
    assert "jira: 2 created" in swept.stderr
    summaries = sorted(issue.fields["summary"] for issue in jira.issues.values())
    assert [s.split(":")[0] for s in summaries] == ["CR-000001 review", "CR-000002 assessment"]
    again = run(home, "sweep", str(records), "--as-of", "2026-01-05", "--sync-trackers")
    assert "jira: 0 created, 0 updated, 0 found and linked, 2 unchanged" in again.stderr


def test_init_writes_a_commented_jira_tracker(home: Path) -> None:
    assert run(home, "init").returncode == 0
    text = (home / "cyberreview.yaml").read_text()
    block = text[text.index("# trackers:") :]
    assert "#   jira:\n#     type: jira" in block
    assert "#       api_token: {env: JIRA_API_TOKEN}" in block
    assert run(home, "cases", "sync").returncode == 0  # all commented out: nothing to do
