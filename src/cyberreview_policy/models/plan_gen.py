"""Generate the record plan (``record_plan.json``) from the pydantic record model.

The plan is a plain-JSON description of every field of the canonical record
(type, enum choices, nullability, defaults, constraints).  It lets the gate
resolve field paths and validate a record in its canonical form without
importing pydantic (:mod:`cyberreview_policy.fastrecord`).  It is derived,
never written by hand: ``tests/test_record_plan.py`` fails when it is stale.

Regenerate with ``python -m cyberreview_policy.models.plan_gen --write``.
"""

from __future__ import annotations

import datetime as dt
import json
import sys
import types
import typing
from decimal import Decimal
from pathlib import Path
from typing import Any, Literal

import annotated_types
from pydantic import BaseModel
from pydantic.fields import FieldInfo

from .record import Record

PLAN_FILE = Path(__file__).resolve().parent.parent / "record_plan.json"
PLAN_VERSION = 1


class PlanError(TypeError):
    """A model feature the plan (and the fast validator) does not know."""


def _split(annotation: Any) -> tuple[Any, bool, list[Any]]:
    """(bare type, nullable, metadata) of an annotation."""
    nullable = False
    metadata: list[Any] = []
    while True:
        origin = typing.get_origin(annotation)
        if origin is typing.Annotated:
            annotation, *extra = typing.get_args(annotation)
            metadata.extend(extra)
        elif origin in (typing.Union, types.UnionType):
            args = [a for a in typing.get_args(annotation) if a is not type(None)]
            if len(args) != 1:
                raise PlanError(f"unsupported union {annotation!r}")
            nullable = True
            annotation = args[0]
        else:
            return annotation, nullable, metadata


def _constraints(metadata: list[Any], entry: dict[str, Any]) -> None:
    for item in metadata:
        if isinstance(item, FieldInfo):
            _constraints(list(item.metadata), entry)
        elif isinstance(item, annotated_types.Ge):
            entry["ge"] = item.ge
        elif isinstance(item, annotated_types.MinLen):
            entry["min_length"] = item.min_length
        elif getattr(item, "pattern", None) is not None:
            entry["pattern"] = item.pattern
        elif type(item).__name__ == "Strict":
            entry["strict"] = True
        else:
            raise PlanError(f"unsupported constraint {item!r}")


def _kind(annotation: Any, entry: dict[str, Any], models: dict[str, Any]) -> None:
    origin = typing.get_origin(annotation)
    if origin is Literal:
        entry["kind"] = "enum"
        entry["choices"] = [str(a) for a in typing.get_args(annotation)]
    elif origin is list:
        item, nullable, metadata = _split(typing.get_args(annotation)[0])
        if nullable or metadata:
            raise PlanError(f"unsupported list item {item!r}")
        inner: dict[str, Any] = {}
        _kind(item, inner, models)
        entry["kind"] = "list"
        entry["item"] = inner["kind"]
        if "choices" in inner:
            entry["choices"] = inner["choices"]
    elif origin is dict:
        entry["kind"] = "any"
    elif isinstance(annotation, type) and issubclass(annotation, BaseModel):
        entry["kind"] = "object"
        entry["model"] = annotation.__name__
        _model(annotation, models)
    else:
        simple = {
            bool: "bool",
            str: "str",
            int: "int",
            float: "float",
            Decimal: "decimal",
            dt.date: "date",
            dt.datetime: "datetime",
        }
        if annotation not in simple:
            raise PlanError(f"unsupported type {annotation!r}")
        entry["kind"] = simple[annotation]


def _default(info: FieldInfo) -> Any:
    value = info.default
    if isinstance(value, BaseModel):
        if value.model_fields_set:
            raise PlanError(f"a non-empty model default {value!r}")
        return "$model"
    if isinstance(value, list | dict) and value:
        raise PlanError(f"a non-empty default {value!r}")
    return value


def _field(info: FieldInfo, models: dict[str, Any]) -> dict[str, Any]:
    annotation, nullable, metadata = _split(info.annotation)
    entry: dict[str, Any] = {"nullable": nullable, "required": info.is_required()}
    _kind(annotation, entry, models)
    _constraints([*metadata, *info.metadata], entry)
    if not entry["required"]:
        entry["default"] = _default(info)
    return entry


def _model(model: type[BaseModel], models: dict[str, Any]) -> None:
    name = model.__name__
    if name in models:
        return
    models[name] = {}  # placeholder against recursion
    models[name] = {"fields": {n: _field(i, models) for n, i in model.model_fields.items()}}


def build_plan() -> dict[str, Any]:
    models: dict[str, Any] = {}
    _model(Record, models)
    # Record's model validator: a product is required unless the record is a listing.
    models["Record"]["requires_product_unless_listing"] = True
    return {"version": PLAN_VERSION, "root": "Record", "models": models}


def plan_text() -> str:
    return json.dumps(build_plan(), indent=1, sort_keys=True) + "\n"


def main(argv: list[str]) -> int:
    if argv == ["--write"]:
        PLAN_FILE.write_text(plan_text(), encoding="utf-8")
        print(f"wrote {PLAN_FILE}")
    else:
        sys.stdout.write(plan_text())
    return 0


if __name__ == "__main__":
    raise SystemExit(main(sys.argv[1:]))
