"""Shaping: SAP's values, a purchase order item as a record, ids, the cursor, the settings.
No server: the connector's pure parts."""

from __future__ import annotations

from decimal import Decimal
from types import SimpleNamespace
from typing import Any

import pytest
from cyberreview_sap import odata
from cyberreview_sap.cursor import Cursor, Progress
from cyberreview_sap.odata import SapError
from cyberreview_sap.records import Supplier, net_value, parse_id, record, record_id
from cyberreview_sap.settings import SapSettings
from cyberreview_sap.suppliers import country, supplier
from cyberreview_sap.wire import groups, url
from pydantic import ValidationError

HEADER = {
    "PurchaseOrder": "4500000017",
    "CompanyCode": "EG10",
    "PurchaseOrderType": "NB",
    "PurchasingDocumentDeletionCode": "",
    "CreationDate": "/Date(1792972800000)/",
    "LastChangeDateTime": "/Date(1793583017008+0000)/",
    "Supplier": "10000101",
    "PurchasingOrganization": "EG00",
    "PurchasingGroup": "N01",
    "PurchaseOrderDate": "/Date(1792454400000)/",
    "DocumentCurrency": "CNY",
}
ITEM = {
    "PurchaseOrder": "4500000017",
    "PurchaseOrderItem": "10",
    "PurchaseOrderItemText": "NetEngine 40E-X8A backbone router",
    "Plant": "EG11",
    "MaterialGroup": "NET010",
    "Material": "",
    "ManufacturerMaterial": "NE40E-X8A",
    "SupplierMaterialNumber": "",
    "OrderQuantity": "2.000",
    "PurchaseOrderQuantityUnit": "EA",
    "OrderPriceUnit": "EA",
    "OrderPriceUnitToOrderUnitNmrtr": "1",
    "OrdPriceUnitToOrderUnitDnmntr": "1",
    "NetPriceAmount": "1280000.00",
    "NetPriceQuantity": "1",
    "DocumentCurrency": "CNY",
    "IsCompletelyDelivered": False,
    "YY1_NatSecImpact_PDI": "Y",
    "YY1_ReviewStatus_PDI": "",
    "to_PurchaseOrder": {"__deferred": {"uri": "https://s4h/…/to_PurchaseOrder"}},
}
HUAWEI = Supplier("Huawei Technologies Co., Ltd.", "CN", "10000101", "CN")
CUSTOM = ["YY1_NatSecImpact_PDI", "YY1_ReviewStatus_PDI"]


# -- SAP's values ------------------------------------------------------------------------


def test_dates_and_timestamps() -> None:
    assert odata.date("/Date(1792454400000)/") == "2026-10-20"
    assert odata.timestamp("/Date(1793583017008+0000)/") == "2026-11-02T01:30:17.008Z"
    assert odata.timestamp("/Date(1793583017000)/") == "2026-11-02T01:30:17.000Z"
    assert odata.date(None) is None and odata.date("") is None
    assert odata.date("/Date(-86400000)/") == "1969-12-31"
    with pytest.raises(SapError, match="not an OData v2 date"):
        odata.date("2026-10-20")


def test_decimals_and_text() -> None:
    assert odata.decimal("1280000.00") == Decimal("1280000.00")
    assert odata.decimal("") is None and odata.decimal(None) is None
    for bad in ("1,280,000.00", "NaN", "twelve"):
        with pytest.raises(SapError, match="not an OData decimal"):
            odata.decimal(bad)
    assert odata.text("  ") is None and odata.text("EG10") == "EG10"


def test_literals_and_urls() -> None:
    assert odata.string("O'Brien") == "'O''Brien'"
    assert odata.any_of("PurchaseOrder", ["1", "2"]) == (
        "PurchaseOrder eq '1' or PurchaseOrder eq '2'"
    )
    assert odata.both("A eq 1 or B eq 2", "", "C eq 3") == "(A eq 1 or B eq 2) and (C eq 3)"
    assert odata.both("", "C eq 3") == "C eq 3"
    assert url("/x/A_PurchaseOrder", filter="A eq 'b c'", top=2, skip=0, select="") == (
        "/x/A_PurchaseOrder?$filter=A%20eq%20'b%20c'&$top=2&$skip=0"
    )
    assert list(groups(range(5), 2)) == [[0, 1], [2, 3], [4]]


