"""View data for templates: everything a page prints, computed here, not in templates."""

from __future__ import annotations

from collections import defaultdict
from collections.abc import Iterator, Mapping
from dataclasses import dataclass, field
from datetime import date
from pathlib import Path

from site_builder.analyse import (
    DEFINITIONS,
    PATTERNS,
    Analysis,
    Finding,
    LedgerStats,
    TrailCounts,
    Warnings,
)
from site_builder.analyse.clues import ClueFigures
from site_builder.analyse.money import DistrictMoney
from site_builder.analyse.monthly import MonthlyReport
from site_builder.analyse.months import TrendPoint
from site_builder.analyse.progress import DistrictTotals
from site_builder.diagnostics import Diagnostic
from site_builder.history import Event, History, State
from site_builder.model import Project
from site_builder.model.district import Case, InspectedUnit, Round, Team, Unit
from site_builder.model.labels import PROBLEM_STATUS, UNIT_KIND
from site_builder.model.ledger import Ledger, Measure, Problem
from site_builder.model.refs import ItemRef
from site_builder.model.wording import change_text, cn_date
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


def approval_text(event: Event) -> str:
    """已确认 · 赵敏, 缺少签名, 自我审批 · 张三（…）: the sign-off of one change."""
    approval = event.signoff.label
    if event.signoff.approver:
        approval += f" · {event.signoff.approver}"
    if event.signoff.reason:
        approval += f"（{event.signoff.reason}）"
    return approval


def timeline_row(event: Event) -> TimelineRow:
    item = ItemRef.parse(event.item).within
    return TimelineRow(
        event.landed.date().isoformat(),
        item,
        change_text(event.kind, event.item, event.old, event.new, event.days),
        event.author,
        event.commit[:10],
        str(event.signoff.state),
        approval_text(event),
    )


@dataclass(frozen=True)
class Badge:
    """A problem's status as the reader sees it, sign-off included."""

    text: str
    css: str  # rl-status-… or rl-signoff-… class suffix


def problem_badge(problem: Problem, closure: Event | None, history_available: bool) -> Badge:
    if problem.status != "closed":
        return Badge(PROBLEM_STATUS.get(problem.status, problem.status), f"status-{problem.status}")
    if closure is None:
        why = "无审批记录" if history_available else "无 git 历史，无法确认"
        return Badge(f"已销号 · {why}", "signoff-unconfirmed")
    signoff = closure.signoff
    if signoff.state is State.CONFIRMED:
        parts = ["已销号", "已确认", signoff.approver, cn_date(closure.landed.date())]
        return Badge(" · ".join(p for p in parts if p), "signoff-confirmed")
    parts = ["已销号", signoff.label, signoff.approver]
    return Badge(" · ".join(p for p in parts if p), f"signoff-{signoff.state}")


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
    timeline: Mapping[str, list[TimelineRow]] = field(default_factory=dict)  # problem -> rows
    findings: list[Finding] = field(default_factory=list)
    cases_of: dict[str, list[Case]] = field(default_factory=dict)  # problem id -> cases
    trail: TrailCounts = field(default_factory=TrailCounts)
    badges: dict[str, Badge] = field(default_factory=dict)  # problem id -> status badge
    round_id: str = ""

    @property
    def key(self) -> str:
        return f"{self.round_id}/{self.unit.id}"

    @property
    def unconfirmed(self) -> int:
        """Closed problems whose closure is not confirmed (analyse.DEFINITIONS)."""
        return self.stats.closed - self.trail.confirmed


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

    @property
    def unconfirmed(self) -> int:
        return self.stats.closed - self.trail.confirmed


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
    analysis: Analysis
    guides: list[Guide] = field(default_factory=list)
    diagnostics: list[Diagnostic] = field(default_factory=list)
    history: History = field(default_factory=History)
    warnings: Warnings = field(default_factory=Warnings)
    trail: TrailCounts = field(default_factory=TrailCounts)
    closures_chart: str = ""
    category_chart: str = ""
    patterns: dict[str, str] = field(default_factory=lambda: dict(PATTERNS))
    build: dict = field(default_factory=dict)  # provenance.BuildStamp.as_dict(), if any
    definitions: dict[str, str] = field(default_factory=lambda: dict(DEFINITIONS))
    worst: list[UnitView] = field(default_factory=list)  # units with most overdue measures
    # A unit's site: the district's figures beside its own (numbers only, set by the build).
    district: DistrictTotals | None = None
    clues: ClueFigures | None = None  # problem clues by status (internal pages only)
    money: DistrictMoney = field(default_factory=DistrictMoney)  # 清退 / 追缴 / 挽回损失
    months: list[MonthlyReport] = field(default_factory=list)  # 月报, oldest first
    trend: list[TrendPoint] = field(default_factory=list)  # the months' trend

    @property
    def unconfirmed(self) -> int:
        return self.total.closed - self.trail.confirmed

    @property
    def internal(self) -> bool:
        """Built for the office (clues, 督办 and the audit page are shown)."""
        return self.build.get("audience", "internal") == "internal"

    @property
    def inspected_units(self) -> int:
        """Units inspected in at least one round (the registry also lists units not yet)."""
        return len({u.unit.id for r in self.rounds for u in r.units})

    def round_name(self, round_id: str) -> str:
        round_ = self.project.round_by_id.get(round_id)
        return round_.name if round_ else round_id

    def list_filters(self) -> list[tuple[str, str, list[tuple[str, str]]]]:
        """The warnings page's filters: (row attribute, label, [(value, shown text)])."""
        alerts = [*self.warnings.red, *self.warnings.yellow, *self.warnings.watch]
        units = sorted({a.key for a in alerts} | {c.key for c in self.warnings.unconfirmed})
        kinds = sorted({self.unit_kind(ItemRef.parse(key).unit) for key in units} - {""})
        leaders = sorted({a.leader for a in alerts if a.leader})
        return [
            ("round", "轮次", [(r.id, r.name) for r in self.rounds]),
            ("kind", "单位类型", [(k, UNIT_KIND.get(k, k)) for k in kinds]),
            (
                "category",
                "问题类别",
                [(c.code, c.label) for c in self.project.settings.categories],
            ),
            ("leader", "责任领导", [(name, name) for name in leaders]),
            ("unit", "单位", [(key, self.unit_link(key)[0]) for key in units]),
        ]

    def unit_kind(self, unit_id: str) -> str:
        unit = self.project.unit_by_id.get(unit_id)
        return unit.kind if unit else ""

    def unit_link(self, key: str) -> tuple[str, str]:
        """(unit name, site path) for a ledger key like r1/wcjd."""
        round_id, unit_id = key.split("/", 1)
        unit = self.project.unit_by_id.get(unit_id)
        return (unit.name if unit else unit_id), f"units/{round_id}/{unit_id}/"


