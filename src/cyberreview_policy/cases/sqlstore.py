"""What the SQL case stores share: schema, migrations, the queries, the rules.

Subclasses say how to connect, how to open a write transaction that
serialises writers, and how to spell placeholders; everything else -- the
one-open-case constraint, the procedure checks, the audit chain -- is here
once, so SQLite and PostgreSQL cannot drift apart.  Each feature's tables and
writes are a part mixed in here: opening and adopting cases
(:mod:`.openstate`), their steps and the Office's notices (:mod:`.stepstate`),
material (:mod:`.materialstate`), sweeps, the service, trackers.
"""

from __future__ import annotations

import datetime as dt
import json
import os
from collections.abc import Iterator, Sequence
from contextlib import AbstractContextManager, contextmanager, nullcontext
from typing import Any

from ..env import DEFAULT_STORE_TIMEOUT, STORE_TIMEOUT_ENV
from ..errors import CaseStoreError, UnknownCaseError
from ..i18n.catalog import _
from .auditstate import MIGRATION as AUDIT_SUBJECT_MIGRATION
from .auditstate import AuditState
from .base import Case, Material
from .lifecycle import ENDED_STATES, ENDED_STATES_V1, Event
from .materialstate import MATERIAL_MIGRATION
from .openstate import CLOSING_MIGRATION, OpenState
from .servestate import AS_OF_MIGRATION, ServeState
from .servestate import MIGRATION as SERVE_MIGRATION
from .sqlparts import case_id, dumps, now, parse_case_id
from .stepstate import StepState
from .sweepstate import (
    BASELINE_MIGRATION,
    LOCK_HOLDER_MIGRATION,
    QUARANTINE_MIGRATION,
    FindingChange,
    SweepState,
)
from .sweepstate import MIGRATION as SWEEP_MIGRATION
from .trackerstate import MIGRATION as TRACKER_MIGRATION
from .trackerstate import TrackerState
from .uistate import MIGRATION as UI_SESSION_MIGRATION
from .uistate import UiState
from .waiverstate import DECISION_MIGRATION as WAIVER_DECISION_MIGRATION
from .waiverstate import MIGRATION as WAIVER_MIGRATION
from .waiverstate import WaiverState

_ENDED = ", ".join(f"'{state}'" for state in ENDED_STATES)
_ENDED_V1 = ", ".join(f"'{state}'" for state in ENDED_STATES_V1)

#: Numbered migrations; ``{serial}`` and ``{blob}`` are spelt by the dialect.
MIGRATIONS: tuple[str, ...] = (
    f"""
    CREATE TABLE cases (
        seq {{serial}} PRIMARY KEY,
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
        WHERE state NOT IN ({_ENDED_V1});
    CREATE INDEX cases_record ON cases (record_key);
    CREATE INDEX cases_state ON cases (state);
    CREATE TABLE case_events (
        case_seq BIGINT NOT NULL REFERENCES cases (seq),
        n INTEGER NOT NULL,
        kind TEXT NOT NULL,
        on_date TEXT NOT NULL,
        at TEXT NOT NULL,
        actor TEXT NOT NULL,
        from_state TEXT,
        to_state TEXT,
        note TEXT,
        details TEXT NOT NULL,
        PRIMARY KEY (case_seq, n)
    );
    CREATE TABLE materials (
        case_seq BIGINT NOT NULL REFERENCES cases (seq),
        kind TEXT NOT NULL,
        filename TEXT NOT NULL,
        size BIGINT NOT NULL,
        sha256 TEXT NOT NULL,
        content {{blob}} NOT NULL,
        attached_on TEXT NOT NULL,
        actor TEXT NOT NULL,
        PRIMARY KEY (case_seq, kind, sha256)
    );
    CREATE TABLE audit (
        seq BIGINT PRIMARY KEY,
        at TEXT NOT NULL,
        actor TEXT NOT NULL,
        action TEXT NOT NULL,
        subject TEXT,
        pack TEXT,
        record_digest TEXT,
        details TEXT NOT NULL,
        prev_hash TEXT NOT NULL,
        hash TEXT NOT NULL
    );
    CREATE TABLE audit_head (
        id INTEGER PRIMARY KEY CHECK (id = 1),
        count BIGINT NOT NULL,
        hash TEXT NOT NULL
    );
    """,
    """
    CREATE TABLE checkpoints (
        source TEXT PRIMARY KEY,
        value TEXT NOT NULL,
        updated_at TEXT NOT NULL
    );
    """,
    SWEEP_MIGRATION,
    SERVE_MIGRATION,
    TRACKER_MIGRATION,
    LOCK_HOLDER_MIGRATION,
    WAIVER_MIGRATION,
    AUDIT_SUBJECT_MIGRATION,
    AS_OF_MIGRATION,
    QUARANTINE_MIGRATION,
    CLOSING_MIGRATION,
    MATERIAL_MIGRATION,
    BASELINE_MIGRATION,
    WAIVER_DECISION_MIGRATION,
    UI_SESSION_MIGRATION,
)

