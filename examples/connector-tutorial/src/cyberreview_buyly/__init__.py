"""Buyly purchase lines as canonical records: the connector of docs/connectors.md."""

from __future__ import annotations

from collections.abc import Iterator
from typing import Any

from pydantic import Field, SecretStr

from cyberreview_policy.connectors import (
    Checkpoint,
    CheckResult,
    ConnectorSettings,
    HttpError,
    SourceContext,
    SourceType,
    paging,
)
from cyberreview_policy.plugin import hookimpl


class BuylySettings(ConnectorSettings):
    url: str = Field(description="Base URL of the Buyly API, e.g. https://buyly.example.com")
    token: SecretStr = Field(description="API token (Buyly: Settings > API).")


def buyly_error(response: Any, body: Any) -> str | None:
    """Buyly reports some failures with HTTP 200 and ``{"error": "..."}``."""
    return body.get("error") if isinstance(body, dict) else None


class Buyly:
    def __init__(self, ctx: SourceContext):
        settings = ctx.settings
        assert isinstance(settings, BuylySettings)
        self.page_size = settings.page_size
        self.http = ctx.http(
            settings.url,
            headers={"Authorization": f"Bearer {settings.token.get_secret_value()}"},
            error_hook=buyly_error,
        )

    def check(self) -> CheckResult:
        try:
            me = self.http.get("/api/me")
        except HttpError as exc:
            return CheckResult(False, str(exc))
        return CheckResult(True, f"connected to Buyly as {me['name']}")

    def read(self, since: Any | None) -> Iterator[dict[str, Any] | Checkpoint]:
        params = {"limit": self.page_size}
        if since:
            params["modified_after"] = since
        last = since
        lines = paging.next_link(self.http, "/api/lines", params=params, key=lambda x: x["id"])
        for line in lines:
            yield record(line)
            last = max(last or "", line["modified"])
        yield Checkpoint(last)

    def fetch(self, record_id: str) -> dict[str, Any] | None:
        found = self.http.get("/api/lines", params={"number": record_id})["results"]
        return record(found[0]) if found else None


def record(line: dict[str, Any]) -> dict[str, Any]:
    """One Buyly purchase line as a canonical record (docs/record-v1.md)."""
    return {
        "id": line["number"],
        "source": {"ref": str(line["id"])},
        "product": {"name": line["item"], "model": line.get("model")},
        "vendor": {"name": line["supplier"]["name"], "country": line["supplier"]["country"]},
        "contract": {"number": line["order"], "amount": line["amount"], "currency": "CNY"},
        "deployment": {"system": line.get("project")},
        "attributes": {"buyly_category": line["category"]},
    }


@hookimpl
def cyberreview_register_sources(register: Any) -> None:
    register(
        SourceType(
            "buyly",
            config=BuylySettings,
            connect=Buyly,
            description="purchase lines from the Buyly procurement API",
        )
    )
