"""The cyberreview-policy contract kit, against the local S/4HANA: Basic auth and OAuth 2.0
client credentials.

The kit's pages are the pages of purchase order items (``A_PurchaseOrderItem``), one
record an item; the purchase orders they belong to are paged by ``$skip`` as well, so
the kit shifts later pages as an insert would (``paging = "offset"``).
"""

from __future__ import annotations

from collections.abc import Iterator
from typing import Any, ClassVar

import pytest
from fake_s4hana import FakeS4HANA, is_page

from conftest import MAPPINGS, OPERATOR, basic, oauth
from cyberreview_policy.testing import Request, SourceContract


class SapContract(SourceContract):
    source_type = "sap"
    page_size = 3  # 25 purchase orders, 29 items: about 10 pages of orders a read
    paging = "offset"
    mappings: ClassVar[dict[str, Any]] = MAPPINGS
    operator: ClassVar[dict[str, Any]] = OPERATOR

    @pytest.fixture(scope="class")
    @classmethod
    def system(cls) -> Iterator[FakeS4HANA]:
        with FakeS4HANA() as s4:  # East Grid Power's purchasing
            yield s4
            s4.server.assert_no_errors()

    def add_record(self, system: FakeS4HANA) -> str:
        po = system.add_order(
            "10000101",
            [
                {
                    "PurchaseOrderItemText": "NetEngine 8000 M14 router",
                    "MaterialGroup": "NET010",
                    "OrderQuantity": 2,
                    "NetPriceAmount": 980000,
                    "YY1_NatSecImpact_PDI": "Y",
                    "YY1_CIISystem_PDI": "Dispatch WAN",
                }
            ],
        )
        return f"{po}/10"

    def change_record(self, system: FakeS4HANA, ref: str) -> None:
        """A buyer orders one more (ME22N, or the Manage Purchase Orders app): the item's
        quantity, so its amount, changes, and S/4HANA stamps the order's
        ``LastChangeDateTime``, which incremental reads follow."""
        po, item = ref.split("/")
        quantity = system.item(po, item)["OrderQuantity"]
        system.change(po, item, OrderQuantity=quantity + 1)

    def is_page(self, request: Request) -> bool:
        return is_page(request)

    def page_items(self, body: Any) -> list[Any]:
        items: list[Any] = body["d"]["results"]
        return items

    def item_ref(self, item: Any) -> str:
        return f"{item['PurchaseOrder']}/{int(item['PurchaseOrderItem'])}"

    def error_body(self) -> Any:
        return {
            "error": {
                "code": "SADL_GW_EXPOSURE/000",
                "message": {"lang": "en", "value": "Database request failed"},
            }
        }


class TestBasicAuth(SapContract):
    def settings(self, system: FakeS4HANA, url: str) -> dict[str, Any]:
        return basic(system, url)

    def bad_credentials(self, settings: dict[str, Any]) -> dict[str, Any]:
        return {**settings, "password": "Not-The-Password-2026"}


class TestOAuthClientCredentials(SapContract):
    def settings(self, system: FakeS4HANA, url: str) -> dict[str, Any]:
        return oauth(system, url)

    def bad_credentials(self, settings: dict[str, Any]) -> dict[str, Any]:
        return {**settings, "client_secret": "s4h-client-secret-revoked-0000"}
