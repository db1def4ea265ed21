"""Signing in and out, the language, and the board ``/ui/cases``."""

# No "from __future__ import annotations": FastAPI reads these annotations at run time.

import datetime as dt
from collections.abc import Awaitable, Callable
from dataclasses import dataclass
from typing import Any

from fastapi import FastAPI
from starlette.requests import Request
from starlette.responses import Response

from ...errors import Refusal, TokenError
from ...i18n.catalog import _, set_lang
from ...i18n.lang import normalize_lang
from . import InStore
from .render import html_response, page
from .web import (
    COOKIE,
    LOGIN_COOKIE,
    Visitor,
    check_csrf,
    clear_cookie,
    client_address,
    new_login_token,
    over_tls,
    safe_next,
    set_cookie,
)
from .words import pick_lang

#: the board's filters (query parameters); empty ones are left out
FILTERS = ("record", "operator", "system", "kind", "overdue", "go_live_at_risk")
#: refused sign-ins from one address within the window, after which it waits (429)
LOGIN_FAILURES = 5
LOGIN_WINDOW = dt.timedelta(minutes=5)


@dataclass
class UiContext:
    """What the board's routes share: the service and ``in_store`` of the API."""

    service: Any
    in_store: InStore

    @property
    def trusted(self) -> tuple[str, ...]:
        return tuple(self.service.settings.trusted_proxies)

    def secure(self, request: Request) -> bool:
        return over_tls(request, self.trusted)

    async def visitor(self, request: Request) -> Visitor | None:
        value = request.cookies.get(COOKIE)
        if not value or len(value) > 100:
            return None
        found = await self.in_store(lambda store: store.find_session(value))
        if found is None:
            return None
        lang = normalize_lang(found.lang)
        if lang is not None:  # the board speaks the session's language, refusals too
            set_lang(lang)
        return Visitor(found, value)

    def to_login(self, request: Request) -> Response:
        from starlette.responses import RedirectResponse

        target = request.url.path + (f"?{request.url.query}" if request.url.query else "")
        return RedirectResponse(f"/ui/login?next={_quote(safe_next(target))}", status_code=303)

    def show(self, visitor: Visitor, template: str, status: int = 200, **context: Any) -> Any:
        return html_response(
            page(
                template,
                lang=visitor.lang,
                me=visitor.principal,
                can_act=visitor.can_act,
                csrf=visitor.session.csrf,
                here=context.pop("here", "/ui/cases"),
                **context,
            ),
            status,
        )

    async def form(self, request: Request, visitor: Visitor) -> tuple[dict[str, str], Any]:
        """The POSTed form's fields and file, its CSRF token checked."""
        return await posted(request, visitor.session.csrf)

    async def submit(
        self,
        request: Request,
        call: Callable[[Visitor, dict[str, str], Any], Callable[[Any], Any]],
        done: Callable[[Visitor, dict[str, str]], Any],
        *,
        permission: str | None = None,
        reshow: Callable[[int, str], Awaitable[Any]] | None = None,
        shown: tuple[int, ...] = (),
    ) -> Any:
        """A form posted to the board: no session, the login page; the visitor's
        ``permission`` and the form's CSRF token checked; ``call(visitor, fields, upload)``
        gives ``fn(store)``, run in the store; a refusal with a status in ``shown`` is
        ``reshow(status, message)`` (the page with the error), else ``done(visitor,
        fields)`` (a redirect)."""
        visitor = await self.visitor(request)
        if visitor is None:
            return self.to_login(request)
        if permission is not None:
            visitor.require(permission)
        fields, upload = await self.form(request, visitor)
        try:
            await self.in_store(call(visitor, fields, upload))
        except Refusal as exc:
            if reshow is not None and exc.status in shown:
                return await reshow(exc.status, exc.message)
            raise
        return done(visitor, fields)


async def posted(request: Request, csrf: str | None) -> tuple[dict[str, str], Any]:
    """Every form of the board: its fields and file, its CSRF token checked against
    ``csrf`` (the session's; the login form's, from its cookie)."""
    from ..case_routes import _form

    fields, upload = await _form(request)
    check_csrf(fields, csrf)
    return fields, upload


def _quote(text: str) -> str:
    import urllib.parse

    return urllib.parse.quote(text, safe="/")


def _see(path: str) -> Any:
    from starlette.responses import RedirectResponse

    return RedirectResponse(path, status_code=303)


