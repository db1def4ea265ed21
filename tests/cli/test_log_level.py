"""``--log-level`` on every command: what cyberreview and its connectors log, on stderr."""

from __future__ import annotations

import json
from pathlib import Path

import pytest

from cyberreview_policy.cli import build_parser
from cyberreview_policy.cli.docgen import subparsers
from tests.cli.test_sources import AS_OF, TOKEN, Cli


def test_every_command_and_verb_takes_it() -> None:
    parsers = subparsers(build_parser(), "cyberreview")
    assert len(parsers) > 30
    missing = [
        name
        for name, parser in parsers
        if not any("--log-level" in a.option_strings for a in parser._actions)
    ]
    assert missing == []


def test_a_connector_debug_log_is_shown(cli: Cli, config: Path) -> None:
    quiet = cli("sources", "check", "buyly")
    assert quiet.code == 0 and "DEBUG" not in quiet.err
    for args in (("sources", "check", "buyly", "--log-level", "debug"),
                 ("--log-level", "debug", "sources", "check", "buyly")):  # fmt: skip
        loud = cli(*args)
        assert loud.code == 0, loud.err
        assert "cyberreview: DEBUG: cyberreview.http: GET http://127.0.0.1:" in loud.err
        assert "/api/me -> 200" in loud.err
        assert TOKEN not in loud.err
    fetched = cli("gate", "--source", "buyly", "--id", "PO-1002/2", *AS_OF, "--log-level", "info")
    assert "DEBUG" not in fetched.err


def test_from_the_environment(cli: Cli, config: Path, monkeypatch: pytest.MonkeyPatch) -> None:
    monkeypatch.setenv("CYBERREVIEW_LOG_LEVEL", "DEBUG")
    assert "cyberreview: DEBUG:" in cli("sources", "check", "buyly").err
    monkeypatch.setenv("CYBERREVIEW_LOG_LEVEL", "chatty")
    wrong = cli("sources", "check", "buyly")
    assert wrong.code == 3
    assert wrong.err == (
        "cyberreview: error: CYBERREVIEW_LOG_LEVEL=chatty: choose one of debug, info, "
        "warning, error\n"
    )


def test_a_sweep_logs_in_its_own_format(cli: Cli, config: Path) -> None:
    swept = cli(
        "sweep", "--source", "buyly", *AS_OF, "--log-format", "json", "--log-level", "debug"
    )  # fmt: skip
    assert swept.code == 0, swept.err
    events = [json.loads(line) for line in swept.err.splitlines()]
    logged = [e for e in events if e["event"] == "log"]
    assert any(
        e["level"] == "debug"
        and e["logger"] == "cyberreview.source.buyly"
        and "read up to" in e["message"]
        for e in logged
    ), logged
    quiet = cli("sweep", "--source", "buyly", *AS_OF, "--log-format", "json")
    assert not any(json.loads(line)["event"] == "log" for line in quiet.err.splitlines())
