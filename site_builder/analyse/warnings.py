"""The warnings page: deadlines by colour, stale items, postponements, relapses, sign-offs."""

from __future__ import annotations

from dataclasses import dataclass, field
from datetime import date

from site_builder.analyse.patterns import Finding, ledger_findings
from site_builder.analyse.progress import Colour, measure_colour
from site_builder.analyse.trail import current_closures
from site_builder.history import Event, History, Kind, State
from site_builder.model import Project


@dataclass(frozen=True)
class MeasureAlert:
    round: str
    unit: str
    item: str  # P01/M1
    text: str
    deadline: date | None
    days: int  # days overdue (red) or left (yellow); days since last change (stale)
    owner: str
    original: date | None = None  # the plan's deadline, when an approved postponement moved it


@dataclass
class Warnings:
    red: list[MeasureAlert] = field(default_factory=list)
    yellow: list[MeasureAlert] = field(default_factory=list)
    stale: list[MeasureAlert] = field(default_factory=list)
    postponed: list[Event] = field(default_factory=list)
    reopened: list[Event] = field(default_factory=list)
    unconfirmed: list[Event] = field(default_factory=list)  # closures not properly signed off
    findings: dict[str, list[Finding]] = field(default_factory=dict)  # ledger key -> patterns


def compute_warnings(project: Project, history: History, as_of: date) -> Warnings:
    warnings = Warnings()
    thresholds = project.settings.thresholds
    by_ledger = history.by_ledger()
    last_change: dict[str, str] = {}
    for event in history.events:
        last_change[event.item] = max(last_change.get(event.item, ""), event.landed[:10])
    for ledger in project.ledgers:
        round_ = project.round_by_id.get(ledger.round)
        entry = round_.inspected().get(ledger.unit) if round_ else None
        if entry is None:
            continue
        for p in ledger.problems:
            for m in p.measures:
                deadline = m.approved_deadline
                alert_at = (ledger.round, ledger.unit, f"{p.id}/{m.id}", m.text or "", deadline)
                colour = measure_colour(m, as_of, thresholds)
                moved = m.original_deadline if m.original_deadline != deadline else None
                if colour is Colour.RED and deadline:
                    days = (as_of - deadline).days
                    warnings.red.append(MeasureAlert(*alert_at, days, m.owner or "", moved))
                elif colour is Colour.YELLOW and deadline:
                    days = (deadline - as_of).days
                    warnings.yellow.append(MeasureAlert(*alert_at, days, m.owner or "", moved))
                ref = f"{ledger.key}/{p.id}/{m.id}"
                if history.available and colour not in (Colour.DONE,) and ref in last_change:
                    idle = (as_of - date.fromisoformat(last_change[ref])).days
                    if idle > thresholds.stale_days:
                        warnings.stale.append(MeasureAlert(*alert_at, idle, m.owner or ""))
        events = by_ledger.get(ledger.key, [])
        findings = ledger_findings(project, ledger, entry.feedback_on, as_of, events)
        if findings:
            warnings.findings[ledger.key] = findings
    warnings.red.sort(key=lambda a: -a.days)
    warnings.yellow.sort(key=lambda a: a.days)
    warnings.stale.sort(key=lambda a: -a.days)
    warnings.postponed = [e for e in history.events if e.kind is Kind.POSTPONED]
    warnings.reopened = [e for e in history.events if e.kind is Kind.REOPENED]
    warnings.unconfirmed = _weak_closures(history)
    return warnings


def _weak_closures(history: History) -> list[Event]:
    """The closure of each item still closed, where that sign-off does not hold."""
    closures = current_closures(history.events).values()
    return [e for e in closures if e.signoff.state is not State.CONFIRMED]
