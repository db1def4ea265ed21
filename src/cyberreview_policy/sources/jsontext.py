"""JSON text helpers for the file source: stream a top-level array, find a field's line.

Both use the C scanner of :mod:`json`; neither holds more than one element.
"""

from __future__ import annotations

import json
import re
from collections.abc import Iterator, Sequence
from typing import Protocol

from ..errors import ArrayError
from ..i18n.catalog import _

_WS = re.compile(r"[ \t\n\r]*")
_DECODER = json.JSONDecoder()
_scanstring = json.decoder.scanstring  # type: ignore[attr-defined]
_CHUNK = 1 << 16


class Reader(Protocol):
    def read(self, size: int = -1, /) -> str: ...


def line_col(text: str, pos: int, base_line: int = 1) -> tuple[int, int]:
    line = base_line + text.count("\n", 0, pos)
    start = text.rfind("\n", 0, pos) + 1
    return line, pos - start + 1


def _skip(text: str, pos: int) -> int:
    return _WS.match(text, pos).end()  # type: ignore[union-attr]


def iter_array(stream: Reader) -> Iterator[tuple[str, int]]:
    """Yield ``(element_text, line)`` for each element of a top-level JSON array.

    Memory holds one element plus a read chunk, whatever the file's size.
    """
    buf = stream.read(_CHUNK)
    eof = not buf
    line = 1  # the line of buf[0]
    pos = _skip(buf, 0)
    if buf[pos : pos + 1] != "[":
        raise ArrayError(_("expected a JSON array"), *line_col(buf, pos, line))
    pos += 1
    expect_item = True
    while True:
        pos = _skip(buf, pos)
        if pos >= len(buf):
            if eof:
                raise ArrayError(_("the array breaks off"), *line_col(buf, pos, line))
            line += buf.count("\n", 0, pos)
            buf, pos = stream.read(_CHUNK), 0
            eof = not buf
            continue
        char = buf[pos]
        if char == "]":
            return
        if not expect_item:
            if char != ",":
                raise ArrayError(
                    _("expected ',' or ']', got {char}").format(char=repr(char)),
                    *line_col(buf, pos, line),
                )
            pos += 1
            expect_item = True
            continue
        try:
            _value, end = _DECODER.raw_decode(buf, pos)
            complete = end < len(buf) or eof
        except json.JSONDecodeError as exc:
            if eof:
                raise ArrayError(exc.msg, *line_col(buf, exc.pos, line)) from None
            complete = False
        if not complete:  # the chunk may have cut the element: read on and retry
            line += buf.count("\n", 0, pos)
            buf, pos = buf[pos:], 0
            more = stream.read(max(_CHUNK, len(buf)))
            eof = not more
            buf += more
            continue
        yield buf[pos:end], line_col(buf, pos, line)[0]
        pos, expect_item = end, False
        if pos > _CHUNK:
            line += buf.count("\n", 0, pos)
            buf, pos = buf[pos:], 0


def locate(text: str, loc: Sequence[str | int], base_line: int = 1) -> tuple[int, int]:
    """Line and column of the value at ``loc`` in JSON ``text`` (or of the nearest
    enclosing value when ``loc`` names a missing key)."""
    pos = _skip(text, 0)
    found = pos
    try:
        for part in loc:
            char = text[pos : pos + 1]
            if char == "{" and isinstance(part, str):
                pos = _find_key(text, pos + 1, part)
            elif char == "[" and isinstance(part, int):
                pos = _find_index(text, pos + 1, part)
            else:
                break
            if pos < 0:
                break
            found = pos
    except (json.JSONDecodeError, IndexError, ValueError):
        pass
    return line_col(text, found, base_line)


def _find_key(text: str, pos: int, key: str) -> int:
    while True:
        pos = _skip(text, pos)
        if text[pos] != '"':
            return -1
        name, pos = _scanstring(text, pos + 1)
        pos = _skip(text, _skip(text, pos) + 1)  # past ':'

        if name == key:
            return pos
        _value, pos = _DECODER.raw_decode(text, pos)
        pos = _skip(text, pos)
        if text[pos] != ",":
            return -1
        pos += 1


def _find_index(text: str, pos: int, index: int) -> int:
    for _i in range(index):
        pos = _skip(text, pos)
        _value, pos = _DECODER.raw_decode(text, pos)
        pos = _skip(text, pos)
        if text[pos] != ",":
            return -1
        pos += 1
    return _skip(text, pos)
