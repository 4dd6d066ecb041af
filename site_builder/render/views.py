"""View data for templates: everything a page prints, computed here, not in templates."""

from __future__ import annotations

from collections import defaultdict
from dataclasses import dataclass, field
from datetime import date
from pathlib import Path

from site_builder.analyse import (
    PATTERNS,
    Finding,
    LedgerStats,
    TrailCounts,
    Warnings,
    compute_warnings,
    ledger_stats,
    measure_colour,
    sum_stats,
    trail_counts,
)
from site_builder.diagnostics import Diagnostic
from site_builder.history import KIND_LABELS, Event, History
from site_builder.model import Project
from site_builder.model.district import Case, InspectedUnit, Round, Team, Unit
from site_builder.model.labels import PROBLEM_STATUS
from site_builder.model.ledger import Ledger, Measure, Problem
from site_builder.render import charts
from site_builder.render.catalogue_view import CommonView, common_views


@dataclass
class MeasureView:
    problem: Problem
    measure: Measure
    colour: str


@dataclass
class TimelineRow:
    """One line of an item's history, ready to print."""

    date: str
    item: str
    what: str
    author: str
    commit: str
    state: str  # a history.State value, for the badge colour
    approval: str


def timeline_row(event: Event) -> TimelineRow:
    what = KIND_LABELS[event.kind]
    if event.days:
        what += f"（{event.old} → {event.new}，推迟 {event.days} 天）"
    elif event.old or event.new:
        what += f"：{event.old or '（空）'} → {event.new or '（空）'}"
    approval = event.signoff.label
    if event.signoff.approver:
        approval += f" · {event.signoff.approver}"
    if event.signoff.reason:
        approval += f"（{event.signoff.reason}）"
    item = event.item.split("/", 2)[2]
    return TimelineRow(
        event.landed[:10],
        item,
        what,
        event.author,
        event.commit[:10],
        str(event.signoff.state),
        approval,
    )


@dataclass
class UnitView:
    unit: Unit
    entry: InspectedUnit
    team: Team | None
    ledger: Ledger | None
    stats: LedgerStats
    measures: list[MeasureView]
    diagnostics: list[Diagnostic]
    cases: list[Case]
    timeline: dict[str, list[TimelineRow]] = field(default_factory=dict)  # problem id -> rows
    findings: list[Finding] = field(default_factory=list)
    cases_of: dict[str, list[Case]] = field(default_factory=dict)  # problem id -> cases
    trail: TrailCounts = field(default_factory=TrailCounts)


@dataclass
class RoundView:
    round: Round
    units: list[UnitView]
    stats: LedgerStats
    trail: TrailCounts = field(default_factory=TrailCounts)

    @property
    def id(self) -> str:
        return self.round.id

    @property
    def name(self) -> str:
        return self.round.name


@dataclass
class CaseView:
    case: Case
    unit_name: str
    problems: list[tuple[str, str]]  # (ref, relative link)


@dataclass
class Guide:
    name: str
    title: str
    content: str


@dataclass
class SiteData:
    project: Project
    as_of: date
    rounds: list[RoundView]
    total: LedgerStats
    common: list[CommonView]
    cases: list[CaseView]
    guides: list[Guide] = field(default_factory=list)
    diagnostics: list[Diagnostic] = field(default_factory=list)
    history: History = field(default_factory=History)
    warnings: Warnings = field(default_factory=Warnings)
    trail: TrailCounts = field(default_factory=TrailCounts)
    closures_chart: str = ""
    category_chart: str = ""
    patterns: dict[str, str] = field(default_factory=lambda: dict(PATTERNS))
    build: dict = field(default_factory=dict)  # provenance.BuildStamp.as_dict(), if any

    def unit_link(self, key: str) -> tuple[str, str]:
        """(unit name, site path) for a ledger key like r1/wcjd."""
        round_id, unit_id = key.split("/", 1)
        unit = self.project.unit_by_id.get(unit_id)
        return (unit.name if unit else unit_id), f"units/{round_id}/{unit_id}/"


