"""What a ServiceNow CMDB does to a reader, beyond the contract kit: a 500 deep into a
long read, 429 storms and rate limits, pages ACLs shorten, query terms ServiceNow
ignores, ties within a second, rows that move during a read, values of the wrong type."""

from __future__ import annotations

import itertools
import logging
import time
from typing import Any

import eastgrid_cmdb
import pytest
import requests
from eastgrid_cmdb import sys_id
from fake_servicenow import FakeServiceNow, at_offset, is_page

from conftest import MAPPINGS, open_source, read_all
from cyberreview_policy.errors import SourceError
from cyberreview_policy.models.identity import plain
from cyberreview_policy.plugin.types import SourceType
from cyberreview_policy.testing import Fault, Request

READABLE = 56  # CIs in the default tables, less the two an ACL hides
ROUTER = {
    "install_status": 1,
    "u_review_category": "core_network_equipment",
    "u_catalogue_type": "router",
    "u_throughput_tbps": 4.8,
    "u_cii_system": "Dispatch WAN",
}


def netgear_order(sn: FakeServiceNow) -> list[str]:
    """The netgear CIs in the order a read pages them."""
    return [r["sys_id"] for r in sn.find("cmdb_ci_netgear", "ORDERBYsys_updated_on^ORDERBYsys_id")]


# -- failures and retries ------------------------------------------------------------------


def test_a_500_on_page_37_of_50_fails_the_read_and_a_rerun_completes(kind: SourceType) -> None:
    with FakeServiceNow(seed=False) as sn:
        sn.generate("cmdb_ci_ip_router", 1000, **ROUTER)
        settings: dict[str, Any] = {"tables": ["cmdb_ci_netgear"], "page_size": 20}
        sn.fail_next(*[Fault.status(500)] * 3, match=at_offset(36 * 20))  # and its 2 retries
        broken = open_source(kind, sn, **settings)
        decided = 0
        with pytest.raises(SourceError) as failed:
            for item in broken.read():
                decided += item.record is not None
        message = str(failed.value)
        assert message.startswith("source servicenow: read: GET http://127.0.0.1:")
        assert "/api/now/table/cmdb_ci_netgear?" in message and "sysparm_offset=720" in message
        assert "HTTP 500" in message and message.endswith("(gave up after 3 attempts)")
        assert decided == 36 * 20  # the 36 pages before it were read (and decided)
        assert broken.checkpoint is None  # the checkpoint does not move
        rerun = read_all(open_source(kind, sn, **settings))
        assert len(rerun.records) == 1000 and not rerun.skipped
        assert rerun.checkpoint is not None
        assert len([r for r in sn.requests if is_page(r)]) == 37 + 2 + 50


def test_a_429_storm_is_waited_out(kind: SourceType, own_sn: FakeServiceNow) -> None:
    own_sn.throttle(4, retry_after=1, match=is_page)  # four in a row, on the first page
    read = read_all(open_source(kind, own_sn, max_attempts=6, page_size=20))
    assert len(read.records) == READABLE and read.checkpoint is not None
    first = [r.at for r in own_sn.requests if is_page(r)][:5]  # the page, four times refused
    assert all(b - a >= 0.9 for a, b in itertools.pairwise(first))  # Retry-After: 1


def test_a_429_tells_the_rate_limit(own_sn: FakeServiceNow) -> None:
    own_sn.throttle(1, retry_after=2)
    answer = requests.get(
        f"{own_sn.url}/api/now/table/cmdb_ci", auth=(own_sn.username, own_sn.password), timeout=5
    )
    assert answer.status_code == 429
    assert answer.headers["Retry-After"] == "2"
    assert {"X-RateLimit-Limit", "X-RateLimit-Reset", "X-RateLimit-Rule"} <= set(answer.headers)
    assert answer.json()["error"]["message"] == "Rate limit exceeded"


