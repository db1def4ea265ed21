"""The shared case store: PostgreSQL, for several gates, sweeps and services at once.

Select it with ``--store postgresql://USER@HOST:PORT/DB`` (or
``$CYBERREVIEW_STORE``); the password, if any, comes from the URL, ``PGPASSWORD``
or ``~/.pgpass`` as libpq reads them, and is never printed.  Writers take one
transaction-scoped advisory lock, so the audit chain stays a chain across
processes and machines; the partial unique index keeps one open case per
record and kind.  A lock held longer than ``$CYBERREVIEW_STORE_TIMEOUT`` seconds
(default 5) by another session, or a statement running longer, ends the wait
with an error (bulk reads such as the whole audit trail excepted from the
statement limit).  Needs the ``postgresql`` extra (psycopg 3).
"""

from __future__ import annotations

import re
from collections.abc import Iterator, Sequence
from contextlib import contextmanager, suppress
from typing import Any

from ..errors import CaseStoreError
from ..i18n.catalog import _
from .sqlstore import SqlStore, store_timeout

#: The advisory lock writers share (any fixed 64-bit number; this spells "cyberrev").
WRITE_LOCK = 0x6379_6265_7272_6576
_PLACEHOLDER = re.compile(r"\?")


def _redacted(url: str) -> str:
    from ..env import redact_url

    return redact_url(url)


class PostgresStore(SqlStore):
    serial = "BIGSERIAL"
    blob = "BYTEA"

    def __init__(self, url: str, connect_timeout: int = 5, timeout: float | None = None):
        try:
            import psycopg
        except ImportError:
            raise CaseStoreError(
                _(
                    "the PostgreSQL store needs psycopg: pip install "
                    "'cyberreview-policy[postgresql]'"
                )
            ) from None
        self.url = url
        self.name = _redacted(url)
        self.timeout = store_timeout() if timeout is None else timeout
        self._psycopg = psycopg
        try:
            self._db = psycopg.connect(url, autocommit=True, connect_timeout=connect_timeout)
        except psycopg.Error as exc:
            reason = str(exc).strip().splitlines()[0] if str(exc).strip() else type(exc).__name__
            raise CaseStoreError(
                _("cannot reach case store {name}: {reason}").format(name=self.name, reason=reason)
            ) from None
        try:
            self._bounded()
            self._migrate()
        except psycopg.Error as exc:
            self._db.close()
            raise self._failure("opening it", exc) from None
        except BaseException:
            self._db.close()
            raise

    def _bounded(self) -> None:
        """Waits for a lock, and statements, end after the store timeout."""
        limit = f"{int(self.timeout * 1000)}ms"
        self._db.execute(
            "SELECT set_config('lock_timeout', %s, false), "
            "set_config('statement_timeout', %s, false)",
            (limit, limit),
        )

    def _execute(self, sql: str, params: Sequence[Any] = ()) -> Any:
        return self._db.execute(_PLACEHOLDER.sub("%s", sql), tuple(params))

    def _errors(self) -> tuple[type[BaseException], ...]:
        return (self._psycopg.Error,)

    def _busy(self, exc: BaseException) -> bool:
        errors = self._psycopg.errors
        return isinstance(exc, errors.LockNotAvailable | errors.QueryCanceled)

    @contextmanager
    def _unhurried(self) -> Iterator[None]:
        self._db.execute("SET statement_timeout = 0")
        try:
            yield
        finally:
            with suppress(self._psycopg.Error):  # a lost connection: the error is on its way
                self._bounded()

    @contextmanager
    def _write(self) -> Iterator[None]:
        with self._db.transaction():
            self._db.execute("SELECT pg_advisory_xact_lock(%s)", (WRITE_LOCK,))
            yield

    def close(self) -> None:
        self._db.close()
