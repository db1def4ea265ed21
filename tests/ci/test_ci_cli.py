"""``--ci`` end to end through the installed ``cyberreview`` command on the demo files:
files valid, exit codes unchanged, fingerprints the same run after run."""

from __future__ import annotations

import json
import os
import shutil
import subprocess
import sys
import xml.etree.ElementTree as ET
from collections.abc import Callable
from pathlib import Path
from typing import Any

import pytest

from tests.conftest import Result

ROOT = Path(__file__).parents[2]
EXAMPLES = ROOT / "examples"
DEMO = ("--as-of", "2021-06-01", "--no-cases")
Cli = Callable[..., Result]


def installed(*args: str | Path, cwd: Path) -> subprocess.CompletedProcess[str]:
    """The ``cyberreview`` script of this environment, as a pipeline runs it."""
    script = Path(sys.executable).parent / "cyberreview"
    return subprocess.run(
        [str(script), *(str(a) for a in args)],
        capture_output=True,
        text=True,
        cwd=cwd,
        env={**os.environ, "CYBERREVIEW_LOG_FORMAT": "json"},
        timeout=300,
        check=False,
    )


@pytest.fixture
def workspace(tmp_path: Path) -> Path:
    """A checkout: the demo files under ``examples/``, the step's working directory."""
    (tmp_path / "examples").mkdir()
    for name in ("po-117.json", "procurement.jsonl"):
        shutil.copy(EXAMPLES / name, tmp_path / "examples" / name)
    return tmp_path


@pytest.mark.slow
def test_gate_writes_all_three_and_still_exits_2(
    workspace: Path, sarif_validator: Any, junit_schema: Any
) -> None:
    done = installed(
        "gate", "--record", "examples/po-117.json", *DEMO,
        "--ci", "github", "--ci", "sarif=out/gate.sarif", "--ci", "junit=out/gate.xml",
        cwd=(workspace / "out").mkdir() or workspace,
    )  # fmt: skip
    assert done.returncode == 2, done.stderr
    assert done.stdout.startswith("BLOCK  PO-2021-0117/1")
    annotations = [line for line in done.stdout.splitlines() if line.startswith("::")]
    assert annotations[0].startswith(
        "::error file=examples/po-117.json,line=1,title=review-required%3A "
    )
    assert annotations[1].startswith("::notice file=examples/po-117.json,line=1,title=scope%3A ")
    log = json.loads((workspace / "out/gate.sarif").read_text(encoding="utf-8"))
    sarif_validator.validate(log)
    result = log["runs"][0]["results"][0]
    assert result["ruleId"] == "cn-csr-2020/review-required"
    assert result["locations"][0]["physicalLocation"]["artifactLocation"]["uri"] == (
        "examples/po-117.json"
    )
    junit_schema.validate(str(workspace / "out/gate.xml"))
    case = ET.parse(workspace / "out/gate.xml").getroot().find("testsuite/testcase")
    assert case is not None and case.find("failure") is not None
    assert sorted(p.name for p in (workspace / "out").iterdir()) == ["gate.sarif", "gate.xml"]


@pytest.mark.slow
def test_sweep_of_the_demo_estate(workspace: Path, sarif_validator: Any, junit_schema: Any) -> None:
    def sweep(name: str) -> subprocess.CompletedProcess[str]:
        return installed(
            "sweep", "examples/procurement.jsonl", *DEMO, "--format", "jsonl", "-o", f"{name}.jsonl",
            "--ci", f"sarif={name}.sarif", "--ci", f"junit={name}.xml", "--ci", "github",
            cwd=workspace,
        )  # fmt: skip

    first, second = sweep("one"), sweep("two")
    assert first.returncode == second.returncode == 0, first.stderr
    root = ET.parse(workspace / "one.xml").getroot()
    junit_schema.validate(str(workspace / "one.xml"))
    suite = root.find("testsuite")
    assert suite is not None
    # the counts of the README's demo sweep: 87 block, 66 warn, 87 allow
    assert (suite.get("tests"), suite.get("failures"), suite.get("skipped")) == ("240", "87", "66")
    log = json.loads((workspace / "one.sarif").read_text(encoding="utf-8"))
    sarif_validator.validate(log)
    decisions = [json.loads(line) for line in (workspace / "one.jsonl").read_text().splitlines()]
    findings = sum(len(d.get("findings", [])) for d in decisions if "record_id" in d)
    assert len(log["runs"][0]["results"]) == findings
    lines = {d["record_id"]: n for n, d in enumerate(decisions, 1) if "record_id" in d}
    for result in log["runs"][0]["results"][:50]:
        region = result["locations"][0]["physicalLocation"]["region"]
        assert region["startLine"] == lines[result["properties"]["recordId"]]

    def prints(path: str) -> list[Any]:
        results = json.loads((workspace / path).read_text(encoding="utf-8"))["runs"][0]["results"]
        return [(r["ruleId"], r["partialFingerprints"]) for r in results]

    assert prints("one.sarif") == prints("two.sarif")
    annotations = [line for line in first.stdout.splitlines() if line.startswith("::")]
    assert len(annotations) == 30  # 10 errors, 10 warnings, 9 notices and the count
    assert annotations[-1].startswith("::notice title=cyberreview%3A more findings::")


