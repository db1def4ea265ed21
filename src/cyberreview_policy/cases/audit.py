"""The audit trail: append-only, hash-chained, so that an edit or a deletion shows.

Every entry carries the hash of the one before it, and its own hash covers
its content and that link.  The store also keeps the head (count and last
hash) in a separate row, written in the same transaction, so that removing
the newest entries is caught too.  ``cyberreview audit verify`` recomputes the
chain and names the first entry that does not fit.

Entries say who did what and when, with the pack and a digest of the record:
never case material, amounts or secrets (Measures 2020 Art. 16, 2021 Art. 17).
"""

from __future__ import annotations

import datetime as dt
import hashlib
import json
from collections.abc import Iterable
from dataclasses import dataclass, field
from typing import Any

GENESIS = "0" * 64


@dataclass(frozen=True)
class AuditEntry:
    seq: int
    at: dt.datetime
    actor: str
    action: str  # gate.decision, sweep.summary, case.opened, case.transition, ...
    subject: str | None = None  # a case id or a record id
    pack: str | None = None  # id@version
    record_digest: str | None = None
    details: dict[str, Any] = field(default_factory=dict)
    prev_hash: str = GENESIS
    hash: str = ""

    def content(self) -> dict[str, Any]:
        return {
            "seq": self.seq,
            "at": self.at.isoformat(),
            "actor": self.actor,
            "action": self.action,
            "subject": self.subject,
            "pack": self.pack,
            "record_digest": self.record_digest,
            "details": self.details,
        }

    def to_json(self) -> dict[str, Any]:
        return {**self.content(), "prev_hash": self.prev_hash, "hash": self.hash}


def entry_hash(prev_hash: str, content: dict[str, Any]) -> str:
    text = json.dumps(content, sort_keys=True, separators=(",", ":"), ensure_ascii=False)
    return hashlib.sha256(f"{prev_hash}\n{text}".encode()).hexdigest()


def sealed(entry: AuditEntry, prev_hash: str) -> AuditEntry:
    """``entry`` linked after ``prev_hash``, with its own hash."""
    from dataclasses import replace

    linked = replace(entry, prev_hash=prev_hash)
    return replace(linked, hash=entry_hash(prev_hash, linked.content()))


@dataclass(frozen=True)
class Verdict:
    ok: bool
    entries: int
    broken: int | None = None  # seq of the first entry that does not fit
    reason: str = ""


def verify(entries: Iterable[AuditEntry], head: tuple[int, str] | None) -> Verdict:
    """Recompute the chain; ``head`` is (count, last hash) as the store recorded it."""
    prev_seq, prev_hash, count = 0, GENESIS, 0
    for entry in entries:
        count += 1
        if entry.seq != prev_seq + 1:
            missing = (
                f"entry {prev_seq + 1}"
                if entry.seq == prev_seq + 2
                else (f"entries {prev_seq + 1} to {entry.seq - 1}")
            )
            return Verdict(False, count, prev_seq + 1, f"{missing} missing (deleted?)")
        if entry.prev_hash != prev_hash:
            return Verdict(
                False, count, entry.seq, f"its link to entry {prev_seq} does not match (edited?)"
            )
        if entry.hash != entry_hash(entry.prev_hash, entry.content()):
            return Verdict(False, count, entry.seq, "its content does not match its hash (edited)")
        prev_seq, prev_hash = entry.seq, entry.hash
    if head is not None and head != (prev_seq, prev_hash):
        recorded, _ = head
        if recorded > prev_seq:
            return Verdict(
                False,
                count,
                prev_seq + 1,
                f"the trail ends at entry {prev_seq} but {recorded} "
                "were written (the newest deleted?)",
            )
        return Verdict(False, count, prev_seq, "the recorded head does not match the last entry")
    return Verdict(True, count)
