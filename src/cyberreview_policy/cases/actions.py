"""Carry out the ``open_case`` actions of a decision against a case store."""

from __future__ import annotations

from typing import TYPE_CHECKING

from ..models.identity import record_digest, record_key, record_summary
from .base import CaseRequest, CaseStore

if TYPE_CHECKING:
    from ..models.decision import Decision
    from ..models.validate import RecordData


def apply_actions(decision: Decision, record: RecordData, store: CaseStore, actor: str) -> None:
    """Open (or find) the case of every action; fill in ``case_id`` and ``created``."""
    versions = {ref["id"]: ref["version"] for ref in decision["packs"]}
    pack_of = {finding["rule"]: finding["pack"] for finding in decision["findings"]}
    for action in decision["actions"]:
        pack = pack_of.get(action["rule"], decision["pack"]["id"])
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
            ),
            actor,
        )
        action["case_id"] = case.id
        action["created"] = created
