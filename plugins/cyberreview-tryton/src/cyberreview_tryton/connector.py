"""The Tryton connector: check, read and fetch purchase lines."""

from __future__ import annotations

import copy
from collections.abc import Iterator
from typing import Any

from cyberreview_policy.connectors import Checkpoint, CheckResult, HttpError, SourceContext

from .records import LINE_FIELDS, Cursor, line_record, parse_record_id
from .settings import TrytonSettings
from .wire import transport

MODEL = "purchase.line"
ORDER = [["id", "ASC"]]  # explicit: Tryton's default (purchase date, newest first) moves


class TrytonConnector:
    def __init__(self, ctx: SourceContext):
        settings = ctx.settings
        assert isinstance(settings, TrytonSettings)
        self.settings = settings
        self.wire = transport(ctx, settings)
        self.logger = ctx.logger

    def _base(self) -> list[Any]:
        return [["type", "=", "line"], ["purchase.state", "in", list(self.settings.states)]]

    def check(self) -> CheckResult:
        try:
            who = self.wire.whoami()
            self.wire.search(MODEL, self._base(), ["id"], ORDER, 1)
        except HttpError as exc:
            return CheckResult(False, str(exc))
        return CheckResult(
            True,
            f"connected to {self.settings.url} database {self.settings.database!r} as {who}; "
            "purchase lines are readable",
        )

    def read(self, since: Any | None) -> Iterator[dict[str, Any] | Checkpoint]:
        """Every line changed since the checkpoint, paged by id (``id > last``): a page
        that comes back short, repeats or is empty loses nothing."""
        start = Cursor.load(since)
        end = copy.deepcopy(start)
        domain = self._base() + start.domain()
        last = 0
        while True:
            page = self.wire.search(
                MODEL, [*domain, ["id", ">", last]], LINE_FIELDS, ORDER, self.settings.page_size
            )
            fresh = [line for line in page if line["id"] > last]
            if not fresh:
                break
            for line in fresh:
                if start.is_new(line):
                    end.advance(line)
                    yield line_record(line, self.settings.attributes)
            last = max(line["id"] for line in fresh)
        self.logger.debug("read up to line %s", last)
        yield Checkpoint(end.dump())

    def fetch(self, record_id: str) -> dict[str, Any] | None:
        key = parse_record_id(record_id)
        if key is None:
            return None
        number, line_id = key
        domain = [["id", "=", line_id], ["purchase.number", "=", number]]
        rows = self.wire.search(MODEL, domain, LINE_FIELDS, ORDER, 1)
        return line_record(rows[0], self.settings.attributes) if rows else None

    def close(self) -> None:
        self.wire.close()
