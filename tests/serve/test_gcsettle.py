"""A service process freezes what its start loaded and collects its youngest objects
less often (serve/gcsettle.py); an app made in-process (the tests) does not unless asked."""

from __future__ import annotations

import gc
from collections.abc import Iterator
from pathlib import Path
from typing import Any

import pytest
from fastapi.testclient import TestClient

from cyberreview_policy.serve.app import create_app
from cyberreview_policy.serve.gcsettle import GEN0_THRESHOLD
from cyberreview_policy.serve.settings import SETTINGS_ENV, Settings


@pytest.fixture
def collector() -> Iterator[None]:
    """The collector as it was, after the test."""
    threshold = gc.get_threshold()
    gc.unfreeze()
    try:
        yield
    finally:
        gc.unfreeze()
        gc.set_threshold(*threshold)


def _started(settings: Settings) -> tuple[int, int]:
    with TestClient(create_app(settings)) as client:
        assert client.get("/v1/healthz").status_code == 200
        return gc.get_freeze_count(), gc.get_threshold()[0]


def test_a_service_process_freezes_its_start(home: Path, collector: None) -> None:
    settings = Settings(store=f"sqlite:///{home / 'cases.db'}", settle_gc=True)
    frozen, gen0 = _started(settings)
    assert frozen > 10_000  # FastAPI, the packs, the compiled rules
    assert gen0 == GEN0_THRESHOLD


def test_an_app_in_a_test_process_leaves_the_collector_alone(home: Path, collector: None) -> None:
    threshold = gc.get_threshold()[0]
    frozen, gen0 = _started(Settings(store=f"sqlite:///{home / 'cases.db'}"))
    assert (frozen, gen0) == (0, threshold)


def test_cyberreview_serve_asks_for_it(
    cli: Any, home: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    import uvicorn

    passed: list[Settings] = []
    monkeypatch.setattr(uvicorn, "run", lambda *a, **kw: passed.append(Settings.from_env()))
    monkeypatch.delenv(SETTINGS_ENV, raising=False)
    done = cli("serve", "--port", "1", "--store", f"sqlite:///{home / 'cases.db'}")
    assert done.code == 0, done.err
    assert [s.settle_gc for s in passed] == [True]
