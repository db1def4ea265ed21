"""Talking to ServiceNow's Table API: credentials, what every answer is checked for,
and encoded queries."""

from __future__ import annotations

import base64
import re
from typing import Any
from urllib.parse import urlsplit

from cyberreview_policy.changes import ChangeContext
from cyberreview_policy.connectors import SourceContext

from .settings import InstanceSettings

TABLE_API = "/api/now/table/"
ORDER = "ORDERBYsys_updated_on^ORDERBYsys_id"  # a stable order to page and resume by
_NEXT = re.compile(r'<([^>]+)>\s*;\s*rel="?next"?')
_FIELD = re.compile(r"[a-z0-9_]+(?:\.[a-z0-9_]+)*")


def credentials(
    ctx: SourceContext | ChangeContext, settings: InstanceSettings
) -> tuple[dict[str, str], str]:
    """The ``Authorization`` header, and who it says the connector is (for messages)."""
    if settings.oauth_token is not None:
        token = settings.oauth_token.get_secret_value()
        return {"Authorization": f"Bearer {token}"}, "an OAuth token"
    password = settings.password.get_secret_value() if settings.password else ""
    basic = base64.b64encode(f"{settings.username}:{password}".encode()).decode()
    ctx.secret(basic)
    return {"Authorization": f"Basic {basic}"}, f"user {settings.username!r}"


def origin(url: str) -> str:
    parts = urlsplit(url)
    port = parts.port or (443 if parts.scheme == "https" else 80)
    return f"{parts.scheme}://{(parts.hostname or '').lower()}:{port}"


class Inspector:
    """The ``error_hook`` of the connector's HTTP client: looks at every answer.

    - ServiceNow's error shape (``{"error": {...}, "status": "failure"}``), or an
      answer without ``result``, is an error even with HTTP 200;
    - a ``Link`` to a next page on another host than the instance is refused
      before the paginator follows it (the request would carry the credentials
      there);
    - ``X-Total-Count`` is noted per table, for the read to compare with what
      came back (rows the API user's ACLs hide are counted, not sent).
    """

    def __init__(self, instance: str):
        self.instance = instance
        self.origin = origin(instance)
        self.totals: dict[str, int] = {}

    def __call__(self, response: Any, body: Any) -> str | None:
        if isinstance(body, dict) and (body.get("status") == "failure" or "error" in body):
            return error_text(body.get("error"))
        if not isinstance(body, dict) or "result" not in body:
            return "ServiceNow answered without a result"
        link = _NEXT.search(response.headers.get("Link", ""))
        if link and origin(link.group(1)) != self.origin:
            return (
                f"its next page is on {origin(link.group(1))}, not on the instance "
                f"{self.instance}: set instance to the URL ServiceNow links to"
            )
        total = str(response.headers.get("X-Total-Count", ""))
        path = urlsplit(str(response.url)).path
        if total.isdigit() and TABLE_API in path:
            self.totals[path.split(TABLE_API, 1)[1].split("/", 1)[0]] = int(total)
        return None


def error_text(error: Any) -> str:
    """ServiceNow's ``{"message", "detail"}`` as one line."""
    if isinstance(error, dict):
        message, detail = error.get("message"), error.get("detail")
        text = ": ".join(str(part) for part in (message, detail) if part)
        return text or "ServiceNow reported a failure"
    return str(error) if error else "ServiceNow reported a failure"


def scoped(query: str, *conditions: str) -> str:
    """``query`` with ``conditions`` added to each of its ``^NQ`` groups (a term added
    at the end would bind to the last group only)."""
    extra = [c for c in conditions if c]
    groups = query.split("^NQ") if query else [""]
    return "^NQ".join("^".join(part for part in (group, *extra) if part) for group in groups)


def ordered(query: str) -> str:
    return f"{query}^{ORDER}" if query else ORDER


def query_fields(query: str) -> tuple[list[str], list[str]]:
    """The fields an encoded query's terms name, and the terms that name none (which
    ServiceNow ignores as silently as a field it does not have).  Terms of related-list
    and sub-queries, about other tables, are left out."""
    fields: list[str] = []
    odd: list[str] = []
    nested = False
    for raw in query.split("^"):
        term = raw[2:] if raw.startswith("NQ") else raw
        if term.startswith(("RLQUERY", "SUBQUERY")):
            nested = True
            continue
        if term.startswith(("ENDRLQUERY", "ENDSUBQUERY")):
            nested = False
            continue
        if nested or not term or term == "EQ":
            continue
        if term.startswith("OR"):
            term = term[2:]
        found = _FIELD.match(term)
        if found is None or found.end() == len(term):
            odd.append(raw)
        else:
            fields.append(found.group())
    return list(dict.fromkeys(fields)), odd
