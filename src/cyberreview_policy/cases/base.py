"""The case store interface: small on purpose, so backends stay easy to add.

A case is the tool's record of a review step for one record: an
``assessment``, a ``review`` or a ``remediation``.  The promises every store
keeps: never two open cases for the same record and kind, even under
concurrent gates (a database constraint, not check-then-insert); every write
is one transaction, so a process killed mid-write leaves nothing half done;
every change appends to the hash-chained audit trail in that transaction.
"""

from __future__ import annotations

import datetime as dt
from collections.abc import Callable, Iterable, Iterator, Sequence
from dataclasses import dataclass, field
from typing import TYPE_CHECKING, Any, Protocol

from ..models.outcomes import CaseKind
from ..models.waiver import Waiver
from .audit import AuditEntry
from .lifecycle import ENDED_STATES, Event
from .trackerstate import TrackerRef
from .waiverstate import Imported

if TYPE_CHECKING:
    from .calendar import WorkCalendar

#: Material kinds: the declaration materials (2020 Measures Art. 7, 2021 revision
#: Art. 8), the provider's commitment letter (Art. 6; its honouring, 2021 Art. 19)
#: and the Office's notices.
MATERIAL_KINDS = (
    "declaration",
    "impact_analysis",
    "procurement_documents",
    "listing_documents",
    "commitment_letter",
    "office_notice",
    "other",
)
MAX_MATERIAL_BYTES = 50 * 1024 * 1024


@dataclass(frozen=True)
class CaseRequest:
    """What an ``open_case`` action asks a store for."""

    record_key: str
    record_id: str
    kind: CaseKind
    rule: str
    pack: str
    opened_on: dt.date
    summary: dict[str, Any] = field(default_factory=dict)
    record_digest: str = ""
    #: digest of the deciding facts (the facts of the finding whose rule asks, as
    #: the source record has them): a case closed for these facts is not reopened.
    #: ``None``: opened by hand (``cases open``), whatever closed before.
    facts_digest: str | None = None


#: What the Office writes: its acceptance of a declaration, its decision whether
#: to review (Art. 8 / 9), a request for more material (Art. 14 / 15), its conclusion.
NOTICE_KINDS = ("accepted", "review_decision", "supplement_request", "conclusion")


@dataclass(frozen=True)
class Notice:
    """A notice of the Office, as ``cases notice`` records it."""

    kind: str
    ref: str
    on: dt.date
    note: str | None = None
    filename: str | None = None
    content: bytes | None = None
    #: a supplement request: the material kinds the Office asks for (who supplies
    #: them says who holds the action, :mod:`.holder`)
    requests: tuple[str, ...] = ()


@dataclass(frozen=True)
class Adopted:
    """One step of a review adopted from a source: the state and its date; a date the
    source does not give is projected (``recorded`` false)."""

    state: str
    on: dt.date
    recorded: bool = True

    def to_json(self) -> dict[str, Any]:
        return {"state": self.state, "on": self.on.isoformat(), "recorded": self.recorded}


@dataclass(frozen=True)
class Material:
    """A file on a case: its metadata (the content is fetched on its own).  A second
    file of the same kind is a new version."""

    kind: str
    filename: str
    size: int
    sha256: str
    attached_on: dt.date
    actor: str
    version: int = 1
    answers: str | None = None  # the reference of the Office's request it answers

    @property
    def name(self) -> str:
        """How ``cases material`` and the API name it: KIND@VERSION."""
        return f"{self.kind}@{self.version}"

    def to_json(self) -> dict[str, Any]:
        return {
            "name": self.name,
            "kind": self.kind,
            "version": self.version,
            "filename": self.filename,
            "size": self.size,
            "sha256": self.sha256,
            "attached_on": self.attached_on.isoformat(),
            "actor": self.actor,
            "answers": self.answers,
        }