_CASE_COLUMNS = (
    "seq, record_key, record_id, kind, state, rule, pack, opened_on, "
    "created_at, updated_at, summary, record_digest, facts_digest"
)
_EVENT_COLUMNS = "case_seq, n, kind, on_date, at, actor, from_state, to_state, note, details"


_now = now
_dumps = dumps
__all__ = ["MIGRATIONS", "SqlStore", "case_id", "parse_case_id"]


def store_timeout() -> float:
    """``$CYBERREVIEW_STORE_TIMEOUT`` (seconds, more than 0, at most an hour), or
    :data:`~..env.DEFAULT_STORE_TIMEOUT`: how long the case store waits for a lock
    that another process holds (a stuck sweep, a session left open) before giving up."""
    text = os.environ.get(STORE_TIMEOUT_ENV, "").strip()
    if not text:
        return DEFAULT_STORE_TIMEOUT
    try:
        seconds = float(text)
    except ValueError:
        seconds = float("nan")
    if not 0 < seconds <= 3600:  # NaN is refused too
        raise CaseStoreError(
            _("{STORE_TIMEOUT_ENV}={text}: give seconds, more than 0 and at most 3600").format(
                STORE_TIMEOUT_ENV=STORE_TIMEOUT_ENV, text=repr(text)
            )
        )
    return seconds