def test_sap_error_body_and_envelope() -> None:
    body = {
        "error": {
            "code": "/IWBEP/CM_MGW_RT/022",
            "message": {"lang": "en", "value": "Property Foo not found in type X"},
            "innererror": {"transactionid": "ABC"},
        }
    }
    assert odata.inspect(None, body) == "/IWBEP/CM_MGW_RT/022: Property Foo not found in type X"
    assert odata.inspect(None, {"d": {"results": []}}) is None
    assert odata.inspect(None, {"value": []}) == 'SAP answered without OData\'s {"d": ...}'
    assert odata.inspect(None, [1, 2]) == 'SAP answered without OData\'s {"d": ...}'


ASKED = "https://s4h.example:443/sap/opu/odata/sap/API_PURCHASEORDER_PROCESS_SRV/A_PurchaseOrder"


@pytest.mark.parametrize(
    ("link", "followed"),
    [
        (f"{ASKED}?$skip=0&$top=5&$skiptoken=2", f"{ASKED}?$skip=0&$top=5&$skiptoken=2"),
        (  # the default port named or not: the same server
            "https://S4H.example/sap/opu/odata/sap/API_PURCHASEORDER_PROCESS_SRV/A_PurchaseOrder?$skiptoken=2",
            "https://S4H.example/sap/opu/odata/sap/API_PURCHASEORDER_PROCESS_SRV/A_PurchaseOrder?$skiptoken=2",
        ),
        ("A_PurchaseOrder?$skiptoken=2", f"{ASKED}?$skiptoken=2"),
        ("/sap/opu/odata/sap/API_PURCHASEORDER_PROCESS_SRV/A_PurchaseOrder?$skiptoken=2",
         f"{ASKED}?$skiptoken=2"),
        ("https://s4h.example:44300/sap/opu/odata/sap/API_PURCHASEORDER_PROCESS_SRV/A_PurchaseOrder",
         None),  # another port
        ("http://s4h.example/sap/opu/odata/sap/API_PURCHASEORDER_PROCESS_SRV/A_PurchaseOrder",
         None),  # another scheme: the credentials in the clear
        ("https://user:pw@evil.example/sap/opu/odata/sap/API_PURCHASEORDER_PROCESS_SRV/A_PurchaseOrder",
         None),
        ("A_PurchaseOrderItem?$skiptoken=2", None),  # another collection
        ("https://s4h.example:99999/x", None),  # no port at all
    ],
)  # fmt: skip
def test_next_links_are_followed_on_the_collection_asked_only(
    link: str, followed: str | None
) -> None:
    d = {"results": [], "__next": link}
    problem = odata.inspect(SimpleNamespace(url=f"{ASKED}?$skip=0&$top=5"), {"d": d})
    if followed is None:
        assert problem is not None and problem.endswith(": not followed")
        assert "pw" not in problem and "skiptoken" not in problem
    else:
        assert problem is None
        assert d["__next"] == followed


# -- ids ----------------------------------------------------------------------------------


@pytest.mark.parametrize(
    ("text", "parsed"),
    [
        ("4500000017/10", ("4500000017", "10")),
        ("4500000017/00010", ("4500000017", "10")),
        (" 4500000017 / 10 ", ("4500000017", "10")),
        ("ab12/5", ("AB12", "5")),
        ("4500000017", None),
        ("4500000017/0", None),
        ("4500000017/000010", None),
        ("no-such-record-0", None),
        ("4500000017/10/1", None),
    ],
)
def test_record_ids(text: str, parsed: tuple[str, str] | None) -> None:
    assert parse_id(text) == parsed


def test_record_id_normalises_sap_item_numbers() -> None:
    assert record_id("4500000017", "00010") == record_id("4500000017", "10") == "4500000017/10"


# -- a record -----------------------------------------------------------------------------


def test_an_item_as_a_record() -> None:
    made = record(HEADER, ITEM, HUAWEI, [], CUSTOM)
    sap = made.pop("attributes")["sap"]
    assert made == {
        "id": "4500000017/10",
        "kind": "purchase",
        "source": {"ref": "4500000017/10"},
        "product": {"name": "NetEngine 40E-X8A backbone router", "model": "NE40E-X8A"},
        "vendor": {"name": "Huawei Technologies Co., Ltd.", "country": "CN"},
        "contract": {
            "number": "4500000017",
            "signed_date": "2026-10-20",
            "amount": "2560000.00",
            "currency": "CNY",
        },
    }
    assert sap["MaterialGroup"] == "NET010"
    assert sap["LastChangeDateTime"] == "2026-11-02T01:30:17.008Z"
    assert sap["CreationDate"] == "2026-10-26"
    assert sap["OrderQuantity"] == "2.000" and sap["NetPriceAmount"] == "1280000.00"
    assert sap["YY1_NatSecImpact_PDI"] == "Y"
    assert sap["YY1_ReviewStatus_PDI"] is None  # SAP's "" is unknown, for a mapping's missing
    assert sap["Material"] is None
    assert sap["IsCompletelyDelivered"] is False
    assert sap["SupplierBusinessPartner"] == "10000101" and sap["SupplierCountry"] == "CN"
    assert "to_PurchaseOrder" not in sap


