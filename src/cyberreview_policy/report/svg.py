"""Two small charts as inline SVG: no script, no library, prints as drawn."""

from __future__ import annotations

from html import escape

WIDTH = 500


def stacked_bar(parts: list[tuple[str, int, str]]) -> str:
    """One bar split by share, with a legend: ``(label, count, colour)``."""
    total = sum(count for _, count, _ in parts) or 1
    x = 0.0
    rects, legend = [], []
    for index, (label, count, color) in enumerate(parts):
        width = WIDTH * count / total
        if width:
            rects.append(
                f'<rect x="{x:.1f}" y="0" width="{width:.1f}" height="34" fill="{color}">'
                f"<title>{escape(label)}: {count:,}</title></rect>"
            )
        x += width
        share = 100 * count / total
        legend.append(
            f'<rect x="{index * 165}" y="48" width="12" height="12" fill="{color}"/>'
            f'<text x="{index * 165 + 18}" y="59">{escape(label)} {count:,} ({share:.0f}%)</text>'
        )
    return (
        f'<svg role="img" aria-label="decisions" viewBox="0 0 {WIDTH} 70" width="100%" '
        f'font-size="13" font-family="system-ui,sans-serif">{"".join(rects)}{"".join(legend)}'
        "</svg>"
    )


def bar_chart(rows: list[tuple[str, int, str]]) -> str:
    """Horizontal bars, one per ``(label, count, colour)``, longest first."""
    top = max(count for _, count, _ in rows) or 1
    label_w, bar_w, row_h = 200, WIDTH - 260, 22
    body = []
    for i, (label, count, color) in enumerate(rows):
        y = i * row_h
        width = max(1.0, bar_w * count / top)
        body.append(
            f'<text x="{label_w - 6}" y="{y + 15}" text-anchor="end">{escape(label)}</text>'
            f'<rect x="{label_w}" y="{y + 3}" width="{width:.1f}" height="{row_h - 6}" '
            f'fill="{color}"><title>{escape(label)}: {count:,}</title></rect>'
            f'<text x="{label_w + width + 5:.1f}" y="{y + 15}">{count:,}</text>'
        )
    height = row_h * len(rows)
    return (
        f'<svg role="img" aria-label="findings by rule" viewBox="0 0 {WIDTH} {height}" '
        f'width="100%" font-size="12" font-family="system-ui,sans-serif">{"".join(body)}</svg>'
    )
