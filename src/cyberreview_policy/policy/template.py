"""Message templates: ``{dotted.path}`` inserts a record fact; ``{{`` is a brace.

Compiled at load (paths are checked then), rendered per finding.  Unknown
values render as ``unknown``, so a message never hides that a fact is missing.
Three more forms say more than a value:

- ``{path|text}``: the value, or ``text`` when it is unknown;
- ``{path?text}``: ``text`` when the value is the boolean true, else nothing;
- ``{path=value?text}``: ``text`` when the value is ``value``, else nothing.
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
_PIECE = re.compile(
    r"^\s*(?P<path>[^|?=\s]+)\s*(?:=(?P<eq>[^|?]*))?(?:(?P<kind>[|?])(?P<text>.*))?$", re.S
)


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


def _piece(body: str) -> Callable[[Any], Any]:
    """One ``{...}``: a getter, or a function of the record giving the text to insert."""
    match = _PIECE.match(body)
    if match is None:
        raise TemplateError(f"{{{body}}} is not {{path}}, {{path|text}} or {{path?text}}")
    path, eq, kind, text = match["path"], match["eq"], match["kind"], match["text"]
    field = resolve(path)  # raises PathError, a ValueError, for an unknown field
    get = getter(path)
    if kind is None:
        if eq is not None:
            raise TemplateError(f"{{{body}}}: '=' needs the text to insert, as {{path=value?text}}")
        return get
    if kind == "|":
        if eq is not None:
            raise TemplateError(f"{{{body}}}: write {{path|text}} or {{path=value?text}}")
        return lambda record: _or(get(record), text)
    if eq is None:
        if field.kind not in ("bool", "any"):
            raise TemplateError(
                f"{{{body}}}: {path} is not a yes/no fact; write {{path=value?text}}"
            )
        return lambda record: text if get(record) is True else ""
    wanted = eq.strip()
    if field.kind == "enum" and wanted not in field.choices:
        raise TemplateError(f"{{{body}}}: {wanted!r} is not one of {', '.join(field.choices)}")
    return lambda record: text if _shown(get(record)) == wanted else ""


def _or(value: Any, text: str) -> Any:
    return text if value is None else value


def _shown(value: Any) -> str | None:
    return None if value is None else show(value)


#: a template, parsed: literal text, ``(path,)`` for a plain placeholder, or the
#: function of the record a ``{path|text}``, ``{path?text}`` or ``{path=value?text}``
#: inserts
Piece = str | tuple[str] | Callable[[Any], Any]


def parse_template(text: str) -> tuple[Piece, ...]:
    """The pieces of ``text``; raise :class:`TemplateError` for a bad placeholder and
    :class:`~cyberreview_policy.errors.PathError` for an unknown field."""
    parts: list[Piece] = []
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
            body = match.group(1)
            plain = _PIECE.match(body)
            if plain is not None and plain["kind"] is None and plain["eq"] is None:
                resolve(plain["path"])  # raises PathError, a ValueError, for an unknown field
                parts.append((plain["path"],))
            else:
                parts.append(_piece(body))
    parts.append(text[last:])
    return tuple(p for p in parts if p != "")


def compile_template(text: str) -> Callable[[Any], str]:
    """Compile ``text``; raise :class:`TemplateError` for a bad placeholder."""
    pieces = tuple(getter(p[0]) if isinstance(p, tuple) else p for p in parse_template(text))
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
