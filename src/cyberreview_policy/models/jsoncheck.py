"""JSON the record validator would silently misread, found before it reads it.

pydantic-core's parser (like Python's) keeps the last of two equal keys, takes
``NaN`` and ``Infinity`` for numbers, and keeps NUL; a record so written is
ambiguous (which ``vendor.name`` did the buyer mean?), prints as a decision
that is not JSON, or cannot be stored (PostgreSQL text holds no NUL).
:func:`unfit` finds the first such thing with one pass of jiter, the JSON
parser pydantic-core is built on, which catches duplicate keys in Rust; the
path to it is looked for only when there is one.  Text that is not JSON at all
is left to the validator, which says why.

That pass parses the text a second time, into Python objects it throws away.
:func:`surely_fit` spares it for the text of a record the validator has accepted,
when counting its colons proves that no key is in it twice: see there.
"""

from __future__ import annotations

import json
import re
from collections.abc import Iterator
from dataclasses import dataclass
from typing import Any

from ..errors import _, dotted

Loc = tuple[str | int, ...]

_AT = re.compile(r"^(.*) at line (\d+) column (\d+)$")
_DUPLICATE = re.compile(r'^Detected duplicate key "(.*)"$', re.S)


@dataclass(frozen=True)
class Unfit:
    """Why JSON text is refused: where in the data (``loc``), what, and at which line
    and column of the text (``None`` for a NUL: the field says where)."""

    loc: Loc
    message: str
    line: int | None = None
    column: int | None = None

    @property
    def parse_error(self) -> str:
        """The message with its place, as JSON parse errors are worded."""
        return f"{self.message} at line {self.line} column {self.column}"


def unfit(text: str | bytes) -> Unfit | None:
    """The first duplicate key, ``NaN``/``Infinity`` or NUL in JSON ``text``, or ``None``."""
    import jiter  # (imported when needed: most records never need it, see surely_fit)

    data = text if isinstance(text, bytes) else text.encode("utf-8", "surrogatepass")
    try:
        jiter.from_json(data, catch_duplicate_keys=True, allow_inf_nan=False, cache_mode="keys")
    except ValueError as exc:
        return _explained(data, str(exc))
    if b"\\u0000" in data:
        found = _find(json.loads(data), lambda value: isinstance(value, str) and "\0" in value)
        if found is not None:
            return Unfit(
                found,
                _(
                    "a NUL character (\\u0000) is not text and cannot be stored: fix the text "
                    "at the source"
                ),
            )
    return None


def surely_fit(text: str | bytes, keys: int) -> bool:
    """Whether JSON ``text``, which the record validator accepted and which held ``keys``
    object keys in all (each object's distinct keys, counted in every object), surely
    holds no duplicate key or NUL (``False``: :func:`unfit` must look).

    Sound by counting: every member of every object is written with one colon, and
    other colons can only be in strings, so the text holds at least as many colons as
    members.  A key given twice leaves a member out of the data, so the data has fewer
    keys than the text has members: as many colons as keys means no duplicate.  A
    NUL cannot be written without a backslash.  (``NaN`` and ``Infinity`` the
    validator refuses everywhere but in ``attributes``, where the caller looks.)
    """
    if isinstance(text, bytes):
        return text.count(b":") == keys and (b"\\" not in text or b"\\u0000" not in text)
    return text.count(":") == keys and ("\\" not in text or "\\u0000" not in text)


def loads(data: bytes) -> Any:
    """JSON data from ``data`` (UTF-8), refusing what :func:`unfit` refuses;
    :class:`ValueError` says what and where."""
    import jiter

    try:
        value = jiter.from_json(data, catch_duplicate_keys=True, allow_inf_nan=False)
    except ValueError as exc:
        found = _explained(data, str(exc))
        raise ValueError(found.parse_error if found is not None else str(exc)) from None
    return value


def non_finite(value: Any, loc: Loc = ()) -> Loc | None:
    """Where in ``value`` (JSON data) a float is infinite or NaN (a number too large
    for a float, such as ``1e400``, overflows to infinity), or ``None``."""
    return _find(value, lambda item: isinstance(item, float) and item - item != 0, loc)


def _explained(data: bytes, error: str) -> Unfit | None:
    where = _AT.match(error)
    if where is None:
        return None
    problem, line, column = where.group(1), int(where.group(2)), int(where.group(3))
    import jiter

    duplicate = _DUPLICATE.match(problem)
    if duplicate is not None:
        key = duplicate.group(1)
        loc = _duplicate_loc(data, key)
        if len(loc) > 1:
            said = _('duplicate key "{key}" in {where}: the record is ambiguous').format(
                key=key, where=dotted(loc[:-1])
            )
        else:
            said = _('duplicate key "{key}": the record is ambiguous').format(key=key)
        return Unfit(loc, said, line, column)
    try:  # refused for NaN or Infinity, or not JSON at all?
        jiter.from_json(data, catch_duplicate_keys=True, allow_inf_nan=True)
    except ValueError as again:
        later = _AT.match(str(again))
        if later is not None and _DUPLICATE.match(later.group(1)):
            return _explained(data, str(again))  # a duplicate after the NaN
        return None  # not JSON: the validator says why
    tree = json.loads(data, parse_constant=_Constant)
    at = _find(tree, lambda value: isinstance(value, _Constant))
    return Unfit(at or (), _("NaN and Infinity are not numbers in JSON"), line, column)


class _Constant(str):
    """``NaN``, ``Infinity`` or ``-Infinity`` where Python's parser met it."""


class _Pairs(list[tuple[str, Any]]):
    """An object's members in order, duplicates kept."""


def _duplicate_loc(data: bytes, key: str) -> Loc:
    """The path to the second ``key`` of an object (the first object that has one twice);
    just the key when the text breaks off after it (it is not JSON)."""
    try:
        tree = json.loads(data, object_pairs_hook=_Pairs)
    except ValueError:
        return (key,)

    def walk(node: Any, loc: Loc) -> Loc | None:
        if isinstance(node, _Pairs):
            names = [name for name, _ in node]
            if names.count(key) > 1:
                return (*loc, key)
            children: Iterator[tuple[str | int, Any]] = iter(node)
        elif isinstance(node, list):
            children = enumerate(node)
        else:
            return None
        for part, child in children:
            found = walk(child, (*loc, part))
            if found is not None:
                return found
        return None

    return walk(tree, ()) or (key,)


def _find(value: Any, test: Any, loc: Loc = ()) -> Loc | None:
    if test(value):
        return loc
    if isinstance(value, dict):
        items: Iterator[tuple[str | int, Any]] = iter(value.items())
    elif isinstance(value, list):
        items = enumerate(value)
    else:
        return None
    for part, child in items:
        found = _find(child, test, (*loc, part))
        if found is not None:
            return found
    return None
