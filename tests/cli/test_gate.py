"""``cyberreview gate`` end to end on real files: answers, exit codes, failing closed."""

from __future__ import annotations

import json
from collections.abc import Callable
from pathlib import Path
from typing import Any

import pytest

from cyberreview_policy.models.decision import decision_adapter
from tests.conftest import COVERED, Result, with_changes

Cli = Callable[..., Result]
Write = Callable[..., Path]
PINNED = ("--pack", "cn-csr-2020", "--as-of", "2021-06-01")
AVAILABLE = (
    "cn-cne-2017 (2017-06-01 to 2023-07-02); cn-cne-2023 (2023-07-03 to open end); "
    "cn-csr-2020 (2020-06-01 to 2022-02-14); cn-csr-2022 (2022-02-15 to open end)"
)


def gate(cli: Cli, path: Path | str, *extra: str) -> Result:
    return cli("gate", "--record", path, *PINNED, *extra)


def test_block_exits_2_and_opens_a_case(cli: Cli, write_json: Write) -> None:
    result = gate(cli, write_json(COVERED))
    assert result.code == 2
    assert result.out.startswith(
        "BLOCK  PO-2021-0117/1 Backbone router for East Grid Power (Dispatch WAN)"
    )
    assert "review-required" in result.out
    assert "Measures 2020 Art. 2; Measures 2020 Art. 5; CSL Art. 35" in result.out
    assert "case CR-000001 (review, rule review-required): opened" in result.out
    again = gate(cli, write_json(COVERED))
    assert "case CR-000001 (review, rule review-required): already open" in again.out


def test_json_output_is_a_valid_decision(cli: Cli, write_json: Write) -> None:
    result = gate(
        cli, write_json(with_changes(COVERED, deployment__in_use=True)), "--format", "json"
    )
    assert result.code == 2
    decision = decision_adapter().validate_json(result.out)
    assert decision["decision"] == "block"
    assert [a["case_id"] for a in decision["actions"]] == ["CR-000001", "CR-000002"]
    assert [a["created"] for a in decision["actions"]] == [True, True]
    exposure = next(f["exposure"] for f in decision["findings"] if f["exposure"])
    assert (exposure["low"], exposure["high"]) == (4200000, 42000000)


def test_allow_and_warn(cli: Cli, write_json: Write) -> None:
    assert gate(cli, write_json(with_changes(COVERED, review__status="passed"))).code == 0
    warned = write_json(with_changes(COVERED, operator__ciio=None))
    assert gate(cli, warned).code == 0
    result = gate(cli, warned, "--fail-on-warn")
    assert result.code == 1
    assert result.out.startswith("WARN")


def test_no_cases(cli: Cli, write_json: Write, home: Path) -> None:
    result = gate(cli, write_json(COVERED), "--no-cases", "--format", "json")
    assert result.json()["actions"][0]["case_id"] is None
    assert not (home / "cases.db").exists()


def test_stdin(cli: Cli, monkeypatch: pytest.MonkeyPatch) -> None:
    import io

    monkeypatch.setattr("sys.stdin", io.StringIO(json.dumps(COVERED)))
    assert gate(cli, "-", "--no-cases").code == 2


def test_pack_selection_by_date(cli: Cli, write_json: Write) -> None:
    path = write_json(COVERED)
    assert cli("gate", "--record", path, "--as-of", "2021-06-01", "--no-cases").code == 2
    # before the Measures, the 2017 catalogue alone decides (a certified router)
    result = cli("gate", "--record", path, "--as-of", "2019-06-01", "--no-cases")
    assert result.code == 0
    assert (
        "as of 2019-06-01 (--as-of, not today) under cn-cne-2017 1.0.0\n\n  no rule applies"
        in result.out
    )
    result = cli("gate", "--record", path, "--as-of", "2017-05-31", "--no-cases")
    assert result.code == 3
    assert result.err == (
        "cyberreview: error: no policy pack is in force on 2017-05-31; registered: "
        f"{AVAILABLE} (use --as-of or --pack)\n"
    )


def test_pinned_pack_out_of_force_is_noted(cli: Cli, write_json: Write) -> None:
    result = cli(
        "gate",
        "--record",
        write_json(COVERED),
        "--pack",
        "cn-csr-2020",
        "--as-of",
        "2025-01-01",
        "--no-cases",
    )
    assert result.code == 2
    assert "note: pack cn-csr-2020 is not in force on 2025-01-01" in result.err


def test_pack_as_a_directory(cli: Cli, write_json: Write, pack_dir: Path) -> None:
    result = cli(
        "gate",
        "--record",
        write_json(COVERED),
        "--pack",
        pack_dir,
        "--as-of",
        "2021-06-01",
        "--no-cases",
    )
    assert result.code == 2


# -- bad input: one line on stderr, exit 3, never a traceback ------------------


def line_of(path: Path, text: str) -> int:
    return next(n for n, line in enumerate(path.read_text("utf-8").splitlines(), 1) if text in line)


