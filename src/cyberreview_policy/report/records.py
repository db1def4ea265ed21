"""What the report shows of one record: a section with its findings, its review case
(id, state, running period, deadline), its planned go-live and what to do; and the
overdue rows, taken from the *review-overdue* findings themselves, so the page's
overdue section says what the findings say."""

from __future__ import annotations

from collections import Counter
from dataclasses import dataclass, field
from typing import TYPE_CHECKING, Any

if TYPE_CHECKING:
    from ..models.decision import Decision
    from ..sweep.summary import Subject


@dataclass
class RecordSection:
    """A listed record (blocked or warned), as its section on the page shows it."""

    anchor: str
    record_id: str
    verdict: str
    subject: Subject
    findings: list[dict[str, Any]]
    cases: list[dict[str, Any]]

    def to_json(self) -> dict[str, Any]:
        return {
            "anchor": self.anchor,
            "record_id": self.record_id,
            "decision": self.verdict,
            "operator": self.subject.operator,
            "system": self.subject.system,
            "product": self.subject.product,
            "planned_go_live": self.subject.planned,
            "findings": self.findings,
            "cases": self.cases,
        }


def section(anchor: str, decision: Decision, subject: Subject) -> RecordSection:
    findings = [
        {
            "rule": f["rule"],
            "outcome": f["outcome"],
            "message": f["message"],
            "citations": f["citations"],
            "fix": f["remediation"],
            "waived": f["waiver"]["id"] if f["waiver"] else None,
        }
        for f in decision["findings"]
        if f["outcome"] != "advisory"
    ]
    if "lang" in decision:  # the texts in the language asked, beside the English (additive)
        for shown, f in zip(
            findings, (f for f in decision["findings"] if f["outcome"] != "advisory"), strict=True
        ):
            shown["message_localized"] = f.get("message_localized", f["message"])
            shown["citations_localized"] = f.get("citations_localized", f["citations"])
            shown["fix_localized"] = f.get("remediation_localized", f["remediation"])
            shown["lang"] = decision["lang"]
    return RecordSection(
        anchor,
        decision["record_id"],
        decision["decision"],
        subject,
        findings,
        record_cases(decision),
    )


def record_cases(decision: Decision) -> list[dict[str, Any]]:
    """The record's cases: the review case the decision used (its running period and
    deadline), then those its rules asked for."""
    out: list[dict[str, Any]] = []
    for ref in decision["cases"]:
        out.append(
            {
                "id": ref["id"],
                "kind": ref["kind"],
                "state": ref["state"],
                "period": ref["period"],
                "deadline": ref["deadline"],
                "provisional": ref.get("provisional"),
                "overdue": ref["overdue"],
            }
        )
    seen = {case["id"] for case in out}
    for action in decision["actions"]:
        if action["case_id"] and action["case_id"] not in seen:
            seen.add(action["case_id"])
            out.append(
                {
                    "id": action["case_id"],
                    "kind": action["kind"],
                    "state": action.get("state"),
                    "period": None,
                    "deadline": None,
                    "provisional": None,
                    "overdue": None,
                }
            )
    return out


def overdue_row(decision: Decision, finding: Any, anchor: str | None) -> dict[str, Any]:
    """A review-overdue finding as the overdue section lists it."""
    ref = next(iter(decision["cases"]), None)
    return {
        "record_id": decision["record_id"],
        "anchor": anchor,
        "case": ref["id"] if ref else None,
        "state": ref["state"] if ref else None,
        "period": ref["period"] if ref else None,
        "deadline": ref["deadline"] if ref else None,
        "provisional": bool(ref.get("provisional")) if ref else False,
        "waived": finding["waiver"]["id"] if finding["waiver"] else None,
    }


@dataclass
class Changes:
    """Findings new, waived and resolved since the previous sweep (of the report's scope)."""

    by_change: dict[str, Counter[str]] = field(
        default_factory=lambda: {"new": Counter(), "waived": Counter(), "resolved": Counter()}
    )

    def add(self, change: str, rule: str) -> None:
        if change in self.by_change:
            self.by_change[change][rule] += 1

    def total(self, change: str) -> int:
        return sum(self.by_change[change].values())

    def rules(self) -> list[str]:
        return sorted({rule for counts in self.by_change.values() for rule in counts})

    def to_json(self) -> dict[str, Any]:
        return {change: dict(sorted(c.items())) for change, c in self.by_change.items()}
