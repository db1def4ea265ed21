"""The built-in file source: JSON (an object or an array), JSON Lines and CSV.

Streamed in constant memory.  A record that does not fit is reported with its
file, line and field and skipped; a file that cannot be read on (missing,
broken array syntax, empty, bad CSV header) raises
:class:`~cyberreview_policy.errors.SourceError`.

CSV columns are dotted record paths (``operator.ciio``); an empty cell or
``null`` is unknown; list fields (``materials``) separate items with ``;``.
"""

from __future__ import annotations

import codecs
import io
import json
import re
import sys
from collections.abc import Iterator
from pathlib import Path
from typing import Any, Literal, Protocol, TextIO

from ..errors import (
    ArrayError,
    Location,
    PathError,
    RecordError,
    SourceError,
    is_invalid_json,
    located,
)
from ..i18n.catalog import _
from ..models.paths import resolve
from ..models.validate import SURROGATE, ValidationError, from_json, shown, surrogate_in
from .base import Item
from .jsontext import iter_array, line_col, locate

Format = Literal["json", "jsonl", "csv"]
FORMATS: tuple[Format, ...] = ("json", "jsonl", "csv")
_SUFFIXES: dict[str, Format] = {
    ".json": "json",
    ".jsonl": "jsonl",
    ".ndjson": "jsonl",
    ".csv": "csv",
}
STDIN = "-"


class Text(Protocol):
    """What the readers need of a text stream."""

    def read(self, size: int = -1, /) -> str: ...
    def readline(self) -> str: ...
    def __iter__(self) -> Iterator[str]: ...
    def close(self) -> None: ...


_JSON_AT = re.compile(r"(.*) at line (\d+) column (\d+)$")


def record_error(
    exc: Any, text: str | bytes, location: Location, *, pinpoint: bool = True
) -> RecordError:
    """A :class:`RecordError` for the first problem of validation error ``exc``, pointing
    at its line and column in ``text`` when ``pinpoint`` (JSON), else at ``location``
    (a CSV row, a connector's record)."""
    source = text.decode("utf-8", "replace") if isinstance(text, bytes) else text
    base = location.line or 1

    def where(loc: tuple[str | int, ...]) -> tuple[Location, tuple[str | int, ...]]:
        if not pinpoint:
            return location, loc
        return Location(location.file, *locate(source, loc, base)), loc

    message, at, field = located(exc, where)
    invalid = _JSON_AT.match(message) if is_invalid_json(exc) else None
    record_id = None
    if invalid:  # the parser counts from the record's first line
        line, column = base + int(invalid.group(2)) - 1, int(invalid.group(3))
        message, field = invalid.group(1), None
        at = Location(location.file, line, column) if pinpoint else location
        surrogate = surrogate_in(source)
        if surrogate is not None:
            message, field = SURROGATE, shown(surrogate) or None
            if pinpoint:
                at = Location(location.file, *locate(source, surrogate, base))
    else:
        try:
            data = json.loads(source)
            record_id = data.get("id") if isinstance(data, dict) else None
        except ValueError:
            pass
    return RecordError(message, at, field, record_id if isinstance(record_id, str) else None)


def parse(text: str | bytes, location: Location, *, pinpoint: bool = True) -> Item:
    """Validate one record's JSON text into an :class:`Item` (by the one validator)."""
    try:
        return Item(location, from_json(text))
    except ValidationError as exc:
        return Item(location, error=record_error(exc, text, location, pinpoint=pinpoint))


