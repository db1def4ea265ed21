"""Dotted field paths into the canonical record: resolution, types and getters.

Policies name record facts as ``operator.ciio`` or ``attributes.erp.category``.
A path is resolved once, when a policy loads: an unknown field is an error with
a suggestion, and the field's type lets the compiler check operands.  The
getter it yields is a plain callable returning ``None`` for anything unknown.
"""

from __future__ import annotations

import difflib
import json
from collections.abc import Callable
from dataclasses import dataclass
from functools import cache
from operator import attrgetter
from pathlib import Path
from typing import Any, Literal

FieldKind = Literal["bool", "str", "enum", "number", "date", "datetime", "list", "object", "any"]
Getter = Callable[[Any], Any]
PLAN_FILE = "record_plan.json"


class PathError(ValueError):
    """A dotted path that does not name a record field."""


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
        if self.kind == "enum":
            return "one of " + ", ".join(self.choices)
        if self.kind == "list" and self.choices:
            return "a list of " + ", ".join(self.choices)
        return {"bool": "a boolean", "number": "a number", "date": "a date"}.get(
            self.kind, f"a {self.kind}"
        )


@cache
def record_plan() -> dict[str, Any]:
    """The record plan: every field's type, generated from the pydantic model
    (see :mod:`cyberreview_policy.models.plan_gen`), read without pydantic."""
    data: dict[str, Any] = json.loads((Path(__file__).parent / PLAN_FILE).read_text("utf-8"))
    return data


_NUMBER = {"int", "float", "decimal"}


def _field_kind(entry: dict[str, Any]) -> FieldKind:
    kind: FieldKind = "number" if entry["kind"] in _NUMBER else entry["kind"]
    return kind


def _suggest(name: str, known: list[str]) -> str:
    close = difflib.get_close_matches(name, known, n=1)
    return f" (did you mean {close[0]!r}?)" if close else ""


@cache
def resolve(path: str) -> FieldType:
    """Resolve ``path`` against the canonical record, or raise :class:`PathError`."""
    parts = path.split(".")
    if not all(parts):
        raise PathError(f"{path!r} is not a dotted field path")
    plan = record_plan()
    model = plan["models"][plan["root"]]
    attrs: list[str] = []
    broken = False
    for index, part in enumerate(parts):
        fields = model["fields"]
        if part not in fields:
            prefix = ".".join(attrs)
            where = f"{prefix!r}" if prefix else "the record"
            raise PathError(
                f"unknown field path {path!r}: {where} has no field {part!r}"
                + _suggest(part, list(fields))
            )
        attrs.append(part)
        entry = fields[part]
        kind = _field_kind(entry)
        rest = parts[index + 1 :]
        if kind == "object" and rest:
            model = plan["models"][entry["model"]]
            broken = broken or entry["nullable"]
            continue
        if kind == "any" and rest:
            return FieldType(path, "any", attrs=tuple(attrs), keys=tuple(rest))
        if rest:
            raise PathError(f"unknown field path {path!r}: {'.'.join(attrs)!r} is {kind}")
        item = entry.get("item")
        return FieldType(
            path,
            kind,
            tuple(entry.get("choices", ())),
            "number" if item in _NUMBER else item,
            tuple(attrs),
            nullable_on_the_way=broken,
        )
    raise AssertionError("unreachable")


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
    plan = record_plan()
    out: list[str] = []

    def walk(model: str, prefix: str) -> None:
        for name, entry in plan["models"][model]["fields"].items():
            if entry["kind"] == "object":
                walk(entry["model"], f"{prefix}{name}.")
            else:
                out.append(f"{prefix}{name}")

    walk(plan["root"], "")
    return out
