"""``sweep --workers N`` over a JSON Lines file: workers read byte ranges of the file
themselves and write their own parts; this process only hands out the ranges and
merges the parts, in order.

A range starts at the beginning of a line and ends at the beginning of another
(the parent finds each boundary with one seek and one line read).  A worker
decides every line of its range as :class:`~.runner.SweepStep` does, writes each
decision's JSON to its part file, and sends back only a :class:`Part`: the
part's path, what its records add to the summary, its finding changes, and how
many lines it read, so that the parent can give a skipped record its line in
the whole file.  Used when every output can take whole parts (``--format
jsonl``); other outputs, and connectors, go through :mod:`.pool` record by record.
"""

from __future__ import annotations

import codecs
import os
import shutil
from collections.abc import Iterator
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any

from ..errors import Location, SourceError
from ..i18n.catalog import _
from .summary import Decided, Summary

#: a range is about this long (a worker's part is somewhat longer): small enough to
#: keep every worker busy to the end, large enough that handing it out costs nothing
RANGE_BYTES = 8 << 20
MIN_RANGE_BYTES = 1 << 20


@dataclass
class Part:
    """What a worker made of one range of the file."""

    path: str  # the decisions, one JSON line each
    summary: Summary  # what the range's records add (skips located within the range)
    lines: int  # lines read, blank ones included
    changes: list[Any] = field(default_factory=list)  # finding changes (FindingChange)
    elsewhere: int = 0  # records of other shards


def ranges(path: str, size: int, workers: int) -> Iterator[tuple[int, int]]:
    """Line-aligned ``(start, end)`` byte ranges covering the file."""
    step = max(MIN_RANGE_BYTES, min(RANGE_BYTES, size // (workers * 4) + 1))
    start = 0
    with open(path, "rb") as stream:
        while start < size:
            end = start + step
            if end >= size:
                end = size
            else:
                stream.seek(end - 1)
                end += len(stream.readline()) - 1  # to the start of the next line
            yield start, end
            start = end


def decide_range(
    decider: Any, dump: Any, *, name: str, target: str, span: tuple[int, int], out: str
) -> Part:
    """In a worker: decide the lines of ``span`` of file ``target`` (shown as ``name``),
    writing decisions to ``out``; ``decider`` is the worker's :class:`~.runner.SweepStep`."""
    from ..sources.files import parse

    start, end = span
    piece = Summary(decider.as_of, [])
    lines = elsewhere = 0
    try:
        with open(target, "rb") as stream, open(out, "wb", buffering=1 << 20) as part:
            stream.seek(start)
            left = end - start
            write = part.write
            for line in stream:
                left -= len(line)
                lines += 1
                if lines == 1 and start == 0 and line.startswith(codecs.BOM_UTF8):
                    line = line[len(codecs.BOM_UTF8) :]  # noqa: PLW2901
                if decider.elsewhere(line):
                    elsewhere += 1  # another shard's: not even validated
                elif not line.isspace():
                    result = decider(parse(line, Location(name, lines)))
                    if isinstance(result, Decided):
                        piece.add(result.decision)
                        if result.problems:
                            piece.problem(result)
                        write(dump(result.decision))
                        write(b"\n")
                    elif result is None:
                        elsewhere += 1
                    else:
                        piece.skip(result)
                if left <= 0:
                    break
    except OSError as exc:
        raise SourceError(name, _("read failed: {exc}").format(exc=exc)) from None
    if left > 0:  # cut short: the file shrank since the ranges were handed out
        raise SourceError(
            name,
            _("the file ended {left} bytes early: it changed while it was read").format(left=left),
        )
    return Part(out, piece, lines, decider.flush(), elsewhere)


class Merger:
    """In the parent: takes the parts in order and gives skipped records their line in
    the whole file."""

    def __init__(self, name: str):
        self.name = name
        self.lines = 0  # lines of the file before the next part
        self.records = 0  # records (non-blank lines) so far

    def place(self, part: Part) -> Part:
        for skip in part.summary.skips:
            where = skip.location
            if where.file == self.name and where.line is not None:
                skip.location = Location(where.file, where.line + self.lines, where.column)
        self.lines += part.lines
        self.records += part.summary.records + part.summary.skipped + part.elsewhere
        return part


def append(part: Part, out: Any) -> None:
    """Copy a part's decisions to the binary stream ``out`` (in the kernel where it can),
    then remove the part."""
    out.flush()
    with open(part.path, "rb") as source:
        size, sent = os.fstat(source.fileno()).st_size, 0
        try:
            while sent < size:
                done = os.sendfile(out.fileno(), source.fileno(), sent, size - sent)
                if done == 0:
                    break
                sent += done
        except (OSError, AttributeError, ValueError):  # no sendfile to this stream: copy
            source.seek(sent)
            shutil.copyfileobj(source, out, 1 << 20)
    Path(part.path).unlink(missing_ok=True)


def usable(source: Any) -> tuple[str, int] | None:
    """``(path, size)`` when ``source`` is a JSON Lines file the workers can read in
    ranges (not standard input, not a stream), else ``None``."""
    payloads = getattr(source, "payloads", None)
    target = getattr(source, "target", None)
    if payloads is None or getattr(source, "format", None) != "jsonl" or not target:
        return None
    if getattr(source, "_stream", None) is not None or target == "-":
        return None
    try:
        stat = os.stat(target)
    except OSError:
        return None  # the ordinary path reports it
    import stat as modes

    return (target, stat.st_size) if modes.S_ISREG(stat.st_mode) else None