def routes(app: FastAPI, ui: UiContext) -> None:
    service = ui.service

    @app.get("/ui", include_in_schema=False)
    @app.get("/ui/", include_in_schema=False)
    async def home() -> Any:
        return _see("/ui/cases")

    @app.get("/ui/login", include_in_schema=False)
    async def login_form(request: Request) -> Any:
        return _login_page(ui, request, None, 200)

    @app.post("/ui/login", include_in_schema=False)
    async def login(request: Request) -> Any:
        fields, _files = await posted(request, request.cookies.get(LOGIN_COOKIE))
        token = fields.get("token", "").strip()
        lang = pick_lang(fields.get("lang"))
        set_lang(normalize_lang(lang) or "zh-CN")  # the sign-in page's language, refusals too
        lifetime = dt.timedelta(hours=service.settings.session_hours)
        client = client_address(request, ui.trusted)
        wait = await ui.in_store(
            lambda store: store.login_wait(client, LOGIN_FAILURES, LOGIN_WINDOW)
        )
        if wait:  # the token is not even looked at
            message = _("too many failed sign-ins from this address: try again in {wait} s").format(
                wait=wait
            )
            throttled = _login_page(ui, request, message, 429, lang)
            throttled.headers["Retry-After"] = str(wait)
            return throttled
        try:
            value = await ui.in_store(lambda store: _start(store, token, lang, lifetime))
        except _Refused as exc:
            reason = exc.english
            await ui.in_store(lambda store: store.login_failed(client, reason))
            return _login_page(ui, request, str(exc), 403, lang)
        response = _see(safe_next(fields.get("next")))
        secure = ui.secure(request)
        set_cookie(response, COOKIE, value, secure=secure, max_age=int(lifetime.total_seconds()))
        clear_cookie(response, LOGIN_COOKIE, secure=secure)
        return response

    @app.post("/ui/logout", include_in_schema=False)
    async def logout(request: Request) -> Any:
        def signed_out(visitor: Visitor, fields: dict[str, str]) -> Any:
            response = _see("/ui/login")
            clear_cookie(response, COOKIE, secure=ui.secure(request))
            return response

        return await ui.submit(
            request,
            lambda visitor, fields, _: lambda store: store.end_session(visitor.cookie),
            signed_out,
        )

    @app.post("/ui/lang", include_in_schema=False)
    async def language(request: Request) -> Any:
        return await ui.submit(
            request,
            lambda visitor, fields, _: (
                lambda store: store.set_session_lang(visitor.cookie, pick_lang(fields.get("lang")))
            ),
            lambda visitor, fields: _see(safe_next(fields.get("next"))),
        )

    @app.get("/ui/cases", include_in_schema=False)
    async def board(request: Request) -> Any:
        from .board import load_board

        visitor = await ui.visitor(request)
        if visitor is None:
            return ui.to_login(request)
        visitor.require("read_cases")
        chosen = {k: v for k in FILTERS if (v := request.query_params.get(k, "").strip())}
        query = _query(chosen)
        today = dt.date.today()
        shown = await ui.in_store(
            lambda store: load_board(store, query, service.rt.calendar, today)
        )
        here = request.url.path + (f"?{request.url.query}" if request.url.query else "")
        return ui.show(
            visitor, "board.html", board=shown, chosen=chosen, today=today.isoformat(), here=here
        )


class _Refused(Exception):
    """A refused sign-in: as the page says it, and ``english`` for the audit trail."""

    def __init__(self, shown: str, english: str):
        super().__init__(shown)
        self.english = english


def _start(store: Any, token: str, lang: str, lifetime: dt.timedelta) -> str:
    from ...cases.servestate import token_hash

    if not token or len(token) > 200:
        raise _Refused(_("unknown or revoked token"), "unknown or revoked token")
    try:
        return str(store.start_session(token_hash(token), lang, lifetime))
    except TokenError as exc:
        raise _Refused(str(exc), exc.english) from None


def _login_page(
    ui: UiContext, request: Request, error: str | None, status: int, lang: str | None = None
) -> Any:
    csrf = new_login_token()
    lang = pick_lang(lang or request.query_params.get("lang"))
    response = html_response(
        page(
            "login.html",
            lang=lang,
            csrf=csrf,
            error=error,
            next=safe_next(request.query_params.get("next")),
        ),
        status,
    )
    set_cookie(response, LOGIN_COOKIE, csrf, secure=ui.secure(request), max_age=3600)
    return response


def _query(chosen: dict[str, str]) -> Any:
    """The selection of the board: every case (closed ones are folded away on the page)."""
    from ...cases.query import CaseQuery

    kind = chosen.get("kind")
    if kind is not None and kind not in ("review", "assessment", "remediation"):
        raise Refusal(
            400,
            "invalid_request",
            _("kind: one of {value}").format(value="review, assessment, remediation"),
        )
    return CaseQuery(
        kind=kind,
        record=chosen.get("record"),
        operator=chosen.get("operator"),
        system=chosen.get("system"),
        overdue=True if chosen.get("overdue") == "true" else None,
        go_live_at_risk=True if chosen.get("go_live_at_risk") == "true" else None,
        include_closed=True,
    )