def test_the_instance_rate_limit_is_honoured(kind: SourceType, own_sn: FakeServiceNow) -> None:
    own_sn.rate_limit = 4  # requests a second
    read = read_all(open_source(kind, own_sn, page_size=6, max_attempts=5))
    assert len(read.records) == READABLE
    assert own_sn.throttled > 0  # it ran into the limit, and waited as told
    own_sn.throttled = 0
    time.sleep(1)
    budgeted = read_all(open_source(kind, own_sn, page_size=6, requests_per_second=3))
    assert len(budgeted.records) == READABLE
    assert own_sn.throttled == 0  # within the budget: never refused


# -- pages, ACLs, queries ----------------------------------------------------------------


def test_a_page_acls_shorten_is_not_the_last(
    kind: SourceType, own_sn: FakeServiceNow, caplog: pytest.LogCaptureFixture
) -> None:
    order = netgear_order(own_sn)
    visible = [i for i in order if i not in eastgrid_cmdb.HIDDEN]
    own_sn.hide(visible[2])  # on the first page of five
    first = requests.get(
        f"{own_sn.url}/api/now/table/cmdb_ci_netgear",
        params={"sysparm_limit": 5, "sysparm_query": "ORDERBYsys_updated_on^ORDERBYsys_id"},
        auth=(own_sn.username, own_sn.password),
        timeout=5,
    )
    assert len(first.json()["result"]) == 4 and 'rel="next"' in first.headers["Link"]
    assert first.headers["X-Total-Count"] == "28"
    caplog.set_level(logging.WARNING)
    read = read_all(open_source(kind, own_sn, tables=["cmdb_ci_netgear"], page_size=5))
    got = set(read.ids) | set(read.skipped)
    assert got == set(visible) - {visible[2]}  # everything after the short page
    assert (
        "cmdb_ci_netgear: 26 of the 28 rows ServiceNow counts came back; the other 2 (hidden "
        "from user 'cyberreview' by ACLs, or gone during the read) are not decided"
    ) in caplog.text


def test_an_invalid_query_term_is_ignored_by_servicenow_and_refused_by_the_connector(
    kind: SourceType, own_sn: FakeServiceNow
) -> None:
    auth = (own_sn.username, own_sn.password)

    def total(query: str) -> int:
        answer = requests.get(
            f"{own_sn.url}/api/now/table/cmdb_ci_netgear",
            params={"sysparm_query": query, "sysparm_limit": 1},
            auth=auth,
            timeout=5,
        )
        return int(answer.headers["X-Total-Count"])

    assert total("install_status!=7") == 27
    assert total("instal_status!=7") == 28  # the misspelt term is dropped: every row
    assert total("instal_status!=7^u_catalogue_type=firewall") == 5  # the rest applies
    misspelt = open_source(kind, own_sn, query="instal_status!=7")
    check = misspelt.check()
    assert not check.ok
    assert check.message.startswith(
        "cmdb_ci_netgear: query names instal_status, which cmdb_ci_netgear does not have: "
        "ServiceNow would ignore those terms silently (or, with "
        "glide.invalid_query.returns_no_rows, return nothing)"
    )
    with pytest.raises(SourceError, match="query names instal_status"):
        read_all(misspelt)
    assert misspelt.checkpoint is None
    assert not [r for r in own_sn.requests if is_page(r)]  # refused before a page was read
    own_sn.invalid_query_returns_no_rows = True  # the instance property: nothing, silently
    assert total("instal_status!=7") == 0
    with pytest.raises(SourceError, match="query names instal_status"):
        read_all(open_source(kind, own_sn, query="instal_status!=7"))
    no_operator = open_source(kind, own_sn, query="install_status")
    assert "query term(s) 'install_status' name no field" in no_operator.check().message
    good = open_source(kind, own_sn, query="install_status!=7^operational_status=1")
    assert good.check().ok
    statuses = {r.attributes["servicenow"]["install_status"] for r in read_all(good).records}
    assert statuses == {"1", "3"}


def test_the_query_applies_to_every_nq_group(kind: SourceType, own_sn: FakeServiceNow) -> None:
    query = "u_catalogue_type=firewall^NQu_catalogue_type=plc"
    full = read_all(open_source(kind, own_sn, query=query))
    assert {r.product.type for r in full.records} == {"firewall", "plc"}
    with own_sn.same_second():
        own_sn.update(sys_id("EG-HQ-ACC-SW-01"), u_review_status="none")  # neither
        own_sn.update(sys_id("EG-DC1-FW-01"), u_review_status="passed")
    newer = read_all(open_source(kind, own_sn, since=full.checkpoint, query=query))
    assert newer.ids == [sys_id("EG-DC1-FW-01")]  # the change condition binds to both groups


