"""The audit trail replayed: what each case and waiver should be, and how the tables
differ from it.

Every change of a case or a waiver appends its entry in the change's own
transaction, so replaying the entries about a case gives its kind, record,
opening date, every step with its date, its state and its material; those of a
waiver give what was requested, who asked, who approved or rejected it, and its
revocation.  A row changed behind
cyberreview's back (``UPDATE cases SET state = 'passed'``) no longer matches:
``audit verify`` names it, and a decision does not let such a case clear its
record (:mod:`.service`).  Entries written before a field was recorded (an
opening date, a step's date) are compared on what they say.
"""

from __future__ import annotations

from collections import defaultdict
from collections.abc import Iterable
from dataclasses import dataclass, field
from typing import TYPE_CHECKING, Any

from .audit import AuditEntry
from .base import Case

if TYPE_CHECKING:
    from ..models.waiver import Waiver
    from .base import CaseStore

#: (kind, date or None when the entry did not record it, what the step did)
Step = tuple[str, str | None, tuple[Any, ...]]
Digests = set[tuple[str, str]]  # (material kind, SHA-256)
_GRANTED = ("rule", "pack", "scope", "reason", "approver", "ticket", "created", "expires")


@dataclass
class CaseTold:
    """A case as its audit entries tell it (``None``: an older entry did not say)."""

    fields: dict[str, str | None]
    state: str = "open"
    steps: list[Step] = field(default_factory=list)
    materials: Digests = field(default_factory=set)
    unsealed: int | None = None  # the first entry whose hash or link does not fit


@dataclass
class WaiverTold:
    grant: dict[str, Any] | None = None
    revocation: dict[str, Any] | None = None
    unsealed: int | None = None
    decision: dict[str, Any] = field(default_factory=dict)


_DECISION = ("status", "requested_by", "requested_on", "decided_by", "decided_on", "note")


def _decision(entry: AuditEntry) -> dict[str, Any]:
    """Who asked and who decided, as a ``waiver.requested``, ``.added`` or ``.imported``
    entry says; entries from before requests were kept are of approved waivers, asked
    by the entry's actor and approved by their approver when they started."""
    d = entry.details
    if "status" in d:
        return {name: d.get(name) for name in _DECISION}
    return {
        "status": "approved",
        "requested_by": entry.actor,
        "requested_on": d.get("created"),
        "decided_by": d.get("approver"),
        "decided_on": d.get("created"),
        "note": None,
    }


def replay_cases(entries: Iterable[tuple[AuditEntry, bool]]) -> dict[str, CaseTold]:
    """Case id -> what the ``case.*`` entries say, from (entry, sealed) pairs."""
    told: dict[str, CaseTold] = {}
    for entry, sealed in entries:
        d, subject = entry.details, entry.subject
        if not entry.action.startswith("case.") or subject is None:
            continue
        if entry.action == "case.opened":
            on = d.get("opened_on") or d.get("on")
            told[subject] = CaseTold(
                {
                    "kind": d.get("kind"),
                    "rule": d.get("rule"),
                    "pack": entry.pack,
                    "record": d.get("record"),
                    "record key": d.get("key"),
                    "record digest": entry.record_digest,
                    "opened on": on,
                },
                steps=[("opened", on, ())],
            )
            _opened_with(told, told[subject], d, on)
        case = told.setdefault(subject, CaseTold({}))
        if not sealed and case.unsealed is None:
            case.unsealed = entry.seq
        if entry.action == "case.transition":
            case.state = d.get("to") or case.state
            step = (d.get("from"), d.get("to"), bool(d.get("complex")))
            case.steps.append(("transition", d.get("on"), step))
        elif entry.action in ("case.extended", "case.extend"):
            case.steps.append(("extend", d.get("on"), (d.get("days"),)))
        elif entry.action in ("case.complex", "case.notice"):
            case.steps.append((entry.action.removeprefix("case."), d.get("on"), ()))
        elif entry.action == "case.attached":
            case.materials.add((d.get("material"), d.get("sha256")))  # type: ignore[arg-type]
            case.steps.append(("attach", d.get("on"), (d.get("material"), d.get("sha256"))))
        elif entry.action == "case.note":
            case.steps.append(("note", d.get("on"), ()))
    return told


def _opened_with(told: dict[str, CaseTold], case: CaseTold, d: dict[str, Any], on: Any) -> None:
    """What a ``case.opened`` entry also tells: the steps of a review adopted from the
    source (no entries of their own), and the ``reopened`` step of the case it reopens."""
    previous = "open"
    for step in d.get("adopted") or ():
        case.steps.append(("transition", step.get("on"), (previous, step.get("state"), False)))
        previous = case.state = step.get("state") or previous
    reopens = d.get("reopens")
    if isinstance(reopens, str):
        told.setdefault(reopens, CaseTold({})).steps.append(("reopened", on, ()))


def _steps(case: Case) -> list[Step]:
    out: list[Step] = []
    for event in case.events:
        d, on = event.details, event.on.isoformat()
        what: tuple[Any, ...] = ()
        if event.kind == "transition":
            what = (event.from_state, event.to_state, bool(d.get("complex")))
        elif event.kind == "extend":
            what = (d.get("days"),)
        elif event.kind == "attach":
            what = (d.get("material"), d.get("sha256"))
        out.append((event.kind, on, what))
    return out


def _show(step: Step) -> str:
    kind, on, what = step
    if kind == "transition":
        kind = f"{what[0]} -> {what[1]}" + (" (complex)" if what[2] else "")
    elif kind == "extend":
        kind = f"extended by {what[0]} days"
    elif kind == "attach":
        kind = f"{what[0]} attached"
    return f"{kind} on {on}" if on else kind


