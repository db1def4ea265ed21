"""OData v2 system query options for the local S/4HANA: ``$filter``, ``$orderby``,
``$select``, ``$expand``, as SAP Gateway evaluates them against the service model.

``$filter``: ``eq ne gt ge lt le``, ``and or not``, parentheses, the functions
``substringof startswith endswith tolower toupper``, literals ``'text'`` (``''``
for a quote), ``datetime'…'``, ``datetimeoffset'…'``, numbers (``12``, ``12.5M``),
``true false null``.  A property the entity type does not have, a literal of the
wrong type for its property (``LastChangeDateTime ge '2026-01-01'``), or syntax
SAP would not take is a :class:`QueryError` (HTTP 400).  ``NonNegative`` strings
(NUMC: ``PurchaseOrderItem``) compare as numbers, so ``'10'`` matches ``'00010'``.
"""

from __future__ import annotations

import datetime as dt
import re
from dataclasses import dataclass
from decimal import Decimal, InvalidOperation
from typing import Any

from s4_model import EntityType, Prop

_TOKEN = re.compile(
    r"\s*(?:(?P<lit>(?:datetimeoffset|datetime|guid|time)?'(?:[^']|'')*')"
    r"|(?P<num>-?\d+(?:\.\d+)?[MmDdLlFf]?)"
    r"|(?P<name>[A-Za-z_][A-Za-z0-9_/]*)"
    r"|(?P<punct>[(),]))"
)
COMPARE = {"eq", "ne", "gt", "ge", "lt", "le"}
FUNCTIONS = {"substringof", "startswith", "endswith", "tolower", "toupper"}


class QueryError(Exception):
    """A query SAP Gateway would refuse with HTTP 400."""


@dataclass(frozen=True)
class Literal:
    kind: str  # string, datetime, datetimeoffset, number, bool, null, guid, time
    value: Any


@dataclass(frozen=True)
class Ref:
    prop: Prop


@dataclass(frozen=True)
class Call:
    name: str
    args: tuple[Any, ...]


@dataclass(frozen=True)
class Op:
    op: str
    left: Any
    right: Any


def tokens(text: str) -> list[str]:
    out, at = [], 0
    text = text.strip()
    while at < len(text):
        found = _TOKEN.match(text, at)
        if found is None or found.end() == at:
            raise QueryError(f"Invalid token at position {at} in $filter: {text[at : at + 20]!r}")
        out.append(found.group().strip())
        at = found.end()
    return [t for t in out if t]


def _literal(token: str) -> Literal | None:
    if "'" in token:
        prefix, body = token.split("'", 1)
        value = body[:-1].replace("''", "'")
        if prefix == "datetimeoffset":
            return Literal("datetimeoffset", _instant(value, offset=True))
        if prefix == "datetime":
            return Literal("datetime", _instant(value, offset=False))
        return Literal(prefix or "string", value)
    if re.fullmatch(r"-?\d+(?:\.\d+)?[MmDdLlFf]?", token):
        return Literal("number", Decimal(token.rstrip("MmDdLlFf")))
    if token in ("true", "false"):
        return Literal("bool", token == "true")
    if token == "null":
        return Literal("null", None)
    return None


def _instant(text: str, *, offset: bool) -> dt.datetime:
    try:
        when = dt.datetime.fromisoformat(text)
    except ValueError:
        raise QueryError(
            f"Invalid {'datetimeoffset' if offset else 'datetime'} literal {text!r}"
        ) from None
    if offset and when.tzinfo is None:
        raise QueryError(f"Invalid datetimeoffset literal {text!r}: no offset")
    if not offset and when.tzinfo is not None:
        raise QueryError(f"Invalid datetime literal {text!r}: use datetimeoffset")
    return when if when.tzinfo else when.replace(tzinfo=dt.UTC)


class _Parser:
    def __init__(self, text: str, entity: EntityType):
        self.items = tokens(text)
        self.at = 0
        self.entity = entity

    def peek(self) -> str | None:
        return self.items[self.at] if self.at < len(self.items) else None

    def take(self, expected: str | None = None) -> str:
        token = self.peek()
        if token is None or (expected is not None and token != expected):
            raise QueryError(f"Invalid $filter: expected {expected or 'more'} at end")
        self.at += 1
        return token

    def parse(self) -> Any:
        node = self.or_()
        if self.peek() is not None:
            raise QueryError(f"Invalid $filter: unexpected {self.peek()!r}")
        return node

    def or_(self) -> Any:
        node = self.and_()
        while self.peek() == "or":
            self.take()
            node = Op("or", node, self.and_())
        return node

    def and_(self) -> Any:
        node = self.not_()
        while self.peek() == "and":
            self.take()
            node = Op("and", node, self.not_())
        return node

    def not_(self) -> Any:
        if self.peek() == "not":
            self.take()
            return Op("not", self.not_(), None)
        node = self.primary()
        if self.peek() in COMPARE:
            op = self.take()
            node = _typed(Op(op, node, self.primary()))
        return node

    def primary(self) -> Any:
        token = self.take()
        if token == "(":
            node = self.or_()
            self.take(")")
            return node
        literal = _literal(token)
        if literal is not None:
            return literal
        if token in FUNCTIONS and self.peek() == "(":
            self.take("(")
            args = [self.or_()]
            while self.peek() == ",":
                self.take()
                args.append(self.or_())
            self.take(")")
            return Call(token, tuple(args))
        if "/" in token:
            raise QueryError(f"Navigation property path {token!r} in $filter is not supported")
        prop = self.entity.props.get(token)
        if prop is None:
            raise QueryError(f"Property {token} not found in type {self.entity.name}")
        if not prop.filterable:
            raise QueryError(f"Property {token} is not filterable")
        return Ref(prop)


