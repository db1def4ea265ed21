"""The Nautobot test harness: a real Nautobot 3.2 on a copy of the seeded template.

The first run on a machine builds the cached venv and the template database
(about ten minutes, most of it ``nautobot-server migrate``); later runs
start a server in about seven seconds (Nautobot's own start-up).
"""

from __future__ import annotations

import datetime as dt
import importlib.util
import json
import re
import sys
import time
import urllib.error
import urllib.parse
import urllib.request
from pathlib import Path

import pytest

_HARNESS = Path(__file__).resolve().parents[1] / "testing" / "nautobot_env.py"


def _load_harness():
    name = "nautobot_env"
    if name in sys.modules:
        return sys.modules[name]
    spec = importlib.util.spec_from_file_location(name, _HARNESS)
    module = importlib.util.module_from_spec(spec)
    sys.modules[name] = module  # dataclasses look the module up
    spec.loader.exec_module(module)
    return module


nautobot_env = _load_harness()

TIMESTAMP = re.compile(r"^\d{4}-\d\d-\d\dT\d\d:\d\d:\d\d(\.\d{1,6})?Z$")
REFERENCE_KEYS = {"id", "object_type", "url"}


@pytest.fixture(scope="module")
def server(tmp_path_factory):
    with nautobot_env.start(tmp_path_factory.mktemp("nautobot")) as running:
        yield running


@pytest.fixture
def fresh_server(tmp_path):
    """A server of its own, for a test that changes data."""
    with nautobot_env.start(tmp_path) as running:
        yield running


# --- a plain REST client, as a connector would write it ----------------------


def get(url, token=None, accept="application/json; version=3.2"):
    headers = {"Accept": accept}
    if token:
        headers["Authorization"] = f"Token {token}"
    request = urllib.request.Request(url, headers=headers)
    try:
        with urllib.request.urlopen(request, timeout=60) as response:
            return response.status, json.load(response)
    except urllib.error.HTTPError as error:
        with error:
            return error.code, json.loads(error.read() or b"null")


def devices(server, query="", token=None):
    """Every device matching ``query`` (``?depth=1``), following ``next``."""
    url = f"{server.api_url}/dcim/devices/?depth=1&limit=1000"
    if query:
        url += "&" + query
    results = []
    while url:
        status, page = get(url, token or server.token)
        assert status == 200, page
        results.extend(page["results"])
        url = page["next"]
    return results


def by_name(server, name):
    matches = [d for d in server.seed["devices"] if d["name"] == name]
    assert len(matches) == 1, (name, matches)
    return matches[0]


# --- tests -------------------------------------------------------------------


def test_ensure_is_cached_and_quiet(server, capsys):
    started = time.monotonic()
    env = nautobot_env.ensure()
    elapsed = time.monotonic() - started
    assert capsys.readouterr().err == ""
    assert elapsed < 1, elapsed
    assert env.manifest["versions"]["nautobot"] == "3.2.7"
    assert env.template == server.manifest["template_database"]
    assert env.template.startswith("cyberreview_nautobot_tpl_")
    counts = env.manifest["seed"]["counts"]
    assert counts["devices"] >= 40
    assert {"Active", "Planned", "Offline", "Decommissioning", "Failed"} <= set(counts["by_status"])


