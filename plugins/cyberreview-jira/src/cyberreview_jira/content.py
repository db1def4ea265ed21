"""What an issue says about its case: summary, description (ADF) and labels.

Only what :class:`~cyberreview_policy.trackers.TrackedCase` holds, which is
only what the Measures' confidentiality article (2020 Art. 16, 2021 Art. 17)
lets leave the tool: the case and record ids, the
rule and the articles it cites, where the procedure stands, the end of its
statutory clock.  Jira Cloud's REST API v3 takes a description only as an
Atlassian Document Format (ADF) document, never as a plain string.
"""

from __future__ import annotations

from typing import Any

from cyberreview_policy.trackers import TrackedCase

SUMMARY_MAX = 255


def summary(case: TrackedCase) -> str:
    """One line: ``CR-000001 review: review-required (PO-1) is declared, until ...``."""
    text = f"{case.id} {case.kind}: {case.rule} ({case.record_id}) is {case.state}"
    if case.deadline is not None:
        text += f", {case.period} until {case.deadline}"
        text += " (OVERDUE)" if case.overdue else ""
    text = " ".join(text.split())  # a summary has no line breaks
    return text if len(text) <= SUMMARY_MAX else text[: SUMMARY_MAX - 1] + "…"


def _text(value: str, *marks: str) -> dict[str, Any]:
    node: dict[str, Any] = {"type": "text", "text": value}
    if marks:
        node["marks"] = [{"type": mark} for mark in marks]
    return node


def _paragraph(*nodes: dict[str, Any]) -> dict[str, Any]:
    return {"type": "paragraph", "content": list(nodes)}


def _item(label: str, value: str) -> dict[str, Any]:
    return {
        "type": "listItem",
        "content": [_paragraph(_text(f"{label}: ", "strong"), _text(value))],
    }


def clock(case: TrackedCase) -> str:
    if case.deadline is None:
        return "none running" if not case.ended else "none: the case has ended"
    text = f"{case.period} until {case.deadline} (working days, statutory)"
    if case.provisional:
        text += "; provisional: runs into a year without an official schedule"
    if case.overdue:
        text += "; OVERDUE: the period has elapsed"
    return text


def description(case: TrackedCase) -> dict[str, Any]:
    """The ADF document of the issue's description."""
    items = [
        _item("Case", f"{case.id} ({case.kind})"),
        _item("Record", case.record_id),
        _item("Rule", f"{case.rule} ({case.pack})"),
        _item("Citations", "; ".join(case.citations) or "-"),
        _item("State", case.state),
        _item("Statutory clock", clock(case)),
        _item("Opened on", case.opened_on.isoformat()),
    ]
    return {
        "type": "doc",
        "version": 1,
        "content": [
            _paragraph(
                _text(
                    f"Cybersecurity review case {case.id}, mirrored by cyberreview. "
                    "The case store is the record; update the case there "
                    f"(cyberreview cases show {case.id}). "
                    "This issue carries no review material, amounts or notes "
                    f"({case.confidentiality})."
                )
            ),
            {"type": "bulletList", "content": items},
        ],
    }


def labels(case: TrackedCase, extra: list[str]) -> list[str]:
    return [case.fingerprint, *(label for label in extra if label != case.fingerprint)]
