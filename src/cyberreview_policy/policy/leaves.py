"""Field tests: one small builder per operator, each checking its operand against
the field's type at load time and returning a closure for evaluation.

The null rule lives here: a comparison (eq, ne, in, not_in, lt, le, gt, ge,
contains, matches) never holds on an unknown value.
"""

from __future__ import annotations

import datetime as dt
import re
import unicodedata
from collections.abc import Callable
from typing import TYPE_CHECKING, Any

from ..errors import OperandError
from ..i18n.catalog import _
from ..models.paths import FieldType, Getter

if TYPE_CHECKING:
    from .conditions import Test


_TYPES: dict[str, tuple[type, ...]] = {
    "bool": (bool,),
    "str": (str,),
    "number": (int, float),
    "date": (dt.date,),
    "datetime": (dt.datetime,),
}


def _fits(value: Any, ftype: FieldType, kind: str | None = None) -> None:
    """Raise :class:`OperandError` unless ``value`` can be compared with the field."""
    kind = kind or ftype.kind
    if kind == "any":
        return
    if kind == "enum" or (kind == "list" and ftype.choices):
        if value not in ftype.choices:
            raise OperandError(
                _("{value} is not one of {value2}").format(
                    value=repr(value), value2=", ".join(ftype.choices)
                )
            )
        return
    allowed = _TYPES.get(kind)
    if allowed is None:
        raise OperandError(
            _("{path} is {value} and cannot be compared").format(
                path=ftype.path, value=ftype.describe()
            )
        )
    if isinstance(value, bool) and bool not in allowed:
        raise OperandError(
            _("{value} is a boolean but {path} is {value2}").format(
                value=repr(value), path=ftype.path, value2=ftype.describe()
            )
        )
    if not isinstance(value, allowed) or (kind == "date" and isinstance(value, dt.datetime)):
        raise OperandError(
            _("{value} does not fit {path}, which is {value2}").format(
                value=repr(value), path=ftype.path, value2=ftype.describe()
            )
        )


def _equality(op: str, operand: Any, ftype: FieldType, get: Getter) -> Test:
    _fits(operand, ftype, ftype.item_kind if ftype.kind == "list" else None)
    if isinstance(operand, bool):

        def same(v: Any) -> bool:
            return v is operand
    else:

        def same(v: Any) -> bool:
            return v == operand and not isinstance(v, bool)

    wanted = op == "eq"

    def test(r: Any, c: Any) -> bool:
        v = get(r)
        return v is not None and same(v) is wanted

    return test


def _membership(op: str, operand: Any, ftype: FieldType, get: Getter) -> Test:
    for item in operand:
        _fits(item, ftype)
    choices = frozenset(operand)
    has_bool = any(isinstance(item, bool) for item in operand)
    inside = op == "in"

    def test(r: Any, c: Any) -> bool:
        v = get(r)
        if v is None or (isinstance(v, bool) and not has_bool):
            return False
        try:
            return (v in choices) is inside
        except TypeError:  # an unhashable attribute value
            return False

    return test


def normalized(text: str) -> str:
    """``text`` as ``in_normalized`` compares it: NFKC, case-folded, letters and digits only
    (``Core-Router``, ``core_router`` and ``CORE ROUTER`` are all ``corerouter``)."""
    folded = unicodedata.normalize("NFKC", text).casefold()
    return "".join(char for char in folded if char.isalnum())


def _normalized_membership(op: str, operand: Any, ftype: FieldType, get: Getter) -> Test:
    if ftype.kind not in ("str", "enum", "any"):
        raise OperandError(
            _("'{op}' compares text; {path} is {value}").format(
                op=op, path=ftype.path, value=ftype.describe()
            )
        )
    names: set[str] = set()
    for item in operand:
        key = normalized(item) if isinstance(item, str) else ""
        if not key:
            raise OperandError(
                _("{item} has no letters or digits to compare").format(item=repr(item))
            )
        names.add(key)
    choices = frozenset(names)

    def test(r: Any, c: Any) -> bool:
        v = get(r)
        return isinstance(v, str) and normalized(v) in choices

    return test