_KINDS = {
    "Edm.String": {"string"},
    "Edm.Decimal": {"number"},
    "Edm.DateTime": {"datetime"},
    "Edm.DateTimeOffset": {"datetimeoffset"},
    "Edm.Boolean": {"bool"},
}


def _typed(node: Op) -> Op:
    """A comparison of a property with a literal of another type is refused, as SAP does."""
    for ref, other in ((node.left, node.right), (node.right, node.left)):
        if isinstance(ref, Ref) and isinstance(other, Literal) and other.kind != "null":
            allowed = _KINDS.get(ref.prop.type, set())
            if other.kind not in allowed:
                raise QueryError(
                    f"Invalid parametertype used at function '{node.op}' "
                    f"({ref.prop.name} is {ref.prop.type}, not {other.kind})"
                )
    return node


class Filter:
    """A parsed ``$filter``: call it with a row."""

    def __init__(self, text: str, entity: EntityType):
        self.tree = _Parser(text, entity).parse()

    def __call__(self, row: dict[str, Any]) -> bool:
        return bool(_eval(self.tree, row))

    def only(self, name: str) -> set[Any] | None:
        """The values of property ``name`` a row must have to match (``A eq 'x' or A eq
        'y'``, and-ed with anything), or ``None`` when the filter does not say: lets the
        store look rows up instead of testing every one."""
        return _only(self.tree, name)


def parse_filter(text: str, entity: EntityType) -> Filter:
    return Filter(text, entity)


def _only(node: Any, name: str) -> set[Any] | None:
    if isinstance(node, Op) and node.op == "or":
        left, right = _only(node.left, name), _only(node.right, name)
        return None if left is None or right is None else left | right
    if isinstance(node, Op) and node.op == "and":
        left, right = _only(node.left, name), _only(node.right, name)
        if left is None or right is None:
            return left if right is None else right
        return left & right
    if isinstance(node, Op) and node.op == "eq":
        for ref, other in ((node.left, node.right), (node.right, node.left)):
            if isinstance(ref, Ref) and ref.prop.name == name and isinstance(other, Literal):
                return {other.value}
    return None


def _value(node: Any, row: dict[str, Any]) -> Any:
    if isinstance(node, Literal):
        return node.value
    if isinstance(node, Ref):
        return row.get(node.prop.name)
    return _eval(node, row)


def _numc(prop: Prop | None, value: Any) -> Any:
    if prop is not None and prop.display == "NonNegative" and isinstance(value, str):
        return int(value) if value.isdigit() else value
    return value


def _eval(node: Any, row: dict[str, Any]) -> Any:
    if isinstance(node, Call):
        args = [_value(a, row) for a in node.args]
        if node.name == "substringof":
            return isinstance(args[1], str) and str(args[0]) in args[1]
        if node.name == "startswith":
            return isinstance(args[0], str) and args[0].startswith(str(args[1]))
        if node.name == "endswith":
            return isinstance(args[0], str) and args[0].endswith(str(args[1]))
        if node.name in ("tolower", "toupper"):
            text = str(args[0] or "")
            return text.lower() if node.name == "tolower" else text.upper()
    if not isinstance(node, Op):
        return _value(node, row)
    if node.op == "and":
        return _eval(node.left, row) and _eval(node.right, row)
    if node.op == "or":
        return _eval(node.left, row) or _eval(node.right, row)
    if node.op == "not":
        return not _eval(node.left, row)
    prop = next((n.prop for n in (node.left, node.right) if isinstance(n, Ref)), None)
    left, right = _numc(prop, _value(node.left, row)), _numc(prop, _value(node.right, row))
    if isinstance(left, Decimal) or isinstance(right, Decimal):
        left, right = _decimal(left), _decimal(right)
    if node.op == "eq":
        return left == right
    if node.op == "ne":
        return left != right
    if left is None or right is None:
        return False  # SQL: nothing is greater or less than NULL
    try:
        return {"gt": left > right, "ge": left >= right, "lt": left < right, "le": left <= right}[
            node.op
        ]
    except TypeError:
        raise QueryError(f"Invalid comparison {node.op} of {left!r} and {right!r}") from None


def _decimal(value: Any) -> Any:
    if value is None or isinstance(value, Decimal):
        return value
    try:
        return Decimal(str(value))
    except InvalidOperation:
        return value


# -- $orderby, $select, $expand ------------------------------------------------------------


def parse_orderby(text: str, entity: EntityType) -> list[tuple[str, bool]]:
    """``A asc,B desc`` as ``[(A, False), (B, True)]``."""
    order = []
    for part in filter(None, (p.strip() for p in text.split(","))):
        words = part.split()
        if len(words) > 2 or (len(words) == 2 and words[1] not in ("asc", "desc")):
            raise QueryError(f"Invalid $orderby: {part!r}")
        if words[0] not in entity.props:
            raise QueryError(f"Property {words[0]} not found in type {entity.name}")
        order.append((words[0], len(words) == 2 and words[1] == "desc"))
    return order


def sort_key(row: dict[str, Any], name: str, prop: Prop) -> tuple[int, Any]:
    """NULLs first, as SAP HANA sorts ascending; NUMC as numbers."""
    value = _numc(prop, row.get(name))
    return (0, "") if value is None else (1, value)


def split_paths(text: str) -> list[list[str]]:
    """``to_A,to_A/to_B`` as ``[["to_A"], ["to_A", "to_B"]]``."""
    return [p.strip().split("/") for p in text.split(",") if p.strip()]
