"""A Nautobot device as a record, and where a read resumes (no server needed)."""

from __future__ import annotations

from typing import Any

from cyberreview_nautobot.records import Cursor, device_record
from cyberreview_nautobot.settings import NautobotSettings

SETTINGS = NautobotSettings(url="http://nautobot.test", token="t" * 40)
VENDORS = {"m-1": {"name": "Huaxin Networks", "country": "CN"}}


def device(**changes: Any) -> dict[str, Any]:
    """A device as ``/api/dcim/devices/?depth=1`` shows it."""
    base: dict[str, Any] = {
        "id": "0d016248-3e26-50ab-876e-3b1e930f0b76",
        "display": "nj-dc1-cr-01",
        "name": "nj-dc1-cr-01",
        "status": {"name": "Active"},
        "role": {"name": "router"},
        "location": {"name": "Nanjing DC1"},
        "device_type": {"model": "HX-CR16000", "manufacturer": {"id": "m-1"}},
        "serial": "HX26CR000101",
        "asset_tag": None,
        "tags": [{"name": "cii"}],
        "custom_fields": {
            "review_category": "core_network_equipment",
            "catalogue_type": "router",
            "cii_system": "Provincial dispatch backbone",
            "review_status": "passed",
            "may_affect_national_security": True,
            "purchase_ref": "PO-2026-0001/1",
            "throughput_tbps": "16.00",
            "certificate_valid_until": "2027-03-31",
        },
        "last_updated": "2026-11-29T14:32:17.615210Z",
    }
    return {**base, **changes}


def test_custom_fields_tags_and_vendor_fill_the_record() -> None:
    record = device_record(device(), VENDORS, SETTINGS)
    assert record["id"] == record["source"]["ref"] == "0d016248-3e26-50ab-876e-3b1e930f0b76"
    assert record["kind"] == "asset"
    assert record["product"] == {
        "name": "nj-dc1-cr-01 (HX-CR16000)",
        "model": "HX-CR16000",
        "category": "core_network_equipment",
        "type": "router",
        "specs": {"throughput_tbps": "16.00"},
        "certification": {"kind": "certification", "valid_until": "2027-03-31"},
    }
    assert record["vendor"] == {"name": "Huaxin Networks", "country": "CN"}
    assert record["deployment"] == {
        "system": "Provincial dispatch backbone",  # the cii_system custom field wins
        "in_use": True,
        "cii": True,  # the "cii" tag
    }
    assert record["review"] == {"status": "passed"}
    assert record["risk"] == {"may_affect_national_security": True}
    assert record["contract"] == {"number": "PO-2026-0001/1"}
    assert record["attributes"]["nautobot"]["role"] == "router"


def test_no_custom_fields_leave_the_facts_unknown() -> None:
    bare = device(custom_fields={key: None for key in device()["custom_fields"]}, tags=[])
    record = device_record(bare, VENDORS, SETTINGS)
    assert "category" not in record["product"]
    assert "cii" not in record["deployment"]  # unknown, not false
    assert record["deployment"]["system"] == "Nanjing DC1"  # the location, as a fallback
    assert "review" not in record and "risk" not in record


def test_status_decides_in_use() -> None:
    for status, in_use in (("Planned", False), ("Staged", False), ("Offline", True)):
        record = device_record(device(status={"name": status}), VENDORS, SETTINGS)
        assert record["deployment"]["in_use"] is in_use, status


def test_an_unnamed_device_is_named_by_its_display() -> None:
    unnamed = device(name=None, display="Huaxin Networks HX-CR16000 (0d016248)")
    record = device_record(unnamed, VENDORS, SETTINGS)
    assert record["product"]["name"] == "Huaxin Networks HX-CR16000 (0d016248)"


def test_settings_replace_the_field_map_and_the_certificate_kind() -> None:
    settings = SETTINGS.model_copy(
        update={
            "custom_fields": {"review_category": "product.category"},
            "certification_kind": "security_testing",
            "tags": {"internet-facing": "attributes.exposed"},
        }
    )
    record = device_record(device(), VENDORS, settings)
    assert "certification" not in record["product"]  # not mapped any more
    assert "exposed" not in record["attributes"]  # this device has only the "cii" tag
    tagged = device_record(device(tags=[{"name": "internet-facing"}]), VENDORS, settings)
    assert tagged["attributes"]["exposed"] is True
    mapped = settings.model_copy(
        update={"custom_fields": {"certificate_valid_until": "product.certification.valid_until"}}
    )
    certified = device_record(device(), VENDORS, mapped)
    assert certified["product"]["certification"]["kind"] == "security_testing"


def test_cursor_resumes_after_devices_updated_at_the_same_instant() -> None:
    a = device(id="a", last_updated="2026-11-29T10:00:00.000001Z")
    b = device(id="b", last_updated="2026-11-29T10:00:00.000001Z")
    c = device(id="c", last_updated="2026-11-29T09:00:00Z")
    cursor = Cursor()
    for d in (c, a):
        assert cursor.is_new(d)
        cursor.advance(d)
    saved = cursor.dump()
    assert saved == {"at": "2026-11-29T10:00:00.000001+00:00", "seen": ["a"]}
    again = Cursor.load(saved)
    assert again.params() == {"last_updated__gte": "2026-11-29T10:00:00.000001+00:00"}
    assert not again.is_new(a)  # read again by __gte, not yielded twice
    assert again.is_new(b)  # same instant, not seen: yielded
    assert Cursor.load(None).params() == {}