def case_differences(case: Case, told: CaseTold | None, materials: Digests) -> list[str]:
    """How ``case`` (its row, history and ``materials``) differs from its trail."""
    if told is None or "kind" not in told.fields:
        return ["it is not in the audit trail (added outside cyberreview?)"]
    out = []
    if told.unsealed is not None:
        out.append(f"its audit entry {told.unsealed} does not fit the chain (edited?)")
    if case.state != told.state:
        out.append(f"state is {case.state}, the trail says {told.state}")
    mine = {
        "kind": case.kind,
        "rule": case.rule,
        "pack": case.pack,
        "record": case.record_id,
        "record key": case.record_key,
        "record digest": case.record_digest,
        "opened on": case.opened_on.isoformat(),
    }
    for name, value in mine.items():
        said = told.fields.get(name)
        if said is not None and said != value:
            out.append(f"{name} is {value}, the trail says {said}")
    steps = _steps(case)
    if len(steps) != len(told.steps):
        out.append(f"its history has {len(steps)} steps, the trail {len(told.steps)}")
    for n, (step, said_step) in enumerate(zip(steps, told.steps, strict=False), start=1):
        if (
            step[0] != said_step[0]
            or step[2] != said_step[2]
            or said_step[1] not in (None, step[1])
        ):
            out.append(f"step {n} is {_show(step)}, the trail says {_show(said_step)}")
            break
    for kind, sha in sorted(materials - told.materials):
        out.append(f"its {kind} material {sha[:12]} is not in the trail")
    for kind, sha in sorted(told.materials - materials):
        out.append(f"its {kind} material {sha[:12]} of the trail is missing")
    return out


def replay_waivers(entries: Iterable[tuple[AuditEntry, bool]]) -> dict[str, WaiverTold]:
    """Waiver id -> what the ``waiver.*`` entries say (entries of versions that kept
    waivers in files, which lack the whole grant, tell nothing)."""
    told: dict[str, WaiverTold] = {}
    for entry, sealed in entries:
        d, subject = entry.details, entry.subject
        if not entry.action.startswith("waiver.") or subject is None:
            continue
        waiver = told.setdefault(subject, WaiverTold())
        if not sealed and waiver.unsealed is None:
            waiver.unsealed = entry.seq
        whole = isinstance(d.get("scope"), dict) and "created" in d
        if entry.action in ("waiver.added", "waiver.imported", "waiver.requested") and whole:
            waiver.grant = {name: d.get(name) for name in _GRANTED}
            waiver.revocation = d.get("revoked")
            waiver.decision = _decision(entry)
        elif entry.action in ("waiver.approved", "waiver.rejected") and waiver.grant is not None:
            for name in ("status", "decided_by", "decided_on", "note"):
                waiver.decision[name] = d.get(name)
            waiver.grant["approver"] = d.get("decided_by") if d.get("status") == "approved" else ""
        elif entry.action == "waiver.revoked" and "by" in d:
            waiver.revocation = {"on": d.get("on"), "by": d.get("by"), "reason": d.get("reason")}
    return told


def waiver_differences(waiver: Waiver, told: WaiverTold | None) -> list[str]:
    """How ``waiver`` (its row) differs from its trail."""
    if told is None or told.grant is None:
        return ["it is not in the audit trail (added outside cyberreview?)"]
    out = []
    if told.unsealed is not None:
        out.append(f"its audit entry {told.unsealed} does not fit the chain (edited?)")
    grant = waiver.grant()
    for name in _GRANTED:
        if grant[name] != told.grant[name]:
            out.append(f"{name} is {grant[name]!r}, the trail says {told.grant[name]!r}")
    decision = waiver.decision()
    for name in _DECISION:
        if decision[name] != told.decision.get(name):
            said = told.decision.get(name)
            out.append(f"{name} is {decision[name]!r}, the trail says {said!r}")
    if waiver.revocation() != told.revocation:
        out.append(f"revocation is {waiver.revocation()}, the trail says {told.revocation}")
    return out


def state_problems(store: CaseStore, entries: Iterable[AuditEntry]) -> list[str]:
    """Every case and waiver of ``store`` that differs from the trail ``entries`` (the
    whole of it, whose chain the caller checks), and every material whose content
    no longer has its recorded SHA-256: one line each."""
    whole = [(entry, True) for entry in entries]
    cases, waivers = replay_cases(whole), replay_waivers(whole)
    problems = []
    materials: dict[str, Digests] = defaultdict(set)
    for case_id, kind, sha, actual in store.material_digests():
        materials[case_id].add((kind, sha))
        if actual != sha:
            problems.append(
                f"case {case_id}: the content of its {kind} material {sha[:12]} does not have "
                "that SHA-256 (replaced?)"
            )
    stored = store.list_cases()
    for case in stored:
        found = case_differences(case, cases.get(case.id), materials[case.id])
        if found:
            problems.append(f"case {case.id} differs from its audit trail: {'; '.join(found)}")
    for case_id in sorted(cases.keys() - {case.id for case in stored}):
        problems.append(f"case {case_id} is in the audit trail but not in the store (deleted?)")
    kept = store.waivers()
    for waiver in kept:
        found = waiver_differences(waiver, waivers.get(waiver.id))
        if found:
            problems.append(f"waiver {waiver.id} differs from its audit trail: {'; '.join(found)}")
    granted = {wid for wid, told in waivers.items() if told.grant is not None}
    for waiver_id in sorted(granted - {waiver.id for waiver in kept}):
        problems.append(f"waiver {waiver_id} is in the audit trail but not in the store (deleted?)")
    return problems
