"""The production sweep: workers, shards, findings from sweep to sweep, case notes,
run locks, and what it says on stderr."""

from __future__ import annotations

import io
import json
import os
import subprocess
import sys
from collections.abc import Callable
from pathlib import Path
from typing import Any

import pytest

from tests.conftest import COVERED, Result, with_changes

Cli = Callable[..., Result]
EXAMPLES = Path(__file__).parents[2] / "examples" / "procurement.jsonl"
DEMO = ("--as-of", "2021-06-01")


def decided(result: Result) -> list[tuple[str, str, list[str]]]:
    return [
        (d["record_id"], d["decision"], [f["rule"] for f in d["findings"]])
        for d in result.lines()[:-1]
    ]


def summary(result: Result) -> dict[str, Any]:
    data: dict[str, Any] = result.lines()[-1]["summary"]
    return data


@pytest.mark.slow
def test_workers_decide_the_same_in_the_same_order(cli: Cli) -> None:
    serial = cli("sweep", EXAMPLES, *DEMO, "--format", "jsonl", "--no-cases")
    parallel = cli("sweep", EXAMPLES, *DEMO, "--format", "jsonl", "--no-cases", "--workers", "2")
    assert parallel.code == serial.code == 0
    assert decided(parallel) == decided(serial)
    assert summary(parallel)["decisions"] == summary(serial)["decisions"]


@pytest.mark.slow
def test_workers_open_cases_once(cli: Cli) -> None:
    first = cli("sweep", EXAMPLES, *DEMO, "--format", "jsonl", "--workers", "2")
    assert summary(first)["cases"] | {"by_kind": {}} == {
        "created": 65,
        "already_open": 0,
        "closed": 0,
        "adopted": 30,
        "by_kind": {},
    }
    again = cli("sweep", EXAMPLES, *DEMO, "--format", "jsonl", "--workers", "2")
    assert summary(again)["cases"] | {"by_kind": {}} == {
        "created": 0,
        "already_open": 65,
        "closed": 0,
        "adopted": 0,
        "by_kind": {},
    }
    listed = json.loads(cli("cases", "list", "--format", "json").out)
    keys = [(c["record_id"], c["kind"]) for c in listed]
    assert len(keys) == len(set(keys)) == 65 + 30  # opened by rules, and reviews adopted


def test_shards_cover_every_record_once(cli: Cli) -> None:
    everything = decided(cli("sweep", EXAMPLES, *DEMO, "--format", "jsonl", "--no-cases"))
    seen: list[tuple[str, str, list[str]]] = []
    for index in (1, 2, 3):
        result = cli(
            "sweep", EXAMPLES, *DEMO, "--format", "jsonl", "--no-cases", "--shard", f"{index}/3"
        )
        assert result.code == 0
        part = decided(result)
        assert part, f"shard {index}/3 is empty"
        report = summary(result)["sources"][0]
        assert report["records"] + report["other_shards"] == 240
        assert summary(result)["shard"] == f"{index}/3"
        seen += part
    assert sorted(seen) == sorted(everything)


@pytest.mark.parametrize("bad", ["0/3", "4/3", "x", "1-3"])
def test_a_bad_shard_is_a_usage_error(cli: Cli, bad: str) -> None:
    result = cli("sweep", EXAMPLES, *DEMO, "--shard", bad)
    assert result.code == 3
    assert f"--shard {bad}:" in result.err


TODAY = ("--pack", "cn-csr-2022")  # today's law and clocks: the sweep that moves cases on


