"""``cyberreview sweep`` end to end: every record decided or reported, never silently clear."""

from __future__ import annotations

import json
from collections.abc import Callable
from pathlib import Path
from typing import Any

from tests.conftest import COVERED, Result, with_changes

Cli = Callable[..., Result]
PINNED = ("--pack", "cn-csr-2020", "--as-of", "2021-06-01")


def jsonl(tmp_path: Path, rows: list[Any], name: str = "records.jsonl") -> Path:
    path = tmp_path / name
    path.write_text(
        "".join((row if isinstance(row, str) else json.dumps(row)) + "\n" for row in rows), "utf-8"
    )
    return path


def three(tmp_path: Path) -> Path:
    return jsonl(
        tmp_path,
        [
            with_changes(COVERED, id="PO-1"),
            with_changes(COVERED, id="PO-2", review__status="passed"),
            with_changes(COVERED, id="PO-3", operator__ciio=None),
        ],
    )


def summary_of(result: Result) -> dict[str, Any]:
    last = result.lines()[-1]
    assert set(last) == {"summary"}
    summary: dict[str, Any] = last["summary"]
    return summary


def test_jsonl_decisions_then_summary(cli: Cli, tmp_path: Path) -> None:
    result = cli("sweep", three(tmp_path), *PINNED, "--format", "jsonl")
    assert result.code == 0
    decisions = result.lines()[:-1]
    assert [(d["record_id"], d["decision"]) for d in decisions] == [
        ("PO-1", "block"),
        ("PO-2", "allow"),
        ("PO-3", "warn"),
    ]
    summary = summary_of(result)
    assert summary["complete"] is True
    assert summary["decisions"] == {"block": 1, "warn": 1, "allow": 1}
    assert {"rule": "review-required", "outcome": "block", "count": 1} in summary["rules"]
    assert summary["cases"] | {"by_kind": {}} == {
        "created": 1,
        "already_open": 0,
        "closed": 0,
        "adopted": 0,
        "by_kind": {},
    }


def test_rerun_opens_nothing_new(cli: Cli, tmp_path: Path) -> None:
    path = three(tmp_path)
    cli("sweep", path, *PINNED, "--format", "jsonl")
    again = summary_of(cli("sweep", path, *PINNED, "--format", "jsonl"))
    assert again["cases"] | {"by_kind": {}} == {
        "created": 0,
        "already_open": 1,
        "closed": 0,
        "adopted": 0,
        "by_kind": {},
    }
    assert len(cli("cases", "list", "--format", "json").json()) == 1


def test_json_document(cli: Cli, tmp_path: Path) -> None:
    result = cli("sweep", three(tmp_path), *PINNED, "--format", "json", "--no-cases")
    data = result.json()
    assert [d["decision"] for d in data["decisions"]] == ["block", "allow", "warn"]
    assert data["summary"]["records"] == 3


def test_text_is_one_line_per_record_then_the_summary(cli: Cli, tmp_path: Path) -> None:
    result = cli("sweep", three(tmp_path), *PINNED, "--no-cases")
    lines = result.out.splitlines()
    assert lines[0].startswith("block  PO-1")
    assert (
        "review-required: Backbone router (core network equipment) needs a cybersecurity review"
        in lines[0]
    )
    assert lines[1].startswith("allow  PO-2")
    assert lines[2].startswith("warn   PO-3") and "scope-unknown:" in lines[2]
    assert "Swept 3 records as of 2021-06-01 under cn-csr-2020 2.0.0" in result.out
    assert "\033[" not in result.out  # not a terminal: no colour


def test_bad_records_are_skipped_reported_and_make_it_incomplete(cli: Cli, tmp_path: Path) -> None:
    path = jsonl(
        tmp_path,
        [
            with_changes(COVERED, id="PO-1"),
            with_changes(COVERED, id="PO-2", product__category="router"),
            "{broken",
            with_changes(COVERED, id="PO-4"),
        ],
    )
    result = cli("sweep", path, *PINNED, "--format", "jsonl", "--no-cases")
    assert result.code == 3
    assert [d["record_id"] for d in result.lines()[:-1]] == ["PO-1", "PO-4"]
    summary = summary_of(result)
    assert summary["complete"] is False and summary["skipped"] == 2
    assert summary["skips"][0]["location"].startswith(f"{path}:2:")
    assert summary["skips"][0]["record_id"] == "PO-2"
    assert summary["skips"][1]["location"] == f"{path}:3:2"
    assert "2 record(s) skipped (the sweep is incomplete)" in result.err


