"""``testing.source_context``: a connector unit-tested without the contract kit."""

from __future__ import annotations

import logging
import sys
from collections.abc import Iterator
from pathlib import Path
from typing import Any

import pytest

from cyberreview_policy.connectors import Checkpoint, HttpError
from cyberreview_policy.testing import source_context

TUTORIAL = Path(__file__).parents[2] / "examples" / "connector-tutorial"


@pytest.fixture
def buyly(monkeypatch: pytest.MonkeyPatch) -> Iterator[Any]:
    monkeypatch.syspath_prepend(str(TUTORIAL / "src"))
    monkeypatch.syspath_prepend(str(TUTORIAL / "tests"))
    from local_buyly import LocalBuyly

    with LocalBuyly() as server:
        yield server
    sys.modules.pop("local_buyly", None)


def test_a_connector_runs_as_under_the_host(buyly: Any, caplog: pytest.LogCaptureFixture) -> None:
    from cyberreview_buyly.connector import Buyly
    from cyberreview_buyly.settings import BuylySettings

    caplog.set_level(logging.DEBUG)
    settings = BuylySettings(url=buyly.url, token=buyly.token, page_size=3)  # type: ignore[arg-type]
    ctx = source_context(settings, "erp")
    out = list(Buyly(ctx).read(None))
    records = [r for r in out if isinstance(r, dict)]
    assert [r["id"] for r in records] == [item["number"] for item in buyly.items]
    assert isinstance(out[-1], Checkpoint)
    assert len([r for r in buyly.server.requests if r.path == "/api/items"]) == 3  # paged
    ctx.logger.warning("token is %s", buyly.token)
    assert buyly.token not in caplog.text and "token is ***" in caplog.text
    refused = source_context(BuylySettings(url=buyly.url, token="nope", max_attempts=1))  # type: ignore[arg-type]
    with pytest.raises(HttpError) as denied:
        list(Buyly(refused).read(None))
    assert denied.value.status == 401