_ORDER: dict[str, Callable[[Any, Any], bool]] = {
    "lt": lambda v, o: v < o,
    "le": lambda v, o: v <= o,
    "gt": lambda v, o: v > o,
    "ge": lambda v, o: v >= o,
}


def _ordering(op: str, operand: Any, ftype: FieldType, get: Getter) -> Test:
    if ftype.kind not in ("number", "date", "datetime", "any"):
        raise OperandError(
            _("'{op}' compares numbers or dates; {path} is {value}").format(
                op=op, path=ftype.path, value=ftype.describe()
            )
        )
    _fits(operand, ftype)
    compare = _ORDER[op]

    def test(r: Any, c: Any) -> bool:
        v = get(r)
        if v is None or isinstance(v, bool):
            return False
        try:
            return bool(compare(v, operand))
        except TypeError:
            return False

    return test


def _contains(op: str, operand: Any, ftype: FieldType, get: Getter) -> Test:
    if ftype.kind == "list":
        _fits(operand, ftype, ftype.item_kind)
    elif ftype.kind == "str" and not isinstance(operand, str):
        raise OperandError(_("{operand} is not text").format(operand=repr(operand)))
    elif ftype.kind not in ("list", "str", "any"):
        raise OperandError(
            _("'contains' needs a list or text; {path} is {value}").format(
                path=ftype.path, value=ftype.describe()
            )
        )

    def test(r: Any, c: Any) -> bool:
        v = get(r)
        if isinstance(v, str):
            return isinstance(operand, str) and operand in v
        return isinstance(v, list) and operand in v

    return test


def _matches(op: str, operand: Any, ftype: FieldType, get: Getter) -> Test:
    if ftype.kind not in ("str", "enum", "any"):
        raise OperandError(
            _("'matches' needs text; {path} is {value}").format(
                path=ftype.path, value=ftype.describe()
            )
        )
    try:
        pattern = re.compile(operand)
    except re.error as exc:
        raise OperandError(_("invalid regular expression: {exc}").format(exc=exc)) from None

    def test(r: Any, c: Any) -> bool:
        v = get(r)
        return isinstance(v, str) and pattern.search(v) is not None

    return test


def _truth(op: str, operand: Any, ftype: FieldType, get: Getter) -> Test:
    if ftype.kind not in ("bool", "any"):
        raise OperandError(
            _("'{op}' needs a boolean field; {path} is {value}").format(
                op=op, path=ftype.path, value=ftype.describe()
            )
        )
    truth = op == "is_true"

    def test(r: Any, c: Any) -> bool:
        return get(r) is truth

    return test


def _is_null(op: str, operand: Any, ftype: FieldType, get: Getter) -> Test:
    def test(r: Any, c: Any) -> bool:
        return get(r) is None

    return test


def _presence(op: str, operand: Any, ftype: FieldType, get: Getter) -> Test:
    present = op == "exists"

    def test(r: Any, c: Any) -> bool:
        v = get(r)
        empty = v is None or (isinstance(v, str | list | dict) and len(v) == 0)
        return empty is not present

    return test


_BUILDERS: dict[str, Callable[[str, Any, FieldType, Getter], Test]] = {
    "eq": _equality,
    "ne": _equality,
    "in": _membership,
    "not_in": _membership,
    "in_normalized": _normalized_membership,
    "lt": _ordering,
    "le": _ordering,
    "gt": _ordering,
    "ge": _ordering,
    "contains": _contains,
    "matches": _matches,
    "is_true": _truth,
    "is_false": _truth,
    "is_null": _is_null,
    "exists": _presence,
    "missing": _presence,
}


def build_test(op: str, operand: Any, ftype: FieldType, get: Getter) -> Test:
    """The closure for ``{field, op: operand}``; raises :class:`OperandError`."""
    return _BUILDERS[op](op, operand, ftype, get)
