"""Pages of the quantitative evaluation (八查) and its use: scorecards, round rankings with
a chart, print-ready rectification reports, 未巡先改 notices and warning bulletins.

``write_pages`` is the one entry point (called from ``tree.render_docs``); it scores
the evaluations from ``site.project`` and ``site.history`` and returns the nav
children of the "量化评估" section.
"""

from __future__ import annotations

import html
import re
from dataclasses import dataclass, field
from functools import partial

from markupsafe import Markup

from site_builder.analyse import Results, Scorecard, Shortfall
from site_builder.model.district import Round
from site_builder.model.evaluation import Rubric
from site_builder.model.labels import FORM, SCORING_METHOD
from site_builder.model.wording import points
from site_builder.render import notices
from site_builder.render.env import render
from site_builder.render.fingerprint import PageCache, write_kept
from site_builder.render.takeaway import Drafted, draft_reports

GRADE_CLASSES = ("rl-green", "rl-watch", "rl-yellow", "rl-red")
GRADE_COLOURS = ("#2e7d32", "#1565c0", "#f9a825", "#c62828")


@dataclass
class ItemRow:
    id: str
    name: str
    method: str
    points: str
    earned: str
    applies: bool
    basis: tuple[str, ...]
    how: str


@dataclass
class CheckRow:
    code: int
    name: str
    weight: str
    score: str
    pct: int | None
    change: str
    items: list[ItemRow]
    notes: list[str]


@dataclass
class CardView:
    card: Scorecard
    round_name: str
    checks: list[CheckRow]
    grade_class: str
    change: str
    forms: list[tuple[str, int]]
    previous: str = ""  # "区委第一轮巡察 95.4 分（好）" with its link
    previous_url: str = ""

    @property
    def total(self) -> str:
        return points(self.card.total)

    @property
    def url(self) -> str:
        return f"evaluation/{self.card.round}/{self.card.unit}.md"

    @property
    def round_short(self) -> str:
        """'区委第五轮巡察（含“回头看”）' -> '第五轮', for labels beside a unit name."""
        found = re.search(r"第.{1,3}轮", self.round_name)
        return found.group(0) if found else self.card.round


@dataclass
class RankingView:
    round: Round
    cards: list[CardView]
    chart: Markup
    shortfalls: list[tuple[CardView, Shortfall]] = field(default_factory=list)

    @property
    def short_units(self) -> int:
        return len({v.card.unit for v, _ in self.shortfalls})


def _signed(value: float | None) -> str:
    if value is None:
        return "首次评估"
    return f"+{points(value)}" if value > 0 else ("持平" if value == 0 else f"−{points(-value)}")


def _grade_index(rubric: Rubric, grade: str) -> int:
    names = [g.name for g in sorted(rubric.grades, key=lambda g: -g.min)]
    return min(names.index(grade), len(GRADE_CLASSES) - 1) if grade in names else 3


def _notes(card: Scorecard, code: int) -> list[str]:
    """What the evaluators recorded for a check, beside the scored items."""
    e = card.evaluation
    if code == 1:
        return [e.leadership.note] if e.leadership.note else []
    if code == 2:
        return [
            f"{m.date} {m.title}" + (f"（{m.minutes}）" if m.minutes else "") for m in e.meetings
        ]
    if code == 4:
        lines = [e.clues.note] if e.clues.note else []
        spread = "、".join(f"{FORM[f][:5]} {n} 人次" for f, n in card.forms.items() if n)
        return lines + [f"四种形态分布：{spread or '无问责'}"]
    if code == 5:
        return [f"抽查发现：{text}" for text in e.site_check.problems_found]
    if code == 8 and e.satisfaction.held_on:
        return [f"民主测评会于 {e.satisfaction.held_on} 召开"]
    return []


