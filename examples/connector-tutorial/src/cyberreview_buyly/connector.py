"""The Buyly connector: check, read and fetch records.

What to adapt to your system is marked ``adapt:``.  The host does the rest:
retries, timeouts, redaction, validation, mappings and storing the checkpoint.
"""

from __future__ import annotations

from collections.abc import Iterator
from typing import Any

from cyberreview_policy.connectors import (
    Checkpoint,
    CheckResult,
    HttpError,
    SourceContext,
    paging,
)

from .settings import BuylySettings

ITEMS = "/api/items"  # adapt: where the API lists records


def api_error(response: Any, body: Any) -> str | None:
    """Errors the API sends with HTTP 200 (adapt: many send ``{"error": ...}``); the
    host then fails the request like a 4xx, without retrying it."""
    return str(body["error"]) if isinstance(body, dict) and body.get("error") else None


class Buyly:
    def __init__(self, ctx: SourceContext):
        settings = ctx.settings
        assert isinstance(settings, BuylySettings)
        self.page_size = settings.page_size
        self.logger = ctx.logger  # redacted: secrets never reach a log line
        self.http = ctx.http(
            settings.url,
            headers={"Authorization": f"Bearer {settings.token.get_secret_value()}"},
            error_hook=api_error,
        )

    def check(self) -> CheckResult:
        """Can the API be reached with these credentials?  Say so; never raise for that."""
        try:
            me = self.http.get("/api/me")  # adapt: a cheap request that needs the token
        except HttpError as exc:
            return CheckResult(False, str(exc))
        return CheckResult(True, f"connected to Buyly as {me.get('name')}")

    def read(self, since: Any | None) -> Iterator[dict[str, Any] | Checkpoint]:
        """Every record changed after checkpoint ``since`` (``None``: all), in the order
        they changed, then a checkpoint: the newest change read.

        Ordered by change time, a record changed during the read comes again later in
        the same read, so the newest change seen is a safe place to resume from.  An
        API that cannot order by change time needs another checkpoint: the time the
        read began (by the server's clock), not the newest change seen.
        """
        params: dict[str, Any] = {"limit": self.page_size, "sort": "modified"}
        if since:
            params["modified_after"] = since
        newest = since
        items = paging.next_link(self.http, ITEMS, params=params, key=lambda item: item["id"])
        for item in items:
            yield record(item)
            newest = max(newest or "", item["modified"])
        self.logger.debug("read up to %s", newest)
        yield Checkpoint(newest)

    def fetch(self, record_id: str) -> dict[str, Any] | None:
        """One record by its id, for ``cyberreview gate --source buyly --id ID``."""
        found = self.http.get(ITEMS, params={"number": record_id})["results"]
        return record(found[0]) if found else None

    def close(self) -> None:
        self.http.close()


def record(item: dict[str, Any]) -> dict[str, Any]:
    """One item as a canonical record (docs/record-v1.md).  adapt: your API's fields.

    What the system does not say stays ``None`` (unknown): never a default that
    decides, such as ``False`` for "is this CII?".  Facts the system does not hold
    (the operator, a category from its own vocabulary) come from the configuration.
    """
    supplier = item.get("supplier") or {}
    return {
        "id": item["number"],
        "source": {"ref": str(item["id"])},
        "product": {"name": item["name"], "model": item.get("model")},
        "vendor": {"name": supplier.get("name"), "country": supplier.get("country")},
        "contract": {"number": item.get("order"), "amount": item.get("amount")},
        "deployment": {"system": item.get("project"), "cii": item.get("cii")},
        "risk": {"may_affect_national_security": item.get("national_security")},
        "attributes": {"buyly": {"category": item.get("category")}},
    }
