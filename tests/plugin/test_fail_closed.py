"""A plugin that fails to load fails closed: the commands that decide cannot know what it
would have decided (it may bring a pack, a check, a stricter law), so they exit 3 or
answer ``block`` with ``plugin_unavailable``, unless the operator disabled the plugin by
name in the configuration.  ``cyberreview plugins`` exits non-zero while one is broken,
and imports what plugins register by reference ("module:name")."""

from __future__ import annotations

import json
from collections.abc import Iterator
from pathlib import Path
from typing import Any

import pytest

from tests.conftest import COVERED, Result, with_changes

PINNED = ("--as-of", "2021-06-01")
PASSED = with_changes(COVERED, review__status="passed")  # allowed, unless a plugin would say

BROKEN_IMPORT = "import not_a_module_anywhere\n"
BROKEN_HOOK = """
from cyberreview_policy.plugin import hookimpl

@hookimpl
def cyberreview_register_packs(register):
    raise RuntimeError("pack share not mounted")
"""
BAD_REFERENCE = """
from cyberreview_policy.plugin import hookimpl
from cyberreview_policy.plugin.types import SourceType

@hookimpl
def cyberreview_register_sources(register):
    register(SourceType("acme", config="fake_acme_settings:Settings", connect="fake_acme:connect"))
"""


@pytest.fixture
def plugin(tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> Iterator[Any]:
    """``plugin(code)``: a module ``fake_plugin`` with ``code``, loaded as a plugin
    through ``$CYBERREVIEW_PLUGINS``."""
    import sys

    site = tmp_path / "site"
    site.mkdir()
    monkeypatch.syspath_prepend(str(site))

    def write(code: str, name: str = "fake_plugin") -> None:
        (site / f"{name}.py").write_text(code, encoding="utf-8")
        monkeypatch.setenv("CYBERREVIEW_PLUGINS", name)

    yield write
    for name in [m for m in sys.modules if m.startswith("fake_")]:
        del sys.modules[name]


@pytest.fixture
def record(tmp_path: Path) -> Path:
    path = tmp_path / "po.json"
    path.write_text(json.dumps(PASSED), encoding="utf-8")
    return path


@pytest.mark.parametrize("code", [BROKEN_IMPORT, BROKEN_HOOK], ids=["import", "hook"])
def test_the_gate_exits_3_naming_the_plugin(cli: Any, plugin: Any, record: Path, code: str) -> None:
    plugin(code)
    result: Result = cli("gate", "--record", record, *PINNED)
    assert result.code == 3, result.out
    assert result.out == ""
    assert result.err.startswith("cyberreview: error: plugin 'fake_plugin' is unavailable: ")
    assert "disable it by name" in result.err


def test_the_sweep_decides_nothing(cli: Any, plugin: Any, record: Path) -> None:
    plugin(BROKEN_IMPORT)
    result: Result = cli("sweep", record, *PINNED, "--format", "jsonl", "--no-cases")
    assert result.code == 3
    assert "plugin 'fake_plugin' is unavailable" in result.err
    assert '"decision"' not in result.out


def test_disabled_by_name_in_the_configuration(
    cli: Any, plugin: Any, record: Path, home: Path
) -> None:
    plugin(BROKEN_IMPORT)
    (home / "cyberreview.yaml").write_text("plugins:\n  disabled: [fake_plugin]\n", "utf-8")
    result: Result = cli("gate", "--record", record, *PINNED)
    assert result.code == 0, result.err
    listed: Result = cli("plugins")
    assert "fake_plugin  ($CYBERREVIEW_PLUGINS)  disabled" in listed.out
    assert listed.code == 0


def test_disabled_by_the_environment(
    cli: Any, plugin: Any, record: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    plugin(BROKEN_IMPORT)
    monkeypatch.setenv("CYBERREVIEW_DISABLE_PLUGINS", "fake_plugin")
    assert cli("gate", "--record", record, *PINNED).code == 0


def test_the_plugins_command_exits_3_while_one_is_broken(cli: Any, plugin: Any) -> None:
    assert cli("plugins").code == 0
    plugin(BROKEN_HOOK)
    result: Result = cli("plugins")
    assert result.code == 3
    assert "fake_plugin  ($CYBERREVIEW_PLUGINS)  BROKEN" in result.out
    assert "pack share not mounted" in result.out


def test_the_plugins_command_imports_references(cli: Any, plugin: Any, home: Path) -> None:
    """A source type registered by reference is imported only when used: a typo in the
    reference showed first when a sweep needed it."""
    plugin(BAD_REFERENCE)
    result: Result = cli("plugins", "--format", "json")
    assert result.code == 3
    [info] = [p for p in result.json() if p["name"] == "fake_plugin"]
    assert "source acme: cannot import fake_acme_settings:Settings" in info["error"]
