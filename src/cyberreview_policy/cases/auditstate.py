"""The audit trail in the store: appended inside each change's own transaction, with
the chain's head kept alongside (:mod:`.audit` says why), and read back whole or
for the cases and waivers a decision uses (:meth:`AuditState.trail_of`).
"""

from __future__ import annotations

import datetime as dt
import json
from collections.abc import Callable, Iterator, Sequence
from typing import Any

from .audit import GENESIS, AuditEntry, entry_hash, sealed
from .sqlparts import SqlPart

#: the entries of one case or waiver are looked up by subject when a decision uses it
MIGRATION = """
CREATE INDEX audit_subject ON audit (subject)
"""

#: an entry to append: (action, actor, fields), fields the keyword arguments of ``audit``
AuditItem = tuple[str, str, dict[str, Any]]

_COLUMNS = "seq, at, actor, action, subject, pack, record_digest, details, prev_hash, hash"


def _now() -> dt.datetime:
    return dt.datetime.now(dt.UTC).replace(microsecond=0)


def _dumps(data: Any) -> str:
    return json.dumps(data, sort_keys=True, ensure_ascii=False)


def _entry(row: Sequence[Any]) -> AuditEntry:
    seq, at, actor, action, subject, pack, digest, details, prev, hash_ = row
    return AuditEntry(
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


class AuditState(SqlPart):
    """Mixed into :class:`~.sqlstore.SqlStore`."""

    def _append_audit(self, action: str, actor: str, **fields: Any) -> AuditEntry:
        """Append inside the caller's write transaction."""
        return self._append_audits([(action, actor, fields)])[0]

    def _append_audits(
        self, entries: Sequence[tuple[str, str, dict[str, Any]]]
    ) -> list[AuditEntry]:
        """Append ``(action, actor, fields)`` entries in order inside the caller's write
        transaction: the chain's head read once and written once."""
        if not entries:
            return []
        head = self._execute("SELECT count, hash FROM audit_head WHERE id = 1").fetchone()
        count, prev = (head[0], head[1]) if head else (0, GENESIS)
        sealed_entries = []
        for action, actor, fields in entries:
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
                f"INSERT INTO audit ({_COLUMNS}) VALUES (?, ?, ?, ?, ?, ?, ?, ?, ?, ?)",
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
            sealed_entries.append(entry)
            count, prev = entry.seq, entry.hash
        if head is None:
            self._execute(
                "INSERT INTO audit_head (id, count, hash) VALUES (1, ?, ?)", (count, prev)
            )
        else:
            self._execute("UPDATE audit_head SET count = ?, hash = ? WHERE id = 1", (count, prev))
        return sealed_entries

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
        fields = {"subject": subject, "pack": pack, "record_digest": record_digest}
        return self.audit_many([(action, actor, fields | {"details": details})])[0]

    def audit_many(self, entries: Sequence[tuple[str, str, dict[str, Any]]]) -> list[AuditEntry]:
        """Append ``(action, actor, fields)`` entries in order, in one transaction: one
        commit (one fsync) for all (the service's group commit, serve/groupcommit.py)."""
        with self._guard("writing the audit trail"), self._write():
            return self._append_audits(entries)

    def audit_taken(self, take: Callable[[], Sequence[AuditItem]]) -> list[AuditEntry]:
        """As :meth:`audit_many`, with the entries taken (``take()``) once the write lock is
        held: those that came while another writer was committing join this transaction
        instead of waiting for the next (the service's group commit)."""
        with self._guard("writing the audit trail"), self._write():
            return self._append_audits(take())

    def audit_entries(self, since: dt.date | None = None) -> Iterator[AuditEntry]:
        query = f"SELECT {_COLUMNS} FROM audit"
        params: tuple[Any, ...] = ()
        if since is not None:
            query += " WHERE at >= ?"
            params = (since.isoformat(),)
        with self._guard("reading the audit trail"), self._unhurried():
            rows = self._execute(query + " ORDER BY seq", params).fetchall()
        for row in rows:
            yield _entry(row)

    def audit_head(self) -> tuple[int, str] | None:
        with self._guard("reading the audit trail"):
            row = self._execute("SELECT count, hash FROM audit_head WHERE id = 1").fetchone()
        return (int(row[0]), str(row[1])) if row else None

    def trail_of(self, subjects: Sequence[str], actions: str) -> list[tuple[AuditEntry, bool]]:
        """The entries about ``subjects`` whose action starts with ``actions`` (``case.``,
        ``waiver.``), oldest first, each with whether it is sealed: its hash fits its
        content and the next entry (or the head) links to it.  Editing an entry to
        match an edited row therefore shows, unless the whole rest of the chain is
        rewritten (which ``audit verify`` shows against an exported copy)."""
        columns = ", ".join(f"a.{name}" for name in _COLUMNS.split(", "))
        rows: list[Any] = []
        with self._guard("reading the audit trail"):
            for start in range(0, len(subjects), 500):
                batch = subjects[start : start + 500]
                marks = ", ".join("?" for _ in batch)
                rows += self._execute(
                    f"SELECT {columns}, n.prev_hash FROM audit a LEFT JOIN audit n "
                    f"ON n.seq = a.seq + 1 WHERE a.subject IN ({marks}) AND a.action LIKE ?",
                    (*batch, actions + "%"),
                ).fetchall()
            head = self._execute("SELECT count, hash FROM audit_head WHERE id = 1").fetchone()
            # an entry that was the last when its row was read links to the head, or,
            # when another writer has appended since (the reads are not one snapshot),
            # to the entry after it, which that writer committed with the new head
            for index, row in enumerate(rows):
                if row[-1] is None and head is not None and row[0] < head[0]:
                    after = self._execute(
                        "SELECT prev_hash FROM audit WHERE seq = ?", (row[0] + 1,)
                    ).fetchone()
                    rows[index] = (*row[:-1], after[0] if after else None)
        rows.sort(key=lambda row: row[0])
        out = []
        for row in rows:
            link = row[-1] if row[-1] is not None or head is None or row[0] < head[0] else head[1]
            entry = _entry(row[:-1])
            fits = entry.hash == entry_hash(entry.prev_hash, entry.content())
            out.append((entry, fits and link == entry.hash))
        return out