def test_a_source_that_fails_makes_the_run_incomplete(cli: Cli, tmp_path: Path) -> None:
    good = three(tmp_path)
    result = cli(
        "sweep", good, tmp_path / "missing.jsonl", *PINNED, "--format", "jsonl", "--no-cases"
    )
    assert result.code == 3
    sources = summary_of(result)["sources"]
    assert [(s["complete"], s["records"]) for s in sources] == [(True, 3), (False, 0)]
    assert "source" in result.err and "the sweep is incomplete" in result.err


def test_truncated_array_reports_what_was_read(cli: Cli, tmp_path: Path) -> None:
    path = tmp_path / "cut.json"
    text = json.dumps([with_changes(COVERED, id=f"PO-{i}") for i in range(3)], indent=2)
    path.write_text(text[: len(text) // 2], "utf-8")
    result = cli("sweep", path, *PINNED, "--format", "jsonl", "--no-cases")
    assert result.code == 3
    assert summary_of(result)["sources"][0]["complete"] is False


def test_fail_on(cli: Cli, tmp_path: Path) -> None:
    path = three(tmp_path)
    assert cli("sweep", path, *PINNED, "--no-cases", "--fail-on", "block").code == 2
    allowed = jsonl(tmp_path, [with_changes(COVERED, operator__ciio=None)], "warn.jsonl")
    assert cli("sweep", allowed, *PINNED, "--no-cases", "--fail-on", "block").code == 0
    assert cli("sweep", allowed, *PINNED, "--no-cases", "--fail-on", "warn").code == 2


def test_output_file_and_note(cli: Cli, tmp_path: Path) -> None:
    out = tmp_path / "out.jsonl"
    result = cli(
        "sweep", three(tmp_path), *PINNED, "--format", "jsonl", "--output", out, "--no-cases"
    )
    assert result.out == ""
    assert len(out.read_text("utf-8").splitlines()) == 4
    assert f"wrote jsonl to {out}: 3 records: 1 block, 1 warn, 1 allow; 0 skipped" in result.err


def test_csv_source(cli: Cli, tmp_path: Path) -> None:
    path = tmp_path / "assets.csv"
    path.write_text(
        "id,kind,operator.name,operator.ciio,product.name,product.category,deployment.cii,"
        "deployment.in_use,risk.may_affect_national_security,review.status\n"
        "AS-1,asset,Grid,true,Router,core_network_equipment,true,true,true,none\n",
        "utf-8",
    )
    result = cli("sweep", path, *PINNED, "--format", "jsonl")
    [decision] = result.lines()[:-1]
    assert decision["decision"] == "block"
    assert {"review-required", "in-use-without-review"} <= {f["rule"] for f in decision["findings"]}


def test_unwritable_output_is_a_clear_error(cli: Cli, tmp_path: Path) -> None:
    result = cli("sweep", three(tmp_path), *PINNED, "--output", tmp_path / "no" / "out.txt")
    assert result.code == 3
    assert result.err == (
        f"cyberreview: error: cannot write {tmp_path}/no/out.txt: No such file or directory\n"
    )


def test_a_lone_surrogate_skips_the_record_with_its_place(cli: Cli, tmp_path: Path) -> None:
    """The sweep reports the record with file, line, column and field, and goes on."""
    path = jsonl(tmp_path, [COVERED, with_changes(COVERED, id="PO-2", vendor__name="x")])
    lines = path.read_text("utf-8").splitlines()
    lines[1] = lines[1].replace('"x"', '"\\udfff"')
    path.write_text("\n".join(lines) + "\n", encoding="utf-8")
    result = cli("sweep", path, "--format", "jsonl", "--no-cases", *PINNED)
    assert result.code == 3
    summary = summary_of(result)
    assert summary["records"] == 1
    [skip] = summary["skips"]
    assert skip["location"].startswith(f"{path}:2:")
    assert skip["reason"].startswith("vendor.name: a lone UTF-16 surrogate escape")
