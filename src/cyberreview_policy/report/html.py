"""The sweep report as one HTML page: self-contained (inline CSS and SVG, no
script, no font or CDN), readable on screen and on paper."""

from __future__ import annotations

import datetime as dt
from typing import TYPE_CHECKING, Any

from .. import __version__
from ..i18n import N_, _, bilingual, current_lang
from .html_records import case_counts, listed_table, overdue, record_sections, warned
from .parts import COLORS, e, money, n, pill, text_table
from .svg import bar_chart, stacked_bar

if TYPE_CHECKING:
    from ..sweep.outputs import RunContext
    from ..sweep.summary import Summary
    from .build import Report

TOP_SYSTEMS = 50

CSS = """
*{box-sizing:border-box}
body{font:14px/1.45 system-ui,-apple-system,"Segoe UI",Roboto,"Noto Sans","PingFang SC",
 "Hiragino Sans GB","Microsoft YaHei","Noto Sans CJK SC","Source Han Sans SC",
 "WenQuanYi Micro Hei",sans-serif;color:#1c2833;margin:0;background:#f4f6f7}
main{max-width:1100px;margin:0 auto;padding:28px 32px 48px;background:#fff}
h1{font-size:24px;margin:0 0 4px}h2{font-size:17px;margin:32px 0 10px;border-bottom:2px solid
 #d5dbdb;padding-bottom:4px}.meta{color:#566573;font-size:13px}
.banner{margin:16px 0;padding:10px 14px;border-radius:6px;font-weight:600}
.ok{background:#e9f7ef;color:#145a32;border:1px solid #a9dfbf}
.bad{background:#fdedec;color:#78281f;border:1px solid #f5b7b1}
.tiles{display:grid;grid-template-columns:repeat(6,1fr);gap:10px;margin:14px 0}
.tile{border:1px solid #d5dbdb;border-radius:6px;padding:10px 12px}
.tile b{display:block;font-size:22px}.tile span{color:#566573;font-size:12px}
.tile.block b{color:#b03a2e}.tile.warn b{color:#c27c0e}.tile.allow b{color:#1e8449}
table{border-collapse:collapse;width:100%;font-size:13px}
th,td{text-align:left;padding:5px 8px;border-bottom:1px solid #eaeded;vertical-align:top}
th{background:#f8f9f9;font-weight:600}td.n,th.n{text-align:right;font-variant-numeric:tabular-nums}
.reason{max-width:520px;white-space:nowrap;overflow:hidden;text-overflow:ellipsis}
.pill{display:inline-block;border-radius:10px;padding:0 8px;color:#fff;font-size:12px}
.cite{color:#566573;font-size:12px}.muted{color:#808b96}
.charts{display:grid;grid-template-columns:1fr 1fr;gap:24px;align-items:start}
.brief li{margin:3px 0}
.record{border-top:1px solid #eaeded;margin-top:14px}.record h3{font-size:15px;margin:10px 0 4px}
.record ul.cases{margin:4px 0 8px;padding-left:18px}
footer{margin-top:36px;color:#808b96;font-size:12px}
@media print{body{background:#fff}main{padding:0}.reason{white-space:normal}}
"""


_e, _n, _pill, _money, _text_table = e, n, pill, money, text_table


