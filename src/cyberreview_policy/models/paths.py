"""Dotted field paths into the canonical record: resolution, types and getters.

Policies name record facts as ``operator.ciio`` or ``attributes.erp.category``.
A path is resolved once, when a policy loads: an unknown field is an error with
a suggestion, and the field's type lets the compiler check operands.  The
getter it yields is a plain callable returning ``None`` for anything unknown.
"""

from __future__ import annotations

from collections.abc import Callable
from dataclasses import dataclass
from functools import cache
from operator import attrgetter
from typing import Any, Literal

from ..errors import PathError, _

FieldKind = Literal["bool", "str", "enum", "number", "date", "datetime", "list", "object", "any"]
Getter = Callable[[Any], Any]


@dataclass(frozen=True)
class FieldType:
    """What a policy may assume about the value at a path."""

    path: str
    kind: FieldKind
    choices: tuple[str, ...] = ()  # for enums, and lists of enums
    item_kind: FieldKind | None = None  # for lists
    attrs: tuple[str, ...] = ()  # model attributes walked
    keys: tuple[str, ...] = ()  # free-form dict keys walked after them
    nullable_on_the_way: bool = False  # an object before the leaf may be None

    def describe(self) -> str:
        """What the field holds, as an error message says it (in its language)."""
        if self.kind == "enum":
            return _("one of {choices}").format(choices=", ".join(self.choices))
        if self.kind == "list" and self.choices:
            return _("a list of {choices}").format(choices=", ".join(self.choices))
        kinds = {"bool": _("a boolean"), "number": _("a number"), "date": _("a date")}
        return kinds.get(self.kind) or _("a {kind}").format(kind=self.kind)


_NUMBER = {"int", "float", "decimal"}


@dataclass(frozen=True)
class _Entry:
    """One field of the record's core schema, unwrapped."""

    kind: FieldKind
    nullable: bool
    schema: dict[str, Any]  # the bare schema (for objects: the model's)
    choices: tuple[str, ...] = ()
    item: FieldKind | None = None


def _bare(schema: dict[str, Any]) -> tuple[dict[str, Any], bool]:
    nullable = False
    while schema["type"] in {"default", "nullable", "function-after"}:
        nullable = nullable or schema["type"] == "nullable"
        schema = schema["schema"]
    return schema, nullable


def _kind(schema: dict[str, Any]) -> FieldKind:
    kind = schema["type"]
    if kind in _NUMBER:
        return "number"
    mapped: dict[str, FieldKind] = {
        "model": "object",
        "literal": "enum",
        "dict": "any",
        "any": "any",
        "str": "str",
        "bool": "bool",
        "date": "date",
        "datetime": "datetime",
        "list": "list",
    }
    return mapped[kind]


def _entry(field: dict[str, Any]) -> _Entry:
    bare, nullable = _bare(field["schema"])
    kind = _kind(bare)
    if kind == "enum":
        return _Entry(kind, nullable, bare, tuple(str(c) for c in bare["expected"]))
    if kind == "list":
        items, _rest = _bare(bare["items_schema"])
        choices = tuple(str(c) for c in items.get("expected", ()))
        return _Entry(kind, nullable, bare, choices, _kind(items))
    return _Entry(kind, nullable, bare)


_FIELDS: dict[int, dict[str, _Entry]] = {}


def _fields(model: dict[str, Any]) -> dict[str, _Entry]:
    """The fields of a model schema (read once: the stored schema is never freed)."""
    found = _FIELDS.get(id(model))
    if found is None:
        found = _FIELDS[id(model)] = {
            name: _entry(field) for name, field in model["schema"]["fields"].items()
        }
    return found


@cache
def _root() -> dict[str, Any]:
    """The record model's core schema (``record_schema.json``), read without pydantic."""
    from .validate import schema

    return _bare(schema())[0]


def _suggest(name: str, known: list[str]) -> str:
    import difflib  # only for a misspelt field: not imported at every start

    close = difflib.get_close_matches(name, known, n=1)
    return _(" (did you mean {name}?)").format(name=repr(close[0])) if close else ""


@cache
def resolve(path: str) -> FieldType:
    """Resolve ``path`` against the canonical record, or raise :class:`PathError`."""
    parts = path.split(".")
    if not all(parts):
        raise PathError(_("{path} is not a dotted field path").format(path=repr(path)))
    model = _root()
    attrs: list[str] = []
    broken = False
    for index, part in enumerate(parts):
        fields = _fields(model)
        if part not in fields:
            prefix = ".".join(attrs)
            where = f"{prefix!r}" if prefix else _("the record")
            raise PathError(
                _("unknown field path {path}: {where} has no field {part}").format(
                    path=repr(path), where=where, part=repr(part)
                )
                + _suggest(part, list(fields))
            )
        attrs.append(part)
        entry = fields[part]
        kind = entry.kind
        rest = parts[index + 1 :]
        if kind == "object" and rest:
            model = entry.schema
            broken = broken or entry.nullable
            continue
        if kind == "any" and rest:
            return FieldType(path, "any", attrs=tuple(attrs), keys=tuple(rest))
        if rest:
            raise PathError(
                _("unknown field path {path}: {value} is {kind}").format(
                    path=repr(path), value=repr(".".join(attrs)), kind=kind
                )
            )
        return FieldType(
            path, kind, entry.choices, entry.item, tuple(attrs), nullable_on_the_way=broken
        )
    raise AssertionError("unreachable")


@cache
def steps(path: str) -> tuple[tuple[str, bool], ...]:
    """The model attributes ``path`` walks, each with whether its value may be ``None``
    (free-form keys after them are not included: see :attr:`FieldType.keys`)."""
    model = _root()
    out = []
    for name in resolve(path).attrs:
        entry = _fields(model)[name]
        out.append((name, entry.nullable))
        if entry.kind == "object":
            model = entry.schema
    return tuple(out)


def getter(path: str) -> Getter:
    """A callable returning the value at ``path`` of a record, or ``None``."""
    field = resolve(path)
    get_attr = attrgetter(".".join(field.attrs))
    keys = field.keys
    if not keys and not field.nullable_on_the_way:
        return get_attr  # every object on the way is always there: C speed
    if not keys:

        def get(record: Any) -> Any:
            try:
                return get_attr(record)
            except AttributeError:  # an optional object on the way is None
                return None

        return get

    def get_free(record: Any) -> Any:
        try:
            value = get_attr(record)
        except AttributeError:
            return None
        for key in keys:
            if not isinstance(value, dict):
                return None
            value = value.get(key)
        return value

    return get_free


def all_paths() -> list[str]:
    """Every leaf path of the canonical record, for docs and completion."""
    out: list[str] = []

    def walk(model: dict[str, Any], prefix: str) -> None:
        for name, entry in _fields(model).items():
            if entry.kind == "object":
                walk(entry.schema, f"{prefix}{name}.")
            else:
                out.append(f"{prefix}{name}")

    walk(_root(), "")
    return out
