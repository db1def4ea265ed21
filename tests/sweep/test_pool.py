"""How ``sweep --workers`` cuts a source into chunks (the pool itself runs in tests/cli)."""

from __future__ import annotations

from collections.abc import Iterator
from typing import Any

import pytest

from cyberreview_policy.errors import Location, SourceError
from cyberreview_policy.sweep import pool as sweep_pool


class Failing:
    """A source whose read fails after ``good`` records."""

    name = "cmdb"

    def __init__(self, good: int):
        self.good = good

    def payloads(self) -> Iterator[tuple[Location, Any]]:
        for n in range(self.good):
            yield Location(f"cmdb[{n}]"), {"id": str(n)}
        raise SourceError("cmdb", "read: HTTP 500")


def test_records_read_before_a_failure_still_go_out(monkeypatch: pytest.MonkeyPatch) -> None:
    monkeypatch.setattr(sweep_pool, "CHUNK", 4)
    chunks: list[list[str]] = []
    with pytest.raises(SourceError, match="HTTP 500"):
        for chunk in sweep_pool._chunks(Failing(10)):
            chunks.append([payload["id"] for _, payload in chunk])
    assert chunks == [["0", "1", "2", "3"], ["4", "5", "6", "7"], ["8", "9"]]


def test_an_empty_failing_source_sends_nothing() -> None:
    chunks: list[Any] = []
    with pytest.raises(SourceError):
        chunks.extend(sweep_pool._chunks(Failing(0)))
    assert chunks == []
