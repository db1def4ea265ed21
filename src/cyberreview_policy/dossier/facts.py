"""What the dossier is built from: the case, its record (when given) and what the
tool found, gathered once so that each document only words it."""

from __future__ import annotations

import datetime as dt
from dataclasses import dataclass, field
from typing import TYPE_CHECKING, Any

if TYPE_CHECKING:
    from ..cases.base import Case
    from ..models.measures import Measures
    from ..models.validate import RecordData


@dataclass(frozen=True)
class Conclusion:
    """The operator's risk anticipation: ``True`` affects or may affect national security."""

    may_affect: bool | None
    on: dt.date | None
    source: str  # "record", the assessment case's id, or "" (nothing says)


@dataclass(frozen=True)
class Facts:
    case: Case
    record: RecordData | None
    measures: Measures
    as_of: dt.date
    lang: str
    conclusion: Conclusion
    findings: list[dict[str, Any]] | None = None  # None: not evaluated (no record given)
    checklist: dict[str, str | None] = field(default_factory=dict)

    def part(self, *path: str) -> Any:
        """A record field by attribute path, ``None`` when there is no record (or no value)."""
        value: Any = self.record
        for name in path:
            if value is None:
                return None
            value = getattr(value, name, None)
        return value

    def summary(self, key: str) -> Any:
        return self.case.summary.get(key)

    @property
    def kind(self) -> str:
        return str(self.part("kind") or self.summary("kind") or "purchase")


def t(facts: Facts, zh: str, en: str) -> str:
    """The Chinese or the English of a phrase, in the dossier's language."""
    return zh if facts.lang == "zh-CN" else en


def conclusion_of(record: RecordData | None, cases: list[Case]) -> Conclusion:
    """The risk conclusion: the newest assessment case closed as ``assessed`` (what the
    decisions use), else the record's own."""
    for case in reversed(cases):
        closing = case.closing() if case.kind == "assessment" else None
        if closing is not None and case.state == "assessed":
            said = closing.details.get("conclusion")
            return Conclusion(said == "may_affect" if said else None, closing.on, case.id)
    if record is None:
        return Conclusion(None, None, "")
    risk = record.risk
    return Conclusion(risk.may_affect_national_security, risk.assessed_on, "record")
