"""OData v2 as S/4HANA speaks it: the JSON envelope, its values, its error body, literals.

- a collection is ``{"d": {"results": [...], "__next": URL}}``, one entity
  ``{"d": {...}}``; every entity carries ``__metadata`` and, for navigation
  properties not expanded, ``{"__deferred": {"uri": ...}}``;
- ``Edm.DateTime`` is ``"/Date(1767225600000)/"`` (milliseconds since 1970, UTC;
  a date is midnight), ``Edm.DateTimeOffset`` ``"/Date(1767258123456+0000)/"``:
  milliseconds, though the property may hold 100 ns (``Precision="7"``);
- ``Edm.Decimal`` is a string (``"1200.000"``), a Boolean ``true``/``false``; an
  empty CHAR field is ``""``, an empty date ``null``;
- an error is ``{"error": {"code", "message": {"lang", "value"}, "innererror"}}``;
- ``__next`` is followed on the collection asked for, at the server asked, only.
"""

from __future__ import annotations

import datetime as dt
import re
from decimal import Decimal, InvalidOperation
from typing import Any
from urllib.parse import SplitResult, unquote, urljoin, urlsplit

from cyberreview_policy.errors import CyberreviewError

_DATE = re.compile(r"/Date\((-?\d+)(?:([+-])(\d{4}))?\)/")
EPOCH = dt.datetime(1970, 1, 1, tzinfo=dt.UTC)


class SapError(CyberreviewError):
    """An answer that cannot be trusted (the host fails the source with it)."""


def instant(value: Any) -> dt.datetime | None:
    """``/Date(ms)/`` or ``/Date(ms+0000)/`` as a UTC datetime (``None`` if empty)."""
    if value in (None, ""):
        return None
    found = _DATE.fullmatch(str(value)) if isinstance(value, str) else None
    if found is None:
        raise SapError(f"{value!r} is not an OData v2 date (/Date(milliseconds)/)")
    return EPOCH + dt.timedelta(milliseconds=int(found.group(1)))


def date(value: Any) -> str | None:
    """An ``Edm.DateTime`` date as ``YYYY-MM-DD``."""
    when = instant(value)
    return when.date().isoformat() if when else None


def timestamp(value: Any) -> str | None:
    """An ``Edm.DateTimeOffset`` as ``YYYY-MM-DDTHH:MM:SS.mmmZ`` (sorts as it compares)."""
    when = instant(value)
    return iso(when) if when else None


def iso(when: dt.datetime) -> str:
    return (
        when.astimezone(dt.UTC).strftime("%Y-%m-%dT%H:%M:%S.") + f"{when.microsecond // 1000:03d}Z"
    )


def decimal(value: Any) -> Decimal | None:
    """An ``Edm.Decimal`` string (``"1200.000"``) as a Decimal; ``None`` if empty."""
    if value in (None, ""):
        return None
    try:
        number = Decimal(str(value).strip())
    except InvalidOperation:
        raise SapError(f"{value!r} is not an OData decimal") from None
    if not number.is_finite():
        raise SapError(f"{value!r} is not an OData decimal")
    return number


def text(value: Any) -> str | None:
    """A string property: ``""`` (SAP's initial value) is unknown."""
    if value is None:
        return None
    found = str(value).strip()
    return found or None


def string(value: str) -> str:
    """An ``Edm.String`` literal: ``'O''Brien'``."""
    return "'" + value.replace("'", "''") + "'"


def datetimeoffset(when: str) -> str:
    """An ``Edm.DateTimeOffset`` literal from :func:`iso`'s text."""
    return f"datetimeoffset'{when}'"


def any_of(prop: str, values: list[str]) -> str:
    """``prop eq 'a' or prop eq 'b'`` (OData v2 has no ``in``)."""
    return " or ".join(f"{prop} eq {string(v)}" for v in values)


def both(*conditions: str) -> str:
    """The conditions and-ed, each in parentheses (a configured ``or`` keeps its scope)."""
    kept = [c for c in conditions if c]
    if len(kept) == 1:
        return kept[0]
    return " and ".join(f"({c})" for c in kept)


def error_text(error: Any) -> str:
    """SAP's ``{"code", "message": {"value"}}`` as one line."""
    if not isinstance(error, dict):
        return str(error) if error else "SAP reported an error"
    message = error.get("message")
    if isinstance(message, dict):
        message = message.get("value")
    code = error.get("code")
    parts = [str(part) for part in (code, message) if part]
    return ": ".join(parts) or "SAP reported an error"


def inspect(response: Any, body: Any) -> str | None:
    """The ``error_hook`` of the connector's HTTP client: SAP's error body, an answer
    without OData's ``d``, or a ``__next`` that leads elsewhere is an error even with
    HTTP 200."""
    if isinstance(body, dict) and "error" in body:
        return error_text(body["error"])
    if not isinstance(body, dict) or not isinstance(body.get("d"), dict):
        return 'SAP answered without OData\'s {"d": ...}'
    if body["d"].get("__next") is not None and response is not None:
        return follow(str(response.url), body["d"])
    return None


def follow(asked: str, d: dict[str, Any]) -> str | None:
    """Why ``d["__next"]`` is not to be followed, or ``None``.  The next page is the
    collection asked for (``asked``, the URL of the answer), on its scheme, host and
    port: a link to another server would take the credentials there, and a link to
    another collection would read it as this one.  A relative link is made absolute
    (in ``d``), against ``asked``."""
    link = urljoin(asked, str(d["__next"]))
    here, there = urlsplit(asked), urlsplit(link)
    if _origin(here) != _origin(there):
        return f"the next page's link leads to another server ({_shown(there)}): not followed"
    if unquote(here.path).rstrip("/") != unquote(there.path).rstrip("/"):
        return (
            f"the next page's link leads to another collection ({unquote(there.path)}, "
            f"not {unquote(here.path)}): not followed"
        )
    d["__next"] = link
    return None


def _origin(parts: SplitResult) -> tuple[str, str, int | None]:
    scheme = parts.scheme.lower()
    try:
        port = parts.port or {"http": 80, "https": 443}.get(scheme)
    except ValueError:  # a port that is no number
        port = -1
    return scheme, (parts.hostname or "").lower(), port


def _shown(parts: SplitResult) -> str:
    """Scheme, host and port of a link, without anything else it may carry."""
    host = parts.hostname or ""
    try:
        port = f":{parts.port}" if parts.port else ""
    except ValueError:
        port = ":?"
    return f"{parts.scheme}://{host}{port}"


def results(body: Any) -> list[Any]:
    """The entities of a collection answer (``d.results``), or of an expanded one."""
    found = body.get("results") if isinstance(body, dict) else None
    if not isinstance(found, list):
        raise SapError("SAP answered a collection without results")
    return found
