"""Year-on-year comparison charts as inline SVG, generated on the server (no CDN, no script)."""

from __future__ import annotations

from typing import Any

from django.utils.html import escape
from django.utils.safestring import SafeString, mark_safe

from yangguang.reports.history import SERIES

WIDTH = 520
HEIGHT = 220
PAD_LEFT = 44
PAD_BOTTOM = 30
PAD_TOP = 24


def bar_chart(title: str, points: list[tuple[str, int]]) -> SafeString:
    """A labelled bar chart; every bar carries its value as text (readable without colour)."""
    n = max(len(points), 1)
    top = max([v for _, v in points] + [1])
    plot_w = WIDTH - PAD_LEFT - 10
    plot_h = HEIGHT - PAD_BOTTOM - PAD_TOP
    slot = plot_w / n
    bar_w = min(48.0, slot * 0.6)
    parts = [
        f'<svg xmlns="http://www.w3.org/2000/svg" viewBox="0 0 {WIDTH} {HEIGHT}" '
        f'role="img" aria-label="{escape(title)}" class="chart" style="max-width:100%;height:auto">',
        f"<title>{escape(title)}</title>",
        f'<line x1="{PAD_LEFT}" y1="{PAD_TOP + plot_h}" x2="{WIDTH - 10}" y2="{PAD_TOP + plot_h}" stroke="#555"/>',
        f'<text x="{PAD_LEFT - 6}" y="{PAD_TOP + 4}" text-anchor="end" font-size="11">{top}</text>',
        f'<text x="{PAD_LEFT - 6}" y="{PAD_TOP + plot_h}" text-anchor="end" font-size="11">0</text>',
    ]
    for i, (label, value) in enumerate(points):
        h = plot_h * value / top
        x = PAD_LEFT + slot * i + (slot - bar_w) / 2
        y = PAD_TOP + plot_h - h
        parts.append(
            f'<rect x="{x:.1f}" y="{y:.1f}" width="{bar_w:.1f}" height="{h:.1f}" fill="#1f5fa8">'
            f"<title>{escape(label)}：{value}</title></rect>"
        )
        parts.append(
            f'<text x="{x + bar_w / 2:.1f}" y="{y - 4:.1f}" text-anchor="middle" font-size="12">{value}</text>'
        )
        parts.append(
            f'<text x="{x + bar_w / 2:.1f}" y="{HEIGHT - 10}" text-anchor="middle" font-size="12">{escape(label)}</text>'
        )
    parts.append("</svg>")
    return mark_safe("".join(parts))  # noqa: S308 — every text inserted above is escaped


def history_charts(rows: list[dict[str, Any]]) -> list[dict[str, Any]]:
    if not rows:
        return []
    return [
        {"title": label, "svg": bar_chart(label, [(f"{r['year']}年", int(r[key])) for r in rows])}
        for key, label in SERIES
    ]
