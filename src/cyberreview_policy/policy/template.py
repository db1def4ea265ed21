"""Message templates: ``{dotted.path}`` inserts a record fact; ``{{`` is a brace.

Compiled at load (paths are checked then), rendered per finding.  Unknown
values render as ``unknown``, so a message never hides that a fact is missing.
A value of a fixed set (a category, a review status) reads as its word, never as
its raw value (:mod:`..i18n.words`); a template of another language
(``compile_template(text, "zh-CN")``) shows every value as that language writes
it: 是/否/未知, dates as 2026年12月5日, amounts in 万/亿.
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
from ..i18n.catalog import _
from ..i18n.lang import Lang
from ..i18n.words import PATH_KINDS, kind_for_choices, localized_value, word
from ..models.paths import FieldType, getter, resolve

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
        return "yes" if value else "no"
    if isinstance(value, Decimal):
        return f"{value:,.2f}".rstrip("0").rstrip(".") if value % 1 else f"{value:,.0f}"
    if isinstance(value, dt.date):
        return value.isoformat()
    if isinstance(value, list):
        return ", ".join(show(item) for item in value) or "none"
    return str(value)


def _as_words(field: FieldType, get: Callable[[Any], Any]) -> Callable[[Any], Any] | None:
    """A getter that reads a value of a fixed set as its English word (``None``: the
    field is not one)."""
    kind = kind_for_choices(field.choices) if field.choices else None
    if kind is None:
        return None
    if field.kind == "list":
        return lambda record: ", ".join(word(kind, v, "en") for v in get(record) or ()) or "none"

    def read(record: Any) -> Any:
        value = get(record)
        return value if value is None else word(kind, value, "en")

    return read


def _piece(body: str) -> Callable[[Any], Any]:
    """One ``{...}``: a getter, or a function of the record giving the text to insert."""
    match = _PIECE.match(body)
    if match is None:
        raise TemplateError(
            _("{{{body}}} is not {{path}}, {{path|text}} or {{path?text}}").format(body=body)
        )
    path, eq, kind, text = match["path"], match["eq"], match["kind"], match["text"]
    field = resolve(path)  # raises PathError, a ValueError, for an unknown field
    get = getter(path)
    if kind is None:
        if eq is not None:
            raise TemplateError(
                _("{{{body}}}: '=' needs the text to insert, as {{path=value?text}}").format(
                    body=body
                )
            )
        return get
    if kind == "|":
        if eq is not None:
            raise TemplateError(
                _("{{{body}}}: write {{path|text}} or {{path=value?text}}").format(body=body)
            )
        shown = _as_words(field, get) or get
        return _inserting(lambda record: _or(shown(record), text), path, field, text)
    if eq is None:
        if field.kind not in ("bool", "any"):
            raise TemplateError(
                _("{{{body}}}: {path} is not a yes/no fact; write {{path=value?text}}").format(
                    body=body, path=path
                )
            )
        return lambda record: text if get(record) is True else ""
    wanted = eq.strip()
    if field.kind == "enum" and wanted not in field.choices:
        raise TemplateError(
            _("{{{body}}}: {wanted} is not one of {value}").format(
                body=body, wanted=repr(wanted), value=", ".join(field.choices)
            )
        )
    return lambda record: text if _shown(get(record)) == wanted else ""


class Inserting:
    """A piece of a template that inserts a word for a field of a fixed set of values:
    ``inserts`` is the field's path and the text inserted for each value it can hold
    (the generated code of a pack looks it up instead of calling the piece)."""

    __slots__ = ("call", "inserts")

    def __init__(self, call: Callable[[Any], Any], inserts: tuple[str, dict[Any, str]]):
        self.call = call
        self.inserts = inserts

    def __call__(self, record: Any) -> Any:
        return self.call(record)


def _inserting(
    call: Callable[[Any], Any], path: str, field: FieldType, unknown: str
) -> Callable[[Any], Any]:
    """``call``, as an :class:`Inserting` when ``field`` is of a fixed set of values
    with words (``unknown``: what it inserts for ``None``)."""
    kind = kind_for_choices(field.choices) if field.choices else None
    if kind is None or field.kind != "enum":
        return call
    table = {value: word(kind, value, "en") for value in field.choices}
    return Inserting(call, (path, {None: unknown, **table}))


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
                _("unbalanced {token} at position {value} (write {value2})").format(
                    token=repr(token), value=match.start(), value2=token * 2
                )
            )
        else:
            body = match.group(1)
            plain = _PIECE.match(body)
            if plain is not None and plain["kind"] is None and plain["eq"] is None:
                # raises PathError, a ValueError, for an unknown field
                path, field = plain["path"], resolve(plain["path"])
                words = _as_words(field, getter(path))
                shown = None if words is None else _inserting(words, path, field, show(None))
                parts.append((path,) if shown is None else shown)
            else:
                parts.append(_piece(body))
    parts.append(text[last:])
    return tuple(p for p in parts if p != "")


#: ``{path...}`` in a template, with what decides its value: (path, ``=value``)
_PLACE = re.compile(r"\{\{|\}\}|\{\s*([^{}|?=\s]+)\s*(?:=([^{}|?]*))?[^{}]*\}")


def placeholders(text: str) -> set[tuple[str, str | None]]:
    """The facts ``text`` inserts, as ``(path, value)`` pairs: two languages of one
    message must insert the same (the words around them and after ``|`` or ``?``
    differ)."""
    found = set()
    for match in _PLACE.finditer(text):
        if match.group(1):
            eq = match.group(2)
            found.add((match.group(1), None if eq is None else eq.strip()))
    return found


def compile_template(text: str, lang: Lang = "en") -> Callable[[Any], str]:
    """Compile ``text``; raise :class:`TemplateError` for a bad placeholder.  In a
    language other than English, every inserted value is written as it reads there."""
    if lang != "en":
        return _compile_localized(text, lang)
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


def _compile_localized(text: str, lang: Lang) -> Callable[[Any], str]:
    """A template of language ``lang``: each plain ``{path}`` shows its value in that
    language (words, 是/否/未知, dates, amounts); ``{path|text}`` likewise, or ``text``."""
    parse_template(text)  # the same checks as in English
    shown: list[str | Callable[[Any], str]] = []
    last = 0
    for match in _TOKEN.finditer(text):
        shown.append(text[last : match.start()])
        last = match.end()
        token = match.group(0)
        if token in ("{{", "}}"):
            shown.append(token[0])
            continue
        body = match.group(1)
        plain = _PIECE.match(body)
        if plain is not None and plain["eq"] is None and plain["kind"] in (None, "|"):
            path = plain["path"]
            fallback = plain["text"] if plain["kind"] == "|" else None
            shown.append(_local_getter(resolve(path), getter(path), fallback, lang))
        else:  # {path?text}, {path=value?text}: the text, written in the language
            shown.append(_piece(body))
    shown.append(text[last:])
    pieces = tuple(piece for piece in shown if piece != "")

    def render(record: Any) -> str:
        return "".join(p if type(p) is str else p(record) for p in pieces)  # type: ignore[operator]

    return render


def _local_getter(
    field: FieldType, get: Callable[[Any], Any], fallback: str | None, lang: Lang
) -> Callable[[Any], str]:
    kind = PATH_KINDS.get(field.path) or (
        kind_for_choices(field.choices) if field.choices else None
    )

    def read(record: Any) -> str:
        value = get(record)
        if value is None and fallback is not None:
            return fallback
        return localized_value(value, kind, field.path, lang)

    return read
