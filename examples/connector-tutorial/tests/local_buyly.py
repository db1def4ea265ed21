"""A local Buyly for the tests, on the contract kit's ``FaultServer``.

adapt: make it behave as your system's API documents it (and as you have seen
it behave): the tests are only as good as this stand-in.  Where the real
system can run on a test machine, start it instead and drop this file.

What the connector relies on: bearer tokens (401 otherwise); ``GET /api/items``
with ``limit`` (at most 100), ``sort`` (``id``, the default, or ``modified``),
``modified_after`` (strictly after) and ``number``; a ``next`` link carrying
the server's own cursor; ``GET /api/me``.
"""

from __future__ import annotations

import datetime as dt
import itertools
from typing import Any
from urllib.parse import urlencode

from cyberreview_policy.testing import FaultServer, Reply, Request

CATEGORIES = ["Network > Routers", "Servers > Rack", "Software > Office", "Network > Firewalls"]

#: the configuration's mapping of the system's categories to the record's
MAPPINGS: dict[str, Any] = {
    "product.category": {
        "from": "attributes.buyly.category",
        "values": {
            "Network > Routers": "core_network_equipment",
            "Network > Firewalls": "network_security_equipment",
            "Servers > Rack": "hpc_server",
        },
        "default": "other",
    }
}


class LocalBuyly:
    def __init__(self, token: str = "buyly-token-7f3a9c2e", items: int = 7):
        self.token = token
        self.server = FaultServer()
        self.items: list[dict[str, Any]] = []
        self._ids = itertools.count(1)
        self._clock = dt.datetime(2026, 11, 1, tzinfo=dt.UTC)
        self.server.route("GET", "/api/me", self._me)
        self.server.route("GET", "/api/items", self._items)
        for _ in range(items):
            self.add_item()

    @property
    def url(self) -> str:
        return self.server.url

    def __enter__(self) -> LocalBuyly:
        self.server.start()
        return self

    def __exit__(self, *exc: object) -> None:
        self.server.stop()

    def _tick(self) -> str:
        self._clock += dt.timedelta(minutes=7)
        return self._clock.isoformat(timespec="microseconds")

    def add_item(self) -> str:
        """A new item, changed now; returns its id."""
        n = next(self._ids)
        self.items.append(
            {
                "id": n,
                "number": f"PO-{1000 + (n + 1) // 2}/{(n + 1) % 2 + 1}",
                "order": f"PO-{1000 + (n + 1) // 2}",
                "name": f"Item {n}",
                "model": f"M-{n}",
                "category": CATEGORIES[n % len(CATEGORIES)],
                "supplier": {"name": "Example Networks", "country": ["CN", "CN", "DE"][n % 3]},
                "amount": 1000 * n,
                "project": "Dispatch WAN",
                "cii": [None, True, False][n % 3],
                "national_security": [None, None, False][n % 3],
                "modified": self._tick(),
            }
        )
        return str(n)

    def change_item(self, ref: str) -> None:
        """Someone edits item ``ref``: its name, and its change time."""
        item = next(item for item in self.items if str(item["id"]) == ref)
        item["name"] = f"{item['name']} (edited)"
        item["modified"] = self._tick()

    def _denied(self, request: Request) -> Reply | None:
        if request.headers.get("Authorization") != f"Bearer {self.token}":
            return Reply(401, {"detail": "invalid token"})
        return None

    def _me(self, request: Request) -> Reply:
        return self._denied(request) or Reply(200, {"name": "cyberreview-sync"})

    def _items(self, request: Request) -> Reply:
        denied = self._denied(request)
        if denied:
            return denied
        query = {key: values[-1] for key, values in request.query.items()}
        limit = min(int(query.get("limit", 100)), 100)
        if query.get("sort", "id") == "modified":
            order = lambda item: (item["modified"], item["id"])  # noqa: E731
        else:
            order = lambda item: (item["id"],)  # noqa: E731
        rows = sorted(self.items, key=order)
        if "number" in query:
            rows = [item for item in rows if item["number"] == query["number"]]
        if "modified_after" in query:
            rows = [item for item in rows if item["modified"] > query["modified_after"]]
        if "cursor" in query:
            after = tuple(query["cursor"].split(","))
            rows = [item for item in rows if _key(order(item)) > after]
        page, more = rows[:limit], len(rows) > limit
        next_url = None
        if more:
            cursor = ",".join(_key(order(page[-1])))
            next_url = f"{self.url}/api/items?{urlencode({**query, 'cursor': cursor})}"
        return Reply(200, {"results": page, "next": next_url})


def _key(values: tuple[Any, ...]) -> tuple[str, ...]:
    """A sort key as the cursor carries it (ids zero-padded, so text compares as numbers)."""
    return tuple(f"{v:012d}" if isinstance(v, int) else str(v) for v in values)
