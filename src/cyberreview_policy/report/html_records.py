"""The report's record-level sections: warned records, overdue reviews (from the
review-overdue findings), case counts per kind, and one section per listed record
(findings, case, state, running period, deadline, planned go-live, fix)."""

from __future__ import annotations

from typing import TYPE_CHECKING, Any

from ..i18n import _, bilingual, current_lang
from ..sweep.summary import CASE_OUTCOMES
from .parts import deadline, e, n, pill, text_table

if TYPE_CHECKING:
    from .build import Report


def _word(kind: str, value: Any) -> str:
    """A case state, kind or period as the language asked reads it (the value in English)."""
    if value is None or current_lang() == "en":
        return "" if value is None else str(value)
    from ..i18n import word

    return word(kind, value, current_lang())


def _heads(*names: str) -> str:
    return "".join(f"<th>{e(name)}</th>" for name in names)


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
        "<p class='muted'>"
        + e(
            _("… and {count} more: every finding is in the CSV or JSON report.").format(
                count=n(more)
            )
        )
        + "</p>"
        if more
        else ""
    )
    heads = _heads(
        bilingual("record"),
        bilingual("operator · system"),
        bilingual("product"),
        bilingual("reason"),
        bilingual("citations"),
    )
    return f"{head}<table><tr>{heads}</tr>{rows}</table>{tail}"


def warned(report: Report) -> str:
    return listed_table(bilingual("Warned"), report.warned, report.warns, _("No record is warned."))


def overdue(report: Report) -> str:
    """The review-overdue findings (waived ones say so): the same count as the rule's."""
    head = "<h2>" + e(bilingual("Overdue review cases")) + f" ({n(report.overdue_total)})</h2>"
    if not report.overdue:
        return head + "<p class='muted'>" + e(_("No statutory period has run out.")) + "</p>"
    rows = "".join(
        f"<tr><td>{e(row['case'])}</td><td>{_link(row['record_id'], row['anchor'])}</td>"
        f"<td>{e(_word('case_state', row['state']))}</td>"
        f"<td>{e(_word('period', row['period']))}</td>"
        f"<td>{e(deadline(row['deadline'], row['provisional']))}</td>"
        f"<td>{e(_waived(row['waived']))}</td></tr>"
        for row in report.overdue
    )
    heads = _heads(
        bilingual("case"),
        bilingual("record"),
        bilingual("state"),
        bilingual("period"),
        bilingual("deadline"),
        "",
    )
    return f"{head}<table><tr>{heads}</tr>{rows}</table>"


def _waived(waiver: str | None) -> str:
    return _("waived: {waiver}").format(waiver=waiver) if waiver else ""


def case_counts(report: Report) -> str:
    head = "<h2>" + e(bilingual("Cases, by kind")) + "</h2>"
    if not report.cases:
        return head + "<p class='muted'>" + e(_("No rule asked for a case.")) + "</p>"
    labels = (
        bilingual("opened"),
        bilingual("already open"),
        bilingual("closed for the same facts"),
        bilingual("adopted (running)"),
    )
    return head + text_table(
        (bilingual("kind"), *labels),
        (
            (_word("case_kind", kind), *(counts[what] for what in CASE_OUTCOMES))
            for kind, counts in sorted(report.cases.items())
        ),
    )


def _case_line(case: dict[str, Any]) -> str:
    period = ""
    if case["period"]:
        late = _(" — OVERDUE") if case["overdue"] else ""
        period = _(", {period} until {deadline}{late}").format(
            period=_word("period", case["period"]),
            deadline=deadline(case["deadline"], case["provisional"]),
            late=late,
        )
    kind, state = _word("case_kind", case["kind"]), _word("case_state", case["state"])
    return f"<li>{e(case['id'])} ({e(kind)}): {e(state)}{e(period)}</li>"


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


def _waived_note(waiver: str | None) -> str:
    return " (" + e(_waived(waiver)) + ")" if waiver else ""


def record_sections(report: Report) -> str:
    if not report.sections:
        return ""
    parts = ["<h2>" + e(bilingual("Records")) + "</h2>"]
    for sec in report.sections:
        subject = sec.subject
        cases = "".join(_case_line(case) for case in sec.cases) or (
            "<li>" + e(_("no case")) + "</li>"
        )
        findings = "".join(
            f"<tr><td>{pill(f['outcome'])}</td><td><b>{e(f['rule'])}</b>"
            f"{_waived_note(f['waived'])}<br>{_text(f, 'message')}"
            f"<br><span class='cite'>{_cites(f)}</span></td>"
            f"<td>{_text(f, 'fix')}</td></tr>"
            for f in sec.findings
        )
        planned = _("planned go-live {date}").format(date=subject.planned or _("not recorded"))
        heads = _heads(bilingual("outcome"), bilingual("finding"), bilingual("fix"))
        parts.append(
            f"<section class='record' id='{sec.anchor}'><h3>{e(sec.record_id)} "
            f"{pill(sec.verdict)}</h3><p>{e(subject.operator)} · {e(subject.system)} · "
            f"{e(subject.product)} · {e(planned)}</p>"
            f"<ul class='cases'>{cases}</ul><table><tr>{heads}</tr>{findings}</table></section>"
        )
    return "".join(parts)
