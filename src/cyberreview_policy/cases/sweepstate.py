"""What sweeps keep in the case store: findings by record, runs, and run locks.

- **Findings**: the warn, block and waived findings each record had at the
  last *complete* sweep of the same sources under the same as-of regime (its
  *baseline*: today's law and clocks, or those of one back-dated as-of date),
  so a sweep can say what is new, what was waived and what was resolved, and
  note on an open case that the finding which opened it no longer fires.  A
  sweep stages its changes; they become the baseline only when it ends
  complete, so an incomplete or back-dated run never moves today's baseline.
- **Runs**: one row per sweep (scope, baseline, times, completeness, summary),
  for "since the previous sweep" in reports.
- **Checkpoints**: where a source's last complete read ended, for ``--since last``.
- **Locks**: one per source (and shard): a second sweep of the same source
  refuses, naming the first, or waits.  A lock is taken over at once when its
  sweep's process is gone from this host (same host name, boot and process
  namespace: so a pid is comparable), and after ten minutes without a
  heartbeat from anywhere else.  A living process keeps its lock, however
  stuck.
- **Quarantine**: per source, the records a complete read could not map (id,
  reason, since when), so that its checkpoint moves on without them; each sweep
  fetches them again until they map.
"""

from __future__ import annotations

import datetime as dt
import json
import os
import socket
from collections.abc import Iterable, Sequence
from dataclasses import dataclass
from typing import Any

from ..errors import SweepBusyError
from ..i18n.catalog import _
from .sqlparts import SqlPart

MIGRATION = """
CREATE TABLE findings (
    record_key TEXT NOT NULL,
    rule TEXT NOT NULL,
    record_id TEXT NOT NULL,
    outcome TEXT NOT NULL,
    since TEXT NOT NULL,
    PRIMARY KEY (record_key, rule)
);
CREATE TABLE sweep_runs (
    id TEXT PRIMARY KEY,
    scope TEXT NOT NULL,
    started_at TEXT NOT NULL,
    finished_at TEXT,
    as_of TEXT NOT NULL,
    complete INTEGER,
    summary TEXT
);
CREATE INDEX sweep_runs_scope ON sweep_runs (scope, started_at);
CREATE TABLE sweep_locks (
    scope TEXT PRIMARY KEY,
    run_id TEXT NOT NULL,
    owner TEXT NOT NULL,
    started_at TEXT NOT NULL,
    heartbeat_at TEXT NOT NULL
);
"""

QUARANTINE_MIGRATION = """
CREATE TABLE quarantine (
    source TEXT NOT NULL,
    record_id TEXT NOT NULL,
    reason TEXT NOT NULL,
    since TEXT NOT NULL,
    tried_at TEXT NOT NULL,
    PRIMARY KEY (source, record_id)
);
"""

#: findings per baseline; a run's changes staged until it ends complete
BASELINE_MIGRATION = """
CREATE TABLE baseline_findings (
    baseline TEXT NOT NULL,
    record_key TEXT NOT NULL,
    rule TEXT NOT NULL,
    record_id TEXT NOT NULL,
    outcome TEXT NOT NULL,
    since TEXT NOT NULL,
    PRIMARY KEY (baseline, record_key, rule)
);
CREATE TABLE run_changes (
    run_id TEXT NOT NULL,
    record_key TEXT NOT NULL,
    rule TEXT NOT NULL,
    record_id TEXT NOT NULL,
    outcome TEXT NOT NULL,
    change TEXT NOT NULL
);
CREATE INDEX run_changes_run ON run_changes (run_id);
ALTER TABLE sweep_runs ADD COLUMN baseline TEXT;
DROP TABLE findings;
"""

#: a lock whose sweep has not beaten its heart for this long is taken over
STALE_AFTER = dt.timedelta(minutes=10)

#: who holds a sweep lock: the host and the process (added to ``sweep_locks``)
LOCK_HOLDER_MIGRATION = """
ALTER TABLE sweep_locks ADD COLUMN host TEXT;
ALTER TABLE sweep_locks ADD COLUMN pid INTEGER
"""