def build_site_data(
    project: Project,
    diagnostics: list[Diagnostic],
    as_of: date,
    history: History | None = None,
    guides_dir: Path | None = None,
) -> SiteData:
    history = history or History()
    events = history.by_ledger()
    warnings = compute_warnings(project, history, as_of)
    thresholds = project.settings.thresholds
    by_file: dict[str, list[Diagnostic]] = defaultdict(list)
    for d in diagnostics:
        by_file[d.file].append(d)
    cases_by_unit: dict[str, list[Case]] = defaultdict(list)
    cases_by_problem: dict[str, list[Case]] = defaultdict(list)
    for case in project.cases:
        cases_by_unit[case.unit].append(case)
        for ref in case.problems:
            cases_by_problem[ref].append(case)

    rounds: list[RoundView] = []
    for round_ in sorted(project.rounds, key=lambda r: r.start):
        unit_views = []
        for team in round_.teams:
            for entry in team.units:
                unit = project.unit_by_id.get(entry.unit)
                if unit is None:
                    continue
                key = f"{round_.id}/{unit.id}"
                ledger = project.ledger_by_key.get(key)
                problems = ledger.problems if ledger else []
                unit_views.append(
                    UnitView(
                        unit=unit,
                        entry=entry,
                        team=team,
                        ledger=ledger,
                        stats=ledger_stats(ledger, as_of, thresholds) if ledger else LedgerStats(),
                        measures=[
                            MeasureView(p, m, measure_colour(m, as_of, thresholds))
                            for p in problems
                            for m in p.measures
                        ],
                        diagnostics=by_file.get(ledger.src.file, []) if ledger else [],
                        cases=cases_by_unit.get(unit.id, []),
                        timeline=_timeline(events.get(key, [])),
                        findings=warnings.findings.get(key, []),
                        cases_of={p.id: cases_by_problem[f"{key}/{p.id}"] for p in problems},
                        trail=trail_counts(events.get(key, [])),
                    )
                )
        round_view = RoundView(round_, unit_views, sum_stats([u.stats for u in unit_views]))
        for unit_view in unit_views:
            round_view.trail.add(unit_view.trail)
        rounds.append(round_view)

    unit_index = {(r.id, u.unit.id): u for r in rounds for u in r.units}
    trail = TrailCounts()
    for round_view in rounds:
        trail.add(round_view.trail)
    return SiteData(
        project=project,
        as_of=as_of,
        rounds=rounds,
        total=sum_stats([r.stats for r in rounds]),
        common=common_views(project, unit_index),
        cases=_case_views(project),
        guides=_guides(guides_dir),
        diagnostics=diagnostics,
        history=history,
        warnings=warnings,
        trail=trail,
        closures_chart=_closures_chart(project),
        category_chart=_category_chart(project),
    )


def _closures_chart(project: Project) -> str:
    series: dict[str, list[date]] = {}
    for round_ in sorted(project.rounds, key=lambda r: r.start):
        series[round_.name] = [
            p.closed_on for led in project.ledgers if led.round == round_.id
            for p in led.problems if p.closed_on
        ]  # fmt: skip
    return charts.cumulative_lines(series, "各轮次问题销号累计数")


def _category_chart(project: Project) -> str:
    counts: dict[str, dict[str, int]] = {
        c.code: defaultdict(int) for c in project.settings.categories
    }
    for ledger in project.ledgers:
        for p in ledger.problems:
            counts.setdefault(p.category, defaultdict(int))[p.status] += 1
    rows = [(project.category_label(code), dict(c)) for code, c in counts.items() if c]
    return charts.stacked_bars(rows, PROBLEM_STATUS, "各类别问题整改状态")


def _timeline(events: list[Event]) -> dict[str, list[TimelineRow]]:
    rows: dict[str, list[TimelineRow]] = defaultdict(list)
    for event in events:
        rows[event.item.split("/")[2]].append(timeline_row(event))
    return rows


def _case_views(project: Project) -> list[CaseView]:
    views = []
    for case in sorted(project.cases, key=lambda c: c.date, reverse=True):
        unit = project.unit_by_id.get(case.unit)
        links = []
        for ref in case.problems:
            round_id, unit_id, problem_id = (ref.split("/") + ["", "", ""])[:3]
            links.append((ref, f"../../units/{round_id}/{unit_id}/#{problem_id.lower()}"))
        views.append(CaseView(case, unit.name if unit else case.unit, links))
    return views


def _guides(guides_dir: Path | None) -> list[Guide]:
    if guides_dir is None or not guides_dir.is_dir() or guides_dir.is_symlink():
        return []
    guides = []
    for path in sorted(guides_dir.glob("*.md")):
        if path.is_symlink() or not path.is_file():
            continue  # a link would publish whatever it points at on the build machine
        content = path.read_text(encoding="utf-8")
        first = next((line for line in content.splitlines() if line.startswith("# ")), path.stem)
        guides.append(Guide(path.name, first.lstrip("# ").strip(), content))
    return guides