@dataclass(frozen=True)
class Case:
    id: str
    kind: CaseKind
    state: str
    record_key: str
    record_id: str
    rule: str
    pack: str
    opened_on: dt.date
    created_at: dt.datetime
    updated_at: dt.datetime
    summary: dict[str, Any]
    record_digest: str
    events: tuple[Event, ...] = ()
    materials: tuple[Material, ...] = ()
    facts_digest: str | None = None

    @property
    def is_open(self) -> bool:
        return self.state not in ENDED_STATES

    def material_kinds(self) -> set[str]:
        return {m.kind for m in self.materials}

    def linked(self, key: str) -> str | None:
        """The case this one reopens (``reopens``) or was reopened by (``reopened_by``)."""
        for event in self.events:
            if key in event.details:
                return str(event.details[key])
        return None

    def notices(self) -> list[Event]:
        return [event for event in self.events if event.kind == "notice"]

    def closing(self) -> Event | None:
        """The step that closed the case."""
        if self.is_open:
            return None
        steps = [e for e in self.events if e.kind == "transition" and e.to_state == self.state]
        return steps[-1] if steps else None

    def to_json(self) -> dict[str, Any]:
        return {
            "id": self.id,
            "kind": self.kind,
            "state": self.state,
            "record_id": self.record_id,
            "record_key": self.record_key,
            "rule": self.rule,
            "pack": self.pack,
            "opened_on": self.opened_on.isoformat(),
            "created_at": self.created_at.isoformat(),
            "updated_at": self.updated_at.isoformat(),
            "summary": self.summary,
            "record_digest": self.record_digest,
            "facts_digest": self.facts_digest,
            "reopens": self.linked("reopens"),
            "reopened_by": self.linked("reopened_by"),
            "conclusion": _detail(self.closing(), "conclusion"),
            "reason": _detail(self.closing(), "reason"),
        }


def _detail(event: Event | None, key: str) -> Any:
    return event.details.get(key) if event is not None else None