def test_a_finding_that_stops_firing_is_noted_on_its_case(cli: Cli, tmp_path: Path) -> None:
    path = tmp_path / "r.jsonl"
    unplanned = with_changes(COVERED, deployment__planned_date=None)  # no go-live at risk
    path.write_text(json.dumps(unplanned) + "\n", "utf-8")
    first = cli("sweep", path, *TODAY, "--format", "jsonl")
    [action] = first.lines()[0]["actions"]
    assert summary(first)["findings"]["new_by_rule"] == {"review-required": 1}
    # the operator revisits its anticipation: no effect on national security, no review needed
    revisited = with_changes(unplanned, risk__may_affect_national_security=False)
    path.write_text(json.dumps(revisited) + "\n", "utf-8")
    second = cli("sweep", path, *TODAY, "--format", "jsonl")
    assert summary(second)["findings"]["resolved_by_rule"] == {"review-required": 1}
    shown = cli("cases", "show", action["case_id"]).out
    assert "note by" in shown
    assert "the finding review-required (block) no longer fires" in shown
    third = cli("sweep", path, *TODAY, "--format", "jsonl")
    assert summary(third)["findings"] == {
        "new": 0,
        "resolved": 0,
        "waived": 0,
        "new_by_rule": {},
        "resolved_by_rule": {},
        "waived_by_rule": {},
    }
    assert cli("cases", "show", action["case_id"]).out.count("no longer fires") == 1


def _hold_lock(home: Path, scope: str, beat: str = "now") -> None:
    from cyberreview_policy.cases.sqlite import SqliteStore

    store = SqliteStore(home / "cases.db")
    store.acquire_sweep([scope], "SW-other", "nightly@host-b pid 4242")
    if beat != "now":
        store._execute("UPDATE sweep_locks SET heartbeat_at = ?", (beat,))
    store.close()


def test_a_second_sweep_of_the_same_source_refuses(cli: Cli, home: Path) -> None:
    _hold_lock(home, str(EXAMPLES))
    result = cli("sweep", EXAMPLES, *DEMO)
    assert result.code == 3
    assert f"another sweep of {EXAMPLES} is running: run SW-other by nightly@host-b pid 4242" in (
        result.err
    )
    assert "use --wait" in result.err
    assert cli("cases", "list", "--format", "json").out.strip() == "[]"  # it did nothing
    # another shard, or --no-cases, is not held up
    assert cli("sweep", EXAMPLES, *DEMO, "--shard", "1/2").code == 0
    assert cli("sweep", EXAMPLES, *DEMO, "--no-cases").code == 0


def test_a_dead_sweeps_lock_is_taken_over(cli: Cli, home: Path) -> None:
    _hold_lock(home, str(EXAMPLES), beat="2020-01-01T00:00:00+00:00")
    assert cli("sweep", EXAMPLES, *DEMO).code == 0


@pytest.mark.slow
def test_wait_waits_for_the_lock(cli: Cli, home: Path, monkeypatch: pytest.MonkeyPatch) -> None:
    import time
    import types

    from cyberreview_policy.cases.sqlite import SqliteStore
    from cyberreview_policy.sweep import run as _sweeping

    _hold_lock(home, str(EXAMPLES))
    waits: list[float] = []

    def sleep(seconds: float) -> None:
        """The sweep waits: the other one ends (after the sweep's first wait, whenever
        that comes)."""
        waits.append(seconds)
        if len(waits) == 2:
            store = SqliteStore(home / "cases.db")
            store.release_sweep("SW-other")
            store.close()
        time.sleep(0.01)

    monkeypatch.setattr(
        _sweeping, "time", types.SimpleNamespace(sleep=sleep, monotonic=time.monotonic)
    )
    result = cli("sweep", EXAMPLES, *DEMO, "--wait")
    assert result.code == 0, result.err
    assert result.err.count("cyberreview: waiting: another sweep of") == 2
    assert waits[:2] == [_sweeping.WAIT_POLL] * 2