def card_view(card: Scorecard, round_name: str) -> CardView:
    rows = []
    for check in card.checks:
        items = [
            ItemRow(
                s.item.id,
                s.item.name,
                SCORING_METHOD[s.item.method],
                points(s.item.points),
                points(s.earned) if s.applies else "不适用",
                s.applies,
                s.basis,
                s.item.how,
            )
            for s in check.items
        ]
        rate = check.rate
        rows.append(
            CheckRow(
                check.check.code,
                check.check.name,
                points(check.check.weight),
                points(check.score) if check.score is not None else "不适用",
                None if rate is None else round(100 * rate),
                _signed(card.check_change(check.check.code)) if card.previous else "",
                items,
                _notes(card, check.check.code),
            )
        )
    view = CardView(
        card,
        round_name,
        rows,
        GRADE_CLASSES[_grade_index(card.rubric, card.grade)],
        _signed(card.change),
        [(FORM[f][:5], n) for f, n in card.forms.items()],
    )
    if card.previous:
        prev = card.previous
        view.previous = (
            f"{prev.evaluation.evaluated_on} 评估 {points(prev.total)} 分（{prev.grade}）"
        )
        view.previous_url = f"../../{prev.round}/{prev.unit}/"
    return view


def ranking_chart(
    cards: list[CardView], rubric: Rubric | None, title: str, with_round: bool = False
) -> Markup:
    """Horizontal bars of the totals, coloured by grade, with the grade thresholds."""
    bar_h, gap, left, width = 18, 8, 260, 700
    plot_w = width - left - 90  # room for “95.5（优秀）” after a full bar
    height = 30 + len(cards) * (bar_h + gap)
    parts = [
        f'<svg class="rl-chart" role="img" aria-label="{html.escape(title)}" '
        f'viewBox="0 0 {width} {height}" xmlns="http://www.w3.org/2000/svg">',
        f"<title>{html.escape(title)}</title>",
    ]
    for band in rubric.grades if rubric else []:
        if 0 < band.min <= 100:
            x = left + plot_w * band.min / 100
            parts.append(
                f'<line x1="{x:.1f}" y1="4" x2="{x:.1f}" y2="{height - 22}" stroke="#999" '
                f'stroke-dasharray="3,3"/><text x="{x:.1f}" y="{height - 8}" font-size="10" '
                f'text-anchor="middle">{html.escape(band.name)} {band.min:g}</text>'
            )
    for index, view in enumerate(cards):
        y = 6 + index * (bar_h + gap)
        colour = GRADE_COLOURS[GRADE_CLASSES.index(view.grade_class)]
        name = view.card.unit_name + (f"（{view.round_short}）" if with_round else "")
        w = plot_w * max(0.0, min(100.0, view.card.total)) / 100
        parts.append(
            f'<text x="{left - 6}" y="{y + 13}" text-anchor="end" font-size="12">'
            f"{html.escape(name)}</text>"
            f'<rect x="{left}" y="{y}" width="{w:.1f}" height="{bar_h}" fill="{colour}">'
            f"<title>{html.escape(name)}：{view.total} 分（{html.escape(view.card.grade)}）</title></rect>"
            # The grade in words too: the bar's colour is not the only thing that says it.
            f'<text x="{left + w + 4:.1f}" y="{y + 13}" font-size="11">{view.total}'
            f"（{html.escape(view.card.grade)}）</text>"
        )
    parts.append("</svg>")
    return Markup("".join(parts))


def ranking_views(site, results: Results) -> list[RankingView]:
    project = site.project
    views = []
    for round_ in sorted(project.rounds, key=lambda r: r.start):
        cards = results.by_round.get(round_.id, [])
        if not cards:
            continue
        card_views = [card_view(c, round_.name) for c in cards]
        chart = ranking_chart(card_views, cards[0].rubric, f"{round_.name}量化评估得分")
        view = RankingView(round_, card_views, chart)
        view.shortfalls = [(v, s) for v in card_views for s in v.card.shortfalls]
        views.append(view)
    return views


