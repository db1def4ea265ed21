"""The source interface: what the host reads records through.

A source yields :class:`Item`\\ s, each a validated record or the reason a
record could not be read (with its location), and raises
:class:`~cyberreview_policy.errors.SourceError` when it cannot go on: the run
is then incomplete, never silently "all clear".
"""

from __future__ import annotations

from collections.abc import Iterator
from dataclasses import dataclass
from typing import TYPE_CHECKING, Protocol

from ..errors import Location, RecordError

if TYPE_CHECKING:
    from ..models.validate import RecordData


@dataclass(slots=True)
class Item:
    """One record read from a source, or why it could not be."""

    location: Location
    record: RecordData | None = None
    error: RecordError | None = None
    problems: tuple[str, ...] = ()  # values of the wrong type, decided as unknown


class Source(Protocol):
    """An opened source: ``name`` for reports, ``read()`` streams its items."""

    name: str

    def read(self) -> Iterator[Item]: ...
