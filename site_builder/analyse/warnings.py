"""The warnings page: deadlines by colour, stale items, postponements, relapses, sign-offs.

Every figure the site prints about warnings is the length of one of these lists, so
the overview's card, the round table's total and the warnings page's list cannot
disagree (the 口径 is written once, in ``DEFINITIONS``).
"""

from __future__ import annotations

from collections import Counter
from collections.abc import Mapping
from dataclasses import dataclass, field, replace
from datetime import date

from site_builder.analyse.patterns import Finding, ledger_findings
from site_builder.analyse.progress import Colour, measure_colour
from site_builder.analyse.trail import current_closures, is_relapse
from site_builder.history import Event, History, Kind, State
from site_builder.model import Project
from site_builder.model.ledger import Measure
from site_builder.model.wording import cn_date

# What each figure counts (口径说明), printed on the overview and the warnings page.
DEFINITIONS = {
    "red": "红色：已过完成时限仍未完成的措施（不含已撤销的措施）。",
    "yellow": "黄色：未完成、距完成时限不足黄色预警天数的措施。",
    "watch": "关注：未完成、距完成时限在黄色与绿色预警天数之间的措施。",
    "green": "绿色：未完成、距完成时限不少于绿色预警天数的措施。",
    "unconfirmed": "未确认销号：当前为已销号、但最近一次销号没有经名单内审批人审批"
    "（或缺少要求的签名）合入的问题；确认销号与未确认销号之和等于已销号问题数。",
    "reopened": "改后又犯：销号后又被重新打开的问题次数（措施完成后退回不计入）。",
    "postponed": "延期：措施完成时限被推后的次数。",
}


@dataclass(frozen=True)
class MeasureAlert:
    round: str
    unit: str
    item: str  # P01/M1
    text: str
    deadline: date | None
    days: int  # days overdue (red) or left (yellow); days since last change (stale)
    owner: str
    leader: str = ""
    problem_title: str = ""
    category: str = ""
    postponements: int = 0
    original: date | None = None  # the plan's deadline, when an approved postponement moved it
    requested: date | None = None  # the date a postponement not (yet) approved asks for

    @property
    def deadline_note(self) -> str:
        """（原定2020年6月30日，已批准延期）beside the deadline the warning counts from."""
        notes = []
        if self.original:
            notes.append(f"原定{cn_date(self.original)}，已批准延期")
        if self.requested:
            notes.append(f"申请延期至{cn_date(self.requested)}，未经批准")
        return "；".join(notes).join("（）") if notes else ""

    @property
    def key(self) -> str:
        return f"{self.round}/{self.unit}"

    @property
    def problem(self) -> str:
        return self.item.partition("/")[0]


@dataclass(frozen=True)
class ClosureAlert:
    """A closed problem whose closure is not confirmed; ``event`` is None without history."""

    round: str
    unit: str
    problem: str
    title: str
    closed_on: date | None
    event: Event | None

    @property
    def key(self) -> str:
        return f"{self.round}/{self.unit}"


@dataclass
class Warnings:
    red: list[MeasureAlert] = field(default_factory=list)
    yellow: list[MeasureAlert] = field(default_factory=list)
    watch: list[MeasureAlert] = field(default_factory=list)
    green: list[MeasureAlert] = field(default_factory=list)
    stale: list[MeasureAlert] = field(default_factory=list)
    postponed: list[Event] = field(default_factory=list)
    reopened: list[Event] = field(default_factory=list)  # problems only: 改后又犯
    unconfirmed: list[ClosureAlert] = field(default_factory=list)
    findings: dict[str, list[Finding]] = field(default_factory=dict)  # ledger key -> patterns

    def colour(self, name: str) -> list[MeasureAlert]:
        return {"red": self.red, "yellow": self.yellow, "watch": self.watch, "green": self.green}[
            name
        ]


def compute_warnings(
    project: Project,
    history: History,
    as_of: date,
    closures: Mapping[str, Event] | None = None,
) -> Warnings:
    """Every warning list on ``as_of``; ``closures`` are the standing closures, when known."""
    warnings = Warnings()
    thresholds = project.settings.thresholds
    by_ledger = history.by_ledger()
    if closures is None:
        closures = current_closures(history.events)
    postponements = Counter(e.item for e in history.events if e.kind is Kind.POSTPONED)
    last_change: dict[str, date] = {}
    for event in history.events:
        last_change[event.item] = max(last_change.get(event.item, date.min), event.landed.date())
    lists = {
        Colour.RED: warnings.red,
        Colour.YELLOW: warnings.yellow,
        Colour.WATCH: warnings.watch,
        Colour.GREEN: warnings.green,
    }
    for ledger in project.ledgers:
        round_ = project.round_by_id.get(ledger.round)
        entry = round_.inspected().get(ledger.unit) if round_ else None
        if entry is None or ledger.unit not in project.unit_by_id:
            continue  # the same ledgers the round pages count (render/views.py)
        for p in ledger.problems:
            ref = f"{ledger.key}/{p.id}"
            if p.status == "closed":
                closure = closures.get(ref)
                if closure is None or closure.signoff.state is not State.CONFIRMED:
                    warnings.unconfirmed.append(
                        ClosureAlert(ledger.round, ledger.unit, p.id, p.title, p.closed_on, closure)
                    )
            for m in p.measures:
                if m.status == "withdrawn":
                    continue
                colour = measure_colour(m, as_of, thresholds)
                if colour is Colour.DONE:
                    continue
                item = f"{ref}/{m.id}"
                deadline = m.approved_deadline
                days = (deadline - as_of).days if deadline else 0
                alert = MeasureAlert(
                    ledger.round,
                    ledger.unit,
                    f"{p.id}/{m.id}",
                    m.text or "",
                    deadline,
                    -days if colour is Colour.RED else days,
                    m.owner or "",
                    m.leader or "",
                    p.title,
                    p.category,
                    postponements[item],
                    *_postponed_dates(m, deadline),
                )
                if colour in lists:
                    lists[colour].append(alert)
                if history.available and item in last_change:
                    idle = (as_of - last_change[item]).days
                    if idle > thresholds.stale_days:
                        warnings.stale.append(replace(alert, days=idle))
        events = by_ledger.get(ledger.key, [])
        findings = ledger_findings(project, ledger, entry.feedback_on, as_of, events)
        if findings:
            warnings.findings[ledger.key] = findings
    # Without script the lists read in this order: the most urgent first, ties by place.
    warnings.red.sort(key=lambda a: (-a.days, a.round, a.unit, a.item))
    for alerts in (warnings.yellow, warnings.watch, warnings.green):
        alerts.sort(key=lambda a: (a.days, a.round, a.unit, a.item))
    warnings.stale.sort(key=lambda a: (-a.days, a.round, a.unit, a.item))
    warnings.postponed = [e for e in history.events if e.kind is Kind.POSTPONED]
    warnings.reopened = [e for e in history.events if is_relapse(e)]
    return warnings


def _postponed_dates(measure: Measure, deadline: date | None) -> tuple[date | None, date | None]:
    """(the plan's deadline if an approved postponement moved it, the date an unapproved
    postponement asks for if it is later than the deadline counted from)."""
    if not measure.postponements:
        return None, None
    original = measure.original_deadline
    approved = any(p.approved for p in measure.postponements)
    last = measure.postponements[-1]
    requested = last.new_deadline if not last.approved and last.new_deadline != deadline else None
    return (original if approved and original != deadline else None), requested
