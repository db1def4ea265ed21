"""The local S/4HANA is what the connector's tests take it for: SAP's API as published,
seen from outside with plain HTTP.  (What it reproduces and what not: testing/README.md.)"""

from __future__ import annotations

import time
from typing import Any
from xml.etree import ElementTree as ET

import pytest
import requests
from cyberreview_sap.records import HEADER_FIELDS, ITEM_FIELDS
from cyberreview_sap.suppliers import EXPAND, SELECT
from fake_s4hana import FakeS4HANA
from s4_model import EDM, SAP

PO = "/sap/opu/odata/sap/API_PURCHASEORDER_PROCESS_SRV"
BP = "/sap/opu/odata/sap/API_BUSINESS_PARTNER"
JSON = {"Accept": "application/json"}


def get(s4: FakeS4HANA, path: str, *, auth: Any = None, **headers: str) -> requests.Response:
    return requests.get(
        s4.url + path,
        auth=auth or (s4.username, s4.password),
        headers={**JSON, **headers},
        timeout=10,
    )


def _types(s4: FakeS4HANA, service: str) -> dict[str, ET.Element]:
    answer = get(s4, f"{service}/$metadata", Accept="application/xml")
    assert answer.status_code == 200
    assert answer.headers["Content-Type"] == "application/xml"
    root = ET.fromstring(answer.content)
    assert root.get("Version") == "1.0"
    return {t.get("Name") or "": t for t in root.iter(f"{{{EDM}}}EntityType")}


def _props(entity: ET.Element) -> dict[str, ET.Element]:
    return {p.get("Name") or "": p for p in entity.findall(f"{{{EDM}}}Property")}


# -- $metadata ----------------------------------------------------------------------------


def test_metadata_has_every_property_the_connector_reads(s4: FakeS4HANA) -> None:
    types = _types(s4, PO)
    header, item = types["A_PurchaseOrderType"], types["A_PurchaseOrderItemType"]
    assert [k.get("Name") for k in item.iter(f"{{{EDM}}}PropertyRef")] == [
        "PurchaseOrder",
        "PurchaseOrderItem",
    ]
    assert set(HEADER_FIELDS) <= set(_props(header))
    assert set(ITEM_FIELDS) <= set(_props(item))
    navs = {n.get("Name") for n in header.iter(f"{{{EDM}}}NavigationProperty")}
    assert "to_PurchaseOrderItem" in navs
    changed = _props(header)["LastChangeDateTime"]
    assert (changed.get("Type"), changed.get("Precision")) == ("Edm.DateTimeOffset", "7")
    number = _props(item)["PurchaseOrderItem"]
    assert (number.get("MaxLength"), number.get(f"{{{SAP}}}display-format")) == ("5", "NonNegative")
    price = _props(item)["NetPriceAmount"]
    assert (price.get("Type"), price.get("Precision"), price.get("Scale")) == (
        "Edm.Decimal",
        "12",
        "3",
    )
    assert price.get(f"{{{SAP}}}unit") == "DocumentCurrency"


def test_business_partner_metadata_has_what_the_supplier_lookup_reads(s4: FakeS4HANA) -> None:
    types = _types(s4, BP)
    for path in SELECT:
        entity = types["A_BusinessPartnerType"]
        *navs, name = path.split("/")
        for nav in navs:
            link = next(
                n for n in entity.iter(f"{{{EDM}}}NavigationProperty") if n.get("Name") == nav
            )
            target = {
                "to_BusinessPartnerAddress": "A_BusinessPartnerAddressType",
                "to_AddressUsage": "A_BuPaAddressUsageType",
            }[link.get("Name") or ""]
            entity = types[target]
        assert name in _props(entity), path
    assert EXPAND == "to_BusinessPartnerAddress,to_BusinessPartnerAddress/to_AddressUsage"


# -- the JSON v2 envelope and values --------------------------------------------------------


