"""``cyberreview changes`` in the core: the ``changes:`` section of cyberreview.yaml, its
errors by file and line, and a change decided through a configured source (the
tutorial's Buyly connector) and reported to a change system held in memory
(``tests/changes_memory.py``, registered as a plugin)."""

from __future__ import annotations

import json
import sys
from collections.abc import Callable, Iterator
from pathlib import Path
from typing import Any

import pytest

from cyberreview_policy.changes import AffectedCI, Change
from tests import changes_memory
from tests.cli.test_sources import AS_OF, CONFIG, TOKEN, TUTORIAL
from tests.conftest import Result

Cli = Callable[..., Result]
ROUTER = AffectedCI("PO-1002/2", "Backbone router")  # a core router, not assessed: block
OFFICE = AffectedCI("PO-1001/2", "Office software")  # not a covered category: allow
MISSING = AffectedCI("PO-9/9", "Gone")

CHANGES = """\
changes:
  itsm:
    type: memory
    source: buyly
    mode: {mode}
"""


def change(number: str, *cis: AffectedCI) -> Change:
    return Change(number.lower(), number, "assess", cis, "round-1", True, ())


@pytest.fixture
def buyly(monkeypatch: pytest.MonkeyPatch) -> Iterator[Any]:
    """The tutorial's Buyly stand-in, its connector loaded with the memory change system."""
    monkeypatch.syspath_prepend(str(TUTORIAL / "src"))
    monkeypatch.syspath_prepend(str(TUTORIAL / "tests"))
    monkeypatch.setenv("CYBERREVIEW_PLUGINS", "cyberreview_buyly.plugin,tests.changes_memory")
    monkeypatch.setenv("BUYLY_TOKEN", TOKEN)
    from local_buyly import LocalBuyly

    with LocalBuyly(token=TOKEN) as system:
        yield system
    sys.modules.pop("local_buyly", None)


@pytest.fixture
def memory(home: Path, buyly: Any) -> Iterator[Path]:
    changes_memory.reset(
        CHG1=change("CHG1", ROUTER, OFFICE), CHG2=change("CHG2", OFFICE), CHG3=change("CHG3")
    )
    path = home / "cyberreview.yaml"
    path.write_text(CONFIG.format(url=buyly.url) + CHANGES.format(mode="approval"), "utf-8")
    yield path
    changes_memory.reset()


def test_check_rejects_then_finds_its_answer_posted(cli: Cli, memory: Path) -> None:
    rejected = cli("changes", "check", "CHG1", *AS_OF)
    assert rejected.code == 2, rejected.err
    [(number, approve, text)] = changes_memory.POSTED
    assert (number, approve) == ("CHG1", False)
    assert "- Backbone router (PO-1002/2):\n  risk-anticipation: " in text
    assert "(Measures 2021 Art. 5); case CR-000001" in text
    again = cli("changes", "check", "CHG1", *AS_OF, "--format", "json")
    assert again.code == 2
    assert again.json()["posted"] is False
    assert len(changes_memory.POSTED) == 1
    cases = json.loads(cli("cases", "list", "--format", "json").out)
    assert [(c["record_id"], c["kind"]) for c in cases] == [("PO-1002/2", "assessment")]


def test_approve_fail_closed_and_exit_codes(cli: Cli, memory: Path) -> None:
    assert cli("changes", "check", "CHG2", *AS_OF).code == 0
    assert changes_memory.POSTED[-1][1] is True
    changes_memory.CHANGES["CHG4"] = change("CHG4", OFFICE, MISSING)
    broken = cli("changes", "check", "CHG4", *AS_OF)
    assert broken.code == 3  # rejected, because a CI could not be decided
    assert changes_memory.POSTED[-1][1] is False
    assert (
        "Gone (PO-9/9): could not be decided: source buyly: no record 'PO-9/9'"
        in (changes_memory.POSTED[-1][2])
    )
    empty = cli("changes", "check", "CHG3", *AS_OF)
    assert empty.code == 3 and "names no affected CI" in changes_memory.POSTED[-1][2]
    unknown = cli("changes", "check", "CHG9", *AS_OF)
    assert unknown.code == 3
    assert unknown.err == "cyberreview: error: change system itsm: no change request 'CHG9'\n"