def render(report: Report, summary: Summary, context: RunContext) -> str:
    d = report.verdicts
    packs = ", ".join(f"{p['id']} {p['version']}" for p in summary.packs)
    sources = ", ".join(s.name for s in summary.sources) or _("none")
    shard = _(" · shard {shard}").format(shard=summary.shard) if summary.shard else ""
    scope = (
        _(" · operator <b>{operator}</b> only").format(operator=_e(report.operator))
        if report.operator
        else ""
    )
    run = _(" · run {run}").format(run=_e(context.run_id)) if context.run_id else ""
    as_of = _date(summary.as_of)
    parts = [
        f"<!doctype html><html lang='{_html_lang()}'><head><meta charset='utf-8'>",
        "<meta name='viewport' content='width=device-width,initial-scale=1'>",
        "<title>"
        + _e(_("Cybersecurity review sweep, {date}").format(date=as_of))
        + f"</title><style>{CSS}</style>",
        "</head><body><main>",
        "<h1>" + _e(bilingual("Cybersecurity review: compliance sweep")) + "</h1>",
        "<div class='meta'>"
        + _("As of <b>{date}</b> under {packs} · sources: {sources}").format(
            date=_e(as_of), packs=_e(packs), sources=_e(sources)
        )
        + f"{shard}{scope} · "
        + _("generated {when}").format(when=_e(context.generated_at))
        + f"{run}</div>",
        _banner(summary),
        _tiles(report, summary),
        _key_points(report, summary, context),
        "<div class='charts'><div><h2>" + _e(bilingual("Decisions")) + "</h2>",
        stacked_bar([(v, d.get(v, 0), COLORS[v]) for v in ("block", "warn", "allow")]),
        "</div><div><h2>" + _e(bilingual("Findings by rule")) + "</h2>",
        _rule_chart(report),
        "</div></div>",
        _changes(report, summary, context),
        _blocks(report),
        warned(report),
        overdue(report),
        case_counts(report),
        _rules(report, summary),
        _operators(report),
        _exposure(report),
        record_sections(report),
        _skipped(summary),
        _problems(summary),
        "<footer>"
        + _e(
            _(
                "Made by cyberreview-policy {version}. Holds decisions and findings only: "
                "no review material (confidential under {law}) and no contract amounts "
                "beyond the summed exposure. Penalty ranges are indicative, not legal advice."
            ).format(version=__version__, law=_confidentiality(summary.as_of))
        )
        + "</footer>",
        "</main></body></html>",
    ]
    return "\n".join(parts) + "\n"


def _title(report: Report, rule: str) -> str:
    """A rule's title in the language asked (the English one without it)."""
    local = report.local_rules.get(rule)
    return local[0] if local else report.rules[rule].title


def _cites(report: Report, rule: str) -> str:
    local = report.local_rules.get(rule)
    return "；".join(local[1]) if local else "; ".join(report.rules[rule].citations)


def _date(value: dt.date) -> str:
    """A date as the language asked writes it (2026年12月5日)."""
    from ..i18n import date

    return date(value, current_lang())


def _verdict(value: str) -> str:
    from ..i18n import word

    lang = current_lang()
    return value if lang == "en" else word("verdict", value, lang)


def _html_lang() -> str:
    """The page's ``lang``: what the browser picks fonts and line breaks by."""
    lang = current_lang()
    return "en" if lang == "en" else "zh-CN"


def _confidentiality(as_of: dt.date) -> str:
    from ..models.measures import measures_on

    which = measures_on(as_of)
    cited = which.cite(which.confidentiality)
    lang = current_lang()
    if lang == "en":
        return cited
    from ..builtin.packs import shipped_packs_root
    from ..policy.law import load_law

    root = shipped_packs_root()  # the Measures' Chinese titles are the shipped law's
    return load_law(root / "law.yaml").cite_in(cited, lang) if root is not None else cited


def _banner(summary: Summary) -> str:
    if summary.complete:
        text = _("Complete: every record of every source was read and decided.")
        return f"<div class='banner ok'>{_e(text)}</div>"
    reasons = [
        _("source {source}: {message}").format(source=s.name, message=s.error)
        for s in summary.sources
        if s.error
    ]
    if summary.skipped:
        reasons.append(
            _("{count} record(s) could not be read or decided").format(count=_n(summary.skipped))
        )
    items = "".join(f"<li>{_e(r)}</li>" for r in reasons)
    text = _("INCOMPLETE: this sweep did not see everything, so it is not an all-clear.")
    return f"<div class='banner bad'>{_e(text)}<ul>{items}</ul></div>"


def _key_points(report: Report, summary: Summary, context: RunContext) -> str:
    d = report.verdicts
    blocked, warned_ = d.get("block", 0), d.get("warn", 0)
    points = []
    if blocked:
        reasons = sorted(
            ((n, rule) for (rule, outcome), n in report.fired.items() if outcome == "block"),
            reverse=True,
        )[:3]
        lower = current_lang() == "en"
        why = _("; ").join(
            f"{_e(report.rules[rule].title.lower() if lower else _title(report, rule))} ({_n(n)})"
            for n, rule in reasons
        )
        points.append(
            _(
                "<b>{blocked}</b> of {records} products may not be put into use as they stand. "
                "Most often: {why}."
            ).format(blocked=_n(blocked), records=_n(report.records), why=why)
        )
    else:
        points.append(
            _("None of the {records} products is blocked.").format(records=_n(report.records))
        )
    if warned_:
        points.append(
            _("<b>{count}</b> need attention before use (warn).").format(count=_n(warned_))
        )
    opened = sum(counts["created"] for counts in report.cases.values())
    adopted = sum(counts["adopted"] for counts in report.cases.values())
    points.append(
        _(
            "This sweep opened <b>{opened}</b> case(s) and adopted <b>{adopted}</b> running "
            "review(s); <b>{overdue}</b> review(s) are past a statutory deadline."
        ).format(opened=_n(opened), adopted=_n(adopted), overdue=_n(report.overdue_total))
    )
    for (operator, currency), (low, high, _count) in sorted(report.exposure.items())[:5]:
        points.append(
            _(
                "{operator}: products in use without a passed review expose it to fines of "
                "{currency} <b>{low} to {high}</b>."
            ).format(
                operator=_e(operator), currency=_e(currency), low=_money(low), high=_money(high)
            )
        )
    items = "".join(f"<li>{p}</li>" for p in points)
    return "<h2>" + _e(bilingual("In brief")) + f"</h2><ul class='brief'>{items}</ul>"


