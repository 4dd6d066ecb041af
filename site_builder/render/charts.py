"""Inline SVG charts made at build time: no script, no outside resource."""

from __future__ import annotations

import html
from datetime import date

from markupsafe import Markup

PALETTE = ["#1565c0", "#2e7d32", "#ef6c00", "#6a1b9a", "#c62828", "#00838f", "#5d4037"]
STATUS_COLOURS = {"closed": "#2e7d32", "open": "#ef6c00", "withdrawn": "#9e9e9e"}


def _e(text: object) -> str:
    return html.escape(str(text), quote=True)


def cumulative_lines(series: dict[str, list[date]], title: str) -> Markup:
    """Cumulative count over time, one line per series (e.g. closures per round)."""
    width, height, left, bottom, top = 640, 260, 44, 28, 16
    days = [d for values in series.values() for d in values]
    if not days:
        return Markup(
            f'<svg class="rl-chart" role="img" aria-label="{_e(title)}" '
            f'viewBox="0 0 {width} 40"><text x="8" y="24">{_e(title)}：暂无数据</text></svg>'
        )
    start, end = min(days), max(days)
    span = max((end - start).days, 1)
    peak = max(len(v) for v in series.values()) or 1
    plot_w, plot_h = width - left - 140, height - bottom - top

    def x(d: date) -> float:
        return left + plot_w * (d - start).days / span

    def y(n: int) -> float:
        return top + plot_h * (1 - n / peak)

    parts = [
        f'<svg class="rl-chart" role="img" aria-label="{_e(title)}" '
        f'viewBox="0 0 {width} {height}" xmlns="http://www.w3.org/2000/svg">',
        f"<title>{_e(title)}</title>",
        f'<line x1="{left}" y1="{top + plot_h}" x2="{left + plot_w}" y2="{top + plot_h}" stroke="#999"/>',
        f'<line x1="{left}" y1="{top}" x2="{left}" y2="{top + plot_h}" stroke="#999"/>',
        f'<text x="{left - 6}" y="{top + 4}" text-anchor="end" font-size="11">{peak}</text>',
        f'<text x="{left - 6}" y="{top + plot_h}" text-anchor="end" font-size="11">0</text>',
        f'<text x="{left}" y="{height - 8}" font-size="11">{start:%Y-%m}</text>',
        f'<text x="{left + plot_w}" y="{height - 8}" text-anchor="end" font-size="11">{end:%Y-%m}</text>',
    ]
    for index, (name, values) in enumerate(series.items()):
        colour = PALETTE[index % len(PALETTE)]
        points = [f"{x(start):.1f},{y(0):.1f}"]
        for count, day in enumerate(sorted(values), start=1):
            points.append(f"{x(day):.1f},{y(count - 1):.1f}")
            points.append(f"{x(day):.1f},{y(count):.1f}")
        points.append(f"{x(end):.1f},{y(len(values)):.1f}")
        parts.append(
            f'<polyline fill="none" stroke="{colour}" stroke-width="2" '
            f'points="{" ".join(points)}"><title>{_e(name)}：{len(values)}</title></polyline>'
        )
        ly = top + 14 + index * 18
        parts.append(
            f'<rect x="{width - 130}" y="{ly - 9}" width="12" height="4" fill="{colour}"/>'
        )
        parts.append(
            f'<text x="{width - 112}" y="{ly - 4}" font-size="12">{_e(name)}（{len(values)}）</text>'
        )
    parts.append("</svg>")
    return Markup("".join(parts))


def stacked_bars(
    rows: list[tuple[str, dict[str, int]]], labels: dict[str, str], title: str
) -> Markup:
    """Horizontal stacked bars: one row per category, segments per status."""
    bar_h, gap, left, width = 18, 8, 120, 640
    height = 40 + len(rows) * (bar_h + gap)
    most = max((sum(c.values()) for _, c in rows), default=0) or 1
    plot_w = width - left - 60
    parts = [
        f'<svg class="rl-chart" role="img" aria-label="{_e(title)}" '
        f'viewBox="0 0 {width} {height}" xmlns="http://www.w3.org/2000/svg">',
        f"<title>{_e(title)}</title>",
    ]
    for index, (name, counts) in enumerate(rows):
        y = 10 + index * (bar_h + gap)
        parts.append(
            f'<text x="{left - 6}" y="{y + 13}" text-anchor="end" font-size="12">{_e(name)}</text>'
        )
        x = float(left)
        for status, colour in STATUS_COLOURS.items():
            n = counts.get(status, 0)
            if not n:
                continue
            w = plot_w * n / most
            parts.append(
                f'<rect x="{x:.1f}" y="{y}" width="{w:.1f}" height="{bar_h}" fill="{colour}">'
                f"<title>{_e(name)} {_e(labels[status])}：{n}</title></rect>"
            )
            x += w
        parts.append(
            f'<text x="{x + 4:.1f}" y="{y + 13}" font-size="11">{sum(counts.values())}</text>'
        )
    ly = height - 14
    for i, (status, colour) in enumerate(STATUS_COLOURS.items()):
        parts.append(
            f'<rect x="{left + i * 90}" y="{ly - 9}" width="10" height="10" fill="{colour}"/>'
        )
        parts.append(
            f'<text x="{left + i * 90 + 14}" y="{ly}" font-size="12">{_e(labels[status])}</text>'
        )
    parts.append("</svg>")
    return Markup("".join(parts))
