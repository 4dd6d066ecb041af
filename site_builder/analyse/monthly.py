"""The monthly report upward (月报): per round and unit, the site's figures as of the
month's last day.

The figures are the site's, on the ledgers and history as they stood that day
(pipeline.monthly_report checks that commit out; analyse.months reads it from the
history), so the report and a site built for that date print the same numbers: problems,
closures and overdue measures as analyse.progress counts them, postponements and relapses
as analyse.trail, accountability by form as analyse.indicators, problem clues by status as
analyse.clues and money recovered as analyse.money (both as the site's overview and round
pages print them). Each record is reduced once (analyse.month_figures), so a site's many
months reuse what did not change; a row is a few look-ups in those reductions.
"""

from __future__ import annotations

import calendar
import pickle
from bisect import bisect_left, bisect_right
from collections.abc import Mapping, Sequence
from dataclasses import dataclass, field
from datetime import date
from decimal import Decimal

from site_builder.analyse.month_figures import (
    EMPTY_LEDGER,
    LedgerFigures,
    Registers,
    TrailFigures,
    ledger_figures,
    registers,
    trail_figures,
)
from site_builder.history import History
from site_builder.model import Project
from site_builder.model.labels import CLUE_STATUS

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


ZERO = Decimal("0.00")  # one object: a report's many zeros pickle once


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
    money: dict[str, Decimal] = field(default_factory=lambda: dict.fromkeys(MONEY_KEYS, ZERO))

    def values(self) -> tuple[int | Decimal, ...]:
        counts: list[int] = [self.problems, self.closed_month, self.closed, self.overdue]
        counts += [self.postponed, self.relapsed, *self.forms.values(), self.dubian]
        counts += self.clues.values()
        return (*counts, *self.money.values())

    def add(self, other: Figures) -> None:
        self.problems += other.problems
        self.closed_month += other.closed_month
        self.closed += other.closed
        self.overdue += other.overdue
        self.postponed += other.postponed
        self.relapsed += other.relapsed
        forms, clues, money = self.forms, self.clues, self.money
        for form, count in other.forms.items():
            forms[form] += count
        self.dubian += other.dubian
        for key, count in other.clues.items():
            clues[key] += count
        for key, amount in other.money.items():
            money[key] += amount


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
    # The report's content digest as analyse.months keeps it: a page whose month has the
    # same digest is unchanged ("" when unknown).
    digest: str = field(default="", compare=False, repr=False)

    # Pickled with its rows packed apart: a site reads every past month back but renders
    # only the pages of months that changed, and needs only the totals of the others.
    def __getstate__(self) -> dict:
        state = dict(self.__dict__)
        del state["digest"]  # of the pickled bytes: not in them
        if "rounds" in state:
            state["_rows"] = pickle.dumps(state.pop("rounds"), pickle.HIGHEST_PROTOCOL)
        return state

    def __setstate__(self, state: dict) -> None:
        self.__dict__.update(state, digest="")

    def __getattr__(self, name: str) -> list[RoundMonth]:
        # Only for attributes not set: the rows of a report read back, on first use.
        if name == "rounds" and "_rows" in self.__dict__:
            # Our own cache (analyse.months), written by this code as the history's is.
            rows = pickle.loads(self.__dict__.pop("_rows"))  # noqa: S301
            self.rounds = rows
            return rows
        raise AttributeError(name)

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
    same records): the units of each round's teams that are in the registry, their
    ledger's figures and the postponements and relapses among their history events.
    """
    ledgers = {key: ledger_figures(ledger) for key, ledger in project.ledger_by_key.items()}
    return month_report(
        project, registers(project), ledgers, trail_figures(history.events), as_of, month, commit
    )


def month_report(
    project: Project,
    kept: Registers,
    ledgers: Mapping[str, LedgerFigures],
    trail: Mapping[str, TrailFigures],
    as_of: date,
    month: str,
    commit: str | None = None,
) -> MonthlyReport:
    """The month's report from ``project``'s rounds/ records (its ledgers are not read:
    ``ledgers`` holds their figures by key) and the history's ``trail`` by ledger key."""
    first, last = month_bounds(month) or (as_of, as_of)
    last = min(last, as_of)
    report = MonthlyReport(month, first, last, project.settings.district, commit)
    no_trail = TrailFigures()
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
                figures = unit_figures(
                    ledgers.get(key),
                    trail.get(key, no_trail),
                    kept.dubian.get((round_.id, unit.id), ()),
                    kept.clues.get((round_.id, unit.id), ()),
                    first,
                    last,
                    as_of,
                )
                units.append(UnitMonth(unit.id, unit.name, figures))
        total = Figures()
        for unit_month in units:
            total.add(unit_month.figures)
        report.rounds.append(RoundMonth(round_.id, round_.name, units, total))
        report.total.add(total)
    return report


def unit_figures(
    ledger: LedgerFigures | None,
    trail: TrailFigures,
    dubian: Sequence[date],
    clues: Sequence[tuple[date, str]],
    first: date,
    last: date,
    as_of: date,
) -> Figures:
    """A unit's row: its ledger's figures on ``as_of``, its trail's, its 督办 records of
    ``first``..``last`` and its clues handed over by ``as_of``."""
    led = ledger or EMPTY_LEDGER
    clue_count = dict.fromkeys(CLUE_STATUS, 0)  # analyse.clues.clue_counts
    for handed_over_on, status in clues:
        if handed_over_on <= as_of:
            clue_count[status] += 1
    money: dict[str, Decimal] = {}  # analyse.money.unit_money
    for kind, on, amount in led.money:
        if on is None or on <= as_of:
            money[kind] = money.get(kind, Decimal(0)) + amount
    return Figures(
        problems=led.problems,
        closed_month=bisect_right(led.closed_on, last) - bisect_left(led.closed_on, first),
        closed=led.closed,
        # Red in analyse.progress.measure_colour: past its deadline (left < 0) and not done.
        overdue=bisect_left(led.deadlines, as_of),
        postponed=trail.postponed,
        relapsed=trail.relapsed,
        forms=dict(zip(range(1, 5), led.forms, strict=True)),
        dubian=bisect_right(dubian, last) - bisect_left(dubian, first),
        clues={key: clue_count[key] for key in CLUE_KEYS},
        money={key: money.get(key, ZERO) for key in MONEY_KEYS},
    )
