"""THE record validator: every record the tool decides passes through here.

A ``pydantic_core.SchemaValidator`` built from ``record_schema.json``, the core
schema that pydantic generates for :class:`~.record.Record` (see
:mod:`.schema_gen`; a test proves the stored file current).  It gives exactly
pydantic's answers and errors without importing pydantic, so ``cyberreview
gate`` starts fast.  Records come out as :class:`RecordData`: light, read-only
objects with the model's attributes (``record.operator.ciio``), the one record
type of the runtime.

Readers call :func:`from_json` on JSON text (files, request bodies) and
:func:`from_obj` on Python data (connectors, pack tests); both raise
:data:`ValidationError` (pydantic-core's), which :func:`cyberreview_policy.errors.located`
turns into a located message.
"""

from __future__ import annotations

import json
from collections.abc import Callable
from functools import cache
from pathlib import Path
from typing import TYPE_CHECKING, Any

from ..errors import dotted
from ._core import core
from .jsoncheck import Unfit, non_finite, surely_fit, unfit
from .jsonout import json_default

if TYPE_CHECKING:
    from pydantic_core import SchemaValidator, ValidationError
else:
    ValidationError = core().ValidationError  # what the validator raises

__all__ = [
    "KINDS_WITHOUT_PRODUCT",
    "SURROGATE",
    "Part",
    "RecordData",
    "ValidationError",
    "from_json",
    "from_obj",
    "schema",
    "shown",
    "surrogate_in",
    "validator",
]

SCHEMA_FILE = Path(__file__).resolve().parent / "record_schema.json"
#: record kinds that are not about a product (the record model's validator)
KINDS_WITHOUT_PRODUCT = frozenset({"listing", "data_processing"})
_SLOTS = ("__dict__", "__pydantic_fields_set__", "__pydantic_extra__", "__pydantic_private__")


class Part:
    """A validated part of a record: attributes as the model names them, read-only."""

    __slots__ = _SLOTS
    _model_name = "Part"  # the record model's class this stands for

    if TYPE_CHECKING:

        def __getattr__(self, name: str) -> Any: ...

    def __setattr__(self, name: str, value: Any) -> None:
        raise AttributeError(f"a record is evidence: {type(self).__name__}.{name} is read-only")

    def replace(self, **changes: Any) -> Any:
        """A copy with ``changes`` (the case overlay uses it; the record is not changed)."""
        clone = object.__new__(type(self))
        data = dict(self.__dict__)
        data.update(changes)
        object.__setattr__(clone, "__dict__", data)
        for slot in _SLOTS[1:]:
            object.__setattr__(clone, slot, getattr(self, slot, None))
        return clone

    def __eq__(self, other: object) -> bool:
        if type(other) is not type(self):
            return NotImplemented
        return bool(self.__dict__ == other.__dict__)

    __hash__ = None  # type: ignore[assignment]  # equal by content, and not frozen in depth

    def __repr__(self) -> str:
        body = ", ".join(f"{key}={value!r}" for key, value in self.__dict__.items())
        return f"{type(self).__name__}({body})"

    def __reduce__(self) -> tuple[Any, ...]:
        return (_rebuild, (self._model_name, self.__dict__))


class RecordData(Part):
    """A validated canonical record (``docs/record-v1.md``)."""

    __slots__ = ()
    _model_name = "Record"

    @property
    def key(self) -> str:
        """The record's identity across runs: adapter and id."""
        from .identity import record_key

        return record_key(self)


@cache
def _classes() -> dict[str, type[Part]]:
    return {"Record": RecordData}


def _class(name: str) -> type[Part]:
    classes = _classes()
    if name not in classes:
        namespace = {"__slots__": (), "__module__": __name__, "_model_name": name}
        classes[name] = type(name, (Part,), namespace)
    return classes[name]


def _rebuild(name: str, data: dict[str, Any]) -> Part:
    part = object.__new__(_class(name))
    object.__setattr__(part, "__dict__", dict(data))
    object.__setattr__(part, "__pydantic_fields_set__", set(data))
    object.__setattr__(part, "__pydantic_extra__", None)
    object.__setattr__(part, "__pydantic_private__", None)
    return part


