"""The monthly report upward (月报): per round and unit, the site's figures as of the
month's last day.

Every figure is read from the site's own analysis (analyse.stage.analyse on the ledgers
and history as they stood that day: pipeline.monthly_report), so the report and a site
built for that date print the same numbers: problems, closures and overdue measures
from analyse.progress, postponements and relapses from analyse.trail, accountability
by form from analyse.indicators. Money recovered and clues are not in the records yet,
so the report leaves them out rather than printing zeros.
"""

from __future__ import annotations

import calendar
from dataclasses import dataclass, field
from datetime import date

from site_builder.analyse.stage import Analysis
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
)


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

    def values(self) -> tuple[int, ...]:
        head = (self.problems, self.closed_month, self.closed, self.overdue)
        return (*head, self.postponed, self.relapsed, *self.forms.values(), self.dubian)

    def add(self, other: Figures) -> None:
        for name in ("problems", "closed_month", "closed", "overdue", "postponed", "relapsed"):
            setattr(self, name, getattr(self, name) + getattr(other, name))
        for form, count in other.forms.items():
            self.forms[form] += count
        self.dubian += other.dubian


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


def report_from_analysis(
    project: Project, analysis: Analysis, month: str, commit: str | None = None
) -> MonthlyReport:
    """The month's figures read from the analysis made for the month's last day."""
    first, last = month_bounds(month) or (analysis.as_of, analysis.as_of)
    report = MonthlyReport(month, first, last, project.settings.district, commit)
    for found in analysis.rounds.values():
        round_ = project.round_by_id[found.id]
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
                figured = analysis.ledger(key)
                problems = ledger.problems if ledger else []
                dubian = found.dubian.get(unit.id, ())
                figures = Figures(
                    problems=figured.stats.problems - figured.stats.withdrawn,
                    closed_month=sum(
                        p.status == "closed"
                        and p.closed_on is not None
                        and first <= p.closed_on <= last
                        for p in problems
                    ),
                    closed=figured.stats.closed,
                    overdue=figured.stats.overdue,
                    postponed=figured.trail.postponed,
                    relapsed=figured.trail.reopened,
                    forms=dict(figured.forms),
                    dubian=sum(r.date >= first for r in dubian),
                )
                units.append(UnitMonth(unit.id, unit.name, figures))
        total = Figures()
        for unit_month in units:
            total.add(unit_month.figures)
        report.rounds.append(RoundMonth(round_.id, round_.name, units, total))
        report.total.add(total)
    return report
