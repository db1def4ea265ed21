"""Carry out the ``open_case`` actions of a decision against a case store."""

from __future__ import annotations

import hashlib
import json
from typing import TYPE_CHECKING, Any

from ..models.identity import plain, record_digest, record_key, record_summary
from ..models.paths import getter
from .base import CaseRequest, CaseStore

if TYPE_CHECKING:
    from ..models.decision import Decision, Finding
    from ..models.validate import RecordData


def facts_digest(facts: dict[str, Any], record: RecordData) -> str:
    """A digest of the deciding facts: the paths a finding names, with the values the
    *source* record has (what the case store overlays is the tool's own, not the
    record's: a remediation is not reopened because its review moved on)."""
    values: dict[str, Any] = {}
    for path, value in facts.items():
        try:
            values[path] = plain(getter(path)(record))
        except ValueError:  # not a record path (a check's own fact): as the finding says
            values[path] = plain(value)
    text = json.dumps(values, sort_keys=True, separators=(",", ":"), ensure_ascii=False)
    return "sha256:" + hashlib.sha256(text.encode()).hexdigest()


def _finding(decision: Decision, rule: str) -> Finding | None:
    return next((f for f in decision["findings"] if f["rule"] == rule), None)


def apply_actions(decision: Decision, record: RecordData, store: CaseStore, actor: str) -> None:
    """Open (or find) the case of every action; fill in ``case_id``, ``created`` and the
    case's ``state`` (a closed one when it was closed for these same facts)."""
    versions = {ref["id"]: ref["version"] for ref in decision["packs"]}
    for action in decision["actions"]:
        finding = _finding(decision, action["rule"])
        pack = finding["pack"] if finding else decision["pack"]["id"]
        case, created = store.open_case(
            CaseRequest(
                record_key=record_key(record),
                record_id=record.id,
                kind=action["kind"],
                rule=action["rule"],
                pack=f"{pack}@{versions.get(pack, '')}",
                opened_on=decision["as_of"],
                summary=record_summary(record),
                record_digest=record_digest(record),
                facts_digest=facts_digest(finding["facts"] if finding else {}, record),
            ),
            actor,
        )
        action["case_id"] = case.id
        action["created"] = created
        action["state"] = case.state
