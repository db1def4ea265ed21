"""``POST /v1/decisions`` answered straight from the ASGI server, past FastAPI's layers.

The busiest route does little on the event loop (the decision runs on a worker
thread), and FastAPI's routing, dependency injection, request and response
objects cost more than that little: more than half the service's CPU time per
decision (benchmarks/README.md, "The service").  This ASGI middleware answers
that one route itself, with the same steps in the same order as the FastAPI
route, which stays for the API description: the bearer token and its role
(:meth:`Service.principal`), then :meth:`Service.decide_request` (the key, the
decision, the metrics), the same answers and the same error bodies.
"""

from __future__ import annotations

import json
from typing import TYPE_CHECKING, Any

from starlette.datastructures import Headers

from ..errors import Refusal
from .language import request_lang
from .limits import ASGIApp, Receive, Scope, Send

if TYPE_CHECKING:
    from .app import Service

PATH = "/v1/decisions"


def bearer_token(header: str | None) -> str | None:
    """The token of an ``Authorization: Bearer ...`` header, as FastAPI's ``HTTPBearer``
    (without auto_error) reads it: ``None`` for none or another scheme."""
    if not header:
        return None
    scheme, _sep, token = header.partition(" ")
    if not scheme or not token or scheme.lower() != "bearer":
        return None
    return token


class FastDecisions:
    """Answers ``POST /v1/decisions``; hands every other request to ``app``."""

    def __init__(self, app: ASGIApp, service: Service):
        self.app = app
        self.service = service

    async def __call__(self, scope: Scope, receive: Receive, send: Send) -> None:
        if scope["type"] != "http" or scope["path"] != PATH or scope["method"] != "POST":
            await self.app(scope, receive, send)
            return
        authorization = key = accept = None
        for name, value in scope["headers"]:
            if name == b"authorization" and authorization is None:
                authorization = value.decode("latin-1")
            elif name == b"idempotency-key" and key is None:
                key = value.decode("latin-1")
            elif name == b"accept-language" and accept is None:
                accept = value.decode("latin-1")
        chunks = []
        while True:  # BodyLimit, outside, has read and measured it already
            message = await receive()
            if message["type"] == "http.disconnect":
                return
            chunks.append(message.get("body", b""))
            if not message.get("more_body", False):
                break
        try:
            who = await self.service.principal(
                bearer_token(authorization), "decide", "POST", Headers(scope=scope)
            )
            lang = request_lang(
                scope.get("query_string", b"").decode("latin-1"),
                accept,
                self.service.default_lang,
            )
            status, text = await self.service.decide_request(b"".join(chunks), who, key, lang)
            body = text.encode()
        except Refusal as exc:
            status, body = exc.status, _compact(exc.body())
        headers = [
            (b"content-length", str(len(body)).encode()),
            (b"content-type", b"application/json"),
        ]
        if status == 401:
            headers.append((b"www-authenticate", b"Bearer"))
        await send({"type": "http.response.start", "status": status, "headers": headers})
        await send({"type": "http.response.body", "body": body})


def _compact(data: Any) -> bytes:
    """JSON as FastAPI's JSONResponse writes it."""
    return json.dumps(data, ensure_ascii=False, separators=(",", ":")).encode()
