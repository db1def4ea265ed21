"""End to end: the installed ``cyberreview`` command, configured as an operator would."""

from __future__ import annotations

from collections.abc import Iterator
from pathlib import Path

import pytest
from local_buyly import MAPPINGS, LocalBuyly

from cyberreview_policy.testing.cli import Operator


@pytest.fixture
def server() -> Iterator[LocalBuyly]:
    with LocalBuyly() as local:
        yield local


def operator(home: Path, server: LocalBuyly) -> Operator:
    """``cyberreview.yaml`` with a ``buyly`` source; the token from the environment."""
    made = Operator(home, "buyly", as_of="2026-11-29", env={"BUYLY_TOKEN": server.token})
    settings = {"url": server.url, "token": {"env": "BUYLY_TOKEN"}}
    made.write_source({"type": "buyly", "settings": settings, "mappings": MAPPINGS})
    return made


def test_check_sweep_and_gate(tmp_path: Path, server: LocalBuyly) -> None:
    run = operator(tmp_path, server)
    checked = run("sources", "check", "buyly")
    assert checked.code == 0, checked.out + checked.err
    swept = run.sweep()
    assert swept.code == 0, swept.err
    assert swept.summary["complete"]
    assert set(swept.decisions) == {item["number"] for item in server.items}
    number = server.items[0]["number"]
    gated = run.gate(number)
    assert gated.code in (0, 1, 2), gated.err  # allow, warn or block: decided
    assert '"decision"' in gated.out


def test_since_last_reads_only_what_changed(tmp_path: Path, server: LocalBuyly) -> None:
    run = operator(tmp_path, server)
    assert run.sweep().code == 0
    assert run.sweep("--since", "last").summary["records"] == 0
    server.change_item("1")
    again = run.sweep("--since", "last")
    assert again.code == 0, again.err
    assert list(again.decisions) == [server.items[0]["number"]]


def test_a_wrong_token_fails_the_run(tmp_path: Path, server: LocalBuyly) -> None:
    run = operator(tmp_path, server)
    run.env["BUYLY_TOKEN"] = "not-the-token"
    swept = run.sweep()
    assert swept.code == 3  # the run is incomplete: never "all clear"
    assert not swept.summary["complete"]
    assert server.token not in swept.out + swept.err