def _product_required(record: Any) -> Any:
    """The record model's validator: a product is required for a purchase or an asset."""
    if record.product is None and record.kind not in KINDS_WITHOUT_PRODUCT:
        raise core().PydanticCustomError(
            "product_required",
            "required for a record of kind {kind}",
            {"kind": record.kind, "field": "product"},
        )
    return record


_FUNCTIONS: dict[str, Callable[[Any], Any]] = {"product_required": _product_required}


def _resolve(node: Any, empties: dict[str, Any]) -> Any:
    """The stored schema with its markers replaced (see :mod:`.schema_gen`)."""
    if isinstance(node, list):
        return [_resolve(item, empties) for item in node]
    if not isinstance(node, dict):
        return node
    out = {key: _resolve(value, empties) for key, value in node.items()}
    if out.get("type") == "model":
        out["cls"] = _class(node["cls"]["$class"])
        empties[node["cls"]["$class"]] = out
    if out.get("type") == "default" and isinstance(node.get("default"), dict):
        marker = node["default"].get("$empty")
        if marker is not None:
            del out["default"]
            out["default_factory"] = _empty_factory(marker, empties)
    function = out.get("function")
    if isinstance(function, dict) and "$function" in function:
        out["function"] = _FUNCTIONS[function["$function"]]
    return out


def _empty_factory(name: str, models: dict[str, Any]) -> Callable[[], Any]:
    """A shared empty instance of model ``name`` (frozen in the model, so sharable)."""
    made: list[Any] = []

    def factory() -> Any:
        if not made:
            made.append(core().SchemaValidator(models[name]).validate_python({}))
        return made[0]

    return factory


@cache
def schema() -> dict[str, Any]:
    """The stored core schema, as JSON data (markers unresolved)."""
    data: dict[str, Any] = json.loads(SCHEMA_FILE.read_text(encoding="utf-8"))
    return data


@cache
def validator() -> SchemaValidator:
    resolved = _resolve(schema(), {})
    # Caching only the keys' strings: records repeat their keys, rarely their values,
    # and hashing every value to look it up costs a quarter of the validation
    # (benchmarks/README.md, "The profile").
    made: SchemaValidator = core().SchemaValidator(resolved, {"cache_strings": "keys"})
    return made


def from_json(text: str | bytes) -> RecordData:
    """Validate one record from JSON text; raises ``pydantic_core.ValidationError``,
    also for what the parser would silently misread (:mod:`.jsoncheck`: a duplicate
    key, ``NaN`` or ``Infinity``, NUL) and for a number in ``attributes`` too large
    to be finite.

    What the parser would misread is refused before anything else is said about the
    record.  :func:`.jsoncheck.unfit` looks for it only when the validator refused the
    record, or when :func:`.jsoncheck.surely_fit` cannot rule it out from the keys the
    record holds: that second parse was a quarter of a sweep's time."""
    try:
        record: RecordData = validator().validate_json(text)
    except ValidationError:
        _refuse_unfit(text)
        raise
    if not surely_fit(text, _key_counter()(record)):
        _refuse_unfit(text)
    attributes = record.attributes
    if attributes:
        for value in attributes.values():
            if value.__class__ is not str:  # text is finite: most attributes are text
                _finite(text, attributes)
                break
    return record


def _finite(text: str | bytes, attributes: dict[str, Any]) -> None:
    where = non_finite(attributes, ("attributes",))
    if where is not None:
        _refuse_unfit(text)  # NaN or Infinity written; else a number such as 1e400
        error = {"type": "finite_number", "loc": where, "input": "1e400"}
        raise ValidationError.from_exception_data("Record", [error], "json")  # type: ignore[list-item]


def _refuse_unfit(text: str | bytes) -> None:
    found = unfit(text)
    if found is not None:
        raise _refused(found)


def _keys(record: RecordData) -> int:
    """How many keys the JSON object of validated ``record`` held (each once), with
    those of the objects in it: the fields each part was given, and every
    dictionary's keys in ``attributes``."""
    return _key_counter()(record)


def _dict_keys(value: Any) -> int:
    if isinstance(value, dict):
        return len(value) + sum(_dict_keys(item) for item in value.values())
    if isinstance(value, list):
        return sum(_dict_keys(item) for item in value)
    return 0


