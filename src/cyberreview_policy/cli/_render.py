"""Text output for people: aligned, the reason for a block on one line, colour on a TTY."""

from __future__ import annotations

import os
import re
from decimal import Decimal
from typing import TYPE_CHECKING, Any, TextIO

from ..i18n.catalog import N_
from ..policy.template import show

if TYPE_CHECKING:
    from ..models.decision import Decision, Exposure, Finding

_CODES = {"block": "1;31", "warn": "33", "allow": "32", "advisory": "36", "dim": "2", "bold": "1"}


class Style:
    """ANSI colour when writing to a terminal (``NO_COLOR`` and ``FORCE_COLOR`` respected)."""

    def __init__(self, stream: TextIO, enabled: bool | None = None):
        if enabled is None:
            if os.environ.get("NO_COLOR"):
                enabled = False
            elif os.environ.get("FORCE_COLOR"):
                enabled = True
            else:
                enabled = hasattr(stream, "isatty") and stream.isatty()
        self.enabled = enabled

    def __call__(self, kind: str, text: str) -> str:
        code = _CODES.get(kind)
        return f"\033[{code}m{text}\033[0m" if self.enabled and code else text


#: what a terminal acts on: C0 and C1 controls (ANSI escapes, CR, LF, NEL), DEL, the
#: Unicode line and paragraph separators, and bidirectional overrides
_CONTROL = re.compile("[\x00-\x1f\x7f-\x9f\u2028\u2029\u202a-\u202e\u2066-\u2069]")


def printable(text: str) -> str:
    """``text`` with every control character shown as its escape (``\\x1b``, ``\\r``):
    what a record, a note or a name says cannot repaint the screen or fake a line."""
    return _CONTROL.sub(lambda found: found.group().encode("unicode_escape").decode(), text)


def money(value: Decimal | None) -> str:
    return "unknown" if value is None else show(value)


#: what an exposure's basis is, in words (never the field path)
_BASES = {"contract.amount": N_("the contract amount")}


def exposure_line(exposure: Exposure) -> str:
    """The penalty exposure in the language of this context: a range, never one figure."""
    from ..i18n import _, amount, current_lang

    lang = current_lang()
    currency = exposure["currency"]
    low, high = exposure["low"], exposure["high"]
    basis = _(_BASES.get(exposure["basis"], exposure["basis"]))
    factors = f"{show(exposure['factor_low'])}-{show(exposure['factor_high'])} x {basis}"
    if lang != "en":
        factors = _("{low} to {high} times {basis}").format(
            low=show(exposure["factor_low"]), high=show(exposure["factor_high"]), basis=basis
        )
    if low is None or high is None:
        text = _("exposure: {factors}, amount unknown").format(factors=factors)
    elif lang == "en":
        text = f"exposure: {currency} {money(low)} to {money(high)} ({factors})"
    else:
        text = _("exposure: {low} to {high} ({factors})").format(
            low=amount(low, currency, "zh-CN"),
            high=amount(high, currency, "zh-CN"),
            factors=factors,
        )
    if exposure["individual_low"] is not None:
        if lang == "en":
            text += (
                f"; responsible persons CNY {money(exposure['individual_low'])} "
                f"to {money(exposure['individual_high'])}"
            )
        else:
            text += _("; responsible persons {low} to {high}").format(
                low=amount(exposure["individual_low"], "CNY", "zh-CN"),
                high=amount(exposure["individual_high"], "CNY", "zh-CN"),
            )
    return text


def _subject(decision: Decision, summary: dict[str, Any] | None) -> str:
    if not summary:
        return printable(decision["record_id"])
    parts = [decision["record_id"]]
    if summary.get("product"):
        parts.append(f"{summary['product']} for {summary.get('operator')}")
    if summary.get("system"):
        parts.append(f"({summary['system']})")
    return printable(" ".join(parts))