def this_host() -> str:
    """This machine and process namespace: where a pid names the same process.
    (A host name alone is not enough: containers may share one.)"""
    parts = [socket.gethostname()]
    try:
        with open("/proc/sys/kernel/random/boot_id", encoding="ascii") as boot:
            parts.append(boot.read().strip())
        parts.append(os.readlink("/proc/self/ns/pid"))
    except OSError:
        pass  # not Linux: the host name alone
    return " ".join(parts)


def process_gone(pid: int) -> bool:
    """Whether no process ``pid`` runs on this host (a zombie is gone: it runs nothing)."""
    try:
        os.kill(pid, 0)
    except ProcessLookupError:
        return True
    except PermissionError:
        return False  # another user's process: alive
    try:
        with open(f"/proc/{pid}/stat", encoding="ascii", errors="replace") as stat:
            return stat.read().rpartition(")")[2].split()[0] == "Z"
    except (OSError, IndexError):
        return False


@dataclass(frozen=True)
class Held:
    """A record in quarantine: why it could not be mapped, and since when."""

    record_id: str
    reason: str
    since: str  # ISO date-time of the sweep that first held it


@dataclass(frozen=True)
class FindingChange:
    """A warn/block finding that appeared, changed outcome, or stopped firing."""

    record_key: str
    record_id: str
    rule: str
    outcome: str  # the new outcome (block, warn, waived); for "resolved", the one it had
    change: str  # "new", "changed", "waived", "resolved"

    def to_json(self) -> dict[str, str]:
        return {
            "record_id": self.record_id,
            "rule": self.rule,
            "outcome": self.outcome,
            "change": self.change,
        }


def _now() -> dt.datetime:
    return dt.datetime.now(dt.UTC).replace(microsecond=0)


