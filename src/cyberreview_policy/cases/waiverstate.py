"""Waivers in the case store: one row each, changed only in write transactions.

The store issues ids (``W-0001``, one more than the highest ``W-`` number,
inside the transaction that serialises writers, with a unique index behind
it), so that concurrent requests -- two service workers and the command line --
never share one and none is lost.  A waiver is never edited: it is requested,
then approved or rejected (once, by an identity other than the one that asked:
of two approvals at once, the one that takes the write lock first wins and the
other gets :class:`~..errors.WaiverConflictError`), and may be revoked (once);
each step is in the audit trail, in the same transaction.  ``waivers import``
brings waiver files in: new ids are added as the file says, a revocation in the
file is applied, a waiver that differs from the stored one of its id is refused
(its file, line and field named).
"""

from __future__ import annotations

import datetime as dt
import re
from collections.abc import Sequence
from dataclasses import dataclass, field, replace
from typing import Any

from ..errors import SelfApprovalError, UnknownWaiverError, WaiverConflictError, WaiverError
from ..i18n.catalog import _
from ..models.waiver import Scope, Waiver
from .sqlparts import SqlPart

MIGRATION = """
CREATE TABLE waivers (
    seq {serial} PRIMARY KEY,
    id TEXT NOT NULL UNIQUE,
    rule TEXT NOT NULL,
    pack TEXT,
    scope_record TEXT,
    scope_product_model TEXT,
    scope_vendor TEXT,
    scope_operator TEXT,
    reason TEXT NOT NULL,
    approver TEXT NOT NULL,
    ticket TEXT,
    created TEXT NOT NULL,
    expires TEXT NOT NULL,
    revoked_on TEXT,
    revoked_by TEXT,
    revoked_reason TEXT,
    added_at TEXT NOT NULL,
    added_by TEXT NOT NULL
)
"""

#: requested by one identity, approved or rejected by another; the waivers granted
#: before were approved by their ``approver``, on the day they started
DECISION_MIGRATION = """
ALTER TABLE waivers ADD COLUMN status TEXT NOT NULL DEFAULT 'approved';
ALTER TABLE waivers ADD COLUMN requested_by TEXT;
ALTER TABLE waivers ADD COLUMN requested_on TEXT;
ALTER TABLE waivers ADD COLUMN decided_by TEXT;
ALTER TABLE waivers ADD COLUMN decided_on TEXT;
ALTER TABLE waivers ADD COLUMN decision_note TEXT;
UPDATE waivers SET requested_by = added_by, requested_on = created, decided_by = approver,
    decided_on = created
"""

_COLUMNS = (
    "id, rule, pack, scope_record, scope_product_model, scope_vendor, scope_operator, "
    "reason, approver, ticket, created, expires, revoked_on, revoked_by, revoked_reason, "
    "status, requested_by, requested_on, decided_by, decided_on, decision_note"
)
_NUMBERED = re.compile(r"W-([0-9]{1,18})")
#: what a waiver file may not change of a stored waiver: it is requested once
_GRANTED = ("rule", "pack", "scope", "reason", "ticket", "created", "expires")


def no_waiver(waiver_id: str) -> str:
    """What an unknown waiver id is told (the store and the HTTP service say it alike)."""
    return _("no waiver {id} in the case store").format(id=repr(waiver_id))


@dataclass
class Imported:
    """What ``waivers import`` did: ids added, revoked, left as they were; notes."""

    added: list[str] = field(default_factory=list)
    revoked: list[str] = field(default_factory=list)
    unchanged: list[str] = field(default_factory=list)
    notes: list[str] = field(default_factory=list)


def _date(text: str | None) -> dt.date | None:
    return dt.date.fromisoformat(text) if text else None


def _waiver(row: Sequence[Any]) -> Waiver:
    (wid, rule, pack, record, model, vendor, operator, reason, approver, ticket) = row[:10]
    created, expires, revoked_on, revoked_by, revoked_reason = row[10:15]
    status, requested_by, requested_on, decided_by, decided_on, decision_note = row[15:]
    return Waiver(
        id=wid,
        rule=rule,
        scope=Scope(record, model, vendor, operator),
        reason=reason,
        approver=approver,
        created=dt.date.fromisoformat(created),
        expires=dt.date.fromisoformat(expires),
        ticket=ticket,
        pack=pack,
        revoked_on=_date(revoked_on),
        revoked_by=revoked_by,
        revoked_reason=revoked_reason,
        status=status,
        requested_by=requested_by,
        requested_on=_date(requested_on),
        decided_by=decided_by,
        decided_on=_date(decided_on),
        decision_note=decision_note,
    )


def _iso(day: dt.date | None) -> str | None:
    return day.isoformat() if day else None


def _now() -> str:
    return dt.datetime.now(dt.UTC).replace(microsecond=0).isoformat()


