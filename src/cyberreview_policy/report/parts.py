"""What the HTML report's sections share: colours, escaping, numbers, tables."""

from __future__ import annotations

from collections.abc import Iterable, Sequence
from decimal import Decimal
from html import escape
from typing import Any

COLORS = {"block": "#b03a2e", "warn": "#c27c0e", "allow": "#1e8449", "advisory": "#5d6d7e"}


def e(value: Any) -> str:
    return escape("" if value is None else str(value))


def n(value: int | Decimal) -> str:
    return f"{value:,.0f}" if isinstance(value, Decimal) else f"{value:,}"


def pill(outcome: str) -> str:
    """An outcome or verdict as a coloured label, as the language asked words it."""
    from ..i18n import current_lang

    lang = current_lang()
    label = outcome
    if lang != "en":
        from ..i18n import word

        label = word("verdict" if outcome == "allow" else "outcome", outcome, lang)
    return f'<span class="pill" style="background:{COLORS[outcome]}">{e(label)}</span>'


def money(value: Decimal) -> str:
    """Large amounts as people say them: 53.9M, 1.2B (in Chinese: 5390万, 12亿)."""
    from ..i18n import current_lang

    lang = current_lang()
    if lang != "en":
        from ..i18n import number

        step = Decimal(10) ** (6 if abs(value) >= 10**8 else 2 if abs(value) >= 10**4 else 0)
        return number((value / step).quantize(Decimal(1)) * step, lang)
    for size, unit in ((Decimal(10) ** 9, "B"), (Decimal(10) ** 6, "M"), (Decimal(10) ** 3, "k")):
        if abs(value) >= size:
            return f"{value / size:,.1f}{unit}"
    return f"{value:,.0f}"


def text_table(headers: Sequence[str], rows: Iterable[Sequence[Any]]) -> str:
    """A table of plain text cells, escaped."""
    head = "".join(f"<th>{e(h)}</th>" for h in headers)
    body = "".join("<tr>" + "".join(f"<td>{e(c)}</td>" for c in row) + "</tr>" for row in rows)
    return f"<table><tr>{head}</tr>{body}</table>"


def deadline(value: Any, provisional: Any) -> str:
    """A deadline as the page shows it: provisional past the known official calendar."""
    if value is None:
        return "–"
    from ..i18n import _

    return _("{date} (provisional)").format(date=value) if provisional else str(value)
