"""A record that cannot be mapped no longer pins its source's checkpoint: it is held in
quarantine, fetched again every sweep until it maps, and the run stays incomplete
(exit 3) while any is held (sweep/quarantine.py)."""

from __future__ import annotations

from pathlib import Path
from typing import Any

import pytest

from cyberreview_policy.sweep import quarantine
from cyberreview_policy.testing import Fault
from tests.cli.test_sources import AS_OF, Cli

OFFICE = ("PO-1001/2", "PO-1003/2")  # "Software > Office": unmapped without a default


def sweep(cli: Cli, *more: str) -> Any:
    return cli("sweep", "--source", "buyly", "--since", "last", *AS_OF, "--format", "jsonl", *more)


def summary_of(result: Any) -> dict[str, Any]:
    summary: dict[str, Any] = result.lines()[-1]["summary"]
    return summary


def fetches(buyly: Any) -> list[str]:
    return [r.query["number"][0] for r in buyly.server.requests if "number" in r.query]


@pytest.fixture
def unmapped(config: Path) -> Path:
    config.write_text(config.read_text().replace("        default: other\n", ""))
    return config


def held(home: Path) -> dict[str, Any]:
    from cyberreview_policy.runtime import Runtime

    store = Runtime().store()
    try:
        found: dict[str, Any] = store.quarantined("buyly")
        return found
    finally:
        store.close()


def test_an_unmappable_record_is_held_and_the_checkpoint_moves_on(
    cli: Cli, unmapped: Path, buyly: Any, home: Path
) -> None:
    first = sweep(cli)
    assert first.code == 3  # incomplete while any record is held
    summary = summary_of(first)
    assert (summary["records"], summary["skipped"]) == (5, 2)
    assert summary["sources"][0]["quarantined"] == 2
    assert {skip["record_id"] for skip in summary["skips"]} == set(OFFICE)
    kept = held(home)
    assert set(kept) == set(OFFICE)
    assert "no mapping for 'Software > Office'" in kept[OFFICE[0]].reason

    buyly.add_item()  # PO-1004/2: a router
    buyly.server.requests.clear()
    second = sweep(cli)
    assert second.code == 3
    summary = summary_of(second)
    # the checkpoint moved on: only the new record is read, and the held ones fetched
    assert [d["record_id"] for d in second.lines()[:-1]] == ["PO-1004/2"]
    assert sorted(fetches(buyly)) == sorted(OFFICE)
    assert (summary["skipped"], summary["sources"][0]["quarantined"]) == (2, 2)
    assert held(home)[OFFICE[0]].since == kept[OFFICE[0]].since  # held since the first

    unmapped.write_text(
        unmapped.read_text().replace(
            "          Servers > Rack: hpc_server\n",
            "          Servers > Rack: hpc_server\n          Software > Office: other\n",
        )
    )
    third = sweep(cli)
    assert third.code == 0, third.err
    assert sorted(d["record_id"] for d in third.lines()[:-1]) == sorted(OFFICE)
    assert summary_of(third)["complete"] is True
    assert summary_of(third)["sources"][0]["quarantined"] == 0
    assert held(home) == {}
    buyly.server.requests.clear()
    fourth = sweep(cli)
    assert fourth.code == 0 and summary_of(fourth)["records"] == 0
    assert fetches(buyly) == []  # nothing held: nothing fetched


def test_a_held_record_that_cannot_be_fetched_stays_held(
    cli: Cli, unmapped: Path, buyly: Any, home: Path
) -> None:
    sweep(cli)
    buyly.server.fail_next(
        Fault.status(404), Fault.status(404), match=lambda r: "number" in r.query
    )
    result = sweep(cli)
    assert result.code == 3
    summary = summary_of(result)
    reasons = " ".join(skip["reason"] for skip in summary["skips"])
    assert reasons.count("could not fetch it again") == 2 and "HTTP 404" in reasons
    assert set(held(home)) == set(OFFICE)
    assert "no mapping" in held(home)[OFFICE[0]].reason  # the reason it was held for


def test_a_held_record_the_system_no_longer_has_is_released(
    cli: Cli, unmapped: Path, buyly: Any, home: Path
) -> None:
    sweep(cli)
    buyly.items[:] = [item for item in buyly.items if item["number"] != OFFICE[0]]
    result = sweep(cli)
    assert set(held(home)) == {OFFICE[1]}
    assert "no longer has 1 held record(s)" in result.err


def test_too_many_to_hold_keeps_the_checkpoint(
    cli: Cli, unmapped: Path, buyly: Any, home: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    monkeypatch.setattr(quarantine, "MOST", 1)
    first = sweep(cli)
    assert first.code == 3
    assert "its checkpoint stays: more than 1 records could not be mapped" in first.err
    assert held(home) == {}
    again = sweep(cli)
    assert summary_of(again)["records"] == 5  # read from the start again, as before


@pytest.mark.slow
def test_held_records_are_fetched_again_with_workers(
    cli: Cli, unmapped: Path, buyly: Any, home: Path
) -> None:
    assert sweep(cli, "--workers", "2").code == 3
    buyly.server.requests.clear()
    second = sweep(cli, "--workers", "2")
    assert second.code == 3
    assert sorted(fetches(buyly)) == sorted(OFFICE)
    assert {skip["record_id"] for skip in summary_of(second)["skips"]} == set(OFFICE)
