"""Paginators: the four ways APIs page, each robust to what servers really do.

- a page may come back short while more follow (ServiceNow applies the limit
  before ACLs): stop only when the API says there is no next page;
- a page may repeat items of the one before (offset paging over data that
  moves): with ``key=`` (a function giving an item's identity), items whose key
  the previous page had are dropped;
- a page may be empty and still have a next link: follow it.

Every paginator yields items one by one, holding one page in memory, and
raises what the client raises (:class:`~cyberreview_policy.errors.HttpError`).
Three take the host's client and a path; ``offset_limit`` takes a function
instead, because offset APIs differ in everything but the offset (query
parameters, a JSON-RPC call, a ``Range`` header), and it is the only one
that must stop on an empty page: an offset API has no other way to say "no more".
"""

from __future__ import annotations

import re
from collections.abc import Callable, Iterator
from typing import Any

from .dotted import get
from .http import HttpClient

Key = Callable[[Any], Any]
_NEXT_LINK = re.compile(r'<([^>]+)>\s*;\s*rel="?next"?')


def _on_our_origin(client: HttpClient, url: str) -> str:
    """A next link's path and query, on the configured origin.

    Servers behind a reverse proxy often write links with their internal host
    or ``http://`` (Django's ``build_absolute_uri`` without forwarded headers),
    and a link to another host would take the session's credentials with it:
    the link says where in the API the next page is, the configuration says
    which server.
    """
    from urllib.parse import urlsplit, urlunsplit

    if not url.startswith(("http://", "https://")) or not client.base_url:
        return url
    here, there = urlsplit(client.base_url), urlsplit(url)
    if (here.scheme, here.netloc) == (there.scheme, there.netloc):
        return url
    return urlunsplit((here.scheme, here.netloc, there.path, there.query, ""))


class _Dedup:
    """Drops items whose key the previous page already gave."""

    def __init__(self, key: Key | None):
        self.key = key
        self.previous: set[Any] = set()

    def page(self, items: list[Any]) -> Iterator[Any]:
        if self.key is None:
            yield from items
            return
        keys = set()
        for item in items:
            key = self.key(item)
            keys.add(key)
            if key not in self.previous:
                yield item
        self.previous = keys


def _linked(
    client: HttpClient,
    path: str,
    *,
    items: str,
    params: dict[str, Any] | None,
    key: Key | None,
    next_of: Callable[[Any, Any], str | None],
) -> Iterator[Any]:
    """Follow ``next_of(response, body)`` from page to page (the link carries the query)."""
    dedup = _Dedup(key)
    url: str | None = path
    query = params
    while url:
        response, body = client.request("GET", url, params=query)
        query = None
        yield from dedup.page(list(get(body, items) or []))
        url = next_of(response, body) or None
        if url:
            url = _on_our_origin(client, url)


def next_link(
    client: HttpClient,
    path: str,
    *,
    items: str = "results",
    next_key: str = "next",
    params: dict[str, Any] | None = None,
    key: Key | None = None,
) -> Iterator[Any]:
    """Bodies like ``{"results": [...], "next": "https://..."}`` (Nautobot, DRF).

    GETs ``path`` with ``params``, then each ``next`` URL as given (it carries the
    query; followed on the configured server only).  ``items``, ``next_key``:
    dotted paths in the body.  Stops when the body has no next URL (missing, null
    or empty), whatever the size of the page.
    """
    return _linked(
        client,
        path,
        items=items,
        params=params,
        key=key,
        next_of=lambda _, body: get(body, next_key),
    )


def link_header(
    client: HttpClient,
    path: str,
    *,
    items: str = "result",
    params: dict[str, Any] | None = None,
    key: Key | None = None,
) -> Iterator[Any]:
    """Pages linked by ``Link: <...>; rel="next"`` headers (ServiceNow, GitHub).

    GETs ``path`` with ``params``, then each next link (followed on the configured
    server only); ``items``: a dotted path in the body.  Stops when an answer has
    no ``rel="next"`` link, whatever the size of the page.
    """

    def next_of(response: Any, _body: Any) -> str | None:
        match = _NEXT_LINK.search(response.headers.get("Link", ""))
        return match.group(1) if match else None

    return _linked(client, path, items=items, params=params, key=key, next_of=next_of)


def offset_limit(
    fetch: Callable[[int, int], list[Any]],
    *,
    limit: int,
    key: Key | None = None,
) -> Iterator[Any]:
    """Offset paging through a function: ``fetch(offset, limit)`` returns the items
    from ``offset``, at most ``limit`` of them (make the request any way the API
    wants: ``?offset=&limit=``, a JSON-RPC ``search_read``).  The next offset is
    the previous one plus the number of items the page had.

    Stops when a page comes back **empty**: a short page is not the end (the limit
    may apply before filtering), so an offset read costs one request more than it
    has pages.  Unlike the others it takes no client or path.
    """
    dedup = _Dedup(key)
    offset = 0
    while True:
        page = fetch(offset, limit)
        if not page:
            return
        yield from dedup.page(page)
        offset += len(page)


def page_token(
    client: HttpClient,
    path: str,
    *,
    items: str,
    token_param: str = "pageToken",
    next_token: str = "nextPageToken",
    method: str = "GET",
    params: dict[str, Any] | None = None,
    key: Key | None = None,
) -> Iterator[Any]:
    """Pages chained by a token (Jira ``nextPageToken``, Google APIs).

    GETs ``path`` with ``params`` (``method="POST"``: sends them as the JSON body),
    adding ``token_param`` once the body gave a token at ``next_token`` (dotted
    paths, as ``items``).  Stops when the body gives no token (missing, null or
    empty), whatever the size of the page.
    """
    dedup = _Dedup(key)
    token: str | None = None
    while True:
        query = dict(params or {})
        if token:
            query[token_param] = token
        body = client.get(path, params=query) if method == "GET" else client.post(path, json=query)
        yield from dedup.page(list(get(body, items) or []))
        token = get(body, next_token) or None
        if not token:
            return
