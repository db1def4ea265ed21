"""The log handler of ``--log-level``: one line per record on the current stderr."""

from __future__ import annotations

import logging
import sys


class Stderr(logging.StreamHandler):  # type: ignore[type-arg]
    """A handler on whatever ``sys.stderr`` is when a record comes."""

    def emit(self, record: logging.LogRecord) -> None:
        self.stream = sys.stderr
        super().emit(record)