def test_sweep_with_workers_keeps_file_and_line(cli: Cli, tmp_path: Path) -> None:
    sarif = tmp_path / "w.sarif"
    result = cli(
        "sweep", EXAMPLES / "procurement.jsonl", *DEMO, "--workers", "2",
        "--format", "jsonl", "-o", tmp_path / "w.jsonl", "--ci", f"sarif={sarif}",
    )  # fmt: skip
    assert result.code == 0, result.err
    results = json.loads(sarif.read_text(encoding="utf-8"))["runs"][0]["results"]
    first = next(r for r in results if r["properties"]["recordId"] == "PO-2021-004107/1")
    assert first["locations"][0]["physicalLocation"]["region"] == {"startLine": 3}
    assert len(results) == 455


def test_fail_on_warn_turns_warned_records_into_failures(cli: Cli, tmp_path: Path) -> None:
    out = tmp_path / "w.xml"
    result = cli(
        "sweep", EXAMPLES / "procurement.jsonl", *DEMO, "--fail-on", "warn",
        "--format", "jsonl", "-o", tmp_path / "w.jsonl", "--ci", f"junit={out}",
    )  # fmt: skip
    assert result.code == 2
    suite = ET.parse(out).getroot().find("testsuite")
    assert suite is not None
    assert (suite.get("failures"), suite.get("skipped")) == ("153", "0")


@pytest.mark.parametrize(
    ("args", "message"),
    [
        (("--ci", "xml=o.xml"), "--ci xml=o.xml: the format is one of junit, sarif, github"),
        (("--ci", "sarif"), "--ci sarif: sarif goes to a file: --ci sarif=FILE"),
        (("--ci", "junit="), "--ci junit=: give a file after '='"),
        (("--ci", "junit=nowhere/o.xml"), "--ci junit=nowhere/o.xml: no directory nowhere"),
        (("--ci", "sarif=o.x", "--ci", "junit=o.x"), "--ci: each output needs a file of its own"),
        (
            ("--format", "json", "--ci", "github"),
            "--ci github writes to standard output, which --format json uses: --ci github=FILE",
        ),
    ],
)
def test_bad_ci_options_exit_3_before_deciding(
    cli: Cli, tmp_path: Path, monkeypatch: pytest.MonkeyPatch, args: tuple[str, ...], message: str
) -> None:
    monkeypatch.chdir(tmp_path)
    result = cli("gate", "--record", EXAMPLES / "po-117.json", "--as-of", "2021-06-01", *args)
    assert result.code == 3
    assert result.err == f"cyberreview: error: {message}\n"
    assert result.out == ""
    assert list(tmp_path.iterdir()) == []
    # and no case was opened: the gate failed before deciding
    listed = cli("cases", "list", "--format", "json")
    assert listed.code == 0 and json.loads(listed.out) == []


def test_a_gate_that_cannot_decide_leaves_no_ci_file(cli: Cli, tmp_path: Path) -> None:
    result = cli(
        "gate", "--record", EXAMPLES / "po-117.json", "--as-of", "2021-06-01",
        "--store", "postgresql://nobody@127.0.0.1:1/none", "--ci", f"junit={tmp_path / 'o.xml'}",
    )  # fmt: skip
    assert result.code == 3
    assert list(tmp_path.iterdir()) == []


def test_github_to_a_file_beside_json_on_stdout(cli: Cli, tmp_path: Path) -> None:
    annotations = tmp_path / "gh.txt"
    result = cli(
        "gate", "--record", EXAMPLES / "po-117.json", *DEMO, "--format", "json",
        "--ci", f"github={annotations}",
    )  # fmt: skip
    assert result.code == 2
    assert json.loads(result.out)["decision"] == "block"
    assert annotations.read_text(encoding="utf-8").startswith("::error file=")
