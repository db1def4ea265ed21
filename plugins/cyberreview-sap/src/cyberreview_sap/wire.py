"""OData v2 request URLs, as SAP Gateway takes them."""

from __future__ import annotations

from collections.abc import Iterable, Iterator
from typing import TypeVar
from urllib.parse import quote

T = TypeVar("T")

#: purchase orders (or suppliers) named in one $filter: ``PurchaseOrder eq '...' or ...``
#: stays within the URL lengths gateways accept (about 1.5 KB of query)
GROUP = 40


def url(path: str, **options: object) -> str:
    """``path?$filter=...&$top=...``: system query options with their ``$`` as is (not
    ``%24``), values percent-encoded; options that are ``None`` or ``""`` left out."""
    parts = [
        f"${name}={quote(str(value), safe=chr(39) + ',()/:')}"
        for name, value in options.items()
        if value is not None and value != ""
    ]
    return f"{path}?{'&'.join(parts)}" if parts else path


def groups(items: Iterable[T], size: int) -> Iterator[list[T]]:
    """``items`` in lists of ``size`` (the last may be shorter), lazily."""
    group: list[T] = []
    for item in items:
        group.append(item)
        if len(group) == size:
            yield group
            group = []
    if group:
        yield group