@pytest.mark.slow
def test_two_sweeps_at_once_open_no_case_twice(home: Path, tmp_path: Path) -> None:
    big = tmp_path / "big.jsonl"
    with big.open("w", encoding="utf-8") as out:
        for n in range(3000):
            out.write(json.dumps(with_changes(COVERED, id=f"PO-{n}")) + "\n")
    env = {**os.environ, "CYBERREVIEW_HOME": str(home), "CYBERREVIEW_LOG_FORMAT": "text"}
    command = [
        sys.executable,
        "-m",
        "cyberreview_policy",
        "sweep",
        str(big),
        *DEMO,
        "-o",
        os.devnull,
    ]
    runs = [subprocess.Popen(command, env=env, stderr=subprocess.PIPE, text=True) for _ in range(2)]
    outcomes = []
    for run in runs:
        _, err = run.communicate(timeout=300)
        outcomes.append((run.returncode, err))
    codes = sorted(code for code, _ in outcomes)
    assert codes in ([0, 0], [0, 3]), outcomes
    for code, err in outcomes:
        if code == 3:
            assert "another sweep of" in err and "is running" in err
    from cyberreview_policy.cases.sqlite import SqliteStore

    store = SqliteStore(home / "cases.db")
    cases = store.list_cases()
    store.close()
    assert len(cases) == len({(c.record_key, c.kind) for c in cases}) == 3000


def test_every_configured_source_by_default(cli: Cli, home: Path) -> None:
    result = cli("sweep", *DEMO)
    assert result.code == 3
    assert "nothing to sweep: give FILEs, or configure sources in" in result.err


def test_json_logs(cli: Cli, tmp_path: Path) -> None:
    bad = tmp_path / "bad.jsonl"
    bad.write_text(json.dumps(COVERED) + "\n{broken\n", "utf-8")
    result = cli("sweep", bad, *DEMO, "--log-format", "json", "-o", tmp_path / "out.txt")
    assert result.code == 3
    events = [json.loads(line) for line in result.err.splitlines()]
    names = [e["event"] for e in events]
    assert names[0] == "sweep.started" and names[-1] == "sweep.finished"
    assert {"source.started", "source.finished", "output.written", "records.skipped"} <= set(names)
    finished = events[-1]
    assert finished["level"] == "error" and finished["complete"] is False
    assert all(e["ts"].endswith("+00:00") for e in events)
    assert "East Grid Power" not in result.err  # no record contents in logs


def test_progress_line_on_a_terminal(monkeypatch: pytest.MonkeyPatch) -> None:
    from cyberreview_policy.sweep import progress as _progress
    from cyberreview_policy.sweep.summary import Summary

    class Terminal(io.StringIO):
        def isatty(self) -> bool:
            return True

    monkeypatch.setattr(_progress, "BAR_EVERY", 0.0)
    out = Terminal()
    log = _progress.Log(_progress.log_format("auto", out), out)
    summary = Summary(as_of=__import__("datetime").date(2021, 6, 1), packs=[])
    summary.decisions["block"] = 7
    for _ in range(512):
        log.tick(summary, "assets.jsonl")
    log.event("info", "x", "done")
    assert "\r\x1b[2Ksweeping assets.jsonl: 7 records (" in out.getvalue()
    assert out.getvalue().endswith("\r\x1b[2Kcyberreview: done\n")


@pytest.mark.slow
def test_reports_are_the_same_with_workers(cli: Cli, tmp_path: Path) -> None:
    one, two = tmp_path / "one.csv", tmp_path / "two.csv"
    cli("sweep", EXAMPLES, *DEMO, "--no-cases", "--report", one)
    cli("sweep", EXAMPLES, *DEMO, "--no-cases", "--report", two, "--workers", "2")
    assert one.read_text("utf-8") == two.read_text("utf-8")
    assert len(one.read_text("utf-8").splitlines()) > 240


def test_connector_warnings_come_out_as_json_events(cli: Cli, tmp_path: Path) -> None:
    import logging

    from cyberreview_policy.sweep.progress import Log

    out = io.StringIO()
    log = Log("json", out)
    log.capture()
    try:
        logging.getLogger("cyberreview.source.cmdb").warning("%d CIs hidden by ACLs", 3)
    finally:
        log.close()
    logging.getLogger("cyberreview.source.cmdb").warning("after close: not ours")
    [event] = [json.loads(line) for line in out.getvalue().splitlines()]
    assert event["level"] == "warning" and event["event"] == "log"
    assert event["message"] == "3 CIs hidden by ACLs"
    assert event["logger"] == "cyberreview.source.cmdb"
