"""What anonymous requests must show, so that a web page cannot act through a browser.

With ``--allow-anonymous`` a request needs no secret, so any page a user opens
could make the browser send one: a ``text/plain`` POST needs no CORS preflight,
and a DNS name rebound to 127.0.0.1 makes the page same-origin to the browser.
An anonymous request is therefore taken only when

- its ``Host`` is a name the service answers to (loopback names, the address
  it listens on, ``--allowed-host``), which a rebound name is not;
- its ``Origin``, when a browser sends one, is the service itself;
- it changes state (POST) with ``Content-Type: application/json``, which a
  page cannot send to another origin without a preflight the service does not
  answer.

Requests with a bearer token are not affected: browsers do not send it on their
own, and pipelines post with ``curl -d`` (a form content type).
"""

from __future__ import annotations

from collections.abc import Iterable, Mapping
from urllib.parse import urlsplit

from ..errors import Refusal
from ..i18n.catalog import _

LOOPBACK = frozenset({"127.0.0.1", "localhost", "::1"})
_READ_ONLY = frozenset({"GET", "HEAD", "OPTIONS"})


def served_hosts(bound: str | None, allowed: Iterable[str]) -> frozenset[str]:
    """The names an anonymous request may address: loopback, the address listened on
    (unless a wildcard), and the names allowed by configuration."""
    names = set(LOOPBACK) | {name.lower().strip("[]") for name in allowed}
    if bound and bound not in ("0.0.0.0", "::", ""):
        names.add(bound.lower().strip("[]"))
    return frozenset(names)


def check_anonymous(method: str, headers: Mapping[str, str], hosts: frozenset[str]) -> None:
    """Raise :class:`Refusal` unless an anonymous request may be taken (module docstring)."""
    host = headers.get("host", "")
    name = urlsplit(f"//{host}").hostname or ""
    if name not in hosts:
        raise Refusal(
            403,
            "unknown_host",
            _(
                "Host {host} is not a name this service answers anonymously to "
                "(cyberreview serve --allowed-host NAME)"
            ).format(host=repr(host)),
        )
    origin = headers.get("origin")
    if origin is not None and urlsplit(origin).netloc.lower() != host.lower():
        raise Refusal(
            403,
            "cross_origin",
            _("a request from {origin} may not act anonymously here").format(origin=repr(origin)),
        )
    if method.upper() not in _READ_ONLY:
        kind = headers.get("content-type", "").split(";", 1)[0].strip().lower()
        if kind != "application/json" and not kind.endswith("+json"):
            raise Refusal(
                415,
                "unsupported_media_type",
                _("an anonymous request must send Content-Type: application/json"),
            )