def _tiles(report: Report, summary: Summary) -> str:
    d = report.verdicts
    exposed = len({operator for operator, _ in report.exposure})
    opened = sum(counts["created"] for counts in report.cases.values())
    still = sum(counts["already_open"] for counts in report.cases.values())
    tiles = [
        ("", _n(report.records), bilingual("records decided")),
        ("block", _n(d.get("block", 0)), _verdict("block")),
        ("warn", _n(d.get("warn", 0)), _verdict("warn")),
        ("allow", _n(d.get("allow", 0)), _verdict("allow")),
        ("", _n(opened), _("cases opened ({count} already open)").format(count=_n(still))),
        ("", _n(exposed), bilingual("operators exposed to penalties")),
    ]
    body = "".join(
        f"<div class='tile {cls}'><b>{value}</b><span>{_e(label)}</span></div>"
        for cls, value, label in tiles
    )
    return f"<div class='tiles'>{body}</div>"


def _rule_chart(report: Report) -> str:
    ranked = sorted(
        (
            (rule, outcome, n)
            for (rule, outcome), n in report.fired.items()
            if outcome != "advisory"
        ),
        key=lambda item: -item[2],
    )[:12]
    if not ranked:
        return "<p class='muted'>" + _e(_("No warn or block findings.")) + "</p>"
    return bar_chart([(rule, n, COLORS[outcome]) for rule, outcome, n in ranked])


def _changes(report: Report, summary: Summary, context: RunContext) -> str:
    head = "<h2>" + _e(bilingual("Since the previous sweep")) + "</h2>"
    if not summary.tracked:
        text = _("Not tracked: this sweep ran without the case store.")
        return head + f"<p class='muted'>{_e(text)}</p>"
    previous = context.previous
    when = (
        _("the last complete sweep of these sources as of {date} (run {run})").format(
            date=_e(_date(dt.date.fromisoformat(str(previous["as_of"])))),
            run=_e(previous["id"]),
        )
        if previous
        else _(
            "no earlier complete sweep of these sources under the same as-of date: every "
            "finding is new"
        )
    )
    changes = report.changes
    rows = "".join(
        f"<tr><td>{_e(rule)}</td>"
        + "".join(
            f"<td class='n'>{_n(changes.by_change[c].get(rule, 0))}</td>"
            for c in ("new", "waived", "resolved")
        )
        + "</tr>"
        for rule in changes.rules()
    )
    table = (
        f"<table><tr>{_heads(('rule', ''), ('new', 'n'), ('waived', 'n'), ('resolved', 'n'))}"
        f"</tr>{rows}</table>"
        if rows
        else ""
    )
    compared = _(
        "Compared with {when}: <b>{new}</b> new finding(s), <b>{waived}</b> waived, "
        "<b>{resolved}</b> resolved."
    ).format(
        when=when,
        new=_n(changes.total("new")),
        waived=_n(changes.total("waived")),
        resolved=_n(changes.total("resolved")),
    )
    return f"{head}<p>{compared}</p>{table}"


def _blocks(report: Report) -> str:
    return listed_table(
        bilingual("Blocked"), report.blocked, report.blocks, _("Nothing is blocked.")
    )


def _rules(report: Report, summary: Summary) -> str:
    rows = "".join(
        f"<tr><td><b>{_e(rule)}</b><br>{_e(_title(report, rule))}</td>"
        f"<td>{_pill(info.outcome)}</td>"
        f"<td class='n'>{_n(info.count)}</td><td class='cite'>{_e(_cites(report, rule))}"
        f"</td><td class='cite'>{_e(info.pack)}</td></tr>"
        for rule, info in sorted(report.rules.items(), key=lambda item: (-item[1].count, item[0]))
    )
    head = _heads(("rule", ""), ("outcome", ""), ("records", "n"), ("citations", ""), ("pack", ""))
    return "<h2>" + _e(bilingual("Findings by rule")) + f"</h2><table><tr>{head}</tr>{rows}</table>"