class SqlStore(
    OpenState, StepState, SweepState, ServeState, UiState, TrackerState, WaiverState, AuditState
):
    """Case store logic over a DB-API connection; see the subclasses."""

    url: str
    name: str  # for messages: the file or the server
    timeout: float  # seconds to wait for another process's lock (CYBERREVIEW_STORE_TIMEOUT)
    serial = "INTEGER"
    blob = "BLOB"

    # -- what a dialect provides ----------------------------------------------

    def _execute(self, sql: str, params: Sequence[Any] = ()) -> Any:
        raise NotImplementedError

    def _write(self) -> AbstractContextManager[None]:
        """A transaction that holds the store's write lock until it ends."""
        raise NotImplementedError

    def _errors(self) -> tuple[type[BaseException], ...]:
        raise NotImplementedError

    def _busy(self, exc: BaseException) -> bool:
        """Whether ``exc`` says the store's timeout ran out waiting for a lock."""
        raise NotImplementedError

    def _unhurried(self) -> AbstractContextManager[None]:
        """No statement timeout meanwhile: for reads that may take long (the whole
        audit trail, every case); waits for locks stay bounded."""
        return nullcontext()

    def close(self) -> None:
        raise NotImplementedError

    # -- schema -----------------------------------------------------------------

    def _migrate(self) -> None:
        if self._up_to_date():  # no write lock to take: a stuck writer does not stop a reader
            return
        with self._write():
            self._execute("CREATE TABLE IF NOT EXISTS schema_version (version INTEGER NOT NULL)")
            row = self._execute("SELECT version FROM schema_version").fetchone()
            version = row[0] if row else 0
            if version > len(MIGRATIONS):
                raise CaseStoreError(
                    _(
                        "case store {name} has schema {version}, newer than this version of "
                        "cyberreview knows ({count}): upgrade cyberreview"
                    ).format(name=self.name, version=version, count=len(MIGRATIONS))
                )
            for script in MIGRATIONS[version:]:
                sql = script.replace("{serial}", self.serial).replace("{blob}", self.blob)
                for statement in filter(str.strip, sql.split(";")):
                    self._execute(statement)
            if version < len(MIGRATIONS):
                self._execute("DELETE FROM schema_version")
                self._execute("INSERT INTO schema_version VALUES (?)", (len(MIGRATIONS),))

    def _up_to_date(self) -> bool:
        try:
            row = self._execute("SELECT version FROM schema_version").fetchone()
        except self._errors():
            return False  # a new store; any other failure, the migration reports
        return row is not None and row[0] == len(MIGRATIONS)

    @contextmanager
    def _guard(self, what: str) -> Iterator[None]:
        """Turn driver errors into :class:`CaseStoreError` naming the store."""
        try:
            yield
        except self._errors() as exc:
            raise self._failure(what, exc) from None

    def _failure(self, what: str, exc: BaseException) -> CaseStoreError:
        if self._busy(exc):
            return CaseStoreError(
                _(
                    "case store {name} is busy: another process has held its lock for more "
                    "than {timeout:g} s ({STORE_TIMEOUT_ENV}); gave up {what}"
                ).format(
                    name=self.name,
                    timeout=self.timeout,
                    STORE_TIMEOUT_ENV=STORE_TIMEOUT_ENV,
                    what=what,
                )
            )
        return CaseStoreError(
            _("case store {name}: {what}: {exc}").format(name=self.name, what=what, exc=exc)
        )

    # -- reading --------------------------------------------------------------

    def _case(
        self, row: Sequence[Any], events: Sequence[Event] = (), materials: Sequence[Material] = ()
    ) -> Case:
        (seq, key, rid, kind, state, rule, pack, opened, created, updated, summary, digest) = row[
            :12
        ]
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
            events=tuple(events),
            materials=tuple(materials),
            facts_digest=row[12],
        )

    def _events(self, seqs: Sequence[int]) -> dict[int, list[Event]]:
        out: dict[int, list[Event]] = {seq: [] for seq in seqs}
        if not seqs:
            return out
        marks = ", ".join("?" for _ in seqs)
        rows = self._execute(
            f"SELECT {_EVENT_COLUMNS} FROM case_events WHERE case_seq IN ({marks}) "
            "ORDER BY case_seq, n",
            tuple(seqs),
        ).fetchall()
        for seq, n, kind, on, at, actor, from_state, to_state, note, details in rows:
            out[seq].append(
                Event(
                    n=n,
                    kind=kind,
                    on=dt.date.fromisoformat(on),
                    at=dt.datetime.fromisoformat(at),
                    actor=actor,
                    from_state=from_state,
                    to_state=to_state,
                    note=note,
                    details=json.loads(details),
                )
            )
        return out

    def _materials(self, seq: int) -> list[Material]:
        rows = self._execute(
            "SELECT kind, filename, size, sha256, attached_on, actor, version, answers "
            "FROM materials WHERE case_seq = ? ORDER BY kind, version",
            (seq,),
        ).fetchall()
        return [
            Material(kind, name, size, sha, dt.date.fromisoformat(on), actor, version, answers)
            for kind, name, size, sha, on, actor, version, answers in rows
        ]

    def _full(self, rows: Sequence[Sequence[Any]]) -> list[Case]:
        events = self._events([row[0] for row in rows])
        return [self._case(row, events[row[0]], self._materials(row[0])) for row in rows]

    def get(self, case_id_text: str) -> Case:
        seq = parse_case_id(case_id_text)
        with self._guard("reading a case"):
            row = self._execute(
                f"SELECT {_CASE_COLUMNS} FROM cases WHERE seq = ?", (seq,)
            ).fetchone()
            if row is None:
                raise UnknownCaseError(
                    _("no case {case_id_text} in {name}").format(
                        case_id_text=repr(case_id_text), name=self.name
                    ),
                    case_id_text,
                )
            return self._full([row])[0]

    def list_cases(
        self,
        state: str | None = None,
        kind: str | None = None,
        *,
        record: str | None = None,
        open_only: bool = False,
    ) -> list[Case]:
        query = f"SELECT {_CASE_COLUMNS} FROM cases WHERE 1 = 1"
        params: list[str] = []
        if state:
            query += " AND state = ?"
            params.append(state)
        if kind:
            query += " AND kind = ?"
            params.append(kind)
        if record:
            query += " AND (record_id = ? OR record_key = ?)"
            params += [record, record]
        if open_only:
            query += f" AND state NOT IN ({_ENDED})"
        with self._guard("listing cases"), self._unhurried():
            rows = self._execute(query + " ORDER BY seq", params).fetchall()
            events = self._events([row[0] for row in rows])
            return [self._case(row, events[row[0]]) for row in rows]

    def cases_for(self, record_key: str) -> list[Case]:
        with self._guard("reading cases"):
            rows = self._execute(
                f"SELECT {_CASE_COLUMNS} FROM cases WHERE record_key = ? ORDER BY seq",
                (record_key,),
            ).fetchall()
            return self._full(rows)

    # -- writing ----------------------------------------------------------------

    def _add_event(
        self,
        seq: int,
        kind: str,
        on: dt.date,
        actor: str,
        *,
        from_state: str | None = None,
        to_state: str | None = None,
        note: str | None = None,
        details: dict[str, Any] | None = None,
    ) -> None:
        row = self._execute(
            "SELECT COUNT(*) FROM case_events WHERE case_seq = ?", (seq,)
        ).fetchone()
        self._execute(
            f"INSERT INTO case_events ({_EVENT_COLUMNS}) VALUES (?, ?, ?, ?, ?, ?, ?, ?, ?, ?)",
            (
                seq,
                row[0] + 1,
                kind,
                on.isoformat(),
                _now().isoformat(),
                actor,
                from_state,
                to_state,
                note,
                _dumps(details or {}),
            ),
        )

    def _locked(self, case_id_text: str) -> Case:
        """The case, read inside the write transaction (so nobody moves it meanwhile)."""
        seq = parse_case_id(case_id_text)
        row = self._execute(f"SELECT {_CASE_COLUMNS} FROM cases WHERE seq = ?", (seq,)).fetchone()
        if row is None:
            raise UnknownCaseError(
                _("no case {case_id_text} in {name}").format(
                    case_id_text=repr(case_id_text), name=self.name
                ),
                case_id_text,
            )
        return self._full([row])[0]

    def _note_resolved(self, change: FindingChange, on: dt.date, actor: str) -> None:
        """Inside the caller's transaction: a note on the open case ``change.rule``
        opened for the record, if there is one."""
        rows = self._execute(
            f"SELECT seq, pack FROM cases WHERE record_key = ? AND rule = ? "
            f"AND state NOT IN ({_ENDED})",
            (change.record_key, change.rule),
        ).fetchall()
        note = f"the finding {change.rule} ({change.outcome}) no longer fires"
        for seq, pack in rows:
            self._add_event(seq, "note", on, actor, note=note, details={"rule": change.rule})
            self._append_audit(
                "case.note",
                actor,
                subject=case_id(seq),
                pack=pack,
                details={"note": note, "on": on.isoformat()},
            )
