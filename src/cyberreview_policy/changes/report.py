"""What the gate writes into a change, and the fingerprint that keeps it from writing
twice.

Minimal by design (Measures 2020 Art. 16, 2021 Art. 17: the tool keeps review
material confidential): per blocking CI the rule id, the rule's title, its citations,
and the review case's id and deadline.  Never a finding's message (it can name
contract amounts and the facts of the record), never case material.

Every text ends with a marker ``[cyberreview ref KEY run RUN]``.  ``KEY`` is
the fingerprint of the decision: the change, the round of decision (the
approval record asked of us), the verdict, and which CIs block by which rules
or could not be decided.  The same decision in the same round has the same
key whatever run made it, so a retried run, or a second run after a write
whose answer was lost, finds its key already posted and posts nothing.
"""

from __future__ import annotations

import hashlib
import json
import re
from collections.abc import Sequence
from dataclasses import dataclass
from typing import TYPE_CHECKING

from .api import AffectedCI, Change, Mode

if TYPE_CHECKING:
    from ..models.decision import Decision

MARKER = re.compile(r"\[cyberreview ref ([0-9a-f]{12}) run ([A-Za-z0-9_.-]+)\]")


@dataclass(frozen=True)
class CiResult:
    """One affected CI: its decision, or why it could not be decided (fail closed)."""

    ci: AffectedCI
    decision: Decision | None = None
    error: str | None = None
    problems: tuple[str, ...] = ()  # values of the wrong type, decided as unknown

    @property
    def verdict(self) -> str:
        return self.decision["decision"] if self.decision is not None else "error"

    def blocking(self) -> list[str]:
        """The rules that block, in the decision's order."""
        if self.decision is None:
            return []
        return [
            f["rule"]
            for f in self.decision["findings"]
            if f["outcome"] == "block" and f["waiver"] is None
        ]


@dataclass(frozen=True)
class Report:
    """The answer for one change: approve or not, its fingerprint and its text."""

    change: Change
    results: tuple[CiResult, ...]
    approve: bool
    key: str
    run_id: str
    text: str

    @property
    def undecided(self) -> list[CiResult]:
        return [r for r in self.results if r.decision is None]


def fingerprint(change: Change, results: Sequence[CiResult], approve: bool) -> str:
    """The decision's key: equal for an equivalent decision on the same round of the
    same change, whichever run makes it."""
    reasons = sorted(
        [r.ci.id, rule]
        for r in results
        for rule in (r.blocking() or (["error"] if r.error else []))
    )
    data = [change.id, change.cycle, "approve" if approve else "reject", reasons]
    return hashlib.sha256(json.dumps(data).encode()).hexdigest()[:12]


def find_marker(text: str) -> tuple[str, str] | None:
    """``(key, run_id)`` of the marker in a posted text, if it is one of ours."""
    found = MARKER.search(text)
    return (found.group(1), found.group(2)) if found else None


def posted_keys(change: Change) -> list[str]:
    """The keys this tool posted in the change's current round, newest first."""
    return [found[0] for text in change.posted if (found := find_marker(text))]


def build(change: Change, results: Sequence[CiResult], run_id: str, mode: Mode) -> Report:
    """Decide the change from its CIs' results (fail closed: no CI, or a CI not decided,
    never approves) and word the answer."""
    approve = bool(results) and all(r.decision is not None and not r.blocking() for r in results)
    key = fingerprint(change, results, approve)
    text = wording(change, results, approve, mode) + f"\n[cyberreview ref {key} run {run_id}]"
    return Report(change, tuple(results), approve, key, run_id, text)


def wording(change: Change, results: Sequence[CiResult], approve: bool, mode: Mode) -> str:
    blocked = [r for r in results if r.decision is None or r.blocking()]
    if mode == "approval":
        head = "approved" if approve else "rejected"
    else:
        head = "no objection" if approve else "blocked: may not go into use"
    if not results:
        return (
            f"cyberreview: {change.number} {head}: the change names no affected CI, so "
            "nothing can be decided; list the CIs it deploys and ask again."
        )
    count = f"{len(results)} affected CI{'s' if len(results) != 1 else ''}"
    lines = [
        f"cyberreview: {change.number} {head}: {count} decided, "
        + ("none blocks." if approve else f"{len(blocked)} may not go into use:")
    ]
    for result in blocked:
        lines.extend(_ci_lines(result))
    lines.append(_under(results))
    return "\n".join(line for line in lines if line)


def _ci_lines(result: CiResult) -> list[str]:
    head = f"- {result.ci.name} ({result.ci.id})"
    if result.decision is None:
        return [f"{head}: could not be decided: {result.error}"]
    lines = [f"{head}:"]
    refs = {c["id"]: c for c in result.decision["cases"]}  # the cases the decision used
    opened = {a["rule"]: a["case_id"] for a in result.decision["actions"] if a["case_id"]}
    named: set[str] = set()
    for finding in result.decision["findings"]:
        if finding["outcome"] != "block" or finding["waiver"] is not None:
            continue
        text = f"  {finding['rule']}: {finding['title']} ({'; '.join(finding['citations'])})"
        case_id = opened.get(finding["rule"])
        if case_id:
            named.add(case_id)
            deadline = refs[case_id]["deadline"] if case_id in refs else None
            text += f"; case {case_id}" + (f", due {deadline}" if deadline else "")
        lines.append(text)
    for case_id, ref in refs.items():  # a review under way opens nothing: name it too
        if case_id not in named:
            due = f", due {ref['deadline']}" if ref["deadline"] else ""
            lines.append(f"  {ref['kind']} case {case_id}: {ref['state']}{due}")
    return lines


def _under(results: Sequence[CiResult]) -> str:
    decided = [r.decision for r in results if r.decision is not None]
    if not decided:
        return ""
    packs = sorted({f"{p['id']} {p['version']}" for d in decided for p in d["packs"]})
    return f"Decided as of {decided[0]['as_of']} under {', '.join(packs)}."