def _heads(*columns: tuple[str, str]) -> str:
    """Table header cells: each column's name in the language asked, and its class."""
    return "".join(
        f"<th class='{cls}'>{_e(bilingual(name))}</th>"
        if cls
        else f"<th>{_e(bilingual(name))}</th>"
        for name, cls in columns
    )


# the column names _heads translates, for the catalog
_COLUMNS = (
    N_("rule"),
    N_("outcome"),
    N_("records"),
    N_("citations"),
    N_("pack"),
    N_("operator"),
    N_("system"),
    N_("currency"),
    N_("low"),
    N_("high"),
    N_("findings"),
    N_("new"),
    N_("waived"),
    N_("resolved"),
)


def _counts(counts: Any) -> str:
    return "".join(f"<td class='n'>{_n(counts.get(v, 0))}</td>" for v in ("block", "warn", "allow"))


def _operators(report: Report) -> str:
    ops = "".join(
        f"<tr><td>{_e(op)}</td>{_counts(c)}</tr>"
        for op, c in sorted(report.by_operator.items(), key=lambda i: (-i[1]["block"], i[0]))
    )
    ranked = sorted(report.by_system.items(), key=lambda i: (-i[1]["block"], -i[1]["warn"], i[0]))
    systems = "".join(
        f"<tr><td>{_e(op)}</td><td>{_e(system)}</td>{_counts(c)}</tr>"
        for (op, system), c in ranked[:TOP_SYSTEMS]
    )
    more = len(ranked) - TOP_SYSTEMS
    note = (
        "<p class='muted'>" + _e(_("… and {count} more systems.").format(count=_n(more))) + "</p>"
        if more > 0
        else ""
    )
    head = "".join(f"<th class='n'>{_e(_verdict(v))}</th>" for v in ("block", "warn", "allow"))
    by_operator, by_system = bilingual("By operator"), bilingual("By system")
    operator, system = _heads(("operator", "")), _heads(("system", ""))
    return (
        f"<h2>{_e(by_operator)}</h2><table><tr>{operator}{head}</tr>{ops}</table>"
        f"<h2>{_e(by_system)}</h2><table><tr>{operator}{system}{head}</tr>"
        f"{systems}</table>{note}"
    )


def _exposure(report: Report) -> str:
    head = "<h2>" + _e(bilingual("Penalty exposure, by operator")) + "</h2>"
    if not report.exposure:
        text = _("No finding carries a penalty exposure.")
        return head + f"<p class='muted'>{_e(text)}</p>"
    rows = "".join(
        f"<tr><td>{_e(operator)}</td><td>{_e(currency)}</td><td class='n'>{_n(low)}</td>"
        f"<td class='n'>{_n(high)}</td><td class='n'>{_n(int(count))}</td></tr>"
        for (operator, currency), (low, high, count) in sorted(report.exposure.items())
    )
    text = _(
        "Products in use without a passed review: the Cybersecurity Law fines the operator "
        "1 to 10 times the purchase amount. Each operator's own exposure, summed over its "
        "findings, as ranges (never added across operators):"
    )
    columns = _heads(
        ("operator", ""), ("currency", ""), ("low", "n"), ("high", "n"), ("findings", "n")
    )
    return f"{head}<p>{_e(text)}</p><table><tr>{columns}</tr>{rows}</table>"


def _skipped(summary: Summary) -> str:
    if not summary.skipped:
        return ""
    title = bilingual("Skipped ({count})").format(count=_n(summary.skipped))
    return f"<h2>{_e(title)}</h2>" + _text_table(
        (bilingual("where"), bilingual("record"), bilingual("why")),
        ((s.location, s.record_id, s.message) for s in summary.skips),
    )


def _problems(summary: Summary) -> str:
    if not summary.with_problems:
        return ""
    title = bilingual("Data problems ({count})").format(count=_n(summary.with_problems))
    text = _(
        "These records were decided with the values below left unknown (their type was "
        "wrong in the source); fix them in the source system."
    )
    return f"<h2>{_e(title)}</h2><p>{_e(text)}</p>" + _text_table(
        (bilingual("record"), bilingual("what was wrong")),
        ((p.record_id, p.message) for p in summary.problems),
    )
