"""The local ServiceNow behaves as ServiceNow documents its Table API (so that the
connector's tests mean something): queries, fields, display values, paging, errors."""

from __future__ import annotations

from typing import Any

import pytest
import requests
from eastgrid_cmdb import sys_id
from fake_servicenow import Column, FakeServiceNow

ROUTER = sys_id("EG-BJ-CORE-RTR-01")


def get(sn: FakeServiceNow, path: str, auth: Any = True, **params: Any) -> requests.Response:
    return requests.get(
        f"{sn.url}{path}",
        params=params,
        auth=(sn.username, sn.password) if auth is True else auth,
        timeout=5,
    )


def names(sn: FakeServiceNow, table: str, query: str) -> list[str]:
    body = get(sn, f"/api/now/table/{table}", sysparm_query=query, sysparm_fields="name").json()
    return [row["name"] for row in body["result"]]


def test_a_table_answers_for_its_extensions(sn: FakeServiceNow) -> None:
    rows = get(
        sn,
        "/api/now/table/cmdb_ci",
        sysparm_query="nameSTARTSWITHEG-BJ-CORE^ORnameSTARTSWITHeg-ems-db",
        sysparm_fields="name,sys_class_name,cpu_count,u_review_category",
    ).json()["result"]
    classes = {row["name"]: row["sys_class_name"] for row in rows}
    assert classes["EG-BJ-CORE-RTR-01"] == "cmdb_ci_ip_router"
    assert classes["eg-ems-db-01"] == "cmdb_ci_linux_server"
    assert all("cpu_count" not in row for row in rows)  # a field of a class, not of cmdb_ci
    assert all("u_review_category" in row for row in rows)
    servers = get(sn, "/api/now/table/cmdb_ci_server", sysparm_fields="cpu_count").json()
    assert all("cpu_count" in row for row in servers["result"])


def test_fields_references_and_display_values(sn: FakeServiceNow) -> None:
    path = f"/api/now/table/cmdb_ci_netgear/{ROUTER}"
    fields = "name,manufacturer,model_id.name,model_id.manufacturer.name,install_status,nope"
    raw = get(sn, path, sysparm_fields=fields).json()["result"]
    huawei = sys_id("Huawei Technologies Co., Ltd.")
    assert raw == {
        "name": "EG-BJ-CORE-RTR-01",
        "manufacturer": {
            "link": f"{sn.url}/api/now/table/core_company/{huawei}",
            "value": huawei,
        },
        "model_id.name": "Huawei NetEngine 8000 X8",
        "model_id.manufacturer.name": "Huawei Technologies Co., Ltd.",
        "install_status": "1",
    }  # "nope" is no field: left out
    plain = get(sn, path, sysparm_fields=fields, sysparm_exclude_reference_link="true")
    assert plain.json()["result"]["manufacturer"] == huawei
    shown = get(sn, path, sysparm_fields=fields, sysparm_display_value="true").json()["result"]
    assert shown["install_status"] == "Installed"
    assert shown["manufacturer"] == {
        "display_value": "Huawei Technologies Co., Ltd.",
        "link": f"{sn.url}/api/now/table/core_company/{huawei}",
    }
    both = get(sn, path, sysparm_fields=fields, sysparm_display_value="all").json()["result"]
    assert both["install_status"] == {"display_value": "Installed", "value": "1"}
    assert both["manufacturer"]["value"] == huawei


def test_every_value_is_a_string(sn: FakeServiceNow) -> None:
    row = get(sn, f"/api/now/table/cmdb_ci/{ROUTER}").json()["result"]
    assert row["u_throughput_tbps"] == "16" and row["u_may_affect_national_security"] == "true"
    assert row["u_forwarding_gpps"] == ""  # empty
    assert row["sys_updated_on"][10] == " " and len(row["sys_updated_on"]) == 19


