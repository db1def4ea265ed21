"""The gate's fast path: accept a record in canonical form without importing pydantic.

``cyberreview gate`` must start in a few dozen milliseconds, and importing
pydantic alone costs more than that.  This module accepts a record only when
it is *certainly* valid in its canonical JSON form (exact JSON types, known
fields, enum values, ISO dates), judged against the record plan that is
generated from the pydantic model.  Anything else -- an error, a lax form
pydantic would coerce, a feature this module does not handle -- is deferred:
the caller validates with pydantic, which gives the one authoritative answer
and error message.  The fast path never rejects.

It builds attribute namespaces with the same values and defaults as the
pydantic model (``tests/test_fast_path.py`` checks record for record), so the
engine, templates and case digests cannot tell the two apart.
"""

from __future__ import annotations

import datetime as dt
import hashlib
import json
import re
from decimal import Decimal
from functools import cache
from types import SimpleNamespace
from typing import Any

from .paths import record_plan

_DATE = re.compile(r"\d{4}-\d{2}-\d{2}")


class Defer(Exception):
    """Not certainly valid in canonical form: ask pydantic."""


@cache
def _pattern(text: str) -> re.Pattern[str]:
    return re.compile(text)


def _number(value: Any, entry: dict[str, Any]) -> Any:
    if type(value) is bool or not isinstance(value, int | float):
        raise Defer
    kind = entry["kind"]
    if kind == "int":
        if type(value) is not int:
            raise Defer
        out: Any = value
    elif kind == "float":
        out = float(value)
    else:  # decimal: integers only (pydantic's handling of JSON floats is its own)
        if type(value) is not int:
            raise Defer
        out = Decimal(value)
    if "ge" in entry and not out >= entry["ge"]:
        raise Defer
    return out


def _bool(value: Any, entry: dict[str, Any]) -> Any:
    if type(value) is not bool:
        raise Defer
    return value


def _text(value: Any, entry: dict[str, Any]) -> Any:
    if type(value) is not str or len(value) < entry.get("min_length", 0):
        raise Defer
    if entry["kind"] == "enum" and value not in entry["choices"]:
        raise Defer
    if "pattern" in entry and not _pattern(entry["pattern"]).search(value):
        raise Defer
    return value


def _date(value: Any, entry: dict[str, Any]) -> Any:
    if type(value) is not str or not _DATE.fullmatch(value):
        raise Defer
    try:
        return dt.date.fromisoformat(value)
    except ValueError:
        raise Defer from None


def _list(value: Any, entry: dict[str, Any]) -> Any:
    if type(value) is not list or entry.get("item") != "enum":
        raise Defer
    for item in value:
        if type(item) is not str or item not in entry["choices"]:
            raise Defer
    return list(value)


def _object(value: Any, entry: dict[str, Any]) -> Any:
    return _model(entry["model"], value)


def _free(value: Any, entry: dict[str, Any]) -> Any:
    if type(value) is not dict:
        raise Defer
    return value


_KINDS = {
    "bool": _bool,
    "str": _text,
    "enum": _text,
    "int": _number,
    "float": _number,
    "decimal": _number,
    "date": _date,
    "list": _list,
    "object": _object,
    "any": _free,
}


def _value(value: Any, entry: dict[str, Any]) -> Any:
    convert = _KINDS.get(entry["kind"])
    if convert is None:  # datetime, and anything new: pydantic knows
        raise Defer
    return convert(value, entry)


def _default(entry: dict[str, Any]) -> Any:
    default = entry["default"]
    if default == "$model":
        return _model(entry["model"], {})
    if isinstance(default, list | dict):
        return type(default)()
    return default


def _model(name: str, data: Any) -> SimpleNamespace:
    if type(data) is not dict:
        raise Defer
    spec = record_plan()["models"][name]
    fields = spec["fields"]
    for key in data:
        if key not in fields:
            raise Defer
    values: dict[str, Any] = {}
    for field, entry in fields.items():
        if field not in data:
            if entry["required"]:
                raise Defer
            values[field] = _default(entry)
            continue
        value = data[field]
        if value is None:
            if not entry["nullable"]:
                raise Defer
            values[field] = None
        else:
            values[field] = _value(value, entry)
    if spec.get("requires_product_unless_listing") and (
        values.get("product") is None and values.get("kind") != "listing"
    ):
        raise Defer
    return SimpleNamespace(**values)


def from_data(data: Any) -> SimpleNamespace:
    """A record namespace from parsed JSON data; raises :class:`Defer`."""
    return _model(record_plan()["root"], data)


def from_text(text: str | bytes) -> SimpleNamespace | None:
    """A record namespace from JSON text, or ``None``: validate with pydantic then."""
    try:
        return from_data(json.loads(text))
    except (ValueError, RecursionError, Defer):
        return None


# -- what both kinds of record share ------------------------------------------


def record_key(record: Any) -> str:
    """The record's identity across runs: adapter and id."""
    source = record.source
    adapter = source.adapter if source is not None else None
    return f"{adapter}:{record.id}" if adapter else str(record.id)


def plain(value: Any) -> Any:
    """JSON data of a record or a part of it, pydantic model or namespace alike."""
    if hasattr(value, "model_dump"):
        return value.model_dump(mode="json")
    if isinstance(value, SimpleNamespace):
        return {key: plain(item) for key, item in vars(value).items()}
    if isinstance(value, list):
        return [plain(item) for item in value]
    if isinstance(value, dict):
        return {key: plain(item) for key, item in value.items()}
    if isinstance(value, dt.datetime):
        text = value.isoformat()
        return text[:-6] + "Z" if text.endswith("+00:00") else text
    if isinstance(value, dt.date):
        return value.isoformat()
    if isinstance(value, Decimal):
        return str(value)
    return value


def record_digest(record: Any) -> str:
    """A stable digest of the record's content (``sha256:`` + hex)."""
    text = json.dumps(plain(record), sort_keys=True, separators=(",", ":"), ensure_ascii=False)
    return "sha256:" + hashlib.sha256(text.encode()).hexdigest()


def source_info(record: Any) -> dict[str, Any] | None:
    """The record's ``source`` as decision data."""
    source = record.source
    if source is None:
        return None
    fetched = source.fetched_at
    return {
        "adapter": source.adapter,
        "ref": source.ref,
        "fetched_at": fetched.isoformat() if fetched is not None else None,
    }
