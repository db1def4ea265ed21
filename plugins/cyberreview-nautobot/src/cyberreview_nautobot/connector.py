"""The Nautobot connector: check, read and fetch devices."""

from __future__ import annotations

import copy
import datetime as dt
from collections.abc import Iterator
from typing import Any

from cyberreview_policy.connectors import (
    Checkpoint,
    CheckResult,
    HttpError,
    SourceContext,
    paging,
)

from .records import UUID, Cursor, device_record, parse_time
from .settings import NautobotSettings

DEVICES = "/api/dcim/devices/"
MANUFACTURERS = "/api/dcim/manufacturers/"
#: by creation: a device changed while a read pages on does not move, so no other is
#: skipped (Nautobot pages by offset); one created meanwhile comes last
ORDER = "created"


def nautobot_error(response: Any, body: Any) -> str | None:
    """A list request answered with something else than a page is an error."""
    if isinstance(body, dict) and "detail" in body and "results" not in body and "id" not in body:
        return str(body["detail"])
    return None


class NautobotConnector:
    def __init__(self, ctx: SourceContext):
        settings = ctx.settings
        assert isinstance(settings, NautobotSettings)
        self.settings = settings
        self.http = ctx.http(
            settings.url,
            headers={
                "Authorization": f"Token {settings.token.get_secret_value()}",
                "Accept": f"application/json; version={settings.api_version}",
            },
            error_hook=nautobot_error,
        )

    def _params(self, **extra: Any) -> dict[str, Any]:
        return {"depth": 1, "limit": self.settings.page_size, **self.settings.filters, **extra}

    def vendors(self) -> dict[str, dict[str, Any]]:
        """Manufacturer id -> name and country (at depth 1 a device type names only its id)."""
        field = self.settings.vendor_country_field
        return {
            str(m["id"]): {
                "name": m.get("name"),
                "country": (m.get("custom_fields") or {}).get(field),
            }
            for m in paging.next_link(self.http, MANUFACTURERS, params={"limit": 1000})
        }

    def check(self) -> CheckResult:
        try:
            page = self.http.get(DEVICES, params=self._params(limit=1))
        except HttpError as exc:
            return CheckResult(False, str(exc))
        return CheckResult(
            True,
            f"connected to {self.settings.url}: {page.get('count', '?')} devices visible "
            "with these filters",
        )

    def read(self, since: Any | None) -> Iterator[dict[str, Any] | Checkpoint]:
        """Every device updated since the checkpoint, in the order they were created.

        In that order, a device updated while the read runs may have been read before
        its update, and a newer one after it: the checkpoint then goes no further than
        the newest update Nautobot held when the read began, so the next read has it."""
        limit = self._newest_update()
        start = Cursor.load(since)
        end = copy.deepcopy(start)
        at_limit: set[str] = set()
        vendors = self.vendors()
        devices = paging.next_link(
            self.http,
            DEVICES,
            params=self._params(sort=ORDER, **start.params()),
            key=lambda device: device["id"],
        )
        for device in devices:
            if start.is_new(device):
                end.advance(device)
                if parse_time(device["last_updated"]) == limit:
                    at_limit.add(str(device["id"]))
                yield device_record(device, vendors, self.settings)
        if limit is not None and end.at is not None and end.at > limit:
            seen = at_limit | (start.seen if start.at == limit else set())
            end = Cursor(limit, seen)
        yield Checkpoint(end.dump())

    def _newest_update(self) -> dt.datetime | None:
        """The newest ``last_updated`` of the devices read, now."""
        page = self.http.get(DEVICES, params=self._params(sort="-last_updated", limit=1, depth=0))
        found = [parse_time(d["last_updated"]) for d in page.get("results", [])]
        return found[0] if found else None

    def fetch(self, record_id: str) -> dict[str, Any] | None:
        """By the record's id (the device UUID), or by a device name that is unique."""
        if UUID.match(record_id):
            found = self.http.get(DEVICES, params=self._params(id=record_id))["results"]
        else:
            found = self.http.get(DEVICES, params=self._params(name=record_id))["results"]
            if len(found) > 1:
                places = ", ".join(
                    sorted(str((d.get("location") or {}).get("name")) for d in found)
                )
                raise HttpError(
                    f"{len(found)} devices are named {record_id!r} (at {places}): give the id"
                )
        return device_record(found[0], self.vendors(), self.settings) if found else None
