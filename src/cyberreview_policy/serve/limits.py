"""A request size limit, enforced before the application sees the body.

The middleware reads the body itself (refusing at once when ``Content-Length``
says it is too large, and as soon as a chunked body grows past the limit),
then hands the application the bytes it read: nothing oversized is parsed.
"""

from __future__ import annotations

import json
import re
from collections.abc import Awaitable, Callable, MutableMapping
from typing import Any

Scope = MutableMapping[str, Any]
Message = MutableMapping[str, Any]
Receive = Callable[[], Awaitable[Message]]
Send = Callable[[Message], Awaitable[None]]
ASGIApp = Callable[[Scope, Receive, Send], Awaitable[None]]


def error_body(code: str, message: str, **extra: Any) -> bytes:
    """The body of every error response: ``{"error": {"code", "message", ...}}``."""
    return json.dumps({"error": {"code": code, "message": message, **extra}}).encode()


async def send_json(send: Send, status: int, body: bytes) -> None:
    await send(
        {
            "type": "http.response.start",
            "status": status,
            "headers": [
                (b"content-type", b"application/json"),
                (b"content-length", str(len(body)).encode()),
            ],
        }
    )
    await send({"type": "http.response.body", "body": body})


class BodyLimit:
    """Refuse request bodies over ``limit`` bytes with 413 (``larger``: a pattern of
    POST paths, the uploads, and their own limit)."""

    def __init__(self, app: ASGIApp, limit: int, larger: tuple[re.Pattern[str], int] | None = None):
        self.app = app
        self.limit = limit
        self.larger = larger

    async def _too_large(self, send: Send, limit: int) -> None:
        from ..i18n.catalog import _

        message = _("the request body is larger than {limit} bytes").format(limit=limit)
        await send_json(send, 413, error_body("too_large", message, limit=limit))

    def _limit(self, scope: Scope) -> int:
        if self.larger is not None and scope.get("method") == "POST":
            pattern, limit = self.larger
            if pattern.match(scope.get("path", "")):
                return limit
        return self.limit

    async def __call__(self, scope: Scope, receive: Receive, send: Send) -> None:
        if scope["type"] != "http":
            await self.app(scope, receive, send)
            return
        limit = self._limit(scope)
        for name, value in scope.get("headers", ()):
            if name == b"content-length":
                try:
                    declared = int(value)
                except ValueError:
                    declared = -1
                if declared > limit:
                    await self._too_large(send, limit)
                    return
        chunks: list[bytes] = []
        size = 0
        while True:
            message = await receive()
            if message["type"] == "http.disconnect":
                return
            chunk = message.get("body", b"")
            size += len(chunk)
            if size > limit:
                await self._too_large(send, limit)
                return
            chunks.append(chunk)
            if not message.get("more_body", False):
                break
        body = b"".join(chunks)
        replayed = False

        async def replay() -> Message:
            nonlocal replayed
            if not replayed:
                replayed = True
                return {"type": "http.request", "body": body, "more_body": False}
            return await receive()

        await self.app(scope, replay, send)
