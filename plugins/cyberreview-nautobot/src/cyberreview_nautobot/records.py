"""A Nautobot device as a canonical asset record, and where an incremental read resumes."""

from __future__ import annotations

import datetime as dt
import re
from dataclasses import dataclass, field
from typing import Any

from cyberreview_policy.connectors.dotted import get, put

from .settings import NautobotSettings

UUID = re.compile(r"^[0-9a-f]{8}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{12}$", re.I)


def parse_time(text: str) -> dt.datetime:
    """Nautobot's ``2026-11-29T14:32:17.615210Z`` (UTC)."""
    return dt.datetime.fromisoformat(text.replace("Z", "+00:00"))


def device_record(
    device: dict[str, Any], vendors: dict[str, dict[str, Any]], settings: NautobotSettings
) -> dict[str, Any]:
    """The canonical record (docs/record-v1.md) of one device.

    The record's id is the device's UUID: names repeat across locations and
    change; cases must follow the device.  Custom fields and tags fill record
    fields by the settings; everything else Nautobot holds is kept under
    ``attributes.nautobot`` for the configuration's mappings.
    """
    custom = device.get("custom_fields") or {}
    device_type = device.get("device_type") or {}
    vendor = vendors.get(str(get(device_type, "manufacturer.id")), {})
    status = get(device, "status.name")
    tags = [t.get("name") for t in device.get("tags") or [] if isinstance(t, dict)]
    name, model = device.get("name"), device_type.get("model")
    record: dict[str, Any] = {
        "id": device["id"],
        "kind": "asset",
        "source": {"ref": device["id"]},
        "product": {
            "name": f"{name} ({model})" if name and model else name or device.get("display"),
            "model": model,
        },
        "vendor": {"name": vendor.get("name"), "country": vendor.get("country")},
        "deployment": {
            "system": get(device, "location.name"),
            "in_use": status in settings.in_use_statuses,
        },
        "attributes": {
            "nautobot": {
                "name": name,
                "status": status,
                "role": get(device, "role.name"),
                "location": get(device, "location.name"),
                "device_type": model,
                "tags": tags,
                "serial": device.get("serial") or None,
                "asset_tag": device.get("asset_tag"),
                "custom_fields": custom,
            }
        },
    }
    for key, path in settings.custom_fields.items():
        value = custom.get(key)
        if value is not None and value != "":
            put(record, path, value)
    for tag, path in settings.tags.items():
        if tag in tags:
            put(record, path, True)
    certification = record["product"].get("certification")
    if isinstance(certification, dict):
        certification.setdefault("kind", settings.certification_kind)
    return record


@dataclass
class Cursor:
    """Where an incremental read resumes: the latest ``last_updated`` seen, and the
    devices updated at that very instant (read again, not yielded twice)."""

    at: dt.datetime | None = None
    seen: set[str] = field(default_factory=set)

    @classmethod
    def load(cls, checkpoint: Any) -> Cursor:
        if not checkpoint or not checkpoint.get("at"):
            return cls()
        return cls(dt.datetime.fromisoformat(checkpoint["at"]), set(checkpoint.get("seen", [])))

    def params(self) -> dict[str, str]:
        return {"last_updated__gte": self.at.isoformat()} if self.at else {}

    def is_new(self, device: dict[str, Any]) -> bool:
        when = parse_time(device["last_updated"])
        return self.at is None or when > self.at or device["id"] not in self.seen

    def advance(self, device: dict[str, Any]) -> None:
        when = parse_time(device["last_updated"])
        if self.at is None or when > self.at:
            self.at, self.seen = when, {device["id"]}
        elif when == self.at:
            self.seen.add(device["id"])

    def dump(self) -> dict[str, Any]:
        return {"at": self.at.isoformat() if self.at else None, "seen": sorted(self.seen)}