@cache
def _key_counter() -> Callable[[RecordData], int]:
    """:func:`_keys` as straight-line code over the record's parts (from the stored
    schema): a sweep counts every record's keys."""
    fields = _part_fields()
    lines = ["def count(part0):", "    n = len(part0.__pydantic_fields_set__)"]

    def visit(name: str, depth: int, indent: str) -> None:
        for field in fields[name]:
            part = f"part{depth + 1}"
            lines.append(f"{indent}{part} = part{depth}.{field[0]}")
            lines.append(f"{indent}if {part} is not None:")
            lines.append(f"{indent}    n += len({part}.__pydantic_fields_set__)")
            visit(field[1], depth + 1, indent + "    ")

    visit("Record", 0, "    ")
    lines += [
        "    extra = part0.attributes",
        "    if extra:",
        "        n += len(extra)",
        "        for value in extra.values():",
        "            if value.__class__ is not str:",
        "                n += _dict_keys(value)",
        "    return n",
    ]
    namespace: dict[str, Any] = {"_dict_keys": _dict_keys}
    exec(compile("\n".join(lines), "<record keys>", "exec"), namespace)
    counter: Callable[[RecordData], int] = namespace["count"]
    return counter


def _part_fields() -> dict[str, list[tuple[str, str]]]:
    """Each part's fields that hold a part, by the model's name: (field, part's model)."""
    out: dict[str, list[tuple[str, str]]] = {}

    def inner(node: Any) -> Any:
        while node.get("type") in ("default", "nullable", "model-field"):
            node = node["schema"]
        return node

    def walk(node: Any) -> None:
        if isinstance(node, list):
            for item in node:
                walk(item)
        elif isinstance(node, dict):
            if node.get("type") == "model":
                out[node["cls"]["$class"]] = [
                    (name, inner(field)["cls"]["$class"])
                    for name, field in node["schema"]["fields"].items()
                    if inner(field).get("type") == "model"
                ]
            for value in node.values():
                walk(value)

    walk(schema())
    return out


def _refused(found: Unfit) -> ValidationError:
    """The validator's own error type for what :func:`.jsoncheck.unfit` found: invalid
    JSON at a line and column, or a NUL in a field."""
    if found.line is None:
        kind = core().PydanticCustomError("nul_character", found.message)
        error: Any = {"type": kind, "loc": found.loc, "input": ""}
    else:
        ctx = {"error": found.parse_error}
        error = {"type": "json_invalid", "loc": found.loc, "input": "", "ctx": ctx}
    return ValidationError.from_exception_data("Record", [error], "json")


def from_obj(obj: Any) -> RecordData:
    """Validate a record given as Python data (dates as ``date`` or ISO strings).

    Through JSON, so that it is judged exactly as a file's record would be (a
    date is a ``YYYY-MM-DD`` string, never a number; a lone surrogate is refused).
    """
    return from_json(json.dumps(obj, default=json_default))


# -- lone surrogates: refused, and found for the message --------------------------

SURROGATE = (
    "a lone UTF-16 surrogate escape (\\ud800 to \\udfff) is not a character: "
    "fix the text at the source"
)


def surrogate_in(text: str | bytes) -> tuple[str | int, ...] | None:
    """Where in JSON ``text`` a string holds a lone surrogate escape (Python's parser
    accepts them; the record validator rightly does not), or ``None``."""
    try:
        data = json.loads(text)
    except (ValueError, RecursionError):
        return None

    def walk(value: Any, loc: tuple[str | int, ...]) -> tuple[str | int, ...] | None:
        if isinstance(value, str):
            return loc if _has_surrogate(value) else None
        if not isinstance(value, dict | list):
            return None
        items: Any = value.items() if isinstance(value, dict) else enumerate(value)
        for key, item in items:
            if isinstance(key, str) and _has_surrogate(key):
                return (*loc, key)
            found = walk(item, (*loc, key))
            if found is not None:
                return found
        return None

    return walk(data, ())


def shown(loc: tuple[str | int, ...]) -> str:
    """A field path fit to print: a lone surrogate in a key shown as its escape."""
    return dotted(
        [p.encode("utf-8", "backslashreplace").decode() if isinstance(p, str) else p for p in loc]
    )


def _has_surrogate(text: str) -> bool:
    return any("\ud800" <= char <= "\udfff" for char in text)
