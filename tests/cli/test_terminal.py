"""What a record, a note or a waiver says reaches a terminal escaped: an ANSI sequence,
a carriage return, a line feed or a C1 control in an id or a name could repaint the
screen, fake a line ("ALLOW ...") or hide the one that matters."""

from __future__ import annotations

import json
import re
from pathlib import Path
from typing import Any

import pytest

from tests.conftest import COVERED, Result, with_changes
from tests.waivers.helpers import granted

PINNED = ("--pack", "cn-csr-2020", "--as-of", "2021-06-01")
HOSTILE_ID = "PO-1\x1b[2J\x1b[32mALLOW\r"
HOSTILE_NAME = "Router\nALLOW  PO-9 all clear\x9b31m\x85"
#: every control character a terminal acts on: C0 but none at all (these outputs use
#: no tab), DEL, C1, and the Unicode line and paragraph separators
CONTROL = re.compile("[\x00-\x08\x0b-\x1f\x7f-\x9f\u2028\u2029]")


def _clean(text: str, lines: int | None = None) -> None:
    assert not CONTROL.search(text), repr(text)
    if lines is not None:
        assert len(text.splitlines()) == lines, text


@pytest.fixture
def hostile(tmp_path: Path) -> Path:
    path = tmp_path / "po.json"
    record = with_changes(COVERED, id=HOSTILE_ID, product__name=HOSTILE_NAME)
    path.write_text(json.dumps(record), encoding="utf-8")
    return path


def test_gate_text(cli: Any, hostile: Path) -> None:
    result: Result = cli("gate", "--record", hostile, *PINNED)
    assert result.code == 2
    _clean(result.out)
    assert result.out.startswith("BLOCK  PO-1\\x1b[2J\\x1b[32mALLOW\\r Router\\nALLOW")
    assert "\\x9b31m\\x85" in result.out


def test_sweep_text_is_one_line_per_record(cli: Any, tmp_path: Path, hostile: Path) -> None:
    source = tmp_path / "records.jsonl"
    bad = json.dumps(with_changes(COVERED, id="X\x1b[1A", product__category="\x1b[31mrouter"))
    source.write_text(hostile.read_text("utf-8") + "\n" + bad + "\n", encoding="utf-8")
    result: Result = cli("sweep", source, *PINNED, "--format", "text", "--no-cases")
    _clean(result.out)
    first = result.out.splitlines()[0]
    assert first.startswith("block  PO-1\\x1b[2J\\x1b[32mALLOW\\r ")


def test_cases_list_and_show(cli: Any, hostile: Path) -> None:
    decided: Result = cli("gate", "--record", hostile, *PINNED, "--format", "json")
    case_id = decided.json()["actions"][0]["case_id"]
    moved = cli(
        "cases", "transition", case_id, "declared", "--on", "2021-06-02",
        "--note", "Office letter\r\nALLOW: all clear\x1b[8m",
    )  # fmt: skip
    assert moved.code == 0, moved.err
    listed: Result = cli("cases", "list")
    _clean(listed.out, lines=1)
    shown: Result = cli("cases", "show", case_id)
    _clean(shown.out)
    assert "Office letter\\r\\nALLOW: all clear\\x1b[8m" in shown.out


def test_waivers_list(cli: Any) -> None:
    added = granted(
        cli, "--rule", "commitments", "--vendor", "Ex\x1b[2Kample\x85",
        "--reason", "r", "--created", "2021-05-01", "--expires", "2021-12-31",
        approver="Li\rWei",
    )  # fmt: skip
    assert added.code == 0, added.err
    _clean(added.out, lines=1)
    listed: Result = cli("waivers", "list")
    _clean(listed.out, lines=2)  # the heading and the waiver
    assert "vendor Ex\\x1b[2Kample\\x85" in listed.out
    assert "Li\\rWei" in listed.out


def test_an_error_line_is_one_line(cli: Any, tmp_path: Path) -> None:
    path = tmp_path / "po\x1b[2Jx.json"
    result: Result = cli("gate", "--record", path, *PINNED)
    assert result.code == 3
    _clean(result.err, lines=1)
