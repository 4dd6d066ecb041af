"""What needs supervision (督办) on a day, by rule, and the 督办 each unit has had.

The rules (thresholds in settings `supervision:`):
- a measure past its deadline and not done: the site's red (analyse.progress.measure_colour);
- the plan (整改方案) not submitted ``plan_days`` after feedback;
- the report (整改报告) not filed when the concentrated period (集中整改期) ended: the
  round's ``rectification_days`` after feedback, the period the round page and the draft
  report print (the seed's two months is ``rectification_days: 60``);
- an earlier 督办 whose reply was due and has not come;
- ``postponements`` or more deadline postponements of the unit's measures
  (analyse.trail.trail_counts, the site's count, over the events landed by that day).
"""

from __future__ import annotations

from dataclasses import dataclass, field
from datetime import date, timedelta

from site_builder.analyse.progress import Colour, measure_colour
from site_builder.analyse.trail import trail_counts
from site_builder.history import Event, History
from site_builder.model import Project
from site_builder.model.labels import DUBIAN_RULE
from site_builder.model.ledger import Ledger
from site_builder.model.supervision import Dubian
from site_builder.model.wording import cn_date

RULES = DUBIAN_RULE


@dataclass(frozen=True)
class Reason:
    rule: str  # a key of RULES
    item: str  # P03/M1, plan, report, a 文号, or "" for the whole ledger
    text: str  # the line printed in the list and the 督办通知


@dataclass
class UnitDue:
    round: str
    unit: str
    unit_name: str
    feedback_on: date
    reasons: list[Reason] = field(default_factory=list)
    records: list[Dubian] = field(default_factory=list)  # the 督办 it had by that day


def records_of(project: Project, round_id: str, unit: str, as_of: date) -> list[Dubian]:
    """The unit's 督办 records in the round dated on or before ``as_of``, oldest first."""
    found = [
        r
        for f in project.supervision
        if f.round == round_id
        for r in f.records
        if r.unit == unit and r.date <= as_of
    ]
    return sorted(found, key=lambda r: (r.date, r.src.line))


def landed_by(events: list[Event], as_of: date) -> list[Event]:
    return [e for e in events if e.landed.date() <= as_of]


def unit_reasons(
    project: Project,
    ledger: Ledger | None,
    feedback: date,
    period_days: int,
    events: list[Event],
    as_of: date,
) -> list[Reason]:
    rules = project.settings.supervision
    thresholds = project.settings.thresholds
    reasons: list[Reason] = []
    for p in ledger.problems if ledger else []:
        for m in p.measures:
            deadline = m.approved_deadline  # an approved postponement moves it (延期申请)
            if measure_colour(m, as_of, thresholds) is Colour.RED and deadline is not None:
                days = (as_of - deadline).days
                what = (m.text or p.title).rstrip("。；;. ")
                text = f"{p.id}/{m.id} {what}：完成时限{cn_date(deadline)}，已逾期 {days} 天"
                reasons.append(Reason("overdue", f"{p.id}/{m.id}", text))
    plan_due = feedback + timedelta(days=rules.plan_days)
    submitted = ledger.plan.submitted_on if ledger else None
    if as_of > plan_due and (submitted is None or submitted > as_of):
        text = f"整改方案应于{cn_date(plan_due)}前报送，至今未报送（逾期 {(as_of - plan_due).days} 天）"
        reasons.append(Reason("plan_late", "plan", text))
    period_end = feedback + timedelta(days=period_days)
    filed = ledger.report.submitted_on if ledger and ledger.report else None
    if as_of > period_end and (filed is None or filed > as_of):
        text = (
            f"集中整改期已于{cn_date(period_end)}结束，整改报告至今未报送"
            f"（逾期 {(as_of - period_end).days} 天）"
        )
        reasons.append(Reason("report_late", "report", text))
    postponed = trail_counts(landed_by(events, as_of)).postponed
    if postponed >= rules.postponements:
        text = f"整改时限已延期 {postponed} 次"
        reasons.append(Reason("postponed", "", text))
    return reasons


def due_for_supervision(
    project: Project, history: History, round_id: str, as_of: date
) -> list[UnitDue]:
    """Every unit of the round with its reasons for 督办 on ``as_of``; units without any
    reason are left out. Ordered as the round file lists its units."""
    round_ = project.round_by_id.get(round_id)
    if round_ is None:
        return []
    by_ledger = history.by_ledger()
    found = []
    for team in round_.teams:
        for entry in team.units:
            if entry.feedback_on > as_of:
                continue
            key = f"{round_id}/{entry.unit}"
            ledger = project.ledger_by_key.get(key)
            unit = project.unit_by_id.get(entry.unit)
            due = UnitDue(
                round_id, entry.unit, unit.name if unit else entry.unit, entry.feedback_on
            )
            events = by_ledger.get(key, [])
            period = round_.rectification_days
            due.reasons = unit_reasons(project, ledger, entry.feedback_on, period, events, as_of)
            due.records = records_of(project, round_id, entry.unit, as_of)
            for record in due.records:
                if record.awaiting(as_of):
                    name = f"{record.number}{record.label}" if record.number else record.label
                    text = f"{name}（{cn_date(record.date)}）要求{cn_date(record.response_due)}前回复，至今未回复"
                    due.reasons.append(Reason("no_response", record.number or "", text))
            if due.reasons:
                found.append(due)
    return found
