"""The tool's state is confidential (Measures Art. 16): a new ``CYBERREVIEW_HOME`` is
made 0700 whichever command makes it, and a case store others can read is pointed out."""

from __future__ import annotations

import json
import stat
from pathlib import Path
from typing import Any

import pytest

from cyberreview_policy.testing.cli import Operator
from tests.conftest import COVERED
from tests.waivers.helpers import granted


def _mode(path: Path) -> int:
    return stat.S_IMODE(path.stat().st_mode)


@pytest.mark.parametrize("command", ["gate", "waivers", "cases"])
def test_a_new_home_is_private(
    cli: Any, tmp_path: Path, monkeypatch: pytest.MonkeyPatch, command: str
) -> None:
    """The pack cache made the home first, with the umask's 0755."""
    home = tmp_path / "new" / "home"
    monkeypatch.setenv("CYBERREVIEW_HOME", str(home))
    record = tmp_path / "po.json"
    record.write_text(json.dumps(COVERED), encoding="utf-8")
    if command == "gate":
        result = cli("gate", "--record", record, "--as-of", "2021-06-01")
    elif command == "waivers":
        result = granted(
            cli, "--rule", "commitments", "--vendor", "V", "--reason", "r",
            "--created", "2021-05-01", "--expires", "2021-12-31",
        )  # fmt: skip
    else:
        result = cli("cases", "list")
    assert result.code in (0, 2), result.err
    assert _mode(home) == 0o700
    for child in home.rglob("*"):
        if child.is_dir():
            assert _mode(child) == 0o700, child
        else:
            assert _mode(child) & 0o077 == 0, child


def test_a_store_others_can_read_is_pointed_out(home: Path) -> None:
    """Run as the operator runs it: the warning is a log line, on stderr."""
    run = Operator(home, "none", as_of="2021-06-01")
    assert run("cases", "list").code == 0
    store = home / "cases.db"
    store.chmod(0o644)
    warned = run("cases", "list")
    assert warned.code == 0
    assert f"case store {store} can be read by other users (mode 0644)" in warned.err
    assert f"chmod 600 {store}" in warned.err
    store.chmod(0o600)
    assert "other users" not in run("cases", "list").err
