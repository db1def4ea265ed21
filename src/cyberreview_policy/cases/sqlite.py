"""The embedded case store: one SQLite file, by default ``$CYBERREVIEW_HOME/cases.db``.

WAL mode and a busy timeout let concurrent gates on one machine share it;
``BEGIN IMMEDIATE`` serialises writers, so the audit chain stays a chain.  A
writer waits for another's lock at most ``$CYBERREVIEW_STORE_TIMEOUT`` seconds
(default 5): a process stopped inside a write holds the lock until it dies.
The file is created owner-only (0600): case material is confidential.
"""

from __future__ import annotations

import logging
import os
import sqlite3
import stat
import time
from collections.abc import Iterator, Sequence
from contextlib import contextmanager
from pathlib import Path
from typing import Any

from ..env import private_dir
from ..errors import CaseStoreError
from ..i18n.catalog import _
from .sqlstore import SqlStore, store_timeout


def path_from_url(url: str) -> Path:
    """As SQLAlchemy reads them: ``sqlite:////abs/cases.db`` (absolute),
    ``sqlite:///rel/cases.db`` (relative); also plain ``sqlite:cases.db``."""
    if not url.startswith("sqlite:"):
        raise CaseStoreError(_("not a SQLite URL: {url}").format(url=repr(url)))
    rest = url[len("sqlite:") :]
    return Path(rest[3:] if rest.startswith("///") else rest)


def _wal(db: sqlite3.Connection, timeout: float) -> None:
    """Put the file in WAL mode (it stays so).  Two processes opening a new file at
    once can both ask; SQLite then answers one with "database is locked" at once,
    without waiting on its busy timeout (the lock upgrade would deadlock), so wait
    and ask again, as the busy timeout would, for at most ``timeout`` seconds."""
    deadline = time.monotonic() + timeout
    while True:
        try:
            db.execute("PRAGMA journal_mode=WAL")
            return
        except sqlite3.OperationalError as exc:
            if "locked" not in str(exc) or time.monotonic() >= deadline:
                raise
        time.sleep(0.02)


_warned: set[Path] = set()


def _warn_if_readable(path: Path) -> None:
    """Say once per process that a store file other users can read should not be."""
    mode = stat.S_IMODE(path.stat().st_mode)
    if mode & 0o077 and path not in _warned:
        _warned.add(path)
        logging.getLogger("cyberreview.store").warning(
            "cyberreview: warning: case store %s can be read by other users (mode %04o): "
            "it holds review cases (Measures Art. 16): chmod 600 %s",
            path,
            mode,
            path,
        )


class SqliteStore(SqlStore):
    """A case store in one SQLite file."""

    serial = "INTEGER"  # a rowid alias: cases are never deleted, so ids are never reused
    blob = "BLOB"

    def __init__(self, path: Path, timeout: float | None = None):
        self.path = path
        self.name = str(path)
        self.url = f"sqlite:///{path}"
        self.timeout = store_timeout() if timeout is None else timeout
        try:
            private_dir(path.parent)
            fresh = not path.exists()
            if not fresh:
                _warn_if_readable(path)
            self._db = sqlite3.connect(path, timeout=self.timeout, isolation_level=None)
            if fresh:
                os.chmod(path, 0o600)  # case material is confidential (Art. 16/17)
            _wal(self._db, self.timeout)
            self._db.execute(f"PRAGMA busy_timeout={int(self.timeout * 1000)}")
            self._db.execute("PRAGMA foreign_keys=ON")
        except (sqlite3.Error, OSError) as exc:
            if self._busy(exc):
                raise self._failure("opening it", exc) from None
            raise CaseStoreError(
                _("cannot open case store {path}: {exc}").format(path=path, exc=exc)
            ) from None
        try:
            self._migrate()
        except sqlite3.Error as exc:
            self._db.close()
            if self._busy(exc):
                raise self._failure("opening it", exc) from None
            raise CaseStoreError(
                _("cannot open case store {path}: {exc}").format(path=path, exc=exc)
            ) from None
        except BaseException:
            self._db.close()
            raise

    def _execute(self, sql: str, params: Sequence[Any] = ()) -> Any:
        return self._db.execute(sql, tuple(params))

    def _errors(self) -> tuple[type[BaseException], ...]:
        return (sqlite3.Error,)

    def _busy(self, exc: BaseException) -> bool:
        return isinstance(exc, sqlite3.OperationalError) and "locked" in str(exc)

    @contextmanager
    def _write(self) -> Iterator[None]:
        self._begin()
        try:
            yield
        except BaseException:
            self._db.execute("ROLLBACK")
            raise
        self._db.execute("COMMIT")

    def _begin(self) -> None:
        """``BEGIN IMMEDIATE``, waiting for another writer about every millisecond.

        SQLite's own busy handler sleeps 1, 2, 5, 10, ... up to 100 ms between
        tries: under a steady stream of short write transactions from several
        processes (the service's group commits) a writer would sleep well past
        the moment the lock came free.  So it is asked with a 1 ms busy timeout,
        again and again, until the store's timeout (``CYBERREVIEW_STORE_TIMEOUT``) has
        passed."""
        db = self._db
        db.execute("PRAGMA busy_timeout=1")
        try:
            deadline = time.monotonic() + self.timeout
            while True:
                try:
                    db.execute("BEGIN IMMEDIATE")
                    return
                except sqlite3.OperationalError as exc:
                    if "locked" not in str(exc) or time.monotonic() > deadline:
                        raise
                time.sleep(0.0002)
        finally:
            db.execute(f"PRAGMA busy_timeout={int(self.timeout * 1000)}")

    def close(self) -> None:
        self._db.close()