def decision_text(
    decision: Decision, style: Style, summary: dict[str, Any] | None = None, *, chosen: bool = False
) -> str:
    """The gate's answer for one record; ``chosen``: the date of the law was not today's
    (``--as-of``), which the answer says.  In the language of this context: Chinese
    reads the findings' ``*_localized`` texts; ``zh-CN+en`` adds the English under each."""
    from ..i18n import current_lang

    lang = current_lang()
    if lang != "en":
        return _decision_text_local(decision, style, summary, chosen, lang)
    verdict = decision["decision"]
    packs = ", ".join(f"{p['id']} {p['version']}" for p in decision["packs"])
    when = f"{decision['as_of']} (--as-of, not today)" if chosen else decision["as_of"]
    lines = [
        f"{style(verdict, verdict.upper())}  {style('bold', _subject(decision, summary))}",
        style("dim", f"       as of {when} under {packs}"),
    ]
    findings = decision["findings"]
    if findings:
        lines.append("")
        width = max(len(f["rule"]) for f in findings)
        pad = " " * (2 + 9 + 2 + width)
        for finding in findings:
            outcome = finding["outcome"]
            lines.append(
                f"  {style(outcome, outcome.ljust(9))}{finding['rule'].ljust(width)}  "
                f"{printable(finding['message'])}"
            )
            lines.append(style("dim", f"{pad}{printable('; '.join(finding['citations']))}"))
            if finding["exposure"]:
                lines.append(f"{pad}{printable(exposure_line(finding['exposure']))}")
            if outcome != "advisory" and finding["remediation"]:
                lines.append(style("dim", f"{pad}fix: {printable(finding['remediation'])}"))
    else:
        lines.append("")
        lines.append("  no rule applies")
    lines.extend(_case_lines(decision))
    return "\n".join(lines) + "\n"


def _case_lines(decision: Decision) -> list[str]:
    from ..i18n import _, current_lang, word

    lang = current_lang()
    lines = [""] if decision["actions"] else []
    for action in decision["actions"]:
        if action["case_id"] is None:
            state = _("not opened (--no-cases)")
        elif action["created"]:
            state = _("opened")
        elif action["state"] in _ended():
            state = _("{state}: closed for the same facts, not opened again").format(
                state=word("case_state", action["state"], lang)
            )
        else:
            state = _("already open")
        kind = word("case_kind", action["kind"], lang) if lang != "en" else action["kind"]
        if action["case_id"]:
            text = _("case {id} ({kind}, rule {rule}): {state}")
        else:
            text = _("case ({kind}, rule {rule}): {state}")
        lines.append(
            "  " + text.format(id=action["case_id"], kind=kind, rule=action["rule"], state=state)
        )
    for ref in decision["cases"]:
        if ref["adopted"]:
            lines.append(
                "  "
                + _("case {id} (review): adopted as {state}, as the source says").format(
                    id=ref["id"],
                    state=word("case_state", ref["state"], lang) if lang != "en" else ref["state"],
                )
            )
    return lines