def test_unknown_stays_unknown() -> None:
    """What SAP leaves empty is not made up: no vendor, no amount without a currency
    (the record's currency would default to CNY), no name-less product."""
    header = {**HEADER, "Supplier": "", "DocumentCurrency": "", "PurchaseOrderDate": None}
    item = {**ITEM, "DocumentCurrency": "", "PurchaseOrderItemText": "", "ManufacturerMaterial": ""}
    made = record(header, item, None, [], [])
    assert made["vendor"] == {"name": None, "country": None}
    assert made["contract"] == {"number": "4500000017", "signed_date": None}
    assert made["product"] == {"name": "purchase order item 4500000017/10", "model": None}
    with_material = record(header, {**item, "Material": "RTR-NE40E"}, None, [], [])
    assert with_material["product"]["name"] == "RTR-NE40E"


def test_item_of_another_order_is_refused() -> None:
    with pytest.raises(SapError, match="came with purchase order 4500000017"):
        record(HEADER, {**ITEM, "PurchaseOrder": "4500000018"}, None, [], [])


@pytest.mark.parametrize(
    ("changes", "amount"),
    [
        ({}, Decimal("2560000.00")),
        ({"NetPriceQuantity": "100", "OrderQuantity": "500", "NetPriceAmount": "4500"}, 22500),
        ({"NetPriceQuantity": "0"}, None),  # a price per nothing: not a price
        ({"OrderQuantity": ""}, None),
        # ordered in metres, priced per km (1 km = 1000 m): SAP's conversion is not guessed
        (
            {
                "PurchaseOrderQuantityUnit": "M",
                "OrderPriceUnit": "KM",
                "OrderPriceUnitToOrderUnitNmrtr": "1",
                "OrdPriceUnitToOrderUnitDnmntr": "1000",
            },
            None,
        ),
        # different units that convert 1:1 (an order unit and its synonym)
        ({"PurchaseOrderQuantityUnit": "PC", "OrderPriceUnit": "EA"}, Decimal("2560000.00")),
    ],
)
def test_net_value(changes: dict[str, Any], amount: Decimal | int | None) -> None:
    assert net_value({**ITEM, **changes}) == amount


AMOUNT_INPUTS = [
    "OrderQuantity",
    "NetPriceAmount",
    "NetPriceQuantity",
    "PurchaseOrderQuantityUnit",
    "OrderPriceUnit",
    "OrderPriceUnitToOrderUnitNmrtr",
    "OrdPriceUnitToOrderUnitDnmntr",
]


@pytest.mark.parametrize("how", ["left out", "empty"])
@pytest.mark.parametrize("missing", AMOUNT_INPUTS)
def test_the_amount_is_unknown_without_any_of_its_inputs(missing: str, how: str) -> None:
    """Never a default for what decides the penalty exposure (1-10 x the amount): a price
    unit of 1, or "the same unit", assumed for a value SAP always fills but did not send."""
    item = {k: v for k, v in ITEM.items() if k != missing} if how == "left out" else {}
    item = item or {**ITEM, missing: ""}
    assert record(HEADER, ITEM, HUAWEI, [], [])["contract"]["amount"] == "2560000.00"
    made = record(HEADER, item, HUAWEI, [], [])
    assert made["contract"]["amount"] is None
    assert made["contract"]["currency"] == "CNY"  # what is known stays


# -- suppliers ----------------------------------------------------------------------------


def _partner(*addresses: tuple[str, list[str]]) -> dict[str, Any]:
    return {
        "BusinessPartner": "10000101",
        "Supplier": "10000101",
        "BusinessPartnerFullName": "",
        "BusinessPartnerName": "Huawei",
        "to_BusinessPartnerAddress": {
            "results": [
                {
                    "Country": where,
                    "to_AddressUsage": {
                        "results": [
                            {
                                "AddressUsage": usage,
                                "ValidityStartDate": "/Date(946684800000+0000)/",
                                "ValidityEndDate": "/Date(253402300799000+0000)/",
                            }
                            for usage in usages
                        ]
                    },
                }
                for where, usages in addresses
            ]
        },
    }


