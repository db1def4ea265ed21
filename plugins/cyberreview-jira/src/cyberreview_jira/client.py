"""The few Jira Cloud REST API v3 calls the tracker makes, on the host's HTTP client.

Basic auth with the account's email and an API token; the host's client
retries 429 (honouring ``Retry-After``) and 5xx, except for a create, which is
sent once (``idempotent=False``): Jira has no idempotency key, so a create
whose answer is lost is found by its label instead (see the tracker).
"""

from __future__ import annotations

import base64
from collections.abc import Iterator
from typing import Any
from urllib.parse import quote

from cyberreview_policy.connectors import redact
from cyberreview_policy.trackers import TrackerContext

from .settings import JiraSettings

API = "/rest/api/3"
PROPERTY = "cyberreview"  # the issue property recording the state we moved it to


class JiraClient:
    def __init__(self, ctx: TrackerContext, settings: JiraSettings):
        token = settings.api_token.get_secret_value()
        credential = base64.b64encode(f"{settings.email}:{token}".encode()).decode()
        redact.register_secrets([credential])  # the header value, should a log show it
        self.page_size = min(settings.page_size, 5000)
        self.http = ctx.http(
            settings.url,
            headers={"Authorization": f"Basic {credential}", "Accept": "application/json"},
        )

    def search(self, jql: str, fields: list[str]) -> Iterator[dict[str, Any]]:
        """Every issue ``jql`` matches, paged by ``nextPageToken`` (the enhanced search,
        ``POST /search/jql``), until a page says it is the last or gives no token."""
        body: dict[str, Any] = {"jql": jql, "fields": fields, "maxResults": self.page_size}
        while True:
            page = self.http.post(f"{API}/search/jql", json=body)
            yield from page.get("issues") or []
            token = page.get("nextPageToken")
            if page.get("isLast", token is None) or not token:
                return
            body = {**body, "nextPageToken": token}

    def create(self, fields: dict[str, Any]) -> str:
        """Create an issue; its key.  Sent once: an unknown outcome raises."""
        _, body = self.http.request(
            "POST", f"{API}/issue", json={"fields": fields}, idempotent=False
        )
        return str(body["key"])

    def edit(self, key: str, fields: dict[str, Any], update: dict[str, Any]) -> None:
        # (no notifyUsers=false: Jira lets only administrators turn notifications off)
        self.http.request(
            "PUT", f"{API}/issue/{quote(key)}", json={"fields": fields, "update": update}
        )

    def status(self, key: str) -> str:
        issue = self.http.get(f"{API}/issue/{quote(key)}", params={"fields": "status"})
        return str(issue["fields"]["status"]["name"])

    def transitions(self, key: str) -> list[dict[str, Any]]:
        found: list[dict[str, Any]] = self.http.get(f"{API}/issue/{quote(key)}/transitions")[
            "transitions"
        ]
        return found

    def transition(self, key: str, transition_id: str) -> None:
        self.http.request(
            "POST",
            f"{API}/issue/{quote(key)}/transitions",
            json={"transition": {"id": transition_id}},
            idempotent=False,
        )

    def moved_to(self, key: str) -> dict[str, Any] | None:
        """The issue property saying which case state we last moved it for (and to
        which status), or ``None``."""
        from cyberreview_policy.connectors import HttpError

        try:
            found = self.http.get(f"{API}/issue/{quote(key)}/properties/{PROPERTY}")
        except HttpError as exc:
            if exc.status == 404:
                return None
            raise
        value = found.get("value") if isinstance(found, dict) else None
        return value if isinstance(value, dict) else None

    def mark_moved(self, key: str, value: dict[str, Any]) -> None:
        self.http.request("PUT", f"{API}/issue/{quote(key)}/properties/{PROPERTY}", json=value)

    def close(self) -> None:
        self.http.close()