def one_line_error(result: Result) -> str:
    assert result.code == 3
    assert result.out == ""
    assert result.err.count("\n") == 1 and "Traceback" not in result.err
    return result.err.removeprefix("cyberreview: error: ").rstrip("\n")


def test_malformed_json_names_line_and_column(cli: Cli, tmp_path: Path) -> None:
    path = tmp_path / "po.json"
    path.write_text('{\n  "id": "PO-1",\n  "operator": {"name": "x",}\n}\n', "utf-8")
    assert one_line_error(gate(cli, path)) == f"{path}:3:28: invalid JSON: trailing comma"


def test_missing_required_field(cli: Cli, write_json: Write) -> None:
    data = with_changes(COVERED)
    del data["id"]
    path = write_json(data)
    assert one_line_error(gate(cli, path)) == f"{path}:1:1: id: required field is missing"


def test_wrong_enum(cli: Cli, write_json: Write) -> None:
    path = write_json(with_changes(COVERED, product__category="router"))
    message = one_line_error(gate(cli, path))
    line = line_of(path, '"category": "router"')
    assert message.startswith(
        f"{path}:{line}:17: product.category: 'router' is not one of core_network_equipment,"
    )


def test_bad_date(cli: Cli, write_json: Write) -> None:
    path = write_json(with_changes(COVERED, deployment__planned_date="01/09/2021"))
    line = line_of(path, '"planned_date"')
    assert one_line_error(gate(cli, path)) == (
        f"{path}:{line}:21: deployment.planned_date: '01/09/2021' is not a valid date (expected YYYY-MM-DD)"
    )


def test_empty_file(cli: Cli, tmp_path: Path) -> None:
    path = tmp_path / "empty.json"
    path.write_text("", "utf-8")
    assert one_line_error(gate(cli, path)) == f"source {path}: the file holds no records"


def test_missing_file(cli: Cli, tmp_path: Path) -> None:
    assert one_line_error(gate(cli, tmp_path / "nope.json")) == (
        f"source {tmp_path}/nope.json: No such file or directory"
    )


def test_unknown_pack(cli: Cli, write_json: Write) -> None:
    result = cli("gate", "--record", write_json(COVERED), "--pack", "cn-csr-2099")
    assert one_line_error(result) == f"unknown pack 'cn-csr-2099'; available: {AVAILABLE}"


def test_more_than_one_record(cli: Cli, write_json: Write) -> None:
    path = write_json([COVERED, COVERED], "two.json")
    assert (
        "holds more than one record; the gate decides one (use cyberreview sweep)"
        in one_line_error(gate(cli, path))
    )


def test_bad_as_of_is_a_usage_error_exit_3(cli: Cli, write_json: Write) -> None:
    result = cli("gate", "--record", write_json(COVERED), "--as-of", "yesterday")
    assert result.code == 3
    assert "'yesterday' is not a date (expected YYYY-MM-DD)" in result.err


def test_unreachable_case_store_fails_closed(cli: Cli, write_json: Write, home: Path) -> None:
    (home / "cases.db").mkdir()  # not a database
    result = gate(cli, write_json(COVERED))
    assert result.code == 3
    assert "cannot open case store" in result.err


def test_internal_errors_fail_closed_without_traceback(
    cli: Cli, write_json: Write, monkeypatch: pytest.MonkeyPatch
) -> None:
    def explode(*args: Any) -> None:
        raise ZeroDivisionError("bug")

    monkeypatch.setattr("cyberreview_policy.engine.Engine.decide", explode)
    result = gate(cli, write_json(COVERED))
    assert result.code == 3
    assert result.err == (
        "cyberreview: internal error: ZeroDivisionError: bug (set CYBERREVIEW_DEBUG=1 for a traceback)\n"
    )


SURROGATE_TEXT = json.dumps(COVERED, indent=2).replace(
    '"East Grid Power"', '"East Grid \\ud800Power"', 1
)


def _installed(home: Path, *args: str | Path) -> Any:
    """The command as a user runs it: its own process, its own stderr encoding."""
    import os
    import subprocess
    import sys

    env = {**os.environ, "CYBERREVIEW_HOME": str(home)}
    command = [sys.executable, "-m", "cyberreview_policy", *map(str, args)]
    return subprocess.run(command, capture_output=True, text=True, env=env, check=False)


@pytest.mark.slow
def test_a_lone_surrogate_is_a_located_error_not_an_internal_one(
    tmp_path: Path, home: Path
) -> None:
    """A lone surrogate escape in any string: exit 3 with file:line:col and the field."""
    path = tmp_path / "record.json"
    path.write_text(SURROGATE_TEXT, encoding="utf-8")
    line = next(n for n, text in enumerate(SURROGATE_TEXT.splitlines(), 1) if "ud800" in text)
    result = _installed(home, "gate", "--record", path, *PINNED)
    assert result.returncode == 3, result.stderr
    assert "internal error" not in result.stderr
    assert result.stderr.startswith(f"cyberreview: error: {path}:{line}:")
    assert "operator.name: a lone UTF-16 surrogate escape" in result.stderr
    assert len(result.stderr.splitlines()) == 1
