"""Logging in to S/4HANA: Basic auth, or an OAuth 2.0 access token by client credentials.

The token comes from the token endpoint through the host's HTTP client (so its
request is retried, budgeted and redacted like any other), is registered as a
secret (masked in every log line), and is fetched again shortly before it
expires: a long read outlives a token.
"""

from __future__ import annotations

import base64
import time
from typing import TYPE_CHECKING, Any
from urllib.parse import urlsplit

from cyberreview_policy.connectors import HttpError, SourceContext

from .odata import SapError
from .settings import SapSettings

if TYPE_CHECKING:
    import requests

#: a token is renewed this long (or a tenth of its life, if shorter) before it expires
MARGIN = 60.0


def basic(ctx: SourceContext, settings: SapSettings) -> str:
    """The ``Authorization`` header's value for Basic auth (masked in logs)."""
    password = settings.password.get_secret_value() if settings.password else ""
    token = base64.b64encode(f"{settings.username}:{password}".encode()).decode()
    ctx.secret(token)
    return f"Basic {token}"


def token_error(response: Any, body: Any) -> str | None:
    """An answer of the token endpoint without an access token is an error."""
    if isinstance(body, dict) and body.get("access_token"):
        return None
    if isinstance(body, dict) and "error" in body:
        return " ".join(str(body[k]) for k in ("error", "error_description") if body.get(k))
    return "the token endpoint answered without an access_token"


class ClientCredentials:
    """OAuth 2.0 client credentials (RFC 6749, 4.4): a bearer token, renewed before it
    expires; ``requests`` calls it for every request (``session.auth``)."""

    def __init__(self, ctx: SourceContext, settings: SapSettings):
        assert settings.oauth_url
        assert settings.client_id
        assert settings.client_secret
        parts = urlsplit(settings.oauth_url)
        self.path = parts.path or "/"
        self.http = ctx.http(f"{parts.scheme}://{parts.netloc}", error_hook=token_error)
        self.ctx = ctx
        self.client_id = settings.client_id
        secret = settings.client_secret.get_secret_value()
        credential = base64.b64encode(f"{self.client_id}:{secret}".encode()).decode()
        ctx.secret(credential)
        self.client_auth = f"Basic {credential}"  # RFC 6749, 2.3.1
        self.scope = settings.scope
        self.token: str | None = None
        self.renew_at = 0.0

    def bearer(self) -> str:
        if self.token is None or time.monotonic() >= self.renew_at:
            self.token = self._fetch()
        return f"Bearer {self.token}"

    def _fetch(self) -> str:
        form = {"grant_type": "client_credentials"}
        if self.scope:
            form["scope"] = self.scope
        try:
            body = self.http.post(
                self.path,
                data=form,
                headers={"Authorization": self.client_auth, "Accept": "application/json"},
            )
        except HttpError as exc:
            status = f" (HTTP {exc.status})" if exc.status else ""
            raise HttpError(
                f"the token endpoint refused client {self.client_id!r}{status}: {exc}", exc.status
            ) from None
        token = str(body["access_token"])
        self.ctx.secret(token)
        if str(body.get("token_type", "bearer")).lower() != "bearer":
            raise SapError(f"the token endpoint gave a {body.get('token_type')!r} token")
        life = float(body.get("expires_in") or 3600)
        self.renew_at = time.monotonic() + max(0.0, life - min(MARGIN, life / 10))
        return token

    def __call__(self, request: requests.PreparedRequest) -> requests.PreparedRequest:
        request.headers["Authorization"] = self.bearer()
        return request

    def close(self) -> None:
        self.http.close()