def _decision_text_local(
    decision: Decision, style: Style, summary: dict[str, Any] | None, chosen: bool, lang: str
) -> str:
    """:func:`decision_text` in Chinese (``zh-CN``), or Chinese with English (``zh-CN+en``)."""
    from ..i18n import _, bilingual, date, pad, word

    both = lang == "zh-CN+en"
    verdict = decision["decision"]
    packs = "、".join(f"{p['id']} {p['version']}" for p in decision["packs"])
    on = date(decision["as_of"], "zh-CN")
    when = _("{date} (--as-of, not today)").format(date=on) if chosen else on
    label = word("verdict", verdict, "zh-CN")
    head = f"{style(verdict, label)}（{verdict.upper()}）" if both else style(verdict, label)
    lines = [
        f"{head}  {style('bold', _subject_local(decision, summary))}",
        style("dim", "      " + _("as of {when} under {packs}").format(when=when, packs=packs)),
    ]
    findings = decision["findings"]
    if findings:
        lines.append("")
        rule_width = max(len(f["rule"]) for f in findings)
        indent = " " * (2 + 4 + 2 + rule_width + 2)
        for finding in findings:
            outcome = finding["outcome"]
            shown = pad(word("outcome", outcome, "zh-CN"), 4)
            message = finding.get("message_localized") or finding["message"]
            lines.append(
                f"  {style(outcome, shown)}  {finding['rule'].ljust(rule_width)}  "
                f"{printable(message)}"
            )
            if both:
                lines.append(style("dim", f"{indent}{printable(finding['message'])}"))
            citations = finding.get("citations_localized") or finding["citations"]
            lines.append(style("dim", f"{indent}{printable('；'.join(citations))}"))
            if both:
                lines.append(style("dim", f"{indent}{printable('; '.join(finding['citations']))}"))
            if finding["exposure"]:
                lines.append(f"{indent}{printable(exposure_line(finding['exposure']))}")
                if both:
                    from ..i18n import use_lang

                    with use_lang("en"):
                        english = exposure_line(finding["exposure"])
                    lines.append(style("dim", f"{indent}{printable(english)}"))
            remediation = finding.get("remediation_localized") or finding["remediation"]
            if outcome != "advisory" and remediation:
                fix = _("fix: {text}").format(text=printable(remediation))
                lines.append(style("dim", f"{indent}{fix}"))
                if both and finding["remediation"]:
                    lines.append(style("dim", f"{indent}fix: {printable(finding['remediation'])}"))
    else:
        lines.append("")
        lines.append("  " + bilingual("no rule applies"))
    lines.extend(_case_lines(decision))
    return "\n".join(lines) + "\n"


def _subject_local(decision: Decision, summary: dict[str, Any] | None) -> str:
    from ..i18n import _

    if not summary or not summary.get("product"):
        return printable(decision["record_id"])
    text = _("{record} {product} for {operator}").format(
        record=decision["record_id"], product=summary["product"], operator=summary.get("operator")
    )
    if summary.get("system"):
        text += _(" (target system: {system})").format(system=summary["system"])
    return printable(text)


def _ended() -> tuple[str, ...]:
    from ..cases.lifecycle import ENDED_STATES

    return ENDED_STATES


def worst(findings: list[Finding]) -> Finding | None:
    return findings[0] if findings and findings[0]["outcome"] != "advisory" else None


def decision_line(decision: Decision, style: Style, id_width: int = 18) -> str:
    """One line per record for the sweep: verdict, id, and the reason that decided
    (in Chinese when the findings carry Chinese texts)."""
    verdict = decision["decision"]
    lang = decision.get("lang", "en")
    both = lang == "zh-CN+en"
    if lang == "en":
        shown = verdict.ljust(6)
    else:
        from ..i18n import check_lang, pad, word

        shown = pad(word("verdict", verdict, check_lang(lang)), 14 if both else 6)
    record = printable(decision["record_id"]).ljust(id_width)
    head = f"{style(verdict, shown)} {record}"
    first = worst(decision["findings"])
    if first is None:
        return head.rstrip() + "\n"
    others = sum(1 for f in decision["findings"] if f["outcome"] != "advisory") - 1
    message = first.get("message_localized") or first["message"]
    if others <= 0:
        more = ""
    elif lang == "en":
        more = style("dim", f"  (+{others} more)")
    else:
        from ..i18n import gettext_in

        more = style("dim", gettext_in("  (+{count} more)", "zh-CN").format(count=others))
    line = f"{head} {first['rule']}: {printable(message)}{more}\n"
    if both and message != first["message"]:  # the English under the Chinese, aligned
        from ..i18n import width

        indent = " " * (width(shown) + 1 + len(record) + 1 + len(first["rule"]) + 2)
        line += style("dim", f"{indent}{printable(first['message'])}") + "\n"
    return line
