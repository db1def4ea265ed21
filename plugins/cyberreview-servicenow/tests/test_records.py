"""The connector's parts on their own: values, nesting, queries, cursors, settings."""

from __future__ import annotations

from typing import Any

import pytest
from cyberreview_servicenow.records import (
    Cursor,
    ServiceNowError,
    TableRead,
    load_checkpoint,
    nest,
    record,
    value,
)
from cyberreview_servicenow.settings import DEFAULT_FIELDS, DEFAULT_TABLES, ServiceNowSettings
from cyberreview_servicenow.wire import ordered, query_fields, scoped
from pydantic import ValidationError

A, B, C = "a" * 32, "b" * 32, "c" * 32


@pytest.mark.parametrize(
    ("target", "raw", "expected"),
    [
        ("product.specs.throughput_tbps", "16", 16),
        ("product.specs.throughput_tbps", "12.8", 12.8),
        ("product.specs.throughput_tbps", " 16 ", 16),
        ("product.specs.throughput_tbps", "16 Tbps", "16 Tbps"),  # for validation to report
        ("product.specs.throughput_tbps", "NaN", "NaN"),
        ("product.specs.throughput_tbps", "", None),  # empty: unknown
        ("product.specs.routing_entries", "4000000", 4000000),
        ("product.specs.routing_entries", "2000000.0", 2000000),
        ("product.specs.routing_entries", "2.5", "2.5"),
        ("risk.may_affect_national_security", "true", True),
        ("risk.may_affect_national_security", "FALSE", False),
        ("risk.may_affect_national_security", "", None),
        ("risk.may_affect_national_security", "maybe", "maybe"),
        ("review.status", "passed", "passed"),
        ("product.category", {"value": "hpc_server", "link": "x"}, "hpc_server"),
        ("product.category", None, None),
    ],
)
def test_values(target: str, raw: Any, expected: Any) -> None:
    found = value(target, raw)
    assert found == expected and type(found) is type(expected)


def test_nest() -> None:
    row = {
        "name": "r1",
        "model_id.name": "NE8000",
        "model_id": "m1",
        "model_id.manufacturer.name": "Huawei",
        "location.name": "",
        "location": "",
        "u_x": "",
    }
    assert nest(row) == {
        "name": "r1",
        "model_id": {"sys_id": "m1", "name": "NE8000", "manufacturer": {"name": "Huawei"}},
        "location": {"sys_id": None, "name": None},
        "u_x": None,
    }


def test_a_record_keeps_what_servicenow_said_and_maps_the_rest() -> None:
    row = {
        "sys_id": A,
        "sys_class_name": "cmdb_ci_ip_router",
        "name": "",
        "model_id": "m1",
        "model_id.name": "NE8000",
        "manufacturer.name": "Huawei",
        "install_status": "7",
        "u_throughput_tbps": "16",
        "u_review_status": "",
    }
    data = record("cmdb_ci_netgear", row, DEFAULT_FIELDS)
    assert data["id"] == A and data["source"] == {"ref": A} and data["kind"] == "asset"
    assert data["product"] == {
        "name": "NE8000",
        "model": "NE8000",
        "specs": {"throughput_tbps": 16},
    }
    assert data["deployment"] == {"in_use": False}  # retired
    assert "review" not in data  # empty: left to the record's default
    assert data["attributes"]["servicenow"]["u_throughput_tbps"] == "16"


def test_scoped_queries() -> None:
    assert scoped("") == ""
    assert scoped("", "sys_id=x") == "sys_id=x"
    assert scoped("a=1^ORb=2", "c>=3") == "a=1^ORb=2^c>=3"
    assert scoped("a=1^NQb=2", "c>=3") == "a=1^c>=3^NQb=2^c>=3"
    assert ordered("") == "ORDERBYsys_updated_on^ORDERBYsys_id"
    assert ordered("a=1") == "a=1^ORDERBYsys_updated_on^ORDERBYsys_id"


def test_query_fields() -> None:
    fields, odd = query_fields(
        "install_status!=7^ORu_cii_systemISEMPTY^NQmodel_id.nameSTARTSWITHHua^EQ"
        "^RLQUERYcmdb_rel_ci.parent,>=1^type=x^ENDRLQUERY^u_x"
    )
    assert fields == ["install_status", "u_cii_system", "model_id.name"]
    assert odd == ["u_x"]


def test_cursor_ties() -> None:
    cursor = Cursor()
    for sys_id, at in ((A, "2026-10-01 08:00:01"), (B, "2026-10-01 08:00:02"), (C, "2026-10-01 08:00:02")):  # fmt: skip
        assert cursor.is_new(sys_id, at)
        cursor.advance(sys_id, at)
    assert cursor.dump() == {"at": "2026-10-01 08:00:02", "seen": [B, C]}
    assert not cursor.is_new(B, "2026-10-01 08:00:02")
    assert cursor.is_new(A, "2026-10-01 08:00:02")  # changed again in that second
    assert cursor.is_new(B, "2026-10-01 08:00:03")
    assert cursor.condition() == "sys_updated_on>=2026-10-01 08:00:02"


def test_a_row_seen_twice_rewinds() -> None:
    read = TableRead(Cursor())
    assert read.take(A, "2026-10-01 08:00:01")
    assert read.take(B, "2026-10-01 08:00:02")
    assert not read.take(B, "2026-10-01 08:00:02")  # the same version again
    assert read.take(A, "2026-10-01 08:00:09")  # A changed and moved: newer, yielded
    assert read.cursor().dump() == {"at": "2026-10-01 08:00:01", "seen": []}


def test_checkpoints() -> None:
    assert load_checkpoint(None) == {}
    loaded = load_checkpoint({"tables": {"cmdb_ci_appl": {"at": "x", "seen": [A]}}})
    assert loaded == {"cmdb_ci_appl": Cursor("x", {A})}
    with pytest.raises(ServiceNowError, match="not one this connector writes"):
        load_checkpoint("2026-10-01 08:00:00")


def test_settings() -> None:
    url = "https://eastgrid.service-now.com/"
    settings = ServiceNowSettings.model_validate(
        {"instance": url, "username": "u", "password": "p"}
    )
    assert settings.instance == url.rstrip("/")
    assert settings.tables == DEFAULT_TABLES and settings.page_size == 1000
    assert ServiceNowSettings.model_validate({"instance": url, "oauth_token": "t"}).oauth_token


@pytest.mark.parametrize(
    ("settings", "message"),
    [
        ({"username": "u"}, "basic auth needs both username and password"),
        ({}, "give username and password, or oauth_token"),
        ({"username": "u", "password": "p", "oauth_token": "t"}, "not both"),
        ({"oauth_token": "t", "instance": "eastgrid.service-now.com"}, "give the instance's URL"),
        ({"oauth_token": "t", "tables": []}, "name at least one table"),
        ({"oauth_token": "t", "tables": ["CMDB CI"]}, "is not a table name"),
        ({"oauth_token": "t", "query": "active=true^ORDERBYname"}, "leave ordering out"),
        ({"oauth_token": "t", "fields": {"u_x": "product"}}, "is not a record field"),
        ({"oauth_token": "t", "fields": {"u_x": "id.x"}}, "is not a record field"),
        ({"oauth_token": "t", "fields": {"u_x": "attributes.servicenow.x"}}, "raw fields"),
        ({"oauth_token": "t", "extra_fields": ["Location"]}, "is not a ServiceNow field"),
    ],
)
def test_settings_refused(settings: dict[str, Any], message: str) -> None:
    with pytest.raises(ValidationError, match=message):
        ServiceNowSettings.model_validate({"instance": "https://x.service-now.com", **settings})
