"""Each request in its language: ``?lang=``, else ``Accept-Language``, else the service's.

The service's language is ``cyberreview serve --lang``, else ``$CYBERREVIEW_LANG``,
else ``lang:`` in the configuration file, else English (the server's locale is not
the clients'). An ASGI middleware speaks the request's language for the whole
request (:func:`..i18n.use_lang`), so that every refusal's ``message`` and every
problem's ``message`` are worded in it; codes, paths and JSON keys never change.
The decision threads inherit it (:meth:`.pool.Workers.run`).
"""

from __future__ import annotations

from urllib.parse import parse_qs

from ..errors import ConfigError, Refusal
from ..i18n.catalog import N_, _, use_lang
from ..i18n.lang import Lang, check_lang, normalize_lang, parse_accept_language
from .limits import ASGIApp, Receive, Scope, Send


def request_lang(query: str, accept_language: str | None, default: Lang = "en") -> Lang:
    """The language a request asks for: ``?lang=``, else ``Accept-Language``, else
    ``default``; an unknown ``?lang=`` is a :class:`Refusal` (400)."""
    asked = parse_qs(query).get("lang")
    if asked:
        try:
            return check_lang(asked[0], "lang")
        except ConfigError as exc:
            raise Refusal(
                400, "invalid_request", str(exc), [{"path": "lang", "message": str(exc)}]
            ) from None
    return parse_accept_language(accept_language) or default


def spoken_lang(scope: Scope, default: Lang) -> Lang:
    """The language to word a request's messages in: as :func:`request_lang`, with an
    unknown ``?lang=`` falling back (the route that reads it refuses it, in this one)."""
    query = scope.get("query_string", b"")
    asked = parse_qs(query.decode("latin-1")).get("lang") if query else None
    if asked:
        lang = normalize_lang(asked[0])
        if lang is not None:
            return lang
    for name, value in scope.get("headers", ()):
        if name == b"accept-language":
            return parse_accept_language(value.decode("latin-1")) or default
    return default


class RequestLanguage:
    """Speak each HTTP request's language (:func:`spoken_lang`) while it is answered."""

    def __init__(self, app: ASGIApp, default: Lang = "en"):
        self.app = app
        self.default = default

    async def __call__(self, scope: Scope, receive: Receive, send: Send) -> None:
        if scope["type"] != "http":
            await self.app(scope, receive, send)
            return
        with use_lang(spoken_lang(scope, self.default)):
            await self.app(scope, receive, send)


#: the details Starlette gives its own refusals, for the catalog
_HTTP_DETAILS = (N_("Not Found"), N_("Method Not Allowed"))


def http_detail(detail: str) -> str:
    """Starlette's own refusal details (404, 405) in the request's language."""
    return _(detail) if detail in _HTTP_DETAILS else detail