@pytest.mark.parametrize(
    ("query", "expected"),
    [
        ("u_catalogue_type=plc^install_status=3", ["EG-HYD-PLC-01"]),
        ("u_catalogue_type=plc^u_instruction_time_us<0.1^ORDERBYname", [
            "EG-HYD-PLC-01", "EG-SUB-220-PLC-01", "EG-SUB-220-PLC-02"]),
        ("u_throughput_tbps>=30^ORDERBYDESCu_throughput_tbps", [
            "EG-DC1-CORE-SW-01", "EG-DC1-CORE-SW-02", "EG-DC2-CORE-SW-01", "EG-DC2-CORE-SW-02"]),
        ("u_throughput_tbps>6^u_throughput_tbps<=12.8^ORDERBYname", [
            "EG-BJ-CORE-RTR-03", "EG-HZ-AGG-RTR-01", "EG-HZ-AGG-RTR-02", "EG-NJ-AGG-RTR-01",
            "EG-NJ-AGG-RTR-02", "EG-SH-CORE-RTR-01", "EG-WX-EDGE-RTR-01"]),
        ("u_throughput_tbpsBETWEEN60@100^ORDERBYname", [
            "EG-DC1-CORE-SW-01", "EG-DC1-CORE-SW-02", "EG-DC2-CORE-SW-01"]),
        ("install_statusIN6,7^ORDERBYname", [
            "EG-HQ-ACC-SW-03", "EG-HZ-AGG-RTR-02", "EG-WX-EDGE-RTR-01"]),
        ("u_catalogue_type=firewall^install_statusNOT IN1", []),
        ("nameENDSWITHfw-02^ORnameLIKEdmz", ["EG-DC1-FW-02", "EG-DMZ-FW-01"]),
        ("u_review_category=^u_catalogue_typeISNOTEMPTY", ["EG-HZ-AGG-RTR-01"]),
        ("u_cii_systemISEMPTY^u_catalogue_type=firewall", ["EG-HQ-FW-01"]),
        ("u_review_status=passed^u_catalogue_type=router^NQu_catalogue_type=isolation", [
            "EG-BJ-CORE-RTR-01", "EG-SUB-FW-01"]),
        ("model_id.manufacturer.name=Cisco Systems, Inc.^ORDERBYname", [
            "EG-DC2-CORE-SW-02", "EG-HZ-AGG-RTR-01", "EG-WX-EDGE-RTR-01"]),
        # an empty value matches no comparison (SQL's NULL): "!=" leaves it out
        ("u_may_affect_national_security!=false^u_catalogue_type=router^install_status=1", [
            "EG-BJ-CORE-RTR-01", "EG-BJ-CORE-RTR-02", "EG-SH-CORE-RTR-01"]),
        # ServiceNow drops what it cannot use: an unknown field, a term without operator
        ("u_catalogue_typo=router^u_catalogue_type=isolation", ["EG-SUB-FW-01"]),
        ("u_catalogue_type^u_catalogue_type=isolation^ORDERBYnope", ["EG-SUB-FW-01"]),
    ],
)  # fmt: skip
def test_encoded_queries(sn: FakeServiceNow, query: str, expected: list[str]) -> None:
    table = "cmdb_ci_ot" if "plc" in query else "cmdb_ci_netgear"
    found = names(sn, table, query)
    if "ORDERBY" not in query:
        found.sort()
    assert found == expected


def test_the_invalid_query_property(own_sn: FakeServiceNow) -> None:
    own_sn.invalid_query_returns_no_rows = True
    assert names(own_sn, "cmdb_ci_netgear", "u_catalogue_typo=router") == []
    assert len(names(own_sn, "cmdb_ci_netgear", "u_catalogue_type=router")) == 10


def test_paging_links_and_counts(sn: FakeServiceNow) -> None:
    first = get(sn, "/api/now/table/cmdb_ci_appl", sysparm_limit=3, sysparm_query="ORDERBYname")
    assert first.headers["X-Total-Count"] == "8"
    links = dict(
        (part.split(";")[1].split('"')[1], part.split(";")[0].strip("<> "))
        for part in first.headers["Link"].split(",<")
    )
    assert set(links) == {"first", "next", "last"}
    assert links["next"].startswith(f"{sn.url}/api/now/table/cmdb_ci_appl?")
    assert "sysparm_offset=3" in links["next"] and "sysparm_query=ORDERBYname" in links["next"]
    assert "sysparm_offset=6" in links["last"]
    last = requests.get(links["last"], auth=(sn.username, sn.password), timeout=5)
    assert len(last.json()["result"]) == 2
    assert 'rel="prev"' in last.headers["Link"] and 'rel="next"' not in last.headers["Link"]
    everything = get(sn, "/api/now/table/cmdb_ci")
    assert len(everything.json()["result"]) == 58  # the limit defaults to 10,000; 2 hidden
    assert everything.headers["X-Total-Count"] == "60"  # counted before the ACLs


