"""The contract kit, against the local Buyly (``local_buyly.py``)."""

from __future__ import annotations

from collections.abc import Iterator
from typing import Any, ClassVar

import pytest
from local_buyly import MAPPINGS, LocalBuyly

from cyberreview_policy.testing import Request, SourceContract


class TestBuyly(SourceContract):
    source_type = "buyly"  # found through the entry point: `pip install` the project first
    mappings: ClassVar[dict[str, Any]] = MAPPINGS

    @pytest.fixture(scope="class")
    @classmethod
    def system(cls) -> Iterator[LocalBuyly]:
        with LocalBuyly() as server:
            yield server

    def settings(self, system: LocalBuyly, url: str) -> dict[str, Any]:
        return {"url": url, "token": system.token}

    def bad_credentials(self, settings: dict[str, Any]) -> dict[str, Any]:
        return {**settings, "token": "not-the-token"}

    def add_record(self, system: LocalBuyly) -> str:
        return system.add_item()

    def change_record(self, system: LocalBuyly, ref: str) -> None:
        system.change_item(ref)

    def is_page(self, request: Request) -> bool:
        return request.path == "/api/items" and "number" not in request.query

    def page_items(self, body: Any) -> list[Any]:
        items: list[Any] = body["results"]
        return items

    def item_ref(self, item: Any) -> str:
        return str(item["id"])

    def error_body(self) -> Any:
        return {"error": "database is locked"}