class CaseStore(Protocol):
    """A backend holding cases, their history, their material and the audit trail."""

    url: str

    def open_case(self, request: CaseRequest, actor: str) -> tuple[Case, bool]:
        """The open case for the request's record and kind; ``True`` if created now."""
        ...

    def get(self, case_id: str) -> Case:
        """The case with its events and material list; raise ``UnknownCaseError``."""
        ...

    def list_cases(
        self,
        state: str | None = None,
        kind: str | None = None,
        *,
        record: str | None = None,
        open_only: bool = False,
    ) -> list[Case]:
        """Cases (with events), oldest first, optionally of one state, kind and record
        (its id or key), or only those still open."""
        ...

    def cases_for(self, record_key: str) -> list[Case]:
        """Every case of one record (with events), oldest first."""
        ...

    def transition(
        self,
        case_id: str,
        to_state: str,
        *,
        on: dt.date,
        actor: str,
        note: str | None = None,
        complex_review: bool = False,
        conclusion: str | None = None,
        reason: str | None = None,
        planned: bool = False,
    ) -> Case:
        """Move a case on; the procedure is checked inside the store's transaction."""
        ...

    def extend(
        self,
        case_id: str,
        days: int,
        on: dt.date,
        actor: str,
        note: str,
        *,
        calendar: WorkCalendar | None = None,
    ) -> Case:
        """Extend the running special review by ``days`` working days (refused once it
        ran out, when the calendar is given)."""
        ...

    def mark_complex(
        self, case_id: str, *, on: dt.date, actor: str, note: str | None, calendar: WorkCalendar
    ) -> Case:
        """Mark a review complex (+15 working days) before its preliminary period ends."""
        ...

    def notice(self, case_id: str, notice: Notice, *, actor: str) -> Case:
        """Record a notice of the Office (and attach its letter, if given)."""
        ...

    def adopt(self, request: CaseRequest, steps: Sequence[Adopted], actor: str) -> Case | None:
        """Open a review case in the state the source says a running review is in, with
        the source's dates; ``None`` if a live review case exists meanwhile."""
        ...

    def refresh_summary(self, case_id: str, summary: dict[str, Any], actor: str) -> None:
        """Keep what the case shows of its record (names, planned go-live) current."""
        ...

    def attach(
        self,
        case_id: str,
        kind: str,
        filename: str,
        content: bytes,
        *,
        on: dt.date,
        actor: str,
        answers: str | None = None,
    ) -> Material: ...

    def material(self, case_id: str, kind: str) -> list[tuple[Material, bytes]]:
        """Every version of one kind of material, oldest first, with its content."""
        ...

    def material_named(self, case_id: str, name: str) -> tuple[Material, bytes]:
        """``KIND`` (the newest version) or ``KIND@VERSION``, with its content."""
        ...

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
        """Append one entry to the audit trail."""
        ...

    def audit_many(self, entries: Sequence[tuple[str, str, dict[str, Any]]]) -> list[AuditEntry]:
        """Append ``(action, actor, fields)`` entries (``fields``: the keyword arguments of
        :meth:`audit`) in order, in one transaction."""
        ...

    def audit_taken(
        self, take: Callable[[], Sequence[tuple[str, str, dict[str, Any]]]]
    ) -> list[AuditEntry]:
        """As :meth:`audit_many`, the entries taken by calling ``take`` once the store's
        write lock is held (entries that arrive meanwhile join the transaction)."""
        ...

    def audit_entries(self, since: dt.date | None = None) -> Iterator[AuditEntry]: ...

    def trail_of(self, subjects: Sequence[str], actions: str) -> list[tuple[AuditEntry, bool]]:
        """The entries about ``subjects`` (cases, waivers) whose action starts with
        ``actions``, oldest first, each with whether its hash and link still fit."""
        ...

    def material_digests(self) -> Iterator[tuple[str, str, str, str]]:
        """(case id, kind, SHA-256 recorded, SHA-256 of the content) of every material."""
        ...

    def checkpoint(self, source: str) -> Any | None:
        """The stored checkpoint of a source's last complete read."""
        ...

    def save_checkpoint(self, source: str, value: Any, actor: str) -> None: ...

    def audit_head(self) -> tuple[int, str] | None: ...

    # sweeps (cases/sweepstate.py): findings by baseline, runs, run locks
    def findings_for(
        self, record_keys: Sequence[str], baseline: str
    ) -> dict[str, dict[str, str]]: ...

    def record_findings(self, changes: Iterable[Any], run_id: str) -> None: ...

    def start_run(self, run_id: str, scope: str, as_of: dt.date, baseline: str = "") -> None: ...

    def finish_run(
        self,
        run_id: str,
        complete: bool,
        summary: dict[str, Any],
        actor: str = "cyberreview",
        notes: bool = True,
    ) -> None: ...

    def previous_run(
        self, scope: str, before: str, baseline: str = ""
    ) -> dict[str, Any] | None: ...

    def acquire_sweep(self, scopes: Sequence[str], run_id: str, owner: str) -> list[str]: ...

    def heartbeat_sweep(self, run_id: str) -> None: ...

    def release_sweep(self, run_id: str) -> None: ...

    # waivers (cases/waiverstate.py): rows, ids issued by the store, audited changes
    def waivers(self) -> list[Waiver]: ...

    def waivers_stamp(self) -> tuple[int, int, int]: ...

    def request_waiver(self, waiver: Waiver, actor: str) -> Waiver:
        """Store ``waiver`` as requested by ``actor`` under the next ``W-`` id."""
        ...

    def decide_waiver(
        self, waiver_id: str, approve: bool, actor: str, note: str | None = None
    ) -> Waiver:
        """Approve or reject a requested waiver, as an identity other than the one
        that asked (:class:`~..errors.SelfApprovalError`); once
        (:class:`~..errors.WaiverConflictError`)."""
        ...

    def revoke_waiver(self, waiver_id: str, on: dt.date, actor: str, reason: str) -> Waiver: ...

    def import_waivers(self, waivers: Sequence[Waiver], actor: str, source: str) -> Imported: ...

    def quarantined(self, source: str) -> dict[str, Any]:
        """Records of ``source`` a complete read could not map, by id
        (:class:`~.sweepstate.Held`)."""
        ...

    def set_quarantine(self, source: str, held: dict[str, str], actor: str) -> None:
        """Hold exactly ``held`` (id: reason) of ``source`` in quarantine."""
        ...

    # case trackers (cases/trackerstate.py): which issue mirrors which case
    def tracker_refs(self, tracker: str) -> dict[str, TrackerRef]: ...

    def intend_create(self, tracker: str, case_id: str, fingerprint: str) -> TrackerRef: ...

    def clear_intent(self, tracker: str, case_id: str) -> None: ...

    def save_tracker_ref(
        self,
        tracker: str,
        case_id: str,
        fingerprint: str,
        *,
        key: str,
        digest: str | None,
        actor: str,
    ) -> TrackerRef: ...

    def close(self) -> None: ...


__all__ = [
    "ENDED_STATES",
    "MATERIAL_KINDS",
    "NOTICE_KINDS",
    "Adopted",
    "Case",
    "CaseRequest",
    "CaseStore",
    "Material",
    "Notice",
]
