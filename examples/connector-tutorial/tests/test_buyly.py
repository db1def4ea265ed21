"""The contract tests, against the stand-in Buyly."""

from __future__ import annotations

from collections.abc import Iterator
from typing import Any, ClassVar

import cyberreview_buyly
import pytest
from fake_buyly import FakeBuyly

from cyberreview_policy.testing import Request, SourceContract


class TestBuyly(SourceContract):
    source_type = "buyly"
    plugin = cyberreview_buyly  # leave out once the distribution is installed
    mappings: ClassVar[dict[str, Any]] = {
        "product.category": {
            "from": "attributes.buyly_category",
            "values": {
                "Network > Routers": "core_network_equipment",
                "Network > Firewalls": "network_security_equipment",
                "Servers > Rack": "hpc_server",
            },
            "default": "other",
        }
    }

    @pytest.fixture(scope="class")
    @classmethod
    def system(cls) -> Iterator[FakeBuyly]:
        with FakeBuyly() as buyly:
            yield buyly

    def settings(self, system: FakeBuyly, url: str) -> dict[str, Any]:
        return {"url": url, "token": system.token}

    def bad_credentials(self, settings: dict[str, Any]) -> dict[str, Any]:
        return {**settings, "token": "not-the-token"}

    def add_record(self, system: FakeBuyly) -> str:
        return system.add_line()

    def is_page(self, request: Request) -> bool:
        return request.path == "/api/lines" and "number" not in request.query

    def page_items(self, body: Any) -> list[Any]:
        items: list[Any] = body["results"]
        return items

    def item_ref(self, item: Any) -> str:
        return str(item["id"])

    def error_body(self) -> Any:
        return {"error": "database is locked"}
