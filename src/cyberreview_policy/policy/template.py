"""Message templates: ``{dotted.path}`` inserts a record fact; ``{{`` is a brace.

Compiled at load (paths are checked then), rendered per finding.  Unknown
values render as ``unknown``, so a message never hides that a fact is missing.
"""

from __future__ import annotations

import datetime as dt
import re
from collections.abc import Callable
from decimal import Decimal
from typing import Any

from ..errors import TemplateError
from ..models.paths import getter, resolve

_TOKEN = re.compile(r"\{\{|\}\}|\{([^{}]*)\}|[{}]")


def show(value: Any) -> str:
    """A record value as people read it."""
    if type(value) is str:
        return value
    if value is None:
        return "unknown"
    if isinstance(value, bool):
        return "true" if value else "false"
    if isinstance(value, Decimal):
        return f"{value:,.2f}".rstrip("0").rstrip(".") if value % 1 else f"{value:,.0f}"
    if isinstance(value, dt.date):
        return value.isoformat()
    if isinstance(value, list):
        return ", ".join(show(item) for item in value) or "none"
    return str(value)


def compile_template(text: str) -> Callable[[Any], str]:
    """Compile ``text``; raise :class:`TemplateError` for a bad placeholder."""
    parts: list[str | Callable[[Any], Any]] = []
    last = 0
    for match in _TOKEN.finditer(text):
        parts.append(text[last : match.start()])
        last = match.end()
        token = match.group(0)
        if token in ("{{", "}}"):
            parts.append(token[0])
        elif token in ("{", "}"):
            raise TemplateError(
                f"unbalanced {token!r} at position {match.start()} (write {token * 2})"
            )
        else:
            path = match.group(1).strip()
            resolve(path)  # raises PathError, a ValueError, for an unknown field
            parts.append(getter(path))
    parts.append(text[last:])
    pieces = tuple(p for p in parts if p != "")
    if all(isinstance(p, str) for p in pieces):
        constant = "".join(str(p) for p in pieces)
        return lambda record: constant

    def render(record: Any) -> str:
        out = []
        for piece in pieces:
            if type(piece) is str:
                out.append(piece)
            else:
                value = piece(record)  # type: ignore[operator]
                out.append(value if type(value) is str else show(value))
        return "".join(out)

    return render
