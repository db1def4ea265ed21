"""What case trackers keep in the case store: which issue mirrors which case.

One row per (tracker, case): the fingerprint the issue is labelled with, the
issue's key once known, the digest of what was last sent (so an unchanged case
costs nothing), and an *intent*: the time a create was about to be sent.  The
intent is committed before the create goes out, so a sync that dies, or loses
the answer, between the create and storing its key leaves a trace, and the
next sync looks for the issue before it creates one again
(:mod:`cyberreview_policy.trackers.sync`).
"""

from __future__ import annotations

import datetime as dt
from dataclasses import dataclass

from .sqlparts import SqlPart

MIGRATION = """
CREATE TABLE tracker_refs (
    tracker TEXT NOT NULL,
    case_id TEXT NOT NULL,
    fingerprint TEXT NOT NULL,
    key TEXT,
    digest TEXT,
    intent_at TEXT,
    synced_at TEXT,
    PRIMARY KEY (tracker, case_id)
);
"""


@dataclass(frozen=True)
class TrackerRef:
    """A case's issue in one tracker (``key`` None: not known to exist yet)."""

    tracker: str
    case_id: str
    fingerprint: str
    key: str | None
    digest: str | None
    intent_at: dt.datetime | None  # a create was about to be sent then (None: none pending)
    synced_at: dt.datetime | None


def _now() -> dt.datetime:
    return dt.datetime.now(dt.UTC).replace(microsecond=0)


def _time(text: str | None) -> dt.datetime | None:
    return dt.datetime.fromisoformat(text) if text else None


_UPSERT = (
    "INSERT INTO tracker_refs (tracker, case_id, fingerprint, key, digest, intent_at, "
    "synced_at) VALUES (?, ?, ?, ?, ?, ?, ?) ON CONFLICT (tracker, case_id) DO UPDATE SET "
    "fingerprint = excluded.fingerprint, key = excluded.key, digest = excluded.digest, "
    "intent_at = excluded.intent_at, synced_at = excluded.synced_at"
)


class TrackerState(SqlPart):
    """Mixed into :class:`~.sqlstore.SqlStore`."""

    def tracker_refs(self, tracker: str) -> dict[str, TrackerRef]:
        """case id -> its issue in ``tracker``."""
        with self._guard("reading tracker links"):
            rows = self._execute(
                "SELECT case_id, fingerprint, key, digest, intent_at, synced_at "
                "FROM tracker_refs WHERE tracker = ?",
                (tracker,),
            ).fetchall()
        return {
            case: TrackerRef(tracker, case, fp, key, digest, _time(intent), _time(synced))
            for case, fp, key, digest, intent, synced in rows
        }

    def intend_create(self, tracker: str, case_id: str, fingerprint: str) -> TrackerRef:
        """Record, and commit, that an issue for the case is about to be created."""
        now = _now()
        with self._guard("recording a tracker intent"), self._write():
            values = (tracker, case_id, fingerprint, None, None, now.isoformat(), None)
            self._execute(_UPSERT, values)
        return TrackerRef(tracker, case_id, fingerprint, None, None, now, None)

    def clear_intent(self, tracker: str, case_id: str) -> None:
        """The create the intent announced certainly did not happen (the tracker refused
        it): forget the intent, so the next sync need not wait for the search index."""
        with self._guard("clearing a tracker intent"), self._write():
            self._execute(
                "DELETE FROM tracker_refs WHERE tracker = ? AND case_id = ? AND key IS NULL",
                (tracker, case_id),
            )

    def save_tracker_ref(
        self,
        tracker: str,
        case_id: str,
        fingerprint: str,
        *,
        key: str,
        digest: str | None,
        actor: str,
    ) -> TrackerRef:
        """The case's issue is ``key``, last sent as ``digest`` (None: to be sent again);
        clears the intent.  Linking a case to an issue goes into the audit trail."""
        now = _now()
        with self._guard("storing a tracker link"), self._write():
            row = self._execute(
                "SELECT key FROM tracker_refs WHERE tracker = ? AND case_id = ?",
                (tracker, case_id),
            ).fetchone()
            self._execute(
                _UPSERT, (tracker, case_id, fingerprint, key, digest, None, now.isoformat())
            )
            if row is None or row[0] != key:
                self._append_audit(
                    "case.tracked",
                    actor,
                    subject=case_id,
                    details={"tracker": tracker, "key": key},
                )
        return TrackerRef(tracker, case_id, fingerprint, key, digest, None, now)