class SweepState(SqlPart):
    """Mixed into :class:`~.sqlstore.SqlStore`."""

    def _note_resolved(self, change: FindingChange, on: dt.date, actor: str) -> None:
        raise NotImplementedError

    # -- findings ---------------------------------------------------------------

    def findings_for(self, record_keys: Sequence[str], baseline: str) -> dict[str, dict[str, str]]:
        """record key -> {rule: outcome} of the findings of ``baseline``'s last complete run."""
        out: dict[str, dict[str, str]] = {key: {} for key in record_keys}
        with self._guard("reading findings"):
            for start in range(0, len(record_keys), 500):
                batch = record_keys[start : start + 500]
                marks = ", ".join("?" for _ in batch)
                rows = self._execute(
                    "SELECT record_key, rule, outcome FROM baseline_findings "
                    f"WHERE baseline = ? AND record_key IN ({marks})",
                    (baseline, *batch),
                ).fetchall()
                for key, rule, outcome in rows:
                    out[key][rule] = outcome
        return out

    def record_findings(self, changes: Iterable[FindingChange], run_id: str) -> None:
        """Stage a run's changes: they become its baseline's when the run ends complete."""
        rows = [(run_id, c.record_key, c.rule, c.record_id, c.outcome, c.change) for c in changes]
        if not rows:
            return
        with self._guard("storing findings"), self._write():
            for row in rows:
                self._execute(
                    "INSERT INTO run_changes (run_id, record_key, rule, record_id, outcome, "
                    "change) VALUES (?, ?, ?, ?, ?, ?)",
                    row,
                )

    def _promote(self, run_id: str, baseline: str, on: dt.date, actor: str, notes: bool) -> None:
        """Inside the caller's transaction: the run's changes become the baseline; a
        resolved finding whose rule opened a case still open gets a note on it."""
        rows = self._execute(
            "SELECT record_key, rule, record_id, outcome, change FROM run_changes WHERE run_id = ?",
            (run_id,),
        ).fetchall()
        for key, rule, record_id, outcome, change in rows:
            self._execute(
                "DELETE FROM baseline_findings WHERE baseline = ? AND record_key = ? AND rule = ?",
                (baseline, key, rule),
            )
            if change == "resolved":
                if notes:
                    self._note_resolved(
                        FindingChange(key, record_id, rule, outcome, change), on, actor
                    )
                continue
            self._execute(
                "INSERT INTO baseline_findings (baseline, record_key, rule, record_id, outcome, "
                "since) VALUES (?, ?, ?, ?, ?, ?)",
                (baseline, key, rule, record_id, outcome, on.isoformat()),
            )

    # -- runs -----------------------------------------------------------------------

    def start_run(self, run_id: str, scope: str, as_of: dt.date, baseline: str = "") -> None:
        with self._guard("recording a sweep"), self._write():
            self._execute(
                "INSERT INTO sweep_runs (id, scope, started_at, as_of, baseline) "
                "VALUES (?, ?, ?, ?, ?)",
                (run_id, scope, _now().isoformat(), as_of.isoformat(), baseline or None),
            )

    def finish_run(
        self,
        run_id: str,
        complete: bool,
        summary: dict[str, Any],
        actor: str = "cyberreview",
        notes: bool = True,
    ) -> None:
        """End the run: a complete run's staged findings become its baseline (and notes
        go on the cases whose finding no longer fires, when ``notes``); an incomplete
        run's are dropped."""
        with self._guard("recording a sweep"), self._write():
            row = self._execute(
                "SELECT baseline, as_of FROM sweep_runs WHERE id = ?", (run_id,)
            ).fetchone()
            if complete and row is not None and row[0]:
                self._promote(run_id, row[0], dt.date.fromisoformat(row[1]), actor, notes)
            self._execute("DELETE FROM run_changes WHERE run_id = ?", (run_id,))
            self._execute(
                "UPDATE sweep_runs SET finished_at = ?, complete = ?, summary = ? WHERE id = ?",
                (_now().isoformat(), int(complete), json.dumps(summary), run_id),
            )

    def previous_run(self, scope: str, before: str, baseline: str = "") -> dict[str, Any] | None:
        """The last complete sweep of ``scope`` under ``baseline`` other than run ``before``."""
        with self._guard("reading sweeps"):
            row = self._execute(
                "SELECT id, started_at, finished_at, as_of, complete, summary FROM sweep_runs "
                "WHERE scope = ? AND id != ? AND finished_at IS NOT NULL AND complete = 1 "
                "AND baseline = ? ORDER BY started_at DESC, id DESC LIMIT 1",
                (scope, before, baseline),
            ).fetchone()
        if row is None:
            return None
        run_id, started, finished, as_of, complete, summary = row
        return {
            "id": run_id,
            "started_at": started,
            "finished_at": finished,
            "as_of": as_of,
            "complete": bool(complete),
            "summary": json.loads(summary) if summary else None,
        }

    def sweep_history(self, limit: int = 60) -> list[dict[str, Any]]:
        """The sweeps that ended, newest first (at most ``limit``), with their summaries."""
        with self._guard("reading sweeps"):
            rows = self._execute(
                "SELECT id, scope, started_at, finished_at, as_of, complete, summary "
                "FROM sweep_runs WHERE finished_at IS NOT NULL "
                "ORDER BY started_at DESC, id DESC LIMIT ?",
                (limit,),
            ).fetchall()
        return [
            {
                "id": run_id,
                "scope": scope,
                "started_at": started,
                "finished_at": finished,
                "as_of": as_of,
                "complete": bool(complete),
                "summary": json.loads(summary) if summary else {},
            }
            for run_id, scope, started, finished, as_of, complete, summary in rows
        ]

    def findings_new_on(self, day: str, limit: int = 200) -> list[dict[str, str]]:
        """Findings of the baselines that first fired in the complete sweep as of ``day``."""
        with self._guard("reading findings"):
            rows = self._execute(
                "SELECT record_id, rule, outcome FROM baseline_findings WHERE since = ? "
                "ORDER BY record_id, rule LIMIT ?",
                (day, limit),
            ).fetchall()
        return [{"record_id": r[0], "rule": r[1], "outcome": r[2]} for r in rows]

    # -- locks ------------------------------------------------------------------------

    def acquire_sweep(self, scopes: Sequence[str], run_id: str, owner: str) -> list[str]:
        """Take the lock of every scope, or none: raise :class:`SweepBusyError`
        naming the sweep that holds one.  Returns what was taken over, one line each
        (a dead sweep's lock)."""
        now, host, pid = _now(), this_host(), os.getpid()
        taken: list[str] = []
        with self._guard("locking the sweep"), self._write():
            for scope in scopes:
                row = self._execute(
                    "SELECT run_id, owner, started_at, heartbeat_at, host, pid FROM sweep_locks "
                    "WHERE scope = ?",
                    (scope,),
                ).fetchone()
                if row is None:
                    continue
                held_by, held_owner, started, beat, held_host, held_pid = row
                if held_host == host and held_pid is not None and process_gone(held_pid):
                    taken.append(
                        f"the lock of {scope} was taken over from run {held_by} "
                        f"(pid {held_pid} on this host is gone)"
                    )
                elif now - dt.datetime.fromisoformat(beat) >= STALE_AFTER:
                    taken.append(
                        f"the lock of {scope} was taken over from run {held_by} by "
                        f"{held_owner} (no heartbeat since {beat})"
                    )
                else:
                    raise SweepBusyError(
                        _(
                            "another sweep of {scope} is running: run {held_by} by {held_owner}, "
                            "since {started} (last heartbeat {beat}); wait for it, or use --wait"
                        ).format(
                            scope=scope,
                            held_by=held_by,
                            held_owner=held_owner,
                            started=started,
                            beat=beat,
                        )
                    )
            for scope in scopes:
                self._execute("DELETE FROM sweep_locks WHERE scope = ?", (scope,))
                self._execute(
                    "INSERT INTO sweep_locks (scope, run_id, owner, started_at, heartbeat_at, "
                    "host, pid) VALUES (?, ?, ?, ?, ?, ?, ?)",
                    (scope, run_id, owner, now.isoformat(), now.isoformat(), host, pid),
                )
        return taken

    def heartbeat_sweep(self, run_id: str) -> None:
        with self._guard("locking the sweep"), self._write():
            self._execute(
                "UPDATE sweep_locks SET heartbeat_at = ? WHERE run_id = ?",
                (_now().isoformat(), run_id),
            )

    def release_sweep(self, run_id: str) -> None:
        with self._guard("unlocking the sweep"), self._write():
            self._execute("DELETE FROM sweep_locks WHERE run_id = ?", (run_id,))

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

    # -- quarantine -------------------------------------------------------------------

    def quarantined(self, source: str) -> dict[str, Held]:
        """The records of ``source`` (a checkpoint key) held in quarantine, by id."""
        with self._guard("reading the quarantine"):
            rows = self._execute(
                "SELECT record_id, reason, since FROM quarantine WHERE source = ? "
                "ORDER BY record_id",
                (source,),
            ).fetchall()
        return {rid: Held(rid, reason, since) for rid, reason, since in rows}

    def set_quarantine(self, source: str, held: dict[str, str], actor: str) -> None:
        """Hold exactly the records ``held`` (id: reason) of ``source``: new ones from now,
        those held already since when they were first held; release the others.  The
        audit trail gets the ids added and released (never the reasons: they quote
        record values)."""
        now = _now().isoformat()
        with self._guard("storing the quarantine"), self._write():
            rows = self._execute(
                "SELECT record_id FROM quarantine WHERE source = ?", (source,)
            ).fetchall()
            before = {row[0] for row in rows}
            released = sorted(before - set(held))
            for rid in released:
                self._execute(
                    "DELETE FROM quarantine WHERE source = ? AND record_id = ?", (source, rid)
                )
            for rid, reason in held.items():
                if rid in before:
                    self._execute(
                        "UPDATE quarantine SET reason = ?, tried_at = ? "
                        "WHERE source = ? AND record_id = ?",
                        (reason, now, source, rid),
                    )
                else:
                    self._execute(
                        "INSERT INTO quarantine (source, record_id, reason, since, tried_at) "
                        "VALUES (?, ?, ?, ?, ?)",
                        (source, rid, reason, now, now),
                    )
            added = sorted(set(held) - before)
            if added or released:
                details = {"added": added, "released": released, "held": len(held)}
                self._append_audit("source.quarantine", actor, subject=source, details=details)
