"""JSON text of decisions and other output data with the standard library only.

The sweep serialises decisions with orjson (:func:`decision_bytes`, in Rust, for
throughput), pydantic where orjson cannot; the gate, which must start fast,
uses the standard library (:func:`dumps`).  All give the same data: dates as
ISO strings, decimals as strings (``tests/test_fast_path.py`` compares them).
"""

from __future__ import annotations

import datetime as dt
import json
from decimal import Decimal
from functools import cache
from typing import Any


def json_default(value: Any) -> Any:
    """``default=`` for :func:`json.dumps`: dates as ISO strings, decimals as strings."""
    if isinstance(value, dt.date | dt.datetime):
        return value.isoformat()
    if isinstance(value, Decimal):
        return str(value)
    raise TypeError(f"{type(value).__name__} is not JSON data")


def dumps(data: Any, indent: int | None = None) -> str:
    return json.dumps(data, default=json_default, indent=indent, ensure_ascii=False)


def _decimal(value: Any) -> Any:
    if isinstance(value, Decimal):
        return str(value)
    raise TypeError  # orjson reports it as JSONEncodeError


def decision_bytes(decision: Any) -> bytes:
    """A decision as compact UTF-8 JSON, byte for byte what
    :func:`~.decision.decision_adapter`'s ``dump_json`` writes: by orjson, twice as
    fast, without building the pydantic serialiser (or importing pydantic); by
    pydantic for what orjson does not take."""
    try:
        encoded: bytes = _orjson().dumps(decision, default=_decimal, option=_UTC_Z)
        return encoded
    except TypeError:  # orjson.JSONEncodeError
        from .decision import decision_adapter

        return decision_adapter().dump_json(decision)


def decision_jsonl(decision: Any) -> bytes:
    """:func:`decision_bytes` and a newline: a line of JSON Lines, written by orjson
    in one piece."""
    try:
        encoded: bytes = _orjson().dumps(decision, default=_decimal, option=_UTC_Z | _NEWLINE)
        return encoded
    except TypeError:  # orjson.JSONEncodeError
        return decision_bytes(decision) + b"\n"


def compact(data: Any) -> bytes:
    """Any JSON data, compact: by orjson, by the standard library where orjson refuses
    (integers beyond 64 bits)."""
    try:
        encoded: bytes = _orjson().dumps(data, default=_decimal, option=_UTC_Z)
        return encoded
    except TypeError:  # orjson.JSONEncodeError
        text = json.dumps(data, default=json_default, ensure_ascii=False, separators=(",", ":"))
        return text.encode()


def loads(text: bytes | str) -> Any:
    """JSON text as Python data, by orjson (raises ``ValueError``)."""
    return _orjson().loads(text)


_UTC_Z = 1 << 7  # orjson.OPT_UTC_Z (checked by tests/models/test_jsonout.py)
_NEWLINE = 1 << 10  # orjson.OPT_APPEND_NEWLINE (checked there too)


@cache
def _orjson() -> Any:
    import orjson

    return orjson