def test_errors(sn: FakeServiceNow) -> None:
    anonymous = get(sn, "/api/now/table/cmdb_ci", auth=None)
    assert anonymous.status_code == 401
    assert anonymous.json() == {
        "error": {
            "message": "User Not Authenticated",
            "detail": "Required to provide Auth information",
        },
        "status": "failure",
    }
    assert anonymous.headers["WWW-Authenticate"] == 'BASIC realm="Service-now"'
    assert get(sn, "/api/now/table/cmdb_ci", auth=(sn.username, "wrong")).status_code == 401
    bearer = requests.get(
        f"{sn.url}/api/now/table/cmdb_ci",
        headers={"Authorization": f"Bearer {sn.token}"},
        params={"sysparm_limit": 1},
        timeout=5,
    )
    assert bearer.status_code == 200
    invalid = get(sn, "/api/now/table/cmdb_ci_nope")
    assert invalid.status_code == 400
    assert invalid.json()["error"]["message"] == "Invalid table cmdb_ci_nope"
    hidden = get(sn, f"/api/now/table/cmdb_ci/{sys_id('EG-DC2-TOR-SW-01')}")
    assert hidden.status_code == 404
    assert hidden.json()["error"]["message"] == "No Record found"
    other_class = get(sn, f"/api/now/table/cmdb_ci_server/{ROUTER}")
    assert other_class.status_code == 404
    assert get(sn, "/api/now/nothing").status_code == 400


def test_changes_stamp_sys_updated_on(own_sn: FakeServiceNow) -> None:
    before = dict(own_sn.row(ROUTER))
    own_sn.update(ROUTER, u_review_status="declared")
    after = own_sn.row(ROUTER)
    assert after["sys_updated_on"] > before["sys_updated_on"]
    assert int(after["sys_mod_count"]) == int(before["sys_mod_count"]) + 1
    with own_sn.same_second():
        one = own_sn.add("cmdb_ci_ip_router", name="EG-T-1")
        two = own_sn.add("cmdb_ci_ip_router", name="EG-T-2")
    assert own_sn.row(one)["sys_updated_on"] == own_sn.row(two)["sys_updated_on"]
    assert own_sn.row(one)["sys_updated_on"] > after["sys_updated_on"]
    with pytest.raises(KeyError, match="cmdb_ci_ip_router has no field u_typo"):
        own_sn.add("cmdb_ci_ip_router", name="EG-T-3", u_typo=1)


def test_tables_and_routes_extend(own_sn: FakeServiceNow) -> None:
    own_sn.define("u_work", None, "number", number=Column(), short_description=Column())
    own_sn.define("u_work_order", "u_work", "number", type=Column(), cmdb_ci=Column(
        "reference", reference="cmdb_ci"))  # fmt: skip
    order = own_sn.add("u_work_order", number="WO0001", cmdb_ci=ROUTER, type="normal")
    body = get(
        own_sn,
        "/api/now/table/u_work",
        sysparm_fields="number,sys_class_name,cmdb_ci.name",
        sysparm_display_value="true",
    ).json()
    assert body["result"] == [{"number": "WO0001", "sys_class_name": "u_work_order"}]
    seen = []

    def things(request: Any, args: dict[str, str], user: str) -> Any:
        seen.append((args["sys_id"], user))
        return own_sn.reply([])

    own_sn.route("GET", "/api/x_demo/work/{sys_id}/things", things)
    assert get(own_sn, f"/api/x_demo/work/{order}/things").json() == {"result": []}
    assert seen == [(order, "cyberreview")]


def test_rate_limit_headers(own_sn: FakeServiceNow) -> None:
    own_sn.rate_limit = 2
    answers = [get(own_sn, "/api/now/table/cmdb_ci_appl", sysparm_limit=1) for _ in range(3)]
    assert [a.status_code for a in answers] == [200, 200, 429]
    assert answers[0].headers["X-RateLimit-Limit"] == "2"
    assert answers[2].headers["Retry-After"] == "1"
    assert answers[2].json()["error"]["message"] == "Rate limit exceeded"
