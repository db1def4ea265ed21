"""JSON text of decisions and other output data with the standard library only.

The sweep serialises decisions with pydantic (in Rust, for throughput); the
gate, which must start fast, uses this.  Both give the same data: dates as
ISO strings, decimals as strings (``tests/test_fast_path.py`` compares them).
"""

from __future__ import annotations

import datetime as dt
import json
from decimal import Decimal
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
