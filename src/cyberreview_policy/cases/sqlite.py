"""The embedded case store: one SQLite file, by default ``$CYBERREVIEW_HOME/cases.db``.

WAL mode and a busy timeout let concurrent gates share it; a partial unique
index makes "one open case per record and kind" a database guarantee.
Schema changes are numbered migrations tracked in ``PRAGMA user_version``.
"""

from __future__ import annotations

import datetime as dt
import json
import os
import sqlite3
from pathlib import Path
from typing import Any

from ..errors import CaseStoreError, UnknownCaseError
from .base import ENDED_STATES, Case, CaseRequest

_ENDED = ", ".join(f"'{state}'" for state in ENDED_STATES)

MIGRATIONS: tuple[str, ...] = (
    f"""
    CREATE TABLE cases (
        seq INTEGER PRIMARY KEY,  -- cases are never deleted, so ids are never reused
        record_key TEXT NOT NULL,
        record_id TEXT NOT NULL,
        kind TEXT NOT NULL,
        state TEXT NOT NULL DEFAULT 'open',
        rule TEXT NOT NULL,
        pack TEXT NOT NULL,
        opened_on TEXT NOT NULL,
        created_at TEXT NOT NULL,
        updated_at TEXT NOT NULL,
        summary TEXT NOT NULL,
        record_digest TEXT NOT NULL
    );
    CREATE UNIQUE INDEX one_open_case ON cases (record_key, kind)
        WHERE state NOT IN ({_ENDED});
    CREATE INDEX cases_state ON cases (state);
    """,
)

_COLUMNS = (
    "seq, record_key, record_id, kind, state, rule, pack, opened_on, "
    "created_at, updated_at, summary, record_digest"
)


def case_id(seq: int) -> str:
    return f"CR-{seq:06d}"


def _seq(case_id_text: str) -> int:
    prefix, _, number = case_id_text.partition("-")
    if prefix != "CR" or not number.isdigit():
        raise UnknownCaseError(f"no case {case_id_text!r}: case ids look like CR-000001")
    return int(number)


def path_from_url(url: str) -> Path:
    """As SQLAlchemy reads them: ``sqlite:////abs/cases.db`` (absolute),
    ``sqlite:///rel/cases.db`` (relative); also plain ``sqlite:cases.db``."""
    if not url.startswith("sqlite:"):
        raise CaseStoreError(f"not a SQLite URL: {url!r}")
    rest = url[len("sqlite:") :]
    return Path(rest[3:] if rest.startswith("///") else rest)


class SqliteStore:
    """A :class:`~cyberreview_policy.cases.base.CaseStore` in one SQLite file."""

    def __init__(self, path: Path):
        self.path = path
        self.url = f"sqlite:///{path}"
        try:
            path.parent.mkdir(parents=True, exist_ok=True, mode=0o700)
            fresh = not path.exists()
            self._db = sqlite3.connect(path, timeout=30.0, isolation_level=None)
            if fresh:
                os.chmod(path, 0o600)  # case material is confidential (Art. 16)
            self._db.execute("PRAGMA journal_mode=WAL")
            self._db.execute("PRAGMA busy_timeout=30000")
            self._migrate()
        except (sqlite3.Error, OSError) as exc:
            raise CaseStoreError(f"cannot open case store {path}: {exc}") from None

    def _migrate(self) -> None:
        self._db.execute("BEGIN IMMEDIATE")
        try:
            version = self._db.execute("PRAGMA user_version").fetchone()[0]
            if version > len(MIGRATIONS):
                raise CaseStoreError(
                    f"case store {self.path} has schema {version}, newer than this "
                    f"version of cyberreview knows ({len(MIGRATIONS)}): upgrade cyberreview"
                )
            for number, script in enumerate(MIGRATIONS[version:], start=version + 1):
                for statement in filter(str.strip, script.split(";")):
                    self._db.execute(statement)
                self._db.execute(f"PRAGMA user_version = {number}")
            self._db.execute("COMMIT")
        except BaseException:
            self._db.execute("ROLLBACK")
            raise

    def _case(self, row: tuple[Any, ...]) -> Case:
        (seq, key, rid, kind, state, rule, pack, opened, created, updated, summary, digest) = row
        return Case(
            id=case_id(seq),
            kind=kind,
            state=state,
            record_key=key,
            record_id=rid,
            rule=rule,
            pack=pack,
            opened_on=dt.date.fromisoformat(opened),
            created_at=dt.datetime.fromisoformat(created),
            updated_at=dt.datetime.fromisoformat(updated),
            summary=json.loads(summary),
            record_digest=digest,
        )

    def _open_row(self, request: CaseRequest) -> tuple[Any, ...] | None:
        row: tuple[Any, ...] | None = self._db.execute(
            f"SELECT {_COLUMNS} FROM cases WHERE record_key = ? AND kind = ? "
            f"AND state NOT IN ({_ENDED})",
            (request.record_key, request.kind),
        ).fetchone()
        return row

    def open_case(self, request: CaseRequest) -> tuple[Case, bool]:
        try:
            row = self._open_row(request)  # the common case on a rerun: no write at all
            if row is not None:
                return self._case(row), False
            # The partial unique index decides a race: the loser's insert does
            # nothing, and it reads the winner's case.
            row = self._insert(request)
            created = row is not None
            if row is None:
                row = self._open_row(request)
        except sqlite3.Error as exc:
            raise CaseStoreError(f"case store {self.path}: {exc}") from None
        if row is None:  # the winner's case cannot vanish: cases are never deleted
            raise CaseStoreError(f"case store {self.path}: the open case disappeared")
        return self._case(row), created

    def _insert(self, request: CaseRequest) -> tuple[Any, ...] | None:
        now = dt.datetime.now(dt.UTC).isoformat(timespec="seconds")
        row: tuple[Any, ...] | None = self._db.execute(
            "INSERT INTO cases (record_key, record_id, kind, rule, pack, opened_on, "
            "created_at, updated_at, summary, record_digest) "
            f"VALUES (?, ?, ?, ?, ?, ?, ?, ?, ?, ?) ON CONFLICT DO NOTHING RETURNING {_COLUMNS}",
            (
                request.record_key,
                request.record_id,
                request.kind,
                request.rule,
                request.pack,
                request.opened_on.isoformat(),
                now,
                now,
                json.dumps(request.summary, sort_keys=True),
                request.record_digest,
            ),
        ).fetchone()
        return row

    def get(self, case_id_text: str) -> Case:
        row = self._db.execute(
            f"SELECT {_COLUMNS} FROM cases WHERE seq = ?", (_seq(case_id_text),)
        ).fetchone()
        if row is None:
            raise UnknownCaseError(f"no case {case_id_text!r} in {self.path}")
        return self._case(row)

    def list(self, state: str | None = None, kind: str | None = None) -> list[Case]:
        query = f"SELECT {_COLUMNS} FROM cases WHERE 1 = 1"
        params: list[str] = []
        if state:
            query += " AND state = ?"
            params.append(state)
        if kind:
            query += " AND kind = ?"
            params.append(kind)
        return [self._case(row) for row in self._db.execute(query + " ORDER BY seq", params)]

    def close(self) -> None:
        self._db.close()
