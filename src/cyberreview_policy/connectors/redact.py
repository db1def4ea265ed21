"""Secrets out of logs: a logging filter the host installs, fed every resolved secret
(:func:`register_secrets`, :func:`redact` and :data:`MASK` live in :mod:`..env`)."""

from __future__ import annotations

import logging
import threading
from typing import Any

from ..env import MASK, redact, register_secrets

__all__ = ["MASK", "RedactingFilter", "install", "redact", "register_secrets"]

_lock = threading.Lock()


def _redact_record(record: logging.LogRecord) -> logging.LogRecord:
    """Format the record's message (and traceback) once, redacted, so no handler sees
    a secret."""
    try:
        message = record.getMessage()
    except (TypeError, ValueError):
        return record
    record.msg = redact(message)
    record.args = None
    if record.exc_info and not record.exc_text:
        record.exc_text = redact(logging.Formatter().formatException(record.exc_info))
    return record


class RedactingFilter(logging.Filter):
    """The same, as a filter, for a logger whose records another factory makes."""

    def filter(self, record: logging.LogRecord) -> bool:
        _redact_record(record)
        return True


_factory_wrapped: list[bool] = []


def install(logger: logging.Logger | None = None) -> None:
    """Redact every log record of the process from now on, whatever its logger or
    handler (the record factory is wrapped, once); ``logger`` also gets the filter, in
    case something replaces the factory later."""
    with _lock:
        if not _factory_wrapped:
            make = logging.getLogRecordFactory()

            def factory(*args: Any, **kwargs: Any) -> logging.LogRecord:
                return _redact_record(make(*args, **kwargs))

            logging.setLogRecordFactory(factory)
            _factory_wrapped.append(True)
    target = logger or logging.getLogger("cyberreview")
    if not any(isinstance(f, RedactingFilter) for f in target.filters):
        target.addFilter(RedactingFilter())