def test_a_collection_in_the_json_v2_envelope(s4: FakeS4HANA) -> None:
    answer = get(s4, f"{PO}/A_PurchaseOrderItem?$top=2&$inlinecount=allpages")
    assert answer.status_code == 200
    body = answer.json()["d"]
    assert list(body) == ["__count", "results"]
    assert body["__count"] == "31"  # a string, in OData v2
    first = body["results"][0]
    assert first["__metadata"] == {
        "id": f"{s4.url}{PO}/A_PurchaseOrderItem(PurchaseOrder='4500000001',PurchaseOrderItem='10')",
        "uri": f"{s4.url}{PO}/A_PurchaseOrderItem(PurchaseOrder='4500000001',PurchaseOrderItem='10')",
        "type": "API_PURCHASEORDER_PROCESS_SRV.A_PurchaseOrderItemType",
    }
    assert first["OrderQuantity"] == "2.000"  # Edm.Decimal: a string, with the scale
    assert first["NetPriceAmount"] == "2850000.00"  # an amount: the currency's decimals
    assert first["IsCompletelyDelivered"] is False
    assert first["Material"] == ""  # initial, not null
    assert first["to_PurchaseOrder"] == {
        "__deferred": {"uri": first["__metadata"]["uri"] + "/to_PurchaseOrder"}
    }


def test_dates_and_milliseconds(s4: FakeS4HANA) -> None:
    body = get(s4, f"{PO}/A_PurchaseOrder('4500000017')").json()["d"]
    assert body["PurchaseOrderDate"] == "/Date(1792454400000)/"  # 2026-10-20, midnight UTC
    assert body["LastChangeDateTime"].endswith("+0000)/")
    stored = s4.order("4500000017")["LastChangeDateTime"]
    assert stored.microsecond % 1000 != 0  # kept finer than it is sent: SAP's 100 ns
    millis = int(body["LastChangeDateTime"][6:-7])
    assert millis == int(stored.timestamp() * 1000)


def test_an_amount_in_yen_has_no_decimals(own_s4: FakeS4HANA) -> None:
    po = own_s4.add_order(
        "20000204",
        [{"PurchaseOrderItemText": "Spare PLC", "MaterialGroup": "OTA010", "OrderQuantity": 1,
          "NetPriceAmount": 120000}],
        DocumentCurrency="JPY",
    )  # fmt: skip
    item = get(own_s4, f"{PO}/A_PurchaseOrderItem(PurchaseOrder='{po}',PurchaseOrderItem='10')")
    assert item.json()["d"]["NetPriceAmount"] == "120000"


def test_keys_select_expand_and_navigation(s4: FakeS4HANA) -> None:
    padded = get(
        s4, f"{PO}/A_PurchaseOrderItem(PurchaseOrder='4500000017',PurchaseOrderItem='00010')"
    )
    assert padded.json()["d"]["PurchaseOrderItem"] == "10"  # NUMC: '00010' is '10'
    order = get(
        s4,
        f"{PO}/A_PurchaseOrder('4500000017')?$select=PurchaseOrder,to_PurchaseOrderItem/"
        "PurchaseOrderItem&$expand=to_PurchaseOrderItem",
    ).json()["d"]
    assert set(order) == {"__metadata", "PurchaseOrder", "to_PurchaseOrderItem"}
    assert [i["PurchaseOrderItem"] for i in order["to_PurchaseOrderItem"]["results"]] == [
        "10",
        "20",
        "30",
    ]
    assert set(order["to_PurchaseOrderItem"]["results"][0]) == {"__metadata", "PurchaseOrderItem"}
    items = get(
        s4, f"{PO}/A_PurchaseOrder('4500000017')/to_PurchaseOrderItem?$select=PurchaseOrderItem"
    )
    assert len(items.json()["d"]["results"]) == 3
    header = get(
        s4,
        f"{PO}/A_PurchaseOrderItem(PurchaseOrder='4500000017',PurchaseOrderItem='10')/to_PurchaseOrder",
    )
    assert header.json()["d"]["PurchaseOrder"] == "4500000017"


# -- $filter, $orderby ----------------------------------------------------------------------


