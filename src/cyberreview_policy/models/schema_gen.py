"""Generate ``record_schema.json``: the record's pydantic-core schema, as JSON.

:mod:`.record` (pydantic) is the one definition of the record contract.  The
runtime validates records with :mod:`.validate`, a ``pydantic_core.SchemaValidator``
built from the core schema pydantic generates for that model, stored in the
package so that ``cyberreview gate`` need not import pydantic.  What cannot be
JSON is replaced by a marker that :mod:`.validate` resolves:

- a model's class: ``{"$class": "Operator"}`` (the runtime builds a light class);
- a model instance as a default (``Specs()``): ``{"$empty": "Specs"}``;
- the record's model validator: ``{"$function": "product_required"}``.

Metadata (JSON Schema hints), titles and refs are dropped: they do not change what
is valid.  ``tests/models/test_validate.py`` fails when the stored file differs
from what the model generates; regenerate with
``python -m cyberreview_policy.models.schema_gen --write``.
"""

from __future__ import annotations

import sys
from pathlib import Path
from typing import Any

from pydantic import BaseModel

from .record import Record

SCHEMA_FILE = Path(__file__).resolve().parent / "record_schema.json"
#: the record's model validators, by the name :mod:`.validate` knows them
FUNCTIONS = {"_product_for_purchase_and_asset": "product_required"}
_DROP = {"metadata", "ref", "custom_init", "root_model", "post_init", "title"}
#: keys whose values map names (fields, typed-dict keys) to schemas: never dropped
_NAMED = {"fields"}


def _plain(node: Any) -> Any:
    if isinstance(node, dict):
        out: dict[str, Any] = {}
        for key, value in node.items():
            if key in _DROP:
                continue
            if key in _NAMED and isinstance(value, dict):
                out[key] = {name: _plain(field) for name, field in value.items()}
            elif key == "cls" and isinstance(value, type):
                out[key] = {"$class": value.__name__}
            elif key == "function" and callable(value):
                name = getattr(value, "__name__", "")
                if name not in FUNCTIONS:
                    raise TypeError(f"record validator {name!r} has no runtime twin")
                out[key] = {"$function": FUNCTIONS[name]}
            elif key == "default" and isinstance(value, BaseModel):
                if value.model_fields_set:
                    raise TypeError(f"a non-empty model default {value!r}")
                out[key] = {"$empty": type(value).__name__}
            else:
                out[key] = _plain(value)
        return out
    if isinstance(node, list):
        return [_plain(item) for item in node]
    if node is None or isinstance(node, str | int | float | bool):
        return node
    raise TypeError(f"cannot store {type(node).__name__} in the record schema: {node!r}")


def build() -> dict[str, Any]:
    """The record's core schema, JSON-able."""
    schema: dict[str, Any] = _plain(dict(Record.__pydantic_core_schema__))
    return schema


def text() -> str:
    import json

    return json.dumps(build(), indent=1, ensure_ascii=False) + "\n"


def main(argv: list[str]) -> int:
    if argv == ["--write"]:
        SCHEMA_FILE.write_text(text(), encoding="utf-8")
        print(f"wrote {SCHEMA_FILE}")
    else:
        sys.stdout.write(text())
    return 0


if __name__ == "__main__":
    raise SystemExit(main(sys.argv[1:]))