class FileSource:
    """Records from one file, or ``-`` for standard input."""

    def __init__(self, target: str, fmt: Format | None = None, stream: TextIO | None = None):
        self.target = target
        self._stream = stream
        self.name = "<stdin>" if target == STDIN else target
        self.format = fmt or _SUFFIXES.get(Path(target).suffix.lower())

    def _open(self) -> Text:
        if self._stream is not None:
            return self._stream
        if self.target == STDIN:
            return io.TextIOWrapper(sys.stdin.buffer, encoding="utf-8-sig", newline="")
        try:
            return open(self.target, encoding="utf-8-sig", newline="")
        except OSError as exc:
            raise SourceError(self.name, exc.strerror or str(exc)) from None

    def read(self) -> Iterator[Item]:
        if self._plain_jsonl():  # bytes straight to pydantic: no decoding twice
            return self._jsonl_lines(parsed=True)  # (one generator: a sweep reads a lot)
        return self._counted()

    def _counted(self) -> Iterator[Item]:
        count = 0
        for item in self._items():
            count += 1
            yield item
        if count == 0:
            raise SourceError(self.name, _("the file holds no records"))

    def _plain_jsonl(self) -> bool:
        """A JSON Lines file by name (not stdin, not a stream given)."""
        return self.format == "jsonl" and self._stream is None and self.target != STDIN

    def payloads(self) -> Iterator[tuple[Location, bytes]] | None:
        """A JSON Lines file's records as raw lines, for :func:`parse` elsewhere (sweep
        workers validate in parallel); ``None`` for other formats."""
        if not self._plain_jsonl():
            return None
        return self._jsonl_lines(parsed=False)

    def _items(self) -> Iterator[Item]:
        stream: Text = self._open()
        try:
            fmt = self.format
            if fmt is None:
                head = stream.readline()
                fmt = _sniff(head)
                stream = _Rewound(stream, head)
            reader = {"json": self._json, "jsonl": self._jsonl, "csv": self._csv}[fmt]
            yield from reader(stream)
        except UnicodeDecodeError as exc:
            raise SourceError(
                self.name, _("not UTF-8 text: {reason}").format(reason=exc.reason)
            ) from None
        except OSError as exc:
            raise SourceError(self.name, _("read failed: {exc}").format(exc=exc)) from None
        finally:
            stream.close()

    def _jsonl_lines(self, *, parsed: bool) -> Iterator[Any]:
        """The non-blank lines, the BOM dropped: parsed into :class:`Item` objects, or
        as (location, bytes) when not ``parsed``."""
        name = self.name
        try:
            stream = open(self.target, "rb", buffering=1 << 20)  # noqa: SIM115
        except OSError as exc:
            raise SourceError(name, exc.strerror or str(exc)) from None
        count = 0
        try:
            for number, line in enumerate(stream, start=1):
                if number == 1 and line.startswith(codecs.BOM_UTF8):
                    line = line[len(codecs.BOM_UTF8) :]  # noqa: PLW2901
                if not line.isspace():  # (lines end with a newline or the file: never empty)
                    count += 1
                    where = Location(name, number)
                    yield parse(line, where) if parsed else (where, line)
        except OSError as exc:
            raise SourceError(name, _("read failed: {exc}").format(exc=exc)) from None
        finally:
            stream.close()
        if count == 0:
            raise SourceError(name, _("the file holds no records"))

    def _jsonl(self, stream: Text) -> Iterator[Item]:
        for number, line in enumerate(stream, start=1):
            if line.strip():
                yield parse(line, Location(self.name, number))

    def _json(self, stream: Text) -> Iterator[Item]:
        head = stream.read(1 << 12)
        start = head.lstrip()[:1]
        if start == "{":
            text = head + stream.read()
            yield parse(
                text, Location(self.name, line_col(text, len(text) - len(text.lstrip()))[0])
            )
            return
        if not start:
            return
        try:
            for text, line in iter_array(_Rewound(stream, head)):
                yield parse(text, Location(self.name, line))
        except ArrayError as exc:
            raise SourceError(
                self.name,
                _("{value}: invalid JSON: {exc}").format(
                    value=Location(self.name, exc.line, exc.column), exc=exc
                ),
            ) from None

    def _csv(self, stream: Text) -> Iterator[Item]:
        import csv  # only for CSV files: not imported at every start

        reader = csv.reader(stream)
        header = next(reader, None)
        if not header:
            return
        columns = [_column(self.name, name.strip()) for name in header]
        _no_twice(self.name, [".".join(path) for path, _ in columns])
        for row in reader:
            if not any(cell.strip() for cell in row):
                continue
            location = Location(self.name, reader.line_num)
            if len(row) != len(columns):
                yield Item(
                    location,
                    error=RecordError(
                        _("the row has {count} cells, the header {count2}").format(
                            count=len(row), count2=len(columns)
                        ),
                        location,
                    ),
                )
                continue
            nested: dict[str, Any] = {}
            for (path, is_list), cell in zip(columns, row, strict=True):
                value = _cell(cell, is_list)
                if value is not None:
                    _put(nested, path, value)
            yield parse(json.dumps(nested), location, pinpoint=False)


def _sniff(head: str) -> Format:
    """Pick a format for stdin or an unknown suffix from the first line."""
    first = head.lstrip()[:1]
    if first == "[":
        return "json"
    if first == "{":
        try:
            json.loads(head)
            return "jsonl"
        except ValueError:
            return "json"
    return "csv"


def _column(source: str, name: str) -> tuple[list[str], bool]:
    try:
        field = resolve(name)
    except PathError as exc:
        raise SourceError(source, _("CSV header: {exc}").format(exc=exc)) from None
    return name.split("."), field.kind == "list"


def _no_twice(source: str, names: list[str]) -> None:
    """Two columns for one field would make every row ambiguous (the last would win)."""
    first: dict[str, int] = {}
    for number, name in enumerate(names, start=1):
        if name in first:
            raise SourceError(
                source,
                _("CSV header: column {number} names {name} again (column {first})").format(
                    number=number, name=name, first=first[name]
                ),
            )
        first[name] = number


def _cell(cell: str, is_list: bool) -> Any:
    text = cell.strip()
    if not text or text.lower() == "null":
        return None
    if is_list:
        return [part.strip() for part in text.split(";") if part.strip()]
    return text


def _put(nested: dict[str, Any], path: list[str], value: Any) -> None:
    for key in path[:-1]:
        nested = nested.setdefault(key, {})
    nested[path[-1]] = value


class _Rewound:
    """A text stream with some already-read text put back in front."""

    def __init__(self, stream: Text, head: str = ""):
        self._stream = stream
        self._head = head

    def read(self, size: int = -1) -> str:
        if size < 0:
            out, self._head = self._head + self._stream.read(), ""
            return out
        if self._head:
            out, self._head = self._head[:size], self._head[size:]
            return out
        return self._stream.read(size)

    def readline(self) -> str:
        if self._head:
            head, sep, rest = self._head.partition("\n")
            if sep:
                self._head = rest
                return head + sep
            self._head = ""
            return head + self._stream.readline()
        return self._stream.readline()

    def __iter__(self) -> Iterator[str]:
        while line := self.readline():
            yield line

    def close(self) -> None:
        self._stream.close()