def test_watch_once_handles_each_pending_change_once(cli: Cli, memory: Path, home: Path) -> None:
    first = cli("changes", "watch", "--once", *AS_OF)
    assert first.code == 3  # the worst: CHG3 names no CI
    assert [line.split(" ")[0] for line in first.out.splitlines() if not line.startswith(" ")] == [
        "CHG1",
        "CHG2",
        "CHG3",
    ]
    assert len(changes_memory.POSTED) == 3
    assert cli("changes", "watch", "--once", *AS_OF).out == ""
    assert len(changes_memory.POSTED) == 3
    handled = json.loads((home / "changes" / "itsm.json").read_text("utf-8"))["handled"]
    assert sorted(handled) == ["chg1", "chg2", "chg3"]


@pytest.mark.parametrize(
    ("section", "message"),
    [
        (
            "changes:\n  itsm:\n    type: nope\n    source: buyly\n",
            "cyberreview.yaml:24: changes.itsm.type: no plugin provides change system type "
            "'nope' (installed: memory",
        ),
        (
            "changes:\n  itsm:\n    type: memory\n    source: erp\n",
            "cyberreview.yaml:25: changes.itsm.source: no source 'erp' is configured",
        ),
        (
            "changes:\n  itsm:\n    type: memory\n    source: buyly\n    mode: email\n",
            "cyberreview.yaml:26: changes.itsm.mode: 'email' is not one of approval, work_note",
        ),
        (
            "changes:\n  itsm:\n    type: memory\n    source: buyly\n    settings: {colour: red}\n",
            "cyberreview.yaml:26: changes.itsm.settings.colour: unknown field",
        ),
    ],
)
def test_configuration_errors_name_file_line_and_key(
    cli: Cli,
    memory: Path,
    buyly: Any,
    section: str,
    message: str,
) -> None:
    memory.write_text(CONFIG.format(url=buyly.url) + section, "utf-8")
    result = cli("changes", "check", "CHG1", *AS_OF)
    assert result.code == 3
    assert message in result.err
    assert changes_memory.POSTED == []


def test_which_change_system(cli: Cli, memory: Path, buyly: Any) -> None:
    two = CHANGES.format(mode="approval") + "  other:\n    type: memory\n    source: buyly\n"
    memory.write_text(CONFIG.format(url=buyly.url) + two, "utf-8")
    result = cli("changes", "check", "CHG2", *AS_OF)
    assert result.code == 3
    assert "name a change system with --system (configured under changes: itsm, other;" in (
        result.err
    )
    assert cli("changes", "check", "CHG2", "--system", "other", *AS_OF).code == 0
    assert "not configured" in cli("changes", "check", "CHG2", "--system", "x", *AS_OF).err


def test_no_change_system_configured(cli: Cli, memory: Path, buyly: Any) -> None:
    memory.write_text(CONFIG.format(url=buyly.url), "utf-8")
    result = cli("changes", "check", "CHG2", *AS_OF)
    assert result.code == 3
    assert result.err.startswith("cyberreview: error: no change system is configured (add one")


def test_a_broken_plugin_decides_no_change(
    cli: Cli, memory: Path, tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    """A plugin that cannot load may have brought a pack: no change is approved."""
    import os

    (tmp_path / "fake_unloadable.py").write_text("import not_a_module_anywhere\n", "utf-8")
    monkeypatch.syspath_prepend(str(tmp_path))
    monkeypatch.setenv(
        "CYBERREVIEW_PLUGINS", os.environ["CYBERREVIEW_PLUGINS"] + ",fake_unloadable"
    )
    result = cli("changes", "check", "CHG2", *AS_OF)
    assert result.code == 3
    assert "plugin 'fake_unloadable' is unavailable" in result.err
    assert changes_memory.POSTED == []  # neither approved nor rejected
