"""What a long sweep says while it runs.

``--log-format text`` (people): one line per notable event, and on a terminal
a progress line rewritten in place.  ``--log-format json`` (schedulers, log
shippers): one JSON object per line with ``ts``, ``level``, ``event`` and
fields, including a ``progress`` event every :data:`JSON_EVERY` seconds.
``auto`` (the default) is text on a terminal, JSON otherwise;
``$CYBERREVIEW_LOG_FORMAT`` sets it for every run.  Messages never carry
record contents or secrets.
"""

from __future__ import annotations

import datetime as dt
import json
import logging
import os
import sys
import time
from typing import IO, Any

LOG_ENV = "CYBERREVIEW_LOG_FORMAT"
BAR_EVERY = 0.25
JSON_EVERY = 10.0


def log_format(choice: str | None, stream: IO[str]) -> str:
    chosen = choice or os.environ.get(LOG_ENV) or "auto"
    if chosen == "auto":
        return "text" if stream.isatty() else "json"
    return chosen


class Log:
    def __init__(self, fmt: str, stream: IO[str] | None = None):
        self.stream = stream or sys.stderr
        self.json = fmt == "json"
        self.bar = not self.json and self.stream.isatty()
        self.started = time.monotonic()
        self._next = self.started + (JSON_EVERY if self.json else BAR_EVERY)
        self._calls = 0
        self._drawn = False
        self._handler: _Relay | None = None
        self._logger = logging.getLogger("cyberreview")

    def event(self, level: str, event: str, text: str | None, **fields: Any) -> None:
        """``text`` for people (``None``: nothing to say in text mode)."""
        if self.json:
            record = {
                "ts": dt.datetime.now(dt.UTC).isoformat(timespec="milliseconds"),
                "level": level,
                "event": event,
                **fields,
            }
            self.stream.write(json.dumps(record, ensure_ascii=False, default=str) + "\n")
        elif text is not None:
            self._clear()
            prefix = "" if level == "info" else f"{level}: "
            self.stream.write(f"cyberreview: {prefix}{text}\n")
        self.stream.flush()

    def note(self, text: str) -> None:
        """A note before the run starts (a broken plugin, a pinned pack not in force),
        as the other commands write it."""
        self._clear()
        self.stream.write(f"cyberreview: {text}\n")
        self.stream.flush()

    def tick(self, summary: Any, source: str) -> None:
        """Cheap to call per record: looks at the clock every 256 calls."""
        self._calls += 1
        if (self._calls & 255) or (not self.bar and not self.json):
            return
        now = time.monotonic()
        if now < self._next:
            return
        self._next = now + (JSON_EVERY if self.json else BAR_EVERY)
        seen = summary.records + summary.skipped
        rate = seen / max(now - self.started, 1e-9)
        d = summary.decisions
        if self.json:
            self.event(
                "info",
                "progress",
                None,
                source=source,
                records=summary.records,
                skipped=summary.skipped,
                per_second=round(rate),
                block=d.get("block", 0),
                warn=d.get("warn", 0),
                allow=d.get("allow", 0),
            )
            return
        line = (
            f"sweeping {source}: {seen:,} records ({rate:,.0f}/s)  block {d.get('block', 0):,}"
            f"  warn {d.get('warn', 0):,}  allow {d.get('allow', 0):,}"
        )
        self.stream.write("\r\x1b[2K" + line[:200])
        self.stream.flush()
        self._drawn = True

    def _clear(self) -> None:
        if self._drawn:
            self.stream.write("\r\x1b[2K")
            self._drawn = False

    def capture(self, logger: str = "cyberreview", level: str | None = None) -> None:
        """What is logged under ``logger`` (a connector's ``ctx.logger``) at ``level``
        and above (default: warnings) comes out as this log's events, in its format,
        until :meth:`close`."""
        self._logger = logging.getLogger(logger)
        self._handler = _Relay(self, logging.getLevelName(level.upper()) if level else None)
        self._level = self._logger.level
        if level:
            self._logger.setLevel(level.upper())
        self._logger.addHandler(self._handler)

    def close(self) -> None:
        self._clear()
        self.stream.flush()
        if self._handler is not None:
            self._logger.removeHandler(self._handler)
            self._logger.setLevel(self._level)
            self._handler = None


class _Relay(logging.Handler):
    def __init__(self, log: Log, level: int | None = None):
        super().__init__(min(level, logging.WARNING) if level else logging.WARNING)
        self.log = log

    def emit(self, record: logging.LogRecord) -> None:
        level = record.levelname.lower() if record.levelno < logging.ERROR else "error"
        message = record.getMessage()  # already redacted by the host's record factory
        self.log.event(
            level, "log", f"{record.name}: {message}", logger=record.name, message=message
        )