def test_health_and_every_seeded_device(server):
    status, health = get(f"{server.url}/health/", accept="application/json")
    assert status == 200
    assert set(health.values()) == {"working"}

    rows = devices(server)
    expected = server.seed["devices"]
    assert sorted(r["id"] for r in rows) == sorted(d["id"] for d in expected)
    seeded = {d["id"]: d for d in expected}
    for row in rows:
        want = seeded[row["id"]]
        assert row["object_type"] == "dcim.device"
        assert row["name"] == want["name"]
        assert row["display"] == want["display"]
        assert row["status"]["name"] == want["status"]
        assert row["role"]["name"] == want["role"]
        assert row["location"]["name"] == want["location"]
        assert row["device_type"]["model"] == want["device_type"]
        # depth=1 expands the device's own relations only: the manufacturer
        # of its device type is a bare reference (depth=2 names it)
        assert set(row["device_type"]["manufacturer"]) == REFERENCE_KEYS
        assert sorted(t["name"] for t in row["tags"]) == want["tags"]
        assert row["custom_fields"] == want["custom_fields"]
        assert set(row["custom_fields"]) == set(nautobot_env._load_seed().DEVICE_CF_KEYS)
        assert row["last_updated"] == want["last_updated"]
        assert TIMESTAMP.match(row["last_updated"]), row["last_updated"]
        assert TIMESTAMP.match(row["created"]), row["created"]

    # seeded ids are fixed UUIDs (uuid5 of the location and name)
    seed = nautobot_env._load_seed()
    assert by_name(server, "nj-dc1-cr-01")["id"] == seed.device_id("nj-dc1-cr-01", "Nanjing DC1")
    router = next(r for r in rows if r["name"] == "nj-dc1-cr-01")
    assert router["custom_fields"] == {
        "review_category": "core_network_equipment",
        "catalogue_type": "router",
        "cii_system": "Provincial dispatch backbone",
        "review_status": "passed",
        "may_affect_national_security": True,
        "purchase_ref": "PO-2026-0001/1",
        "throughput_tbps": "16.00",
        "certificate_valid_until": "2027-03-31",
    }
    assert router["location"]["parent"].keys() == REFERENCE_KEYS

    status, page = get(f"{server.api_url}/dcim/devices/{router['id']}/?depth=2", server.token)
    assert status == 200
    manufacturer = page["device_type"]["manufacturer"]
    assert manufacturer["name"] == "Huaxin Networks Co., Ltd."
    assert manufacturer["custom_fields"] == {"vendor_country": "CN"}