def differing(stored: Waiver, given: Waiver) -> list[str]:
    """The requested fields in which ``given`` differs from ``stored`` (and the approver,
    when both say the waiver is approved)."""
    old, new = stored.grant(), given.grant()
    out = [name for name in _GRANTED if old[name] != new[name]]
    if stored.status == given.status == "approved" and stored.approver != given.approver:
        out.append("approver")
    return out


def as_filed(waiver: Waiver, actor: str) -> Waiver:
    """A waiver of a file as the store keeps it: a file of an earlier version says
    only who approved it (so it was approved when it started, asked by ``actor``)."""
    decided = waiver.status != "requested"
    return replace(
        waiver,
        requested_by=waiver.requested_by or actor,
        requested_on=waiver.requested_on or waiver.created,
        decided_by=(waiver.decided_by or waiver.approver or None) if decided else None,
        decided_on=(waiver.decided_on or waiver.created) if decided else None,
    )


class WaiverState(SqlPart):
    """Mixed into :class:`~.sqlstore.SqlStore`."""

    def waivers(self) -> list[Waiver]:
        """Every waiver, revoked and expired ones too, in the order they were stored."""
        with self._guard("reading waivers"):
            rows = self._execute(f"SELECT {_COLUMNS} FROM waivers ORDER BY seq").fetchall()
        return [_waiver(row) for row in rows]

    def waivers_stamp(self) -> tuple[int, int, int]:
        """Changes whenever a waiver is requested, decided or revoked (rows are never
        deleted, a decision never undone)."""
        with self._guard("reading waivers"):
            row = self._execute(
                "SELECT COUNT(*), COUNT(revoked_on), COUNT(decided_on) FROM waivers"
            ).fetchone()
        return int(row[0]), int(row[1]), int(row[2])

    def request_waiver(self, waiver: Waiver, actor: str) -> Waiver:
        """Store ``waiver`` as requested by ``actor`` today, under the next free ``W-``
        number; audited.  It sets nothing aside until another identity approves it."""
        with self._guard("requesting a waiver"), self._write():
            rows = self._execute("SELECT id FROM waivers WHERE id LIKE ?", ("W-%",)).fetchall()
            numbers = [int(m.group(1)) for (wid,) in rows if (m := _NUMBERED.fullmatch(wid))]
            waiver = replace(
                waiver,
                id=f"W-{1 + max(numbers, default=0):04d}",
                approver="",
                status="requested",
                requested_by=actor,
                requested_on=self._today(),
                decided_by=None,
                decided_on=None,
                decision_note=None,
            )
            self._insert_waiver(waiver, actor)
            details = {**waiver.grant(), **waiver.decision()}
            self._append_audit("waiver.requested", actor, subject=waiver.id, details=details)
        return waiver

    def decide_waiver(
        self, waiver_id: str, approve: bool, actor: str, note: str | None = None
    ) -> Waiver:
        """Approve (or reject) a requested waiver today, as ``actor``; audited.  Refused
        for the identity that requested it, and once it is decided or revoked."""
        with self._guard("deciding on a waiver"), self._write():
            stored = self._stored(waiver_id)
            if stored is None:
                raise UnknownWaiverError(no_waiver(waiver_id))
            if stored.revoked_on is not None:
                raise WaiverConflictError(
                    _("waiver {id} was revoked on {on} by {by}: there is nothing to decide").format(
                        id=waiver_id, on=stored.revoked_on, by=stored.revoked_by
                    )
                )
            if stored.status != "requested":
                decided_already = (
                    _("waiver {id} was approved already, on {on} by {by}")
                    if stored.status == "approved"
                    else _("waiver {id} was rejected already, on {on} by {by}")
                )
                raise WaiverConflictError(
                    decided_already.format(id=waiver_id, on=stored.decided_on, by=stored.decided_by)
                )
            if stored.requested_by == actor:
                raise SelfApprovalError(
                    _(
                        "waiver {id} was requested by {actor}: another identity approves or "
                        "rejects it"
                    ).format(id=waiver_id, actor=actor)
                )
            today = self._today()
            decided = replace(
                stored,
                status="approved" if approve else "rejected",
                approver=actor if approve else "",
                decided_by=actor,
                decided_on=today,
                decision_note=note,
            )
            changed = self._execute(
                "UPDATE waivers SET status = ?, approver = ?, decided_by = ?, decided_on = ?, "
                "decision_note = ? WHERE id = ? AND status = 'requested'",
                (decided.status, decided.approver, actor, today.isoformat(), note, waiver_id),
            ).rowcount
            if changed != 1:  # the write lock makes this impossible; never approve twice
                raise WaiverConflictError(
                    _("waiver {id} was decided meanwhile").format(id=waiver_id)
                )
            self._append_audit(
                f"waiver.{decided.status}",
                actor,
                subject=waiver_id,
                details={"rule": stored.rule, **decided.decision()},
            )
        return decided

    def revoke_waiver(self, waiver_id: str, on: dt.date, actor: str, reason: str) -> Waiver:
        """Revoke a waiver from ``on``; audited.  A waiver is revoked once."""
        with self._guard("revoking a waiver"), self._write():
            stored = self._stored(waiver_id)
            if stored is None:
                raise WaiverError(no_waiver(waiver_id))
            if stored.revoked_on is not None:
                raise WaiverError(
                    _("waiver {id} was revoked already, from {on} by {by}").format(
                        id=waiver_id, on=stored.revoked_on, by=stored.revoked_by
                    )
                )
            revoked = replace(stored, revoked_on=on, revoked_by=actor, revoked_reason=reason)
            self._revoke(revoked, actor)
        return revoked

    def import_waivers(self, waivers: Sequence[Waiver], actor: str, source: str) -> Imported:
        """Bring the waivers of files in, all or none (see the module's docstring)."""
        done = Imported()
        with self._guard("importing waivers"), self._write():
            for waiver in waivers:
                stored = self._stored(waiver.id)
                if stored is None:
                    filed = as_filed(waiver, actor)
                    self._insert_waiver(filed, actor)
                    details = {
                        **filed.grant(),
                        **filed.decision(),
                        "revoked": filed.revocation(),
                        "file": source,
                    }
                    self._append_audit("waiver.imported", actor, subject=waiver.id, details=details)
                    done.added.append(waiver.id)
                    continue
                changed = differing(stored, waiver)
                if changed:
                    raise WaiverError(
                        _(
                            "waiver {id} differs from the one in the case store ({fields}): a "
                            "granted waiver is not changed; revoke it and grant a new one under "
                            "a new id"
                        ).format(id=waiver.id, fields=", ".join(changed)),
                        waiver.location,
                        changed[0],
                    )
                if waiver.revoked_on is not None and stored.revoked_on is None:
                    self._revoke(waiver, actor)
                    done.revoked.append(waiver.id)
                    continue
                if stored.status != waiver.status:
                    done.notes.append(
                        _(
                            "{where}: waiver {id} is {stored} in the case store; the file says "
                            "{filed} (a file does not decide on a waiver: waivers approve and "
                            "reject do)"
                        ).format(
                            where=waiver.location or waiver.id,
                            id=waiver.id,
                            stored=stored.status,
                            filed=waiver.status,
                        )
                    )
                if stored.revoked_on is not None and waiver.revoked_on is None:
                    done.notes.append(
                        _(
                            "{where}: waiver {id} is revoked in the case store from {on}; the "
                            "file does not say so (waivers export gives the file as the store "
                            "has it)"
                        ).format(
                            where=waiver.location or waiver.id, id=waiver.id, on=stored.revoked_on
                        )
                    )
                done.unchanged.append(waiver.id)
        return done

    # -- inside a write transaction ---------------------------------------------------

    def _stored(self, waiver_id: str) -> Waiver | None:
        row = self._execute(f"SELECT {_COLUMNS} FROM waivers WHERE id = ?", (waiver_id,)).fetchone()
        return _waiver(row) if row else None

    def _insert_waiver(self, waiver: Waiver, actor: str) -> None:
        scope = waiver.scope
        self._execute(
            f"INSERT INTO waivers ({_COLUMNS}, added_at, added_by) "
            f"VALUES ({', '.join('?' for _ in range(23))})",
            (
                waiver.id,
                waiver.rule,
                waiver.pack,
                scope.record,
                scope.product_model,
                scope.vendor,
                scope.operator,
                waiver.reason,
                waiver.approver,
                waiver.ticket,
                waiver.created.isoformat(),
                waiver.expires.isoformat(),
                waiver.revoked_on.isoformat() if waiver.revoked_on else None,
                waiver.revoked_by,
                waiver.revoked_reason,
                waiver.status,
                waiver.requested_by,
                _iso(waiver.requested_on),
                waiver.decided_by,
                _iso(waiver.decided_on),
                waiver.decision_note,
                _now(),
                actor,
            ),
        )

    def _revoke(self, waiver: Waiver, actor: str) -> None:
        """Store ``waiver``'s revocation (on, by, reason) and audit it."""
        assert waiver.revoked_on is not None
        self._execute(
            "UPDATE waivers SET revoked_on = ?, revoked_by = ?, revoked_reason = ? "
            "WHERE id = ? AND revoked_on IS NULL",
            (waiver.revoked_on.isoformat(), waiver.revoked_by, waiver.revoked_reason, waiver.id),
        )
        self._append_audit(
            "waiver.revoked",
            actor,
            subject=waiver.id,
            details={"rule": waiver.rule, **(waiver.revocation() or {})},
        )
