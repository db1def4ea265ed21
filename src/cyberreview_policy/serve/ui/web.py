"""Who is looking at the board: the session cookie, CSRF, the cookie's flags.

- The session cookie (:data:`COOKIE`) is ``HttpOnly``, ``SameSite=Strict``, path
  ``/ui``, and ``Secure`` when the request came over TLS: directly, or through a
  proxy named by ``--trusted-proxy`` that says so in ``X-Forwarded-Proto`` (the
  header is ignored from anyone else, who could forge it).
- Every form carries the session's CSRF token (the login form a token of its own,
  in a cookie beside it); a POST without the right one is ``403``.
- The browser's address (:func:`client_address`, for the sign-in throttle) is
  the peer's, or what a trusted proxy says in ``X-Forwarded-For``.
"""

from __future__ import annotations

import hmac
import secrets
from dataclasses import dataclass
from typing import TYPE_CHECKING, Any

from ...errors import Refusal
from ...i18n.catalog import _
from ..auth import Principal

if TYPE_CHECKING:
    from starlette.requests import Request
    from starlette.responses import Response

    from ...cases.uistate import UiSession

COOKIE = "crp_session"
LOGIN_COOKIE = "crp_login"
PATH = "/ui"


@dataclass(frozen=True)
class Visitor:
    """A signed-in person: their session (cookie value kept to end it), as a principal."""

    session: UiSession
    cookie: str

    @property
    def principal(self) -> Principal:
        return Principal(self.session.name, self.session.role, self.session.token_id)

    @property
    def can_act(self) -> bool:
        """Reviewers move cases; auditors only read."""
        return self.principal.may("transition")

    @property
    def lang(self) -> str:
        return self.session.lang

    def require(self, permission: str) -> Principal:
        who = self.principal
        if not who.may(permission):
            raise Refusal(
                403,
                "forbidden",
                _("role {role} may not {permission}").format(role=who.role, permission=permission),
            )
        return who


def over_tls(request: Request, trusted: tuple[str, ...]) -> bool:
    """Whether the browser reached us over TLS (a trusted proxy's word taken)."""
    if request.url.scheme == "https":
        return True
    peer = request.client.host if request.client else None
    if peer is None or peer not in trusted:
        return False
    return request.headers.get("x-forwarded-proto", "").split(",")[0].strip() == "https"


def client_address(request: Request, trusted: tuple[str, ...]) -> str:
    """The address of the browser: the peer's, or behind a trusted proxy the nearest
    address in ``X-Forwarded-For`` that is not one of the trusted proxies (what a
    client puts further left in the header is its own word, and not believed)."""
    peer = request.client.host if request.client else "unknown"
    if peer not in trusted:
        return peer
    hops = [h.strip() for h in request.headers.get("x-forwarded-for", "").split(",")]
    for hop in reversed([h for h in hops if h]):
        if hop not in trusted:
            return hop
    return peer


def set_cookie(
    response: Response, name: str, value: str, *, secure: bool, max_age: int | None
) -> None:
    response.set_cookie(
        name,
        value,
        max_age=max_age,
        path=PATH,
        secure=secure,
        httponly=True,
        samesite="strict",
    )


def clear_cookie(response: Response, name: str, *, secure: bool) -> None:
    response.delete_cookie(name, path=PATH, secure=secure, httponly=True, samesite="strict")


def new_login_token() -> str:
    return secrets.token_urlsafe(24)


def same(given: str | None, expected: str | None) -> bool:
    """Constant-time comparison of CSRF tokens; a missing one never matches."""
    if not given or not expected:
        return False
    return hmac.compare_digest(given.encode(), expected.encode())


def check_csrf(fields: dict[str, Any], expected: str | None) -> None:
    if not same(fields.get("csrf"), expected):
        raise Refusal(403, "csrf", _("the form's CSRF token is missing or wrong: reload the page"))


def safe_next(target: str | None) -> str:
    """Where to go after a form: a path on the board, never another site."""
    if target and target.startswith("/ui/") and not target.startswith("//") and "\\" not in target:
        return target
    return "/ui/cases"
