"""The report's record-level sections: warned records, overdue reviews (from the
review-overdue findings), case counts per kind, and one section per listed record
(findings, case, state, running period, deadline, planned go-live, fix)."""

from __future__ import annotations

from typing import TYPE_CHECKING, Any

from ..i18n import _
from ..sweep.summary import CASE_OUTCOMES
from .parts import deadline, e, n, pill, text_table

if TYPE_CHECKING:
    from .build import Report


def _link(record_id: str, anchor: str | None) -> str:
    return f"<a href='#{anchor}'>{e(record_id)}</a>" if anchor else e(record_id)


def listed_table(title: str, count: int, listed: list[Any], none: str) -> str:
    """Blocked or warned records, one line each, linked to their sections."""
    head = f"<h2>{title} ({n(count)})</h2>"
    if not listed:
        return head + f"<p class='muted'>{none}</p>"
    rows = "".join(
        f"<tr><td>{_link(item.record_id, item.anchor)}</td><td>{e(item.operator)}<br>"
        f"<span class='cite'>{e(item.system)}</span></td><td>{e(item.product)}</td>"
        f"<td class='reason' title='{e(item.message)}'><b>{e(item.rule)}</b>: "
        f"{e(item.message)}</td><td class='cite'>{e('; '.join(item.citations))}</td></tr>"
        for item in listed
    )
    more = count - len(listed)
    tail = (
        f"<p class='muted'>… and {n(more)} more: every finding is in the CSV or JSON report.</p>"
        if more
        else ""
    )
    return (
        f"{head}<table><tr><th>record</th><th>operator · system</th><th>product</th>"
        f"<th>reason</th><th>citations</th></tr>{rows}</table>{tail}"
    )


def warned(report: Report) -> str:
    return listed_table(_("Warned"), report.warned, report.warns, _("No record is warned."))


def overdue(report: Report) -> str:
    """The review-overdue findings (waived ones say so): the same count as the rule's."""
    head = "<h2>" + e(_("Overdue review cases")) + f" ({n(report.overdue_total)})</h2>"
    if not report.overdue:
        return head + "<p class='muted'>No statutory period has run out.</p>"
    rows = "".join(
        f"<tr><td>{e(row['case'])}</td><td>{_link(row['record_id'], row['anchor'])}</td>"
        f"<td>{e(row['state'])}</td><td>{e(row['period'])}</td>"
        f"<td>{e(deadline(row['deadline'], row['provisional']))}</td>"
        f"<td>{e('waived: ' + row['waived'] if row['waived'] else '')}</td></tr>"
        for row in report.overdue
    )
    return (
        f"{head}<table><tr><th>case</th><th>record</th><th>state</th><th>period</th>"
        f"<th>deadline</th><th></th></tr>{rows}</table>"
    )


def case_counts(report: Report) -> str:
    head = "<h2>" + e(_("Cases, by kind")) + "</h2>"
    if not report.cases:
        return head + "<p class='muted'>No rule asked for a case.</p>"
    labels = ("opened", "already open", "closed for the same facts", "adopted (running)")
    return head + text_table(
        ("kind", *labels),
        (
            (kind, *(counts[what] for what in CASE_OUTCOMES))
            for kind, counts in sorted(report.cases.items())
        ),
    )


def _case_line(case: dict[str, Any]) -> str:
    period = ""
    if case["period"]:
        late = " — OVERDUE" if case["overdue"] else ""
        period = f", {case['period']} until {deadline(case['deadline'], case['provisional'])}{late}"
    return f"<li>{e(case['id'])} ({e(case['kind'])}): {e(case['state'])}{e(period)}</li>"


def _text(finding: dict[str, Any], key: str) -> str:
    """A finding's text for the page: in the language asked, with the English under it
    in ``zh-CN+en`` (for foreign auditors)."""
    local = finding.get(f"{key}_localized")
    english = finding[key]
    if local is None:
        return e(english)
    if finding.get("lang") == "zh-CN+en" and english and english != local:
        return f"{e(local)}<br><span class='muted'>{e(english)}</span>"
    return e(local)


def _cites(finding: dict[str, Any]) -> str:
    local = finding.get("citations_localized")
    if local is None:
        return e("; ".join(finding["citations"]))
    return e("；".join(local))


def record_sections(report: Report) -> str:
    if not report.sections:
        return ""
    parts = ["<h2>" + e(_("Records")) + "</h2>"]
    for sec in report.sections:
        subject = sec.subject
        cases = "".join(_case_line(case) for case in sec.cases) or "<li>no case</li>"
        findings = "".join(
            f"<tr><td>{pill(f['outcome'])}</td><td><b>{e(f['rule'])}</b>"
            f"{' (waived: ' + e(f['waived']) + ')' if f['waived'] else ''}<br>{_text(f, 'message')}"
            f"<br><span class='cite'>{_cites(f)}</span></td>"
            f"<td>{_text(f, 'fix')}</td></tr>"
            for f in sec.findings
        )
        parts.append(
            f"<section class='record' id='{sec.anchor}'><h3>{e(sec.record_id)} "
            f"{pill(sec.verdict)}</h3><p>{e(subject.operator)} · {e(subject.system)} · "
            f"{e(subject.product)} · planned go-live {e(subject.planned or 'not recorded')}</p>"
            f"<ul class='cases'>{cases}</ul><table><tr><th>outcome</th><th>finding</th>"
            f"<th>fix</th></tr>{findings}</table></section>"
        )
    return "".join(parts)