def test_the_supplier_country_is_the_standard_address_s() -> None:
    assert country(_partner(("US", ["BILL_TO"]), ("CN", ["XXDEFAULT"]))) == "CN"
    assert country(_partner(("CN", []), ("CN", []))) == "CN"  # one country: that one
    assert country(_partner(("US", []), ("IE", []))) is None  # two, none standard: unknown
    assert country(_partner()) is None
    found = supplier(_partner(("CN", ["XXDEFAULT"])))
    assert found == Supplier("Huawei", "CN", "10000101", "CN")
    assert supplier(_partner(("XK1", ["XXDEFAULT"]))).country is None  # not ISO alpha-2


# -- the cursor -----------------------------------------------------------------------------


def test_cursor_round_trip_and_bad_checkpoints() -> None:
    cursor = Cursor("2026-11-02T01:30:17.008Z", {"4500000017"})
    assert Cursor.load(cursor.dump()) == cursor
    assert Cursor.load(None) == Cursor()
    for bad in ({"tables": {}}, "2026-11-02", {"at": 5}, {"at": "x", "seen": "y"}):
        with pytest.raises(SapError, match="not one this connector writes"):
            Cursor.load(bad)


def test_a_read_from_a_cursor_skips_what_it_read_in_that_millisecond() -> None:
    at = "2026-11-02T01:30:17.008Z"
    progress = Progress(Cursor(at, {"A"}))
    assert not progress.take("A", at)  # read last time
    assert progress.take("B", at)  # changed in the same millisecond, after the read
    assert progress.cursor() == Cursor(at, {"A", "B"})
    assert progress.take("C", "2026-11-02T01:30:18.009Z")  # changed since
    assert progress.cursor() == Cursor("2026-11-02T01:30:18.009Z", {"C"})


def test_an_order_changed_during_the_read_rewinds_the_cursor() -> None:
    progress = Progress(Cursor())
    assert progress.take("A", "2026-11-02T01:30:01.000Z")
    assert progress.take("B", "2026-11-02T01:30:02.000Z")
    assert not progress.take("B", "2026-11-02T01:30:02.000Z")  # a page repeated it
    assert progress.take("C", "2026-11-02T01:30:03.000Z")
    assert progress.take("A", "2026-11-02T01:31:00.000Z")  # A again, changed: yielded again
    assert progress.rewind == "2026-11-02T01:30:01.000Z"
    assert progress.cursor() == Cursor("2026-11-02T01:30:01.000Z", set())


def test_orders_without_a_change_time_are_counted() -> None:
    progress = Progress(Cursor())
    assert progress.take("A", None)
    assert progress.untimed == 1
    assert progress.cursor() == Cursor()
    assert not Progress(Cursor("2026-11-02T01:30:01.000Z")).take("A", None)


# -- settings -------------------------------------------------------------------------------


BASIC = {"url": "https://s4h.example.com:44300", "username": "U", "password": "p"}


def test_settings() -> None:
    settings = SapSettings.model_validate({**BASIC, "url": "https://s4h.example.com:44300/"})
    assert settings.url == "https://s4h.example.com:44300"
    assert settings.purchase_order_service == "/sap/opu/odata/sap/API_PURCHASEORDER_PROCESS_SRV"
    oauth = SapSettings.model_validate(
        {
            "url": "https://s4h.example.com",
            "oauth_url": "https://s4h.example.com/sap/bc/sec/oauth2/token",
            "client_id": "C",
            "client_secret": "s",
        }
    )
    assert oauth.username is None


@pytest.mark.parametrize(
    ("changes", "message"),
    [
        ({"password": None}, "basic auth needs both"),
        ({"client_id": "C"}, "need oauth_url, client_id and client_secret"),
        (
            {"oauth_url": "https://x/t", "client_id": "C", "client_secret": "s"},
            "not both",
        ),
        ({"sap_client": "10"}, "three digits"),
        ({"url": "s4h.example.com"}, "as a URL"),
        ({"item_fields": ["YY1-bad"]}, "not an OData property name"),
        ({"filter": "$filter=CompanyCode eq '1000'"}, "without \\$filter="),
        ({"filter": "CompanyCode eq '1000"}, "unbalanced"),
        ({"purchase_order_service": "API_PURCHASEORDER_PROCESS_SRV"}, "the service's path"),
        ({"page_size": 5001}, "less than or equal to 5000"),
        ({"no_such_setting": 1}, "Extra inputs are not permitted"),
    ],
)
def test_settings_refused(changes: dict[str, Any], message: str) -> None:
    with pytest.raises(ValidationError, match=message):
        SapSettings.model_validate({**BASIC, **changes})