def test_filters(s4: FakeS4HANA) -> None:
    def count(expression: str) -> int:
        answer = get(
            s4, f"{PO}/A_PurchaseOrderItem?$filter={expression}&$inlinecount=allpages&$top=0"
        )
        assert answer.status_code == 200, answer.text
        return int(answer.json()["d"]["__count"])

    assert count("MaterialGroup eq 'NET010'") == 7
    assert count("MaterialGroup eq 'NET010' and PurchasingDocumentDeletionCode ne 'L'") == 6
    assert (
        count(
            "(PurchaseOrder eq '4500000017' or PurchaseOrder eq '4500000001') and PurchaseOrderItem eq '00010'"
        )
        == 2
    )
    assert count("startswith(MaterialGroup,'SEC')") == 5
    assert count("NetPriceAmount gt 1000000") == 9
    assert count("not (YY1_NatSecImpact_PDI eq 'Y')") == 17


def test_a_change_time_filter_keeps_what_the_milliseconds_hide(s4: FakeS4HANA) -> None:
    """``ge`` the truncated milliseconds finds the order again; ``gt`` them finds it too
    (its stored time is a little later): a reader must not take ``gt`` for "after"."""
    sent = get(s4, f"{PO}/A_PurchaseOrder('4500000017')").json()["d"]["LastChangeDateTime"]
    millis = int(sent[6:-7])
    literal = (
        time.strftime("%Y-%m-%dT%H:%M:%S", time.gmtime(millis // 1000)) + f".{millis % 1000:03d}Z"
    )

    def orders(op: str) -> set[str]:
        answer = get(
            s4,
            f"{PO}/A_PurchaseOrder?$filter=LastChangeDateTime {op} datetimeoffset'{literal}'&$select=PurchaseOrder",
        )
        return {o["PurchaseOrder"] for o in answer.json()["d"]["results"]}

    assert "4500000017" in orders("ge")
    assert "4500000017" in orders("gt")
    assert "4500000017" not in orders("lt")


@pytest.mark.parametrize(
    ("query", "message"),
    [
        ("$filter=Foo eq 'x'", "Property Foo not found in type A_PurchaseOrderItemType"),
        ("$filter=NetPriceAmount eq 'x'", "Invalid parametertype"),
        ("$filter=MaterialGroup eq", "Invalid $filter"),
        ("$select=Foo", "Property Foo not found"),
        ("$expand=to_Nothing", "Property to_Nothing not found"),
        ("$orderby=Foo desc", "Property Foo not found"),
        ("$top=x", "Invalid value 'x' for system query option $top"),
        ("$search=router", "Invalid system query option $search"),
    ],
)
def test_a_query_sap_refuses_is_a_400_in_sap_s_error_body(
    s4: FakeS4HANA, query: str, message: str
) -> None:
    answer = get(s4, f"{PO}/A_PurchaseOrderItem?{query}")
    assert answer.status_code == 400
    error = answer.json()["error"]
    assert message in error["message"]["value"]
    assert error["message"]["lang"] == "en" and error["code"].startswith("/IWBEP/")
    assert {"transactionid", "timestamp", "Error_Resolution", "errordetails"} <= set(
        error["innererror"]
    )


def test_orderby(s4: FakeS4HANA) -> None:
    answer = get(
        s4,
        f"{PO}/A_PurchaseOrder?$orderby=LastChangeDateTime desc,PurchaseOrder&$top=3&$select=PurchaseOrder",
    )
    assert [o["PurchaseOrder"] for o in answer.json()["d"]["results"]] == [
        "4500000025",
        "4500000024",
        "4500000023",
    ]


# -- paging -----------------------------------------------------------------------------------


def test_server_driven_paging(own_s4: FakeS4HANA) -> None:
    own_s4.max_page, own_s4.default_page = 4, 10
    first = get(own_s4, f"{PO}/A_PurchaseOrder?$select=PurchaseOrder&$skip=2&$top=9").json()["d"]
    assert [o["PurchaseOrder"] for o in first["results"]] == [
        f"45000000{n:02d}" for n in range(3, 7)
    ]
    assert first["__next"].startswith(f"{own_s4.url}{PO}/A_PurchaseOrder?")
    assert "$skiptoken=6" in first["__next"] and "$top=9" in first["__next"]
    seen = [o["PurchaseOrder"] for o in first["results"]]
    link = first["__next"]
    while link:
        page = requests.get(
            link, auth=(own_s4.username, own_s4.password), headers=JSON, timeout=10
        ).json()["d"]
        seen += [o["PurchaseOrder"] for o in page["results"]]
        link = page.get("__next")
    assert seen == [f"45000000{n:02d}" for n in range(3, 12)]  # $skip=2, $top=9: all of it
    unbounded = get(own_s4, f"{PO}/A_PurchaseOrder?$select=PurchaseOrder").json()["d"]
    assert len(unbounded["results"]) == 10 and "__next" in unbounded  # without $top: 10
    last = get(own_s4, f"{PO}/A_PurchaseOrder?$select=PurchaseOrder&$skip=24&$top=4").json()["d"]
    assert len(last["results"]) == 1 and "__next" not in last


# -- logon, authorizations, formats -----------------------------------------------------------


def test_logon_failures(s4: FakeS4HANA) -> None:
    wrong = get(s4, f"{PO}/A_PurchaseOrder", auth=(s4.username, "wrong"))
    assert wrong.status_code == 401
    assert (
        wrong.headers["WWW-Authenticate"]
        == 'Basic realm="SAP NetWeaver Application Server [S4H/100]"'
    )
    assert wrong.headers["Content-Type"].startswith("text/html")
    assert "Logon failed" in wrong.text
    other_client = get(s4, f"{PO}/A_PurchaseOrder", **{"sap-client": "200"})
    assert other_client.status_code == 401
    assert get(s4, f"{PO}/A_PurchaseOrder?sap-client=100&$top=1").status_code == 200
    assert (
        get(s4, f"{PO}/A_PurchaseOrder?$top=1", auth=("cyberreview", s4.password)).status_code
        == 200
    )


def test_a_user_without_the_service_gets_403(s4: FakeS4HANA) -> None:
    refused = get(s4, f"{BP}/A_BusinessPartner", auth=("PO_ONLY", "Po-Only!2026"))
    assert refused.status_code == 403
    error = refused.json()["error"]
    assert error["code"] == "/IWFND/CM_CONSUMER/101"
    assert (
        error["message"]["value"]
        == "No authorization to access Service 'API_BUSINESS_PARTNER_0001'"
    )
    assert (
        get(s4, f"{PO}/A_PurchaseOrder?$top=1", auth=("PO_ONLY", "Po-Only!2026")).status_code == 200
    )


def test_json_only_and_missing_things(s4: FakeS4HANA) -> None:
    atom = get(s4, f"{PO}/A_PurchaseOrder", Accept="application/atom+xml")
    assert atom.status_code == 406
    assert get(s4, f"{PO}/A_PurchaseOrder?$format=json&$top=1", Accept="*/*").status_code == 200
    assert get(s4, f"{PO}/").json() == {
        "d": {"EntitySets": ["A_PurchaseOrder", "A_PurchaseOrderItem"]}
    }
    missing = get(s4, f"{PO}/A_PurchaseOrder('4599999999')")
    assert (
        missing.status_code == 404
        and "Resource not found" in missing.json()["error"]["message"]["value"]
    )
    assert get(s4, "/sap/opu/odata/sap/API_NO_SUCH_SRV/X").status_code == 404


def test_oauth_client_credentials(own_s4: FakeS4HANA) -> None:
    own_s4.token_life = 1
    answer = requests.post(own_s4.oauth_url, data={"grant_type": "client_credentials"},
                           auth=(own_s4.client_id, own_s4.client_secret), timeout=10)  # fmt: skip
    assert answer.status_code == 200
    token = answer.json()
    assert token["token_type"] == "Bearer" and token["expires_in"] == 1
    bearer = {"Authorization": f"Bearer {token['access_token']}"}
    assert (
        requests.get(
            own_s4.url + f"{PO}/A_PurchaseOrder?$top=1", headers={**JSON, **bearer}, timeout=10
        ).status_code
        == 200
    )
    time.sleep(1.1)
    assert (
        requests.get(
            own_s4.url + f"{PO}/A_PurchaseOrder?$top=1", headers={**JSON, **bearer}, timeout=10
        ).status_code
        == 401
    )
    refused = requests.post(own_s4.oauth_url, data={"grant_type": "client_credentials"},
                            auth=(own_s4.client_id, "wrong"), timeout=10)  # fmt: skip
    assert (refused.status_code, refused.json()["error"]) == (401, "invalid_client")
    grant = requests.post(own_s4.oauth_url, data={"grant_type": "password"},
                          auth=(own_s4.client_id, own_s4.client_secret), timeout=10)  # fmt: skip
    assert (grant.status_code, grant.json()["error"]) == (400, "unsupported_grant_type")


def test_writes_need_the_csrf_token_reads_do_not(own_s4: FakeS4HANA) -> None:
    session = requests.Session()
    session.auth = (own_s4.username, own_s4.password)
    session.headers.update(JSON)
    item = (
        f"{own_s4.url}{PO}/A_PurchaseOrderItem(PurchaseOrder='4500000002',PurchaseOrderItem='10')"
    )
    before = own_s4.order("4500000002")["LastChangeDateTime"]
    refused = session.patch(item, json={"YY1_NatSecImpact_PDI": "Y"}, timeout=10)
    assert refused.status_code == 403
    assert refused.headers["x-csrf-token"] == "Required"
    assert refused.text == "CSRF token validation failed"
    fetched = session.get(f"{own_s4.url}{PO}/", headers={"X-CSRF-Token": "Fetch"}, timeout=10)
    token = fetched.headers["x-csrf-token"]
    assert token and "SAP_SESSIONID_S4H_100" in session.cookies
    wrong = session.patch(
        item, json={"YY1_NatSecImpact_PDI": "Y"}, headers={"X-CSRF-Token": "x"}, timeout=10
    )
    assert wrong.status_code == 403
    done = session.patch(
        item, json={"YY1_NatSecImpact_PDI": "Y"}, headers={"X-CSRF-Token": token}, timeout=10
    )
    assert done.status_code == 204 and not done.content
    assert own_s4.item("4500000002", "10")["YY1_NatSecImpact_PDI"] == "Y"
    assert own_s4.order("4500000002")["LastChangeDateTime"] > before
    bad = session.patch(
        item, json={"PurchaseOrderItem": "20"}, headers={"X-CSRF-Token": token}, timeout=10
    )
    assert bad.status_code == 400 and "cannot be changed" in bad.json()["error"]["message"]["value"]
    assert session.get(item, timeout=10).status_code == 200  # no token for reading


def test_429_as_an_api_gateway_sends_it(own_s4: FakeS4HANA) -> None:
    own_s4.throttle(1, retry_after=2)
    answer = get(own_s4, f"{PO}/A_PurchaseOrder?$top=1")
    assert answer.status_code == 429 and answer.headers["Retry-After"] == "2"
    assert answer.json()["fault"]["detail"]["errorcode"] == "policies.ratelimit.QuotaViolation"
    assert get(own_s4, f"{PO}/A_PurchaseOrder?$top=1").status_code == 200


def test_the_seed(s4: FakeS4HANA) -> None:
    import eastgrid_pos

    assert len(s4.store.tables["A_PurchaseOrderType"]) == 25
    assert len(s4.store.tables["A_PurchaseOrderItemType"]) == 31
    assert eastgrid_pos.READABLE == 30  # one item is marked deleted
    groups = {i["MaterialGroup"] for i in s4.store.tables["A_PurchaseOrderItemType"].values()}
    assert groups <= set(eastgrid_pos.MATERIAL_GROUPS)
