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
from collections.abc import Iterator, Sequence
from contextlib import AbstractContextManager, contextmanager
from typing import Any

from ..errors import CaseStoreError, UnknownCaseError
from .audit import GENESIS, AuditEntry, sealed
from .base import Case, Material
from .lifecycle import ENDED_STATES, ENDED_STATES_V1, Event
from .materialstate import MATERIAL_MIGRATION
from .openstate import CLOSING_MIGRATION, OpenState
from .servestate import MIGRATION as SERVE_MIGRATION
from .servestate import ServeState
from .sqlparts import case_id, dumps, now, parse_case_id
from .stepstate import StepState
from .sweepstate import BASELINE_MIGRATION, FindingChange, SweepState
from .sweepstate import MIGRATION as SWEEP_MIGRATION
from .trackerstate import MIGRATION as TRACKER_MIGRATION
from .trackerstate import TrackerState

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
    CLOSING_MIGRATION,
    MATERIAL_MIGRATION,
    BASELINE_MIGRATION,
)

_CASE_COLUMNS = (
    "seq, record_key, record_id, kind, state, rule, pack, opened_on, "
    "created_at, updated_at, summary, record_digest, facts_digest"
)
_EVENT_COLUMNS = "case_seq, n, kind, on_date, at, actor, from_state, to_state, note, details"
_AUDIT_COLUMNS = "seq, at, actor, action, subject, pack, record_digest, details, prev_hash, hash"


_now = now
_dumps = dumps
__all__ = ["MIGRATIONS", "SqlStore", "case_id", "parse_case_id"]


class SqlStore(OpenState, StepState, SweepState, ServeState, TrackerState):
    """Case store logic over a DB-API connection; see the subclasses."""

    url: str
    name: str  # for messages: the file or the server
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

    def close(self) -> None:
        raise NotImplementedError

    # -- schema -----------------------------------------------------------------

    def _migrate(self) -> None:
        with self._write():
            self._execute("CREATE TABLE IF NOT EXISTS schema_version (version INTEGER NOT NULL)")
            row = self._execute("SELECT version FROM schema_version").fetchone()
            version = row[0] if row else 0
            if version > len(MIGRATIONS):
                raise CaseStoreError(
                    f"case store {self.name} has schema {version}, newer than this version "
                    f"of cyberreview knows ({len(MIGRATIONS)}): upgrade cyberreview"
                )
            for script in MIGRATIONS[version:]:
                sql = script.replace("{serial}", self.serial).replace("{blob}", self.blob)
                for statement in filter(str.strip, sql.split(";")):
                    self._execute(statement)
            if version < len(MIGRATIONS):
                self._execute("DELETE FROM schema_version")
                self._execute("INSERT INTO schema_version VALUES (?)", (len(MIGRATIONS),))

    @contextmanager
    def _guard(self, what: str) -> Iterator[None]:
        """Turn driver errors into :class:`CaseStoreError` naming the store."""
        try:
            yield
        except self._errors() as exc:
            raise CaseStoreError(f"case store {self.name}: {what}: {exc}") from None

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
                raise UnknownCaseError(f"no case {case_id_text!r} in {self.name}")
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
        with self._guard("listing cases"):
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
            raise UnknownCaseError(f"no case {case_id_text!r} in {self.name}")
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
                "case.note", actor, subject=case_id(seq), pack=pack, details={"note": note}
            )

    # -- source checkpoints ---------------------------------------------------------

    def checkpoint(self, source: str) -> Any | None:
        """The stored checkpoint of a source's last complete read, or ``None``."""
        with self._guard("reading a checkpoint"):
            row = self._execute(
                "SELECT value FROM checkpoints WHERE source = ?", (source,)
            ).fetchone()
        return json.loads(row[0]) if row else None

    def save_checkpoint(self, source: str, value: Any, actor: str) -> None:
        """Store a complete read's checkpoint (and say so in the audit trail)."""
        text = json.dumps(value, sort_keys=True)
        with self._guard("storing a checkpoint"), self._write():
            self._execute("DELETE FROM checkpoints WHERE source = ?", (source,))
            self._execute(
                "INSERT INTO checkpoints (source, value, updated_at) VALUES (?, ?, ?)",
                (source, text, _now().isoformat()),
            )
            self._append_audit("source.checkpoint", actor, subject=source, details={"value": value})

    # -- the audit trail ----------------------------------------------------------

    def _append_audit(self, action: str, actor: str, **fields: Any) -> AuditEntry:
        """Append inside the caller's write transaction."""
        head = self._execute("SELECT count, hash FROM audit_head WHERE id = 1").fetchone()
        count, prev = (head[0], head[1]) if head else (0, GENESIS)
        entry = sealed(
            AuditEntry(
                seq=count + 1,
                at=_now(),
                actor=actor,
                action=action,
                subject=fields.get("subject"),
                pack=fields.get("pack"),
                record_digest=fields.get("record_digest"),
                details=fields.get("details") or {},
            ),
            prev,
        )
        self._execute(
            f"INSERT INTO audit ({_AUDIT_COLUMNS}) VALUES (?, ?, ?, ?, ?, ?, ?, ?, ?, ?)",
            (
                entry.seq,
                entry.at.isoformat(),
                entry.actor,
                entry.action,
                entry.subject,
                entry.pack,
                entry.record_digest,
                _dumps(entry.details),
                entry.prev_hash,
                entry.hash,
            ),
        )
        if head is None:
            self._execute(
                "INSERT INTO audit_head (id, count, hash) VALUES (1, ?, ?)", (entry.seq, entry.hash)
            )
        else:
            self._execute(
                "UPDATE audit_head SET count = ?, hash = ? WHERE id = 1", (entry.seq, entry.hash)
            )
        return entry

    def audit(
        self,
        action: str,
        actor: str,
        *,
        subject: str | None = None,
        pack: str | None = None,
        record_digest: str | None = None,
        details: dict[str, Any] | None = None,
    ) -> AuditEntry:
        with self._guard("writing the audit trail"), self._write():
            return self._append_audit(
                action,
                actor,
                subject=subject,
                pack=pack,
                record_digest=record_digest,
                details=details,
            )

    def audit_entries(self, since: dt.date | None = None) -> Iterator[AuditEntry]:
        query = f"SELECT {_AUDIT_COLUMNS} FROM audit"
        params: tuple[Any, ...] = ()
        if since is not None:
            query += " WHERE at >= ?"
            params = (since.isoformat(),)
        with self._guard("reading the audit trail"):
            rows = self._execute(query + " ORDER BY seq", params).fetchall()
        for seq, at, actor, action, subject, pack, digest, details, prev, hash_ in rows:
            yield AuditEntry(
                seq=seq,
                at=dt.datetime.fromisoformat(at),
                actor=actor,
                action=action,
                subject=subject,
                pack=pack,
                record_digest=digest,
                details=json.loads(details),
                prev_hash=prev,
                hash=hash_,
            )

    def audit_head(self) -> tuple[int, str] | None:
        with self._guard("reading the audit trail"):
            row = self._execute("SELECT count, hash FROM audit_head WHERE id = 1").fetchone()
        return (int(row[0]), str(row[1])) if row else None
