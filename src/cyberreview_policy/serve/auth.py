"""Bearer tokens and roles.

Each process keeps the active tokens (hash -> name and role) in memory and
reloads them from the case store every few seconds, and at once (at most once
a second) when an unknown token comes in: a new token works immediately, a
revoked one stops working within the reload interval, and a store outage does
not lock out the gates, which then get ``block`` with ``store_unavailable``
rather than a refusal they might misread.  Tokens are compared by their
SHA-256 only, and never logged.
"""

from __future__ import annotations

import logging
import threading
import time
from collections.abc import Callable
from dataclasses import dataclass

from ..cases.base import CaseStore
from ..cases.servestate import ApiToken, serve_store, token_hash
from ..errors import AuthUnavailable, CaseStoreError

log = logging.getLogger("cyberreview.serve")

#: What each role may do.
PERMISSIONS: dict[str, frozenset[str]] = {
    "gate": frozenset({"decide", "metrics"}),
    "reviewer": frozenset(
        {
            "read_cases",
            "open_case",
            "transition",
            "attach",
            "read_material",
            "waive",
            "read_waivers",
            "metrics",
        }
    ),
    "auditor": frozenset({"read_cases", "read_material", "read_audit", "read_waivers", "metrics"}),
}


@dataclass(frozen=True)
class Principal:
    """Who is calling: a token's name and role (``anonymous`` when so configured), and
    whether it may choose the date of the law (``tokens create --allow-as-of``)."""

    name: str
    role: str
    token_id: str | None = None
    allow_as_of: bool = False

    @property
    def actor(self) -> str:
        """The name in the audit trail."""
        return f"token:{self.name}" if self.token_id else f"anonymous:{self.role}"

    def may(self, permission: str) -> bool:
        return permission in PERMISSIONS.get(self.role, frozenset())


class Tokens:
    """The active tokens of the store, reloaded as the module docstring says."""

    def __init__(self, load: Callable[[], dict[str, ApiToken]], refresh: float):
        self._load = load
        self._refresh = refresh
        self._tokens: dict[str, ApiToken] | None = None
        self._loaded_at = 0.0
        self._lock = threading.Lock()

    def _reload(self, min_age: float) -> None:
        with self._lock:
            if self._tokens is not None and time.monotonic() - self._loaded_at < min_age:
                return
            try:
                self._tokens = self._load()
            except CaseStoreError as exc:
                if self._tokens is None:
                    raise AuthUnavailable(str(exc)) from None
                log.warning("tokens not reloaded, keeping the last ones: %s", exc)
            self._loaded_at = time.monotonic()

    def cached(self, token: str) -> ApiToken | None:
        """The token if the table in memory is fresh and has it (no I/O): the hot path."""
        if self._tokens is None or time.monotonic() - self._loaded_at >= self._refresh:
            return None
        return self._tokens.get(token_hash(token))

    def find(self, token: str) -> ApiToken | None:
        """The token, reloading the table when it is stale or does not have it."""
        digest = token_hash(token)
        self._reload(self._refresh)
        assert self._tokens is not None
        found = self._tokens.get(digest)
        if found is None:
            self._reload(1.0)
            found = self._tokens.get(digest)
        return found


def store_loader(open_store: Callable[[], CaseStore]) -> Callable[[], dict[str, ApiToken]]:
    """Read the active tokens on a connection of their own (opened and closed each time:
    a reload every few seconds does not need one kept open)."""

    def load() -> dict[str, ApiToken]:
        store = open_store()
        try:
            return serve_store(store).active_tokens()
        finally:
            store.close()

    return load
