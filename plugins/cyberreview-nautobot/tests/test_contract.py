"""The cyberreview-policy contract kit, against a real Nautobot 3.2."""

from __future__ import annotations

import itertools
from collections.abc import Iterator
from typing import Any, ClassVar

import nautobot_env
import pytest
from nautobot_seed import object_id

from conftest import MAPPINGS, OPERATOR, start
from cyberreview_policy.testing import Request, SourceContract

_routers = itertools.count(1)


class TestNautobot(SourceContract):
    source_type = "nautobot"
    page_size = 5  # 43 devices: about nine pages a read
    mappings: ClassVar[dict[str, Any]] = MAPPINGS
    operator: ClassVar[dict[str, Any]] = OPERATOR
    #: a review_category renamed after it was stored: not a valid category, and the
    #: category is what decides coverage, so the record is reported and skipped
    expected_rejects: ClassVar[set[str]] = {
        object_id("device", "Nanjing Dispatch Centre/nj-dsp-otn-01")
    }

    @pytest.fixture(scope="class")
    @classmethod
    def system(cls, tmp_path_factory: pytest.TempPathFactory) -> Iterator[nautobot_env.Server]:
        with start(tmp_path_factory.mktemp("nautobot")) as server:
            yield server

    def settings(self, system: nautobot_env.Server, url: str) -> dict[str, Any]:
        return {"url": url, "token": system.token}

    def bad_credentials(self, settings: dict[str, Any]) -> dict[str, Any]:
        return {**settings, "token": "0123456789abcdef0123456789abcdef01234567"}

    def add_record(self, system: nautobot_env.Server) -> str:
        device = nautobot_env.add_device(
            system,
            f"nj-dc1-cr-new-{next(_routers):02d}",
            device_type="HX-CR16000",
            role="router",
            tags=["cii"],
            custom_fields={"review_category": "core_network_equipment", "review_status": "none"},
        )
        return str(device["id"])

    def change_record(self, system: nautobot_env.Server, ref: str) -> None:
        nautobot_env.api(system, "PATCH", f"/api/dcim/devices/{ref}/", {"comments": "reviewed"})

    def is_page(self, request: Request) -> bool:
        return request.path == "/api/dcim/devices/" and request.query.get("sort") == ["created"]

    def page_items(self, body: Any) -> list[Any]:
        items: list[Any] = body["results"]
        return items

    def item_ref(self, item: Any) -> str:
        return str(item["id"])

    def error_body(self) -> Any:
        return {"detail": "Invalid page."}
