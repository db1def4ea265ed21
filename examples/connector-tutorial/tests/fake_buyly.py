"""A faithful stand-in for the Buyly API, on the kit's FaultServer.

What the connector relies on, as Buyly documents it: bearer tokens (401
otherwise), ``GET /api/lines`` ordered by (modified, id), ``limit`` capped at
100, ``modified_after`` strictly after, and a ``next`` link carrying the
server's own cursor.
"""

from __future__ import annotations

import datetime as dt
import itertools
from typing import Any
from urllib.parse import urlencode

from cyberreview_policy.testing import FaultServer, Reply, Request

CATEGORIES = ["Network > Routers", "Servers > Rack", "Software > Office", "Network > Firewalls"]


class FakeBuyly:
    def __init__(self, token: str = "buyly-token-7f3a9c", lines: int = 7):
        self.token = token
        self.server = FaultServer()
        self.lines: list[dict[str, Any]] = []
        self._ids = itertools.count(1)
        self._clock = dt.datetime(2026, 11, 1, tzinfo=dt.UTC)
        self.server.route("GET", "/api/me", self._me)
        self.server.route("GET", "/api/lines", self._lines)
        for _ in range(lines):
            self.add_line()

    @property
    def url(self) -> str:
        return self.server.url

    def __enter__(self) -> FakeBuyly:
        self.server.start()
        return self

    def __exit__(self, *exc: object) -> None:
        self.server.stop()

    def add_line(self) -> str:
        """A new purchase line, modified now; returns its id."""
        n = next(self._ids)
        self._clock += dt.timedelta(minutes=7)
        self.lines.append(
            {
                "id": n,
                "number": f"PO-{1000 + (n + 1) // 2}/{(n + 1) % 2 + 1}",
                "order": f"PO-{1000 + (n + 1) // 2}",
                "item": f"Item {n}",
                "model": f"M-{n}",
                "category": CATEGORIES[n % len(CATEGORIES)],
                "supplier": {"name": "Example Networks", "country": "CN"},
                "amount": 1000 * n,
                "project": "Dispatch WAN",
                "modified": self._clock.isoformat(timespec="microseconds"),
            }
        )
        return str(n)

    def _denied(self, request: Request) -> Reply | None:
        if request.headers.get("Authorization") != f"Bearer {self.token}":
            return Reply(401, {"detail": "invalid token"})
        return None

    def _me(self, request: Request) -> Reply:
        return self._denied(request) or Reply(200, {"name": "cyberreview-sync"})

    def _lines(self, request: Request) -> Reply:
        denied = self._denied(request)
        if denied:
            return denied
        query = {key: values[-1] for key, values in request.query.items()}
        limit = min(int(query.get("limit", 100)), 100)
        rows = sorted(self.lines, key=lambda line: (line["modified"], line["id"]))
        if "number" in query:
            rows = [line for line in rows if line["number"] == query["number"]]
        if "modified_after" in query:
            rows = [line for line in rows if line["modified"] > query["modified_after"]]
        if "cursor" in query:
            modified, _, ident = query["cursor"].rpartition(",")
            rows = [
                line for line in rows if (line["modified"], line["id"]) > (modified, int(ident))
            ]
        page, more = rows[:limit], len(rows) > limit
        next_url = None
        if more:
            last = page[-1]
            cursor = f"{last['modified']},{last['id']}"
            next_url = f"{self.url}/api/lines?{urlencode({**query, 'cursor': cursor})}"
        return Reply(200, {"results": page, "next": next_url})
