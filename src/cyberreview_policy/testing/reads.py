"""What the contract tests read and compare: one complete read, records made
comparable, page rewrites, and small checks on settings."""

from __future__ import annotations

import socket
from dataclasses import dataclass, field
from typing import Any

from ..models.identity import plain
from ..models.validate import RecordData as Record

SECRET_WORDS = ("password", "passwd", "secret", "token", "api_key", "apikey", "private_key")


@dataclass
class ReadResult:
    """What one complete read gave."""

    records: list[Record]
    errors: list[str]  # the refs of items reported and skipped
    checkpoint: Any
    by_ref: dict[str, Record] = field(init=False)

    def __post_init__(self) -> None:
        self.by_ref = {ref_of(r): r for r in self.records}

    @property
    def refs(self) -> set[str]:
        return set(self.by_ref)


def ref_of(record: Record) -> str:
    assert record.source is not None, f"{record.id}: no source"
    assert record.source.ref, f"{record.id}: no source.ref"
    return str(record.source.ref)


def comparable(record: Record) -> dict[str, Any]:
    data: dict[str, Any] = plain(record)
    data["source"].pop("fetched_at", None)
    return data


def repeating(paging: str) -> Any:
    """A page rewrite that repeats the last item of each page at the start of the next.

    ``cursor``: the page grows by that item (a server-side cursor that re-sends a tie).
    ``offset``: what an insert ahead of the reader does to offset paging: every later
    page shifts by one, its own last item carried to the next, none lost.
    """
    carry: list[Any] = []

    def rewrite(index: int, items: list[Any]) -> list[Any]:
        if paging == "cursor":
            out = carry + items
            carry[:] = items[-1:]
            return out
        view = carry + items
        served = view[: len(items)] if items else view
        carry[:] = view[len(served) :] if index else items[-1:]
        return served if index else items

    return rewrite


def marked_secret(prop: dict[str, Any]) -> bool:
    """A JSON Schema property of a ``SecretStr`` (or an optional one)."""
    options = prop.get("anyOf", [prop])
    return any(o.get("writeOnly") is True and o.get("format") == "password" for o in options)


def closed_port() -> int:
    with socket.socket() as sock:
        sock.bind(("127.0.0.1", 0))
        port: int = sock.getsockname()[1]
    return port