def write_pages(
    tree,
    site,
    nav_rounds: int,
    takeaways: dict | None = None,
    reports: dict[str, Drafted] | None = None,
    cache: PageCache | None = None,
) -> list[dict]:
    """Write every evaluation page into ``tree``; return the nav entries of the section.

    With more than ``nav_rounds`` rankings the nav links only the overview, which lists
    them all (render/tree.py says why). ``reports`` are the ledgers' draft reports
    (takeaway.draft_reports, made here if not given); with ``cache`` (the unit pages'
    fingerprints, render/fingerprint.py) a scorecard or report page whose inputs are
    unchanged is kept as the previous render wrote it.
    """
    reports = draft_reports(site) if reports is None else reports
    project = site.project
    results = site.analysis.evaluation
    rankings = ranking_views(site, results)
    everything = sorted(
        (v for r in rankings for v in r.cards), key=lambda v: (-v.card.total, v.card.unit)
    )
    chart = ranking_chart(
        everything, project.rubric, "量化检查评估得分（全部评估）", with_round=True
    )
    common = notices.notice_views(project, site.as_of)
    bulletins = notices.bulletin_views(project)
    tree.write(
        "evaluation/index.md",
        render(
            "evaluation_index.md.j2",
            site=site,
            rankings=rankings,
            everything=everything,
            chart=chart,
            rubric=project.rubric,
            notices=common,
            bulletins=bulletins,
            guide_url=next(
                ("../guide/evaluation/" for g in site.guides if g.name == "evaluation.md"), ""
            ),
        ),
    )
    for ranking in rankings:
        tree.write(
            f"evaluation/{ranking.round.id}/index.md",
            render("evaluation_round.md.j2", site=site, r=ranking),
        )
        for view in ranking.cards:
            # The card's template reads ``v`` and, from ``site``, the settings (in the scope).
            key = cache.key("card", view) if cache else ""
            card = partial(render, "evaluation_card.md.j2", site=site, v=view)
            write_kept(tree, cache, view.url, key, card)
    for ledger in project.ledgers:
        drafted = reports.get(ledger.key)
        if drafted is None or drafted.report is None:
            continue
        report, takeaway = drafted.report, (takeaways or {}).get(ledger.key, [])
        rel = f"reports/{ledger.round}/{ledger.unit}.md"
        # What evaluation_report.md.j2 reads: the report, the downloads, two names.
        named = (site.round_name(report.round), site.unit_link(ledger.key))
        key = cache.key("report", drafted.text, takeaway, named) if cache else ""
        page = partial(
            render, "evaluation_report.md.j2", site=site, report=report, takeaway=takeaway
        )
        write_kept(tree, cache, rel, key, page)
    tree.write(
        "evaluation/notices/index.md",
        render("evaluation_notices.md.j2", site=site, notices=common),
    )
    # A notice page names the rounds its problem was named in (by id, from the project).
    named_in = [[project.round_by_id.get(rid) for rid in n.item.named_in] for n in common]
    for notice, rounds in zip(common, named_in, strict=True):
        key = cache.key("notice", notice, rounds) if cache else ""
        page = partial(render, "evaluation_notice.md.j2", site=site, n=notice)
        write_kept(tree, cache, f"evaluation/notices/{notice.item.code}.md", key, page)
    for bulletin in bulletins:
        tree.write(
            f"evaluation/bulletins/{bulletin.bulletin.id}.md",
            render("evaluation_bulletin.md.j2", site=site, b=bulletin),
        )
    nav: list[dict] = [{"总览": "evaluation/index.md"}]
    if len(rankings) <= nav_rounds:
        nav += [{f"{r.round.name}排名": f"evaluation/{r.round.id}/index.md"} for r in rankings]
    nav.append({"未巡先改通知": "evaluation/notices/index.md"})
    nav += [{b.bulletin.title: f"evaluation/bulletins/{b.bulletin.id}.md"} for b in bulletins]
    return nav
