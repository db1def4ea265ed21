"""The embedded case store: one SQLite file, by default ``$CYBERREVIEW_HOME/cases.db``.

WAL mode and a busy timeout let concurrent gates on one machine share it;
``BEGIN IMMEDIATE`` serialises writers, so the audit chain stays a chain.
The file is created owner-only (0600): case material is confidential.
"""

from __future__ import annotations

import os
import sqlite3
import time
from collections.abc import Iterator, Sequence
from contextlib import contextmanager
from pathlib import Path
from typing import Any

from ..errors import CaseStoreError
from .sqlstore import SqlStore


def path_from_url(url: str) -> Path:
    """As SQLAlchemy reads them: ``sqlite:////abs/cases.db`` (absolute),
    ``sqlite:///rel/cases.db`` (relative); also plain ``sqlite:cases.db``."""
    if not url.startswith("sqlite:"):
        raise CaseStoreError(f"not a SQLite URL: {url!r}")
    rest = url[len("sqlite:") :]
    return Path(rest[3:] if rest.startswith("///") else rest)


BUSY_WAIT = 30.0  # seconds, as the connection's busy timeout


def _wal(db: sqlite3.Connection) -> None:
    """Put the file in WAL mode (it stays so).  Two processes opening a new file at
    once can both ask; SQLite then answers one with "database is locked" at once,
    without waiting on its busy timeout (the lock upgrade would deadlock), so wait
    and ask again, as the busy timeout would."""
    waited = 0.0
    while True:
        try:
            db.execute("PRAGMA journal_mode=WAL")
            return
        except sqlite3.OperationalError as exc:
            if "locked" not in str(exc) or waited >= BUSY_WAIT:
                raise
        time.sleep(0.02)
        waited += 0.02


class SqliteStore(SqlStore):
    """A case store in one SQLite file."""

    serial = "INTEGER"  # a rowid alias: cases are never deleted, so ids are never reused
    blob = "BLOB"

    def __init__(self, path: Path):
        self.path = path
        self.name = str(path)
        self.url = f"sqlite:///{path}"
        try:
            path.parent.mkdir(parents=True, exist_ok=True, mode=0o700)
            fresh = not path.exists()
            self._db = sqlite3.connect(path, timeout=BUSY_WAIT, isolation_level=None)
            if fresh:
                os.chmod(path, 0o600)  # case material is confidential (Art. 16/17)
            _wal(self._db)
            self._db.execute("PRAGMA busy_timeout=30000")
            self._db.execute("PRAGMA foreign_keys=ON")
        except (sqlite3.Error, OSError) as exc:
            raise CaseStoreError(f"cannot open case store {path}: {exc}") from None
        try:
            self._migrate()
        except sqlite3.Error as exc:
            self._db.close()
            raise CaseStoreError(f"cannot open case store {path}: {exc}") from None
        except BaseException:
            self._db.close()
            raise

    def _execute(self, sql: str, params: Sequence[Any] = ()) -> Any:
        return self._db.execute(sql, tuple(params))

    def _errors(self) -> tuple[type[BaseException], ...]:
        return (sqlite3.Error,)

    @contextmanager
    def _write(self) -> Iterator[None]:
        self._db.execute("BEGIN IMMEDIATE")
        try:
            yield
        except BaseException:
            self._db.execute("ROLLBACK")
            raise
        self._db.execute("COMMIT")

    def close(self) -> None:
        self._db.close()
