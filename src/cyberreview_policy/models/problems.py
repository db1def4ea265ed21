"""Turn pydantic validation errors into one-line messages that name the field.

``product.category: 'router' is not one of core_network_equipment, ...``
is what a compliance officer needs; pydantic's default text is not.
"""

from __future__ import annotations

import re
from collections.abc import Sequence
from dataclasses import dataclass
from typing import Any

from pydantic import ValidationError
from pydantic_core import ErrorDetails

from ..errors import dotted

_LITERAL_ITEM = re.compile(r"'([^']*)'")


@dataclass(frozen=True)
class Problem:
    """One thing wrong with an input: where (``loc``, as data keys) and what."""

    loc: tuple[str | int, ...]
    message: str

    @property
    def field(self) -> str:
        return dotted(self.loc)

    def __str__(self) -> str:
        return f"{self.field}: {self.message}" if self.loc else self.message


def _shown(value: Any) -> str:
    if isinstance(value, dict):
        return "an object"
    if isinstance(value, list):
        return "a list"
    if value is None:
        return "null"
    text = repr(value)
    return text if len(text) <= 60 else text[:57] + "..."


def _expected_literals(error: ErrorDetails) -> str:
    expected = str((error.get("ctx") or {}).get("expected", ""))
    items = _LITERAL_ITEM.findall(expected)
    return ", ".join(items) if items else expected


def _message(error: ErrorDetails) -> str:
    kind = error["type"]
    value = error.get("input")
    ctx = error.get("ctx") or {}
    if kind == "missing":
        return "required field is missing"
    if kind == "extra_forbidden":
        return "unknown field"
    if kind == "literal_error":
        return f"{_shown(value)} is not one of {_expected_literals(error)}"
    if kind in {"bool_parsing", "bool_type"}:
        return f"{_shown(value)} is not a boolean (true, false or null)"
    if kind.startswith(("date_", "datetime_")) or (
        kind == "value_error" and "YYYY-MM-DD" in str(ctx.get("error", ""))
    ):
        return f"{_shown(value)} is not a valid date (expected YYYY-MM-DD)"
    if kind.startswith(("int_", "float_", "decimal_")):
        return f"{_shown(value)} is not a number"
    if kind in {"greater_than_equal", "greater_than"}:
        return f"{_shown(value)} must be at least {ctx.get('ge', ctx.get('gt'))}"
    if kind == "string_pattern_mismatch":
        return f"{_shown(value)} does not match {ctx.get('pattern')}"
    if kind == "string_too_short":
        return "must not be empty"
    if kind == "string_type":
        return f"expected a string, got {_shown(value)}"
    if kind in {"model_type", "dict_type", "model_attributes_type"}:
        return f"expected an object, got {_shown(value)}"
    if kind == "list_type":
        return f"expected a list, got {_shown(value)}"
    if kind == "json_invalid":
        return f"invalid JSON: {ctx.get('error', error['msg'])}"
    if kind == "value_error":
        return str(ctx.get("error", error["msg"]))
    return str(error["msg"])


def _loc(error: ErrorDetails) -> tuple[str | int, ...]:
    loc = tuple(error["loc"])
    field = (error.get("ctx") or {}).get("field")
    if isinstance(field, str):
        loc = (*loc, field)
    return loc


def problems(exc: ValidationError, *, drop: Sequence[str] = ()) -> list[Problem]:
    """The errors of ``exc`` as :class:`Problem`\\ s.

    ``drop`` lists location parts that are not data keys (union tags) to leave out.
    """
    out: list[Problem] = []
    for error in exc.errors(include_url=False):
        loc = tuple(part for part in _loc(error) if part not in drop)
        out.append(Problem(loc, _message(error)))
    return out


def summarize(found: Sequence[Problem], limit: int = 3) -> str:
    """One line for a list of problems: the first few, then how many more."""
    text = "; ".join(str(p) for p in found[:limit])
    if len(found) > limit:
        text += f" (and {len(found) - limit} more)"
    return text
