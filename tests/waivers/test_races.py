"""Waivers requested, approved and revoked at once, by processes, on both backends:
every request kept with its own id, no revocation undone (the attack on 0.6.0 that
lost two of eight grants and issued W-0017 twice), one approval of two."""

from __future__ import annotations

import datetime as dt
import json
import os
import subprocess
import sys
from concurrent.futures import ThreadPoolExecutor
from pathlib import Path
from typing import Any

import pytest

pytestmark = pytest.mark.slow


def command(home: Path, store_url: str, *args: str) -> subprocess.CompletedProcess[str]:
    env = {**os.environ, "CYBERREVIEW_HOME": str(home), "CYBERREVIEW_STORE": store_url}
    return subprocess.run(
        [sys.executable, "-m", "cyberreview_policy", *args],
        env=env,
        capture_output=True,
        text=True,
        timeout=120,
        check=False,
    )


def grant(home: Path, store_url: str, record: str) -> subprocess.CompletedProcess[str]:
    return command(
        home,
        store_url,
        "waivers",
        "request",
        "--rule",
        "commitments",
        "--record",
        record,
        "--reason",
        "amendment signed",
        "--created",
        "2021-05-01",
        "--expires",
        "2021-12-31",
    )


def listed(home: Path, store_url: str) -> list[dict[str, Any]]:
    result = command(
        home, store_url, "waivers", "list", "--as-of", "2021-06-01", "--format", "json"
    )
    assert result.returncode == 0, result.stderr
    data: list[dict[str, Any]] = json.loads(result.stdout)
    return data


def test_eight_concurrent_requests_keep_eight_with_distinct_ids(home: Path, store_url: str) -> None:
    with ThreadPoolExecutor(8) as pool:
        results = list(pool.map(lambda n: grant(home, store_url, f"PO-{n}"), range(8)))
    assert [r.returncode for r in results] == [0] * 8, [r.stderr for r in results]
    said = sorted(r.stdout.split(":")[0] for r in results)
    waivers = listed(home, store_url)
    assert sorted(w["scope"]["record"] for w in waivers) == [f"PO-{n}" for n in range(8)]
    assert sorted(w["id"] for w in waivers) == said
    assert len(set(said)) == 8


def test_a_revocation_racing_requests_is_not_undone(home: Path, store_url: str) -> None:
    assert grant(home, store_url, "PO-first").stdout.startswith("W-0001:")
    revoke = ("waivers", "revoke", "W-0001", "--reason", "vendor changed", "--on", "2021-06-01")
    calls = [lambda: command(home, store_url, *revoke)]
    calls += [lambda n=n: grant(home, store_url, f"PO-{n}") for n in range(7)]
    with ThreadPoolExecutor(8) as pool:
        results = list(pool.map(lambda call: call(), calls))
    assert [r.returncode for r in results] == [0] * 8, [r.stderr for r in results]
    waivers = {w["id"]: w for w in listed(home, store_url)}
    assert len(waivers) == 8
    assert waivers["W-0001"]["state"] == "revoked"
    assert waivers["W-0001"]["revoked"]["reason"] == "vendor changed"


def test_a_service_with_two_workers_and_the_cli_never_issue_an_id_twice(
    home: Path, store_url: str, tmp_path: Path
) -> None:
    import requests

    from tests.serve.conftest import bearer, make_tokens
    from tests.serve.processes import ServeProcess

    tokens = make_tokens(store_url)
    proc = ServeProcess(store_url, home, tmp_path / "serve.log", "--workers", "2")
    try:
        proc.wait_ready()
        expires = (dt.date.today() + dt.timedelta(days=30)).isoformat()

        def post(n: int) -> Any:
            ask = {
                "rule": "commitments",
                "record": f"PO-HTTP-{n}",
                "reason": "amendment signed",
                "expires": expires,
            }
            return requests.post(
                proc.url + "/v1/waivers",
                data=json.dumps(ask),
                headers=bearer(tokens["reviewer"]),
                timeout=60,
            )

        calls = [lambda n=n: post(n) for n in range(8)]
        calls += [lambda n=n: grant(home, store_url, f"PO-CLI-{n}") for n in range(4)]
        with ThreadPoolExecutor(len(calls)) as pool:
            results = list(pool.map(lambda call: call(), calls))
        ids = [r.json()["id"] for r in results[:8]] + [r.stdout.split(":")[0] for r in results[8:]]
        assert [r.status_code for r in results[:8]] == [201] * 8, [r.text for r in results[:8]]
        assert [r.returncode for r in results[8:]] == [0] * 4, [r.stderr for r in results[8:]]
        assert len(set(ids)) == 12
        listed = requests.get(
            proc.url + "/v1/waivers", headers=bearer(tokens["auditor"]), timeout=60
        )
        assert listed.status_code == 200, listed.text
        assert sorted(w["id"] for w in listed.json()) == sorted(ids)
    finally:
        proc.stop()


def test_two_approvals_by_two_processes_at_once_one_wins(home: Path, store_url: str) -> None:
    assert grant(home, store_url, "PO-1").returncode == 0
    approve = ("waivers", "approve", "W-0001", "--note", "checked")
    calls = [
        lambda who=who: command(home, store_url, *approve, "--actor", who) for who in ("bo", "cy")
    ]
    with ThreadPoolExecutor(2) as pool:
        results = list(pool.map(lambda call: call(), calls))
    assert sorted(r.returncode for r in results) == [0, 3], [r.stderr for r in results]
    won = next(r for r in results if r.returncode == 0)
    lost = next(r for r in results if r.returncode == 3)
    winner = won.stdout.split("approved by ")[1].split(" ")[0]
    assert lost.stderr.startswith(
        f"cyberreview: error: waiver W-0001 was approved already, on {dt.date.today()} by {winner}"
    )
    [waiver] = listed(home, store_url)
    assert (waiver["status"], waiver["approver"]) == ("approved", winner)
