"""Inline SVG charts made at build time: no script, no outside resource."""

from __future__ import annotations

import hashlib
import html
from collections.abc import Callable
from datetime import date

from markupsafe import Markup

PALETTE = ["#1565c0", "#2e7d32", "#ef6c00", "#6a1b9a", "#c62828", "#00838f", "#5d4037"]
# Colour is never the only difference: each series also has its own dash, and open and
# withdrawn problems are hatched in opposite directions, so a reader who cannot tell the colours
# apart can read the chart.
DASHES = ["", "9 4", "2 3", "12 3 3 3", "5 5", "1 3", "14 2 2 2 2 2"]
STATUS_COLOURS = {"closed": "#2e7d32", "open": "#ef6c00", "withdrawn": "#9e9e9e"}
HATCHED = {"open": 45, "withdrawn": -45}  # status -> the hatch's angle


def _e(text: object) -> str:
    return html.escape(str(text), quote=True)


def cumulative_lines(series: dict[str, list[date]], title: str) -> Markup:
    """Cumulative count over time, one line per series (e.g. closures per round).

    The legend sits under the plot, one line per series, so long round names are never
    cut off by the drawing's edge; the x axis has a tick per year, the y axis three.
    """
    width, plot_h, left, top, right = 640, 200, 44, 16, 20
    days = [d for values in series.values() for d in values]
    if not days:
        return Markup(
            f'<svg class="rl-chart" role="img" aria-label="{_e(title)}" '
            f'viewBox="0 0 {width} 40"><text x="8" y="24">{_e(title)}：暂无数据</text></svg>'
        )
    start, end = min(days), max(days)
    span = max((end - start).days, 1)
    peak = max(len(v) for v in series.values()) or 1
    plot_w = width - left - right
    axis_y = top + plot_h
    height = axis_y + 34 + 20 * len(series)

    def x(d: date) -> float:
        return left + plot_w * (d - start).days / span

    def y(n: float) -> float:
        return top + plot_h * (1 - n / peak)

    parts = _frame(title, width, height, (left, top, plot_w, axis_y), peak, y)
    years = range(start.year + (start.month > 1 or start.day > 1), end.year + 1)
    for year in years:
        tx = x(date(year, 1, 1))
        parts.append(
            f'<line x1="{tx:.1f}" y1="{axis_y}" x2="{tx:.1f}" y2="{axis_y + 4}" stroke="#767676"/>'
            f'<text x="{tx:.1f}" y="{axis_y + 16}" text-anchor="middle" font-size="11">{year}年</text>'
        )
    for index, (name, values) in enumerate(series.items()):
        colour = PALETTE[index % len(PALETTE)]
        dash = DASHES[index % len(DASHES)]
        dashed = f' stroke-dasharray="{dash}"' if dash else ""
        points = [f"{x(start):.1f},{y(0):.1f}"]
        for count, day in enumerate(sorted(values), start=1):
            points.append(f"{x(day):.1f},{y(count - 1):.1f}")
            points.append(f"{x(day):.1f},{y(count):.1f}")
        points.append(f"{x(end):.1f},{y(len(values)):.1f}")
        parts.append(
            f'<polyline fill="none" stroke="{colour}" stroke-width="2"{dashed} '
            f'points="{" ".join(points)}"><title>{_e(name)}：{len(values)}</title></polyline>'
        )
        ly = axis_y + 40 + index * 20
        parts.append(
            f'<line x1="{left - 10}" y1="{ly - 6}" x2="{left + 16}" y2="{ly - 6}" '
            f'stroke="{colour}" stroke-width="2"{dashed}/>'
        )
        parts.append(
            f'<text x="{left + 22}" y="{ly - 2}" font-size="12">{_e(name)}：'
            f"销号 {len(values)} 个</text>"
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
    # The hatch's id is unique per chart title, so two charts on a page do not share it.
    hatch = "rl-hatch-" + hashlib.sha256(title.encode("utf-8")).hexdigest()[:8]
    fills = {s: f"url(#{hatch}-{s})" if s in HATCHED else c for s, c in STATUS_COLOURS.items()}
    parts = [
        f'<svg class="rl-chart" role="img" aria-label="{_e(title)}" '
        f'viewBox="0 0 {width} {height}" xmlns="http://www.w3.org/2000/svg">',
        f"<title>{_e(title)}</title><defs>",
        *(
            f'<pattern id="{hatch}-{s}" width="6" height="6" patternUnits="userSpaceOnUse" '
            f'patternTransform="rotate({HATCHED[s]})"><rect width="6" height="6" '
            f'fill="{STATUS_COLOURS[s]}"/>'
            f'<rect width="2" height="6" fill="#fff"/></pattern>'
            for s in sorted(HATCHED)
        ),
        "</defs>",
    ]
    for index, (name, counts) in enumerate(rows):
        y = 10 + index * (bar_h + gap)
        parts.append(
            f'<text x="{left - 6}" y="{y + 13}" text-anchor="end" font-size="12">{_e(name)}</text>'
        )
        x = float(left)
        for status, colour in fills.items():
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
    for i, (status, colour) in enumerate(fills.items()):
        parts.append(
            f'<rect x="{left + i * 90}" y="{ly - 9}" width="12" height="12" fill="{colour}"/>'
        )
        parts.append(
            f'<text x="{left + i * 90 + 14}" y="{ly}" font-size="12">{_e(labels[status])}</text>'
        )
    parts.append("</svg>")
    return Markup("".join(parts))


def monthly_trend(months: list[str], series: dict[str, list[int]], title: str) -> Markup:
    """Counts per month, one line per series (e.g. closed, overdue, relapsed).

    Months are a category axis: a tick every month, labelled every January (with the
    year) and at the first month, so labels never overlap at any width; the legend sits
    under the plot, one line per series with its total, so it is never cut off.
    """
    width, plot_h, left, top, right = 640, 200, 44, 16, 20
    if not months:
        return Markup(
            f'<svg class="rl-chart" role="img" aria-label="{_e(title)}" '
            f'viewBox="0 0 {width} 40"><text x="8" y="24">{_e(title)}：暂无数据</text></svg>'
        )
    peak = max((v for values in series.values() for v in values), default=0) or 1
    plot_w = width - left - right
    axis_y = top + plot_h
    height = axis_y + 40 + 20 * len(series)
    step = plot_w / max(len(months) - 1, 1)

    def x(index: int) -> float:
        return left + step * index

    def y(n: float) -> float:
        return top + plot_h * (1 - n / peak)

    parts = _frame(title, width, height, (left, top, plot_w, axis_y), peak, y)
    for index, month in enumerate(months):
        year, number = month.split("-")
        tall = number == "01" or index == 0
        parts.append(
            f'<line x1="{x(index):.1f}" y1="{axis_y}" x2="{x(index):.1f}" '
            f'y2="{axis_y + (6 if tall else 3)}" stroke="#767676"/>'
        )
        if index == 0 or (number == "01" and x(index) - x(0) >= 70):
            label = f"{year}年{int(number)}月" if index == 0 and number != "01" else f"{year}年"
            anchor = "start" if index == 0 else "middle"
            parts.append(
                f'<text x="{x(index):.1f}" y="{axis_y + 18}" text-anchor="{anchor}" '
                f'font-size="11">{label}</text>'
            )
    for index, (name, values) in enumerate(series.items()):
        colour = PALETTE[index % len(PALETTE)]
        points = " ".join(f"{x(i):.1f},{y(v):.1f}" for i, v in enumerate(values))
        parts.append(
            f'<polyline fill="none" stroke="{colour}" stroke-width="2" points="{points}">'
            f"<title>{_e(name)}</title></polyline>"
        )
        for i, v in enumerate(values):
            if v:
                parts.append(
                    f'<circle cx="{x(i):.1f}" cy="{y(v):.1f}" r="2.5" fill="{colour}">'
                    f"<title>{_e(months[i])} {_e(name)}：{v}</title></circle>"
                )
        ly = axis_y + 46 + index * 20
        parts.append(f'<rect x="{left}" y="{ly - 8}" width="16" height="4" fill="{colour}"/>')
        parts.append(
            f'<text x="{left + 22}" y="{ly - 2}" font-size="12">{_e(name)}'
            f"（最高 {max(values, default=0)}）</text>"
        )
    parts.append("</svg>")
    return Markup("".join(parts))


def _frame(
    title: str,
    width: int,
    height: float,
    box: tuple[float, float, float, float],
    peak: int,
    y: Callable[[float], float],
) -> list[str]:
    """A line chart's opening: the svg element, its title, both axes and the y ticks
    (0, half and the peak); ``box`` is (left, top, plot width, axis y)."""
    left, top, plot_w, axis_y = box
    parts = [
        f'<svg class="rl-chart" role="img" aria-label="{_e(title)}" '
        f'viewBox="0 0 {width} {height}" xmlns="http://www.w3.org/2000/svg">',
        f"<title>{_e(title)}</title>",
        f'<line x1="{left}" y1="{axis_y}" x2="{left + plot_w}" y2="{axis_y}" stroke="#767676"/>',
        f'<line x1="{left}" y1="{top}" x2="{left}" y2="{axis_y}" stroke="#767676"/>',
    ]
    for n in sorted({0, peak // 2, peak}):
        parts.append(
            f'<text x="{left - 6}" y="{y(n) + 4:.1f}" text-anchor="end" font-size="11">{n}</text>'
            f'<line x1="{left - 3}" y1="{y(n):.1f}" x2="{left}" y2="{y(n):.1f}" stroke="#767676"/>'
        )
    return parts
