"""The Tryton connector: check, read and fetch purchase lines."""

from __future__ import annotations

import copy
import datetime as dt
from collections.abc import Iterator
from typing import Any

from cyberreview_policy.connectors import Checkpoint, CheckResult, HttpError, SourceContext

from .records import LINE_FIELDS, Cursor, line_record, modified, parse_record_id
from .settings import TrytonSettings
from .wire import transport

MODEL = "purchase.line"
ORDER = [["id", "ASC"]]  # explicit: Tryton's default (purchase date, newest first) moves
#: where a line's record changes (records.CHANGED): its own dates, its purchase's, its product's
NEWEST = (
    (MODEL, "create_date"),
    (MODEL, "write_date"),
    ("purchase.purchase", "write_date"),
    ("product.product", "write_date"),
)


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
        that comes back short, repeats or is empty loses nothing.

        In id order, a line changed while the read runs may have been read before its
        change, and a newer one after it: the checkpoint then goes no further than the
        newest change Tryton held when the read began, so the next read has it."""
        limit = self._newest_change()
        start = Cursor.load(since)
        end = copy.deepcopy(start)
        at_limit: set[int] = set()
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
                    if modified(line) == limit:
                        at_limit.add(line["id"])
                    yield line_record(line, self.settings.attributes)
            last = max(line["id"] for line in fresh)
        self.logger.debug("read up to line %s", last)
        if limit is not None and end.at is not None and end.at > limit:
            self.logger.info("lines changed during the read: the next read starts at %s", limit)
            end = Cursor(limit, at_limit | (start.seen if start.at == limit else set()))
        yield Checkpoint(end.dump())

    def _newest_change(self) -> dt.datetime | None:
        """The newest change Tryton holds now (of lines, purchases and products)."""
        found = []
        for model, field in NEWEST:
            rows = self.wire.search(model, [[field, "!=", None]], [field], [[field, "DESC"]], 1)
            found += [row[field] for row in rows if isinstance(row.get(field), dt.datetime)]
        return max(found, default=None)

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
