"""Text output for people: aligned, the reason for a block on one line, colour on a TTY."""

from __future__ import annotations

import os
import re
from decimal import Decimal
from typing import TYPE_CHECKING, Any, TextIO

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


def exposure_line(exposure: Exposure) -> str:
    currency = exposure["currency"]
    low, high = exposure["low"], exposure["high"]
    factors = (
        f"{show(exposure['factor_low'])}-{show(exposure['factor_high'])} x {exposure['basis']}"
    )
    if low is None or high is None:
        text = f"exposure: {factors}, amount unknown"
    else:
        text = f"exposure: {currency} {money(low)} to {money(high)} ({factors})"
    if exposure["individual_low"] is not None:
        text += (
            f"; responsible persons CNY {money(exposure['individual_low'])} "
            f"to {money(exposure['individual_high'])}"
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
    (``--as-of``), which the answer says."""
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
    if decision["actions"]:
        lines.append("")
        for action in decision["actions"]:
            if action["case_id"] is None:
                state = "not opened (--no-cases)"
            elif action["created"]:
                state = "opened"
            elif action["state"] in _ended():
                state = f"{action['state']}: closed for the same facts, not opened again"
            else:
                state = "already open"
            case = f"case {action['case_id']} " if action["case_id"] else "case "
            lines.append(f"  {case}({action['kind']}, rule {action['rule']}): {state}")
    for ref in decision["cases"]:
        if ref["adopted"]:
            lines.append(
                f"  case {ref['id']} (review): adopted as {ref['state']}, as the source says"
            )
    return "\n".join(lines) + "\n"


def _ended() -> tuple[str, ...]:
    from ..cases.lifecycle import ENDED_STATES

    return ENDED_STATES


def worst(findings: list[Finding]) -> Finding | None:
    return findings[0] if findings and findings[0]["outcome"] != "advisory" else None


def decision_line(decision: Decision, style: Style, id_width: int = 18) -> str:
    """One line per record for the sweep: verdict, id, and the reason that decided."""
    verdict = decision["decision"]
    head = f"{style(verdict, verdict.ljust(6))} {printable(decision['record_id']).ljust(id_width)}"
    first = worst(decision["findings"])
    if first is None:
        return head.rstrip() + "\n"
    others = sum(1 for f in decision["findings"] if f["outcome"] != "advisory") - 1
    more = style("dim", f"  (+{others} more)") if others > 0 else ""
    return f"{head} {first['rule']}: {printable(first['message'])}{more}\n"