# -- incremental reads ---------------------------------------------------------------------


def test_changes_in_the_same_second_are_read_once_each(
    kind: SourceType, own_sn: FakeServiceNow
) -> None:
    tables = {"tables": ["cmdb_ci_netgear"]}
    full = read_all(open_source(kind, own_sn, **tables))
    a, b = sys_id("EG-DC1-FW-01"), sys_id("EG-NJ-AGG-RTR-01")
    with own_sn.same_second():
        own_sn.update(a, u_review_status="declared")
        first = read_all(open_source(kind, own_sn, since=full.checkpoint, **tables))
        assert first.ids == [a]
        own_sn.update(b, u_review_status="declared")  # the same second, after the read
    at = first.checkpoint["tables"]["cmdb_ci_netgear"]
    assert at == {"at": own_sn.row(a)["sys_updated_on"], "seen": [a]}
    second = read_all(open_source(kind, own_sn, since=first.checkpoint, **tables))
    assert second.ids == [b]  # not a again, and not lost
    assert second.checkpoint["tables"]["cmdb_ci_netgear"]["seen"] == sorted([a, b])
    assert read_all(open_source(kind, own_sn, since=second.checkpoint, **tables)).ids == []


def test_a_row_changed_during_a_read_costs_no_other_row(
    kind: SourceType, own_sn: FakeServiceNow, caplog: pytest.LogCaptureFixture
) -> None:
    """Offset paging by sys_updated_on: a row changed after its page was read moves to
    the end (read again, newer) and every row after its old place moves up one: the
    row at the next page boundary is skipped by this read; the checkpoint goes back so
    that the next read has it."""
    tables = {"tables": ["cmdb_ci_netgear"], "page_size": 5}
    order = [i for i in netgear_order(own_sn) if i not in eastgrid_cmdb.HIDDEN]
    moved, boundary = order[1], order[10]

    def change_on_third_page(request: Request) -> None:
        if is_page(request) and request.query.get("sysparm_offset") == ["10"]:
            own_sn.update(moved, u_review_status="declared")
            own_sn.before_request.clear()

    own_sn.before_request.append(change_on_third_page)
    caplog.set_level(logging.INFO)
    during = read_all(open_source(kind, own_sn, **tables))
    assert boundary not in during.ids  # skipped: it moved up into a page already read
    assert during.ids.count(moved) == 2  # as it was, then as it is now
    assert during.records[-1].review.status == "declared"
    assert "rows changed during the read; the next read starts again at" in caplog.text
    after = read_all(open_source(kind, own_sn, since=during.checkpoint, **tables))
    assert boundary in after.ids  # not lost


def test_a_value_of_the_wrong_type_is_left_unknown_and_reported(
    kind: SourceType, own_sn: FakeServiceNow
) -> None:
    """The connector hands the host ServiceNow's value as it is (a number where it reads
    as one); the host decides the CI with a value of the wrong type left unknown, and
    reports it, as for every connector."""
    read = read_all(open_source(kind, own_sn))
    assert read.problems == {
        sys_id("EG-SH-CORE-RTR-02"): ["product.specs.throughput_tbps: '16 Tbps' is not a number"],
        sys_id("eg-mdm-db-01"): ["product.specs.memory_gb: '2 TB' is not a number"],
    }
    assert not read.skipped and len(read.records) == READABLE
    router = next(r for r in read.records if r.id == sys_id("EG-SH-CORE-RTR-02"))
    assert router.product.specs.throughput_tbps is None  # unknown, not 0
    assert router.product.specs.routing_entries == 4000000  # the rest as it was
    assert router.attributes["servicenow"]["u_throughput_tbps"] == "16 Tbps"  # for mappings
    own_sn.update(sys_id("EG-SH-CORE-RTR-02"), u_throughput_tbps="16")  # the CMDB put right
    newer = read_all(open_source(kind, own_sn, since=read.checkpoint))
    assert newer.ids == [sys_id("EG-SH-CORE-RTR-02")] and not newer.problems
    assert newer.records[0].product.specs.throughput_tbps == 16


