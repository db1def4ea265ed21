"""What a feature's store module (sweeps, the service, trackers) uses of
:class:`~.sqlstore.SqlStore`, into which it is mixed."""

from __future__ import annotations

from collections.abc import Sequence
from typing import Any


class SqlPart:
    """A part of :class:`~.sqlstore.SqlStore`: it runs SQL through the store's
    ``_execute``, in its ``_write`` transactions, under its ``_guard``."""

    def _execute(self, sql: str, params: Sequence[Any] = ()) -> Any:
        raise NotImplementedError

    def _write(self) -> Any:
        raise NotImplementedError

    def _guard(self, what: str) -> Any:
        raise NotImplementedError

    def _unhurried(self) -> Any:
        raise NotImplementedError

    def _append_audit(self, action: str, actor: str, **fields: Any) -> Any:
        raise NotImplementedError
