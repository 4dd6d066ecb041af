"""The monthly report upward (月报): per round and unit, the site's figures as of the
month's last day.

Every figure is computed by the functions the analysis stage uses (analyse.stage), on
the ledgers and history as they stood that day (pipeline.monthly_report checks that
commit out; analyse.months reads it from the history), so the report and a site built for
that date print the same numbers: problems, closures and overdue measures
from analyse.progress, postponements and relapses from analyse.trail, accountability
by form from analyse.indicators, problem clues by status from analyse.clues and money
recovered from analyse.money (both as the site's overview and round pages print them).
"""

from __future__ import annotations

import calendar
from dataclasses import dataclass, field
from datetime import date
from decimal import Decimal

from site_builder.analyse.clues import clue_counts
from site_builder.analyse.indicators import forms_distribution
from site_builder.analyse.money import unit_money
from site_builder.analyse.progress import LedgerStats, ledger_stats
from site_builder.analyse.supervision import records_of
from site_builder.analyse.trail import trail_counts
from site_builder.history import History
from site_builder.model import Project

COLUMNS = (
    "问题数",
    "本月销号",
    "累计销号",
    "逾期措施",
    "延期次数",
    "销号后重新打开",
    "第一种形态",
    "第二种形态",
    "第三种形态",
    "第四种形态",
    "本月督办",
    "线索初核",
    "线索立案",
    "线索了结",
    "线索暂存",
    "清退（元）",
    "追缴（元）",
    "挽回损失（元）",
)
CLUE_KEYS = ("preliminary", "filed", "concluded", "shelved")
MONEY_KEYS = ("refund", "recovered", "loss_recovered")


@dataclass
class Figures:
    problems: int = 0
    closed_month: int = 0
    closed: int = 0
    overdue: int = 0
    postponed: int = 0
    relapsed: int = 0
    forms: dict[int, int] = field(default_factory=lambda: dict.fromkeys(range(1, 5), 0))
    dubian: int = 0
    clues: dict[str, int] = field(default_factory=lambda: dict.fromkeys(CLUE_KEYS, 0))
    money: dict[str, Decimal] = field(
        default_factory=lambda: dict.fromkeys(MONEY_KEYS, Decimal("0.00"))
    )

    def values(self) -> tuple[int | Decimal, ...]:
        counts: list[int] = [self.problems, self.closed_month, self.closed, self.overdue]
        counts += [self.postponed, self.relapsed, *self.forms.values(), self.dubian]
        counts += self.clues.values()
        return (*counts, *self.money.values())

    def add(self, other: Figures) -> None:
        for name in ("problems", "closed_month", "closed", "overdue", "postponed", "relapsed"):
            setattr(self, name, getattr(self, name) + getattr(other, name))
        for form, count in other.forms.items():
            self.forms[form] += count
        self.dubian += other.dubian
        for key, count in other.clues.items():
            self.clues[key] += count
        for key, amount in other.money.items():
            self.money[key] += amount


@dataclass
class UnitMonth:
    unit: str
    name: str
    figures: Figures


@dataclass
class RoundMonth:
    round: str
    name: str
    units: list[UnitMonth]
    total: Figures


@dataclass
class MonthlyReport:
    month: str  # 2020-11
    first: date
    last: date
    district: str
    commit: str | None  # the main-line commit the figures were read at
    rounds: list[RoundMonth] = field(default_factory=list)
    total: Figures = field(default_factory=Figures)

    @property
    def partial(self) -> bool:
        """The figures so far of a month not yet over (a site's as-of month)."""
        return self.last != date(
            self.first.year,
            self.first.month,
            calendar.monthrange(self.first.year, self.first.month)[1],
        )

    @property
    def title(self) -> str:
        return f"{self.district}巡察整改情况月报（{self.first.year}年{self.first.month}月）"


def month_bounds(month: str) -> tuple[date, date] | None:
    """First and last day of 'YYYY-MM', or None when it is not such a month."""
    try:
        year, number = (int(part) for part in month.split("-"))
        first = date(year, number, 1)
    except ValueError:
        return None
    if len(month) != 7:
        return None
    return first, date(year, number, calendar.monthrange(year, number)[1])


def report_from_records(
    project: Project, history: History, as_of: date, month: str, commit: str | None = None
) -> MonthlyReport:
    """The month's figures from the records and history as they stood on ``as_of`` (the
    month's last day, or an earlier day of it: the current month so far).

    The units and figures are the round pages' (render.views.build_site_data reads the
    same functions): the units of each round's teams that are in the registry, their
    ledger's analyse.progress stats, analyse.trail counts of their history events.
    """
    first, last = month_bounds(month) or (as_of, as_of)
    last = min(last, as_of)
    thresholds = project.settings.thresholds
    events = history.by_ledger()
    report = MonthlyReport(month, first, last, project.settings.district, commit)
    for round_ in sorted(project.rounds, key=lambda r: r.start):
        if round_.start > last:
            continue
        units = []
        for team in round_.teams:
            for entry in team.units:
                unit = project.unit_by_id.get(entry.unit)
                if unit is None or entry.feedback_on > last:
                    continue
                key = f"{round_.id}/{unit.id}"
                ledger = project.ledger_by_key.get(key)
                stats = ledger_stats(ledger, as_of, thresholds) if ledger else LedgerStats()
                trail = trail_counts(events.get(key, []))
                dubian = records_of(project, round_.id, unit.id, last)
                clues = clue_counts(project, as_of, round_.id, unit.id)
                money = unit_money(ledger, as_of)
                figures = Figures(
                    problems=stats.problems - stats.withdrawn,
                    closed_month=sum(
                        p.status == "closed"
                        and p.closed_on is not None
                        and first <= p.closed_on <= last
                        for p in (ledger.problems if ledger else [])
                    ),
                    closed=stats.closed,
                    overdue=stats.overdue,
                    postponed=trail.postponed,
                    relapsed=trail.reopened,
                    forms=forms_distribution(ledger),
                    dubian=sum(r.date >= first for r in dubian),
                    clues={key: getattr(clues, key) for key in CLUE_KEYS},
                    money={key: money.by_kind.get(key, Decimal("0.00")) for key in MONEY_KEYS},
                )
                units.append(UnitMonth(unit.id, unit.name, figures))
        total = Figures()
        for unit_month in units:
            total.add(unit_month.figures)
        report.rounds.append(RoundMonth(round_.id, round_.name, units, total))
        report.total.add(total)
    return report