def test_a_wrong_category_skips_the_ci(kind: SourceType, own_sn: FakeServiceNow) -> None:
    own_sn.update(sys_id("EG-DC1-FW-02"), u_review_category="Firewalls")
    read = read_all(open_source(kind, own_sn, tables=["cmdb_ci_netgear"]))
    assert read.skipped[sys_id("EG-DC1-FW-02")].startswith(
        "product.category: 'Firewalls' is not one of"
    )
    assert read.checkpoint is not None  # the read completed; the sweep will not be


# -- what a record holds -------------------------------------------------------------------


def test_a_ci_as_a_record(kind: SourceType, sn: FakeServiceNow) -> None:
    source = open_source(kind, sn)
    item = source.fetch(sys_id("EG-BJ-CORE-RTR-02").upper())  # sys_ids in any case
    assert item.record is not None
    data = plain(item.record)
    del data["source"]["fetched_at"]
    raw = data["attributes"]["servicenow"]
    assert data["id"] == data["source"]["ref"] == sys_id("EG-BJ-CORE-RTR-02")
    assert data["kind"] == "asset"
    assert data["product"] | {"specs": {}} == {
        "name": "EG-BJ-CORE-RTR-02",
        "category": "core_network_equipment",
        "model": "Huawei NetEngine 8000 X8",
        "type": "router",
        "specs": {},
        "certification": None,
    }
    assert data["product"]["specs"]["throughput_tbps"] == 16
    assert data["product"]["specs"]["routing_entries"] == 4000000
    assert data["vendor"]["name"] == "Huawei Technologies Co., Ltd."
    assert data["deployment"] == {
        "system": "Dispatch WAN",
        "cii": True,  # the test configuration's mapping
        "planned_date": None,
        "in_use": True,
    }
    assert data["risk"]["may_affect_national_security"] is True
    assert data["review"]["status"] == "none"
    assert data["contract"]["number"] == "PO-2025-0102"
    assert raw["sys_class_name"] == "cmdb_ci_ip_router"
    assert raw["manufacturer"] == {
        "sys_id": sys_id("Huawei Technologies Co., Ltd."),
        "name": "Huawei Technologies Co., Ltd.",
    }
    assert raw["install_status"] == "1" and raw["u_throughput_tbps"] == "16"


def test_in_use_is_installed_or_in_maintenance(kind: SourceType, sn: FakeServiceNow) -> None:
    records = read_all(open_source(kind, sn)).records
    in_use = {r.attributes["servicenow"]["install_status"] for r in records if r.deployment.in_use}
    not_in_use = {
        r.attributes["servicenow"]["install_status"] for r in records if not r.deployment.in_use
    }
    assert in_use == {"1", "3"}
    assert not_in_use == {"2", "4", "6", "7"}


def test_mappings_reach_every_field_read(kind: SourceType, sn: FakeServiceNow) -> None:
    mappings = {
        **MAPPINGS,
        "vendor.country": {
            "from": "attributes.servicenow.manufacturer.country",
            "values": {"China": "CN", "USA": "US", "Germany": "DE", "France": "FR"},
        },
    }
    read = read_all(open_source(kind, sn, mappings=mappings, extra_fields=["manufacturer.country"]))
    countries = {r.product.name: r.vendor.country for r in read.records}
    assert countries["EG-DMZ-FW-01"] == "US" and countries["EG-SUB-220-PLC-01"] == "DE"
    assert countries["Meter data management"] is None  # no manufacturer: unknown