def build_site_data(
    project: Project,
    analysis: Analysis,
    diagnostics: list[Diagnostic],
    guides_dir: Path | None = None,
) -> SiteData:
    """The pages' view data: the analysis arranged by round and unit, nothing recomputed."""
    history = analysis.history
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
    for found in analysis.rounds.values():
        round_ = project.round_by_id[found.id]
        unit_views = []
        for team in round_.teams:
            for entry in team.units:
                unit = project.unit_by_id.get(entry.unit)
                if unit is None:
                    continue
                key = f"{round_.id}/{unit.id}"
                ledger = project.ledger_by_key.get(key)
                problems = ledger.problems if ledger else []
                figures = analysis.ledger(key)
                unit_views.append(
                    UnitView(
                        unit=unit,
                        entry=entry,
                        team=team,
                        ledger=ledger,
                        stats=figures.stats,
                        measures=[
                            MeasureView(p, m, figures.colours[f"{p.id}/{m.id}"])
                            for p in problems
                            for m in p.measures
                        ],
                        diagnostics=by_file.get(ledger.src.file, []) if ledger else [],
                        cases=cases_by_unit.get(unit.id, []),
                        timeline=LazyTimeline(list(figures.events)),
                        findings=list(figures.findings),
                        cases_of={p.id: cases_by_problem[f"{key}/{p.id}"] for p in problems},
                        trail=figures.trail,
                        badges={
                            p.id: problem_badge(p, figures.closures.get(p.id), history.available)
                            for p in problems
                        },
                        round_id=round_.id,
                    )
                )
        rounds.append(RoundView(round_, unit_views, found.stats, found.trail))

    unit_index = {(r.id, u.unit.id): u for r in rounds for u in r.units}
    views = {u.key: u for u in unit_index.values()}
    return SiteData(
        project=project,
        as_of=analysis.as_of,
        rounds=rounds,
        total=analysis.total,
        common=common_views(project, unit_index, analysis.as_of),
        cases=_case_views(project),
        guides=_guides(guides_dir),
        diagnostics=diagnostics,
        history=history,
        warnings=analysis.warnings,
        trail=analysis.trail,
        closures_chart=_closures_chart(project),
        category_chart=_category_chart(project),
        worst=[views[key] for key in analysis.worst],
        analysis=analysis,
        clues=analysis.clues,
        money=analysis.money,
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


class LazyTimeline(Mapping[str, list[TimelineRow]]):
    """A unit's timeline rows by problem, made when its page first reads them: a rebuild
    renders only the unit pages whose inputs changed (render/fingerprint.py, whose keys
    digest the events, not these rows), and the rows of every event took 1.9 s at
    2,000 units."""

    def __init__(self, events: list[Event]) -> None:
        self._events = events
        self._rows: dict[str, list[TimelineRow]] | None = None

    def _made(self) -> dict[str, list[TimelineRow]]:
        if self._rows is None:
            self._rows = _timeline(self._events)
        return self._rows

    def __getitem__(self, problem: str) -> list[TimelineRow]:
        return self._made()[problem]

    def __iter__(self) -> Iterator[str]:
        return iter(self._made())

    def __len__(self) -> int:
        return len(self._made())


def _timeline(events: list[Event]) -> dict[str, list[TimelineRow]]:
    rows: dict[str, list[TimelineRow]] = defaultdict(list)
    for event in events:
        rows[ItemRef.parse(event.item).problem].append(timeline_row(event))
    return dict(rows)


def _case_views(project: Project) -> list[CaseView]:
    views = []
    for case in sorted(project.cases, key=lambda c: c.date, reverse=True):
        unit = project.unit_by_id.get(case.unit)
        links = []
        for ref in case.problems:
            item = ItemRef.parse(ref)
            links.append((ref, f"../../units/{item.round}/{item.unit}/#{item.problem.lower()}"))
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