def test_paging_by_next(server):
    total = server.seed["counts"]["devices"]
    url = f"{server.api_url}/dcim/devices/?limit=7&depth=1"
    seen, pages = [], 0
    while url:
        status, page = get(url, server.token)
        assert status == 200
        assert page["count"] == total
        assert set(page) == {"count", "next", "previous", "results"}
        seen.extend(r["id"] for r in page["results"])
        pages += 1
        if page["next"]:
            # absolute, built from the Host header; the query is re-sorted
            parts = urllib.parse.urlsplit(page["next"])
            assert f"{parts.scheme}://{parts.netloc}" == server.url
            assert parts.path == "/api/dcim/devices/"
            assert urllib.parse.parse_qs(parts.query) == {
                "depth": ["1"],
                "limit": ["7"],
                "offset": [str(7 * pages)],
            }
        url = page["next"]
    assert pages == -(-total // 7)
    assert len(seen) == len(set(seen)) == total
    # default order: name, naturally ("a-9" before "a-10"), unnamed last
    status, page = get(f"{server.api_url}/dcim/devices/?limit=1000", server.token)
    assert page["results"][-1]["name"] is None
    assert [r["id"] for r in page["results"]] == seen


def test_authentication_errors(server):
    url = f"{server.api_url}/dcim/devices/"
    assert get(url) == (403, {"detail": "Authentication credentials were not provided."})
    assert get(url, "0" * 40) == (403, {"detail": "Invalid token"})
    denied = {"detail": "You do not have permission to perform this action."}
    assert get(url, server.probe_token) == (403, denied)
    # the connector's token is not write-enabled
    with pytest.raises(nautobot_env.APIError) as caught:
        nautobot_env.api(
            server,
            "PATCH",
            f"/api/dcim/devices/{by_name(server, 'nj-dc1-cr-01')['id']}/",
            {"serial": "X"},
            token=server.token,
        )
    assert (caught.value.status, caught.value.body) == (403, denied)
    # an unsupported API version
    status, body = get(url, server.token, accept="application/json; version=9.9")
    assert status == 406
    assert body["detail"].startswith('Invalid version "9.9" in "Accept" header.')


def test_bad_filters(server):
    url = f"{server.api_url}/dcim/devices/?"
    assert get(url + "no_such_filter=1", server.token) == (
        400,
        {"no_such_filter": ["Unknown filter field"]},
    )
    assert get(url + "cf_no_such_field=1", server.token) == (
        400,
        {"cf_no_such_field": ["Unknown filter field"]},
    )
    assert get(url + "status=active", server.token) == (
        400,
        {"status": ["Select a valid choice. active is not one of the available choices."]},
    )
    # an unencoded "+" in an offset is a space: not a date/time
    assert get(url + "last_updated__gte=2026-01-01T00:00:00+08:00", server.token) == (
        400,
        {"last_updated__gte": ["Enter a valid date/time."]},
    )


def test_filters(server):
    seeded = server.seed["devices"]

    def names(query):
        return sorted(d["name"] or "" for d in devices(server, query))

    def expect(predicate):
        return sorted(d["name"] or "" for d in seeded if predicate(d))

    assert names("cf_review_category=core_network_equipment") == expect(
        lambda d: d["custom_fields"]["review_category"] == "core_network_equipment"
    )
    # select values match exactly; a value that is no (longer a) choice still matches
    assert names("cf_review_category=important_comm_product") == ["nj-dsp-otn-01"]
    assert names("cf_review_category=Core_Network_Equipment") == []
    # text with filter_logic "loose" is icontains; "exact" is exact
    assert names("cf_cii_system=" + urllib.parse.quote("调度")) == expect(
        lambda d: "调度" in (d["custom_fields"]["cii_system"] or "")
    )
    assert names("cf_cii_system=d5000") == names("cf_cii_system=D5000") != []
    assert names("cf_purchase_ref=" + urllib.parse.quote("PO-2026-0001/1")) == ["nj-dc1-cr-01"]
    assert names("cf_purchase_ref=PO-2026-0001") == []
    assert names("cf_purchase_ref__ic=po-2026-0001") == ["nj-dc1-cr-01", "nj-dc1-cr-02"]
    assert names("cf_may_affect_national_security=true") == expect(
        lambda d: d["custom_fields"]["may_affect_national_security"] is True
    )
    # "null" finds a stored null only: the unnamed device was created with
    # catalogue_type alone, its other keys are absent (null in the API)
    assert names("cf_review_category=null") == ["nj-dc1-srv-legacy-07"]
    assert expect(lambda d: d["custom_fields"]["review_category"] is None) == [
        "",
        "nj-dc1-srv-legacy-07",
    ]
    # __n (not) counts absent keys and nulls as "not equal"
    assert names("cf_review_category__n=other_important&role=plc") == [""]
    # a boolean filter value Nautobot cannot parse is ignored: every device
    assert len(devices(server, "cf_may_affect_national_security=yes")) == len(seeded)
    # a date filter compares the stored JSON: strings as strings, null below
    # every string, so "__lt" finds devices without a date
    assert names("cf_certificate_valid_until__lt=2027-01-01") == [
        "nj-dc1-br-01",  # "2026-12-31"
        "nj-dc1-srv-legacy-07",  # null
        "sz-dr-st-01",  # "2025-06-30"
        "wx220-cr-legacy",  # "2026/09/30"
    ]
    assert names("cf_certificate_valid_until=2027-3-1") == []  # parsed to 2027-03-01
    assert "wx220-plc-01" in names("cf_certificate_valid_until__gte=2027-01-01")  # "2027-3-1"
    assert names("status=Decommissioning") == ["sz-dr-st-01"]
    assert names("role=plc&location=" + urllib.parse.quote("Wuxi 220kV Substation")) == [
        "wx220-plc-01"
    ]
    # a location filter includes its descendants
    assert len(devices(server, "location=" + urllib.parse.quote("East China Grid"))) == len(seeded)
    assert names("tags=legacy") == expect(lambda d: "legacy" in d["tags"])


def test_awkward_devices(server):
    seed = server.seed
    awkward = seed["awkward"]
    rows = {d["id"]: d for d in devices(server)}

    blank = rows[awkward["no_custom_fields"]]
    assert set(blank["custom_fields"].values()) == {None}
    assert blank["status"]["name"] == "Offline"

    unnamed = rows[awkward["unnamed"]]
    assert unnamed["name"] is None
    assert unnamed["display"] == f"Rheinwerk Automation GmbH RW-PLC1500 ({unnamed['id']})"

    twins = [d for d in rows.values() if d["name"] == "station-fw-01"]
    assert sorted(d["location"]["name"] for d in twins) == [
        "Jiangning 500kV Substation",
        "Wuxi 220kV Substation",
    ]

    assert rows[awkward["decommissioning"]]["status"]["name"] == "Decommissioning"
    # accepted by Nautobot's date validation and stored as given
    assert rows[awkward["loose_date"]]["custom_fields"]["certificate_valid_until"] == "2027-3-1"
    assert rows[awkward["stale_choice"]]["custom_fields"]["review_category"] == (
        "important_comm_product"
    )

    wrong = rows[awkward["wrong_types"]]["custom_fields"]
    assert wrong["throughput_tbps"] == 12.8
    assert wrong["may_affect_national_security"] == "yes"
    assert wrong["certificate_valid_until"] == "2026/09/30"
    rejected = seed["rejected"]
    assert rejected["throughput_tbps"]["body"] == {
        "__all__": ["Invalid value for custom field 'throughput_tbps': Value must be a string"]
    }
    assert rejected["may_affect_national_security"]["body"] == {
        "__all__": [
            "Invalid value for custom field 'may_affect_national_security': "
            "Value must be true or false."
        ]
    }
    assert rejected["certificate_valid_until"]["body"] == {
        "__all__": [
            "Invalid value for custom field 'certificate_valid_until': "
            "Date values must be in the format YYYY-MM-DD."
        ]
    }
    assert rejected["stale_choice_write"]["status"] == 400
    assert (
        "Invalid choice (important_comm_product)"
        in (rejected["stale_choice_write"]["body"]["__all__"][0])
    )


def test_incremental_reads(fresh_server):
    server = fresh_server
    seeded_last = max(d["last_updated"] for d in server.seed["devices"])
    quote = urllib.parse.quote

    def since(value):
        return sorted(d["id"] for d in devices(server, "last_updated__gte=" + quote(value)))

    assert len(since(seeded_last)) >= 1  # the last seeded device itself (>=)
    target = by_name(server, "nj-dc1-as-01")
    updated = nautobot_env.update_device(
        server, target["id"], custom_fields={"review_status": "declared"}
    )
    # a partial custom_fields PATCH keeps the other keys
    assert updated["custom_fields"] == target["custom_fields"] | {"review_status": "declared"}
    stamp = updated["last_updated"]
    assert stamp > seeded_last
    assert since(stamp) == [target["id"]]

    moment = dt.datetime.fromisoformat(stamp.replace("Z", "+00:00"))
    # the same instant in another offset, or naive (read as UTC), matches too
    assert since(moment.astimezone(dt.timezone(dt.timedelta(hours=8))).isoformat()) == [
        target["id"]
    ]
    assert since(moment.replace(tzinfo=None).isoformat()) == [target["id"]]
    # microseconds count: one more and the device is out
    assert since((moment + dt.timedelta(microseconds=1)).isoformat()) == []

    added = nautobot_env.add_device(
        server,
        "nj-dc1-srv-03",
        device_type="ZK-R8800",
        serial="ZK88S0000903",
        tags=["cii"],
        custom_fields={"review_category": "hpc_server", "purchase_ref": "PO-2026-0031/1"},
    )
    assert added["status"]["name"] == "Active"
    assert added["custom_fields"]["review_status"] is None
    assert since(stamp) == sorted([target["id"], added["id"]])
    assert [d["id"] for d in devices(server, "cf_purchase_ref=PO-2026-0031/1")] == [added["id"]]

    # changing a related object does not touch the device's last_updated,
    # though the device's depth=1 representation changes
    role_id = updated["role"]["id"]
    nautobot_env.api(server, "PATCH", f"/api/extras/roles/{role_id}/", {"name": "edge-switch"})
    assert nautobot_env.get_device(server, target["id"])["role"]["name"] == "edge-switch"
    assert since(stamp) == sorted([target["id"], added["id"]])

    nautobot_env.delete_device(server, added["id"])
    assert since(stamp) == [target["id"]]  # a deletion leaves no trace here


def test_servers_are_independent_and_stop_cleans_up(server, tmp_path):
    second = nautobot_env.start(tmp_path, environ={"NAUTOBOT_MAX_PAGE_SIZE": "10"})
    try:
        assert second.database != server.database
        assert second.port != server.port
        # the server cuts the page size it was asked for; `next` says so
        status, page = get(f"{second.api_url}/dcim/devices/?limit=1000", second.token)
        assert status == 200
        assert len(page["results"]) == 10
        assert page["next"].endswith("/api/dcim/devices/?limit=10&offset=10")
        assert len(devices(second)) == second.seed["counts"]["devices"]
        target = by_name(second, "nj-dc1-cr-02")
        nautobot_env.update_device(second, target["id"], serial="CHANGED")
        status, row = get(f"{server.api_url}/dcim/devices/{target['id']}/", server.token)
        assert status == 200
        assert row["serial"] == target["serial"]

        second.kill()
        assert not second.alive()
        assert second.process.returncode == -9
        with pytest.raises(urllib.error.URLError):
            urllib.request.urlopen(f"{second.url}/health/", timeout=5)
    finally:
        second.stop()
    with nautobot_env._PG(nautobot_env.services()) as pg:
        assert not nautobot_env._database_exists(pg, second.database)
        assert nautobot_env._database_exists(pg, server.database)
    assert server.alive()