def test_alm_hardware_assets(kind: SourceType, sn: FakeServiceNow) -> None:
    read = read_all(open_source(kind, sn, tables=["alm_hardware"]))
    assert len(read.records) == len(eastgrid_cmdb.ASSETS)
    asset = next(r for r in read.records if r.attributes["servicenow"]["asset_tag"] == "P100311")
    assert asset.id == sys_id("asset:P100311")
    assert asset.product.name == "P100311 - EG-BJ-CORE-RTR-01"
    assert asset.product.model == "Huawei NetEngine 8000 X8"
    assert asset.vendor.name == "Huawei Technologies Co., Ltd."
    assert str(asset.contract.amount) == "3790000.00"
    assert asset.contract.number == "PO-2024-0311"
    assert str(asset.contract.signed_date) == "2024-03-28"
    assert asset.deployment.in_use is True
    assert asset.attributes["servicenow"]["ci"] == {
        "sys_id": sys_id("EG-BJ-CORE-RTR-01"),
        "name": "EG-BJ-CORE-RTR-01",
    }


def test_tables_that_overlap_give_each_ci_once(kind: SourceType, sn: FakeServiceNow) -> None:
    read = read_all(open_source(kind, sn, tables=["cmdb_ci_netgear", "cmdb_ci"]))
    ids = read.ids + list(read.skipped)
    assert len(ids) == len(set(ids)) == 60 - len(eastgrid_cmdb.HIDDEN)
    router = sys_id("EG-BJ-CORE-RTR-01")
    fetched = open_source(kind, sn, tables=["cmdb_ci_netgear", "cmdb_ci"]).fetch(router).record
    assert fetched is not None
    assert "u_review_category" in fetched.attributes["servicenow"]  # from netgear, the first
    read_one = next(r for r in read.records if r.id == router)
    assert fetched.replace(source=None) == read_one.replace(source=None)


def test_fetch(kind: SourceType, sn: FakeServiceNow) -> None:
    source = open_source(kind, sn, query="install_status!=7")
    assert source.fetch(sys_id("eg-ems-db-01")).record is not None
    for missing in (
        sys_id("EG-WX-EDGE-RTR-01"),  # retired: outside the query
        sys_id("EG-DC2-TOR-SW-01"),  # hidden by an ACL
        sys_id("EG-HQ-PRN-01"),  # a printer: not in the tables
        "0" * 32,
        "EG-BJ-CORE-RTR-01",  # a name, not a sys_id
        "a^ORsys_id!=x",
    ):
        with pytest.raises(SourceError, match="no record"):
            source.fetch(missing)


# -- the connection ------------------------------------------------------------------------


def test_check_says_what_is_wrong(kind: SourceType, sn: FakeServiceNow) -> None:
    ok = open_source(kind, sn).check()
    assert ok.ok, ok.message
    assert ok.message == (
        f"connected to {sn.url} as user 'cyberreview'; rows in scope: cmdb_ci_netgear 28, "
        "cmdb_ci_server 14, cmdb_ci_ot 8, cmdb_ci_appl 8"
    )
    token = open_source(kind, sn, username=None, password=None, oauth_token=sn.token).check()
    assert token.ok and "as an OAuth token" in token.message
    wrong = open_source(kind, sn, password="Not-The-Password", max_attempts=1).check()
    assert not wrong.ok
    assert wrong.message.startswith(f"ServiceNow refused user 'cyberreview' at {sn.url}: GET ")
    assert "HTTP 401" in wrong.message and "User Not Authenticated" in wrong.message
    nope = open_source(kind, sn, tables=["cmdb_ci_netgear", "cmdb_ci_nope"]).check()
    assert not nope.ok
    assert nope.message.startswith(f"cmdb_ci_nope is not a table on {sn.url} (see tables): GET")
    missing = open_source(kind, sn, fields={"u_risk_owner": "attributes.risk_owner"}).check()
    assert missing.ok and missing.message.endswith("; no table has u_risk_owner")


def test_links_to_another_host_are_not_followed(kind: SourceType, own_sn: FakeServiceNow) -> None:
    """The instance links its pages on the host it knows itself by: a connector reaching it
    by another name refuses to send its credentials there."""
    alias = own_sn.url.replace("127.0.0.1", "localhost")
    source = open_source(kind, own_sn, instance=alias, page_size=5)
    with pytest.raises(SourceError) as failed:
        read_all(source)
    assert str(failed.value).endswith(
        f"the server answered with an error: its next page is on {own_sn.url}, not on the "
        f"instance {alias}: set instance to the URL ServiceNow links to"
    )
    assert len([r for r in own_sn.requests if is_page(r)]) == 1  # the first, and no other
