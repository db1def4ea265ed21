"""The cyberreview-policy contract kit, against the local ServiceNow: basic auth and OAuth."""

from __future__ import annotations

import itertools
from collections.abc import Iterator
from typing import Any, ClassVar

import pytest
from fake_servicenow import FakeServiceNow, is_page

from conftest import MAPPINGS, basic, oauth
from cyberreview_policy.testing import Request, SourceContract

_routers = itertools.count(1)


class ServiceNowContract(SourceContract):
    source_type = "servicenow"
    page_size = 5  # 56 readable CIs in four tables: about 14 pages a read
    mappings: ClassVar[dict[str, Any]] = MAPPINGS
    operator: ClassVar[dict[str, Any]] = {
        "name": "East Grid Power",
        "ciio": True,
        "sector": "energy",
    }

    @pytest.fixture(scope="class")
    @classmethod
    def system(cls) -> Iterator[FakeServiceNow]:
        with FakeServiceNow() as sn:  # East Grid Power's CMDB, "16 Tbps" and ACLs included
            yield sn

    def add_record(self, system: FakeServiceNow) -> str:
        n = next(_routers)
        return system.add(
            "cmdb_ci_ip_router",
            name=f"EG-NEW-RTR-{n:02d}",
            install_status=1,
            u_review_category="core_network_equipment",
            u_catalogue_type="router",
            u_throughput_tbps=14.4,
            u_routing_entries=2500000,
            u_cii_system="Dispatch WAN",
            u_review_status="none",
        )

    def change_record(self, system: FakeServiceNow, ref: str) -> None:
        system.update(ref, name=f"{system.row(ref)['name']} (renamed)")

    def is_page(self, request: Request) -> bool:
        return is_page(request)

    def page_items(self, body: Any) -> list[Any]:
        items: list[Any] = body["result"]
        return items

    def item_ref(self, item: Any) -> str:
        return str(item["sys_id"])

    def error_body(self) -> Any:
        return {
            "error": {
                "message": "Transaction cancelled: maximum execution time exceeded",
                "detail": "Check logs for error trace or enable glide.rest.debug property",
            },
            "status": "failure",
        }


class TestBasicAuth(ServiceNowContract):
    def settings(self, system: FakeServiceNow, url: str) -> dict[str, Any]:
        return basic(system, url)

    def bad_credentials(self, settings: dict[str, Any]) -> dict[str, Any]:
        return {**settings, "password": "Not-The-Password-2026"}


class TestOAuth(ServiceNowContract):
    def settings(self, system: FakeServiceNow, url: str) -> dict[str, Any]:
        return oauth(system, url)

    def bad_credentials(self, settings: dict[str, Any]) -> dict[str, Any]:
        return {**settings, "oauth_token": "sn-oauth-expired-0000000000000000"}
