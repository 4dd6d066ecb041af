"""The analysis stage: every figure, list and judgement the outputs show, computed once.

``analyse(project, history, as_of)`` runs between the history and the outputs
(pipeline.build, the CLI's evaluate/report/dubian/monthly, the data export). Render
and the CLI read the ``Analysis`` it returns and compute nothing of their own, so a
figure is defined in one place and every page, report and export prints the same
number. The standing closure of each item (the latest closure not undone by a
reopening) is worked out here once and handed to the warnings, the trail counts, the
evaluation indicators and the draft reports.
"""

from __future__ import annotations

from collections.abc import Mapping
from dataclasses import dataclass, field
from datetime import UTC, date, datetime, time
from types import MappingProxyType

from site_builder.analyse.clues import ClueCounts, ClueFigures, clue_figures
from site_builder.analyse.disclosure import DisclosureNotice, disclosure_notices
from site_builder.analyse.evaluation import Results, evaluate
from site_builder.analyse.indicators import forms_distribution
from site_builder.analyse.money import DistrictMoney, money_totals
from site_builder.analyse.patterns import Finding
from site_builder.analyse.progress import Colour, LedgerStats, ledger_stats, measure_colour
from site_builder.analyse.supervision import UnitDue, due_for_supervision, records_of
from site_builder.analyse.trail import TrailCounts, current_closures, trail_counts
from site_builder.analyse.warnings import Warnings, compute_warnings
from site_builder.history import Event, History
from site_builder.model import Project
from site_builder.model.refs import ItemRef
from site_builder.model.supervision import Dubian
from site_builder.validate.feedback import plan_due


def _empty() -> Mapping:
    return field(default_factory=lambda: MappingProxyType({}))


@dataclass(frozen=True)
class LedgerAnalysis:
    """One inspected unit's ledger in one round (``key`` is ``r1/wcjd``)."""

    key: str
    stats: LedgerStats
    trail: TrailCounts
    colours: Mapping[str, Colour] = _empty()  # P01/M1 -> the measure's warning colour
    closures: Mapping[str, Event] = _empty()  # P01 -> the problem's standing closure
    events: tuple[Event, ...] = ()
    findings: tuple[Finding, ...] = ()
    forms: Mapping[int, int] = field(
        default_factory=lambda: MappingProxyType(forms_distribution(None))
    )  # people held to account by form (四种形态)
    plan_due: date | None = None  # when the 整改方案 is due (the feedback list's rule)
    changed_at: datetime | None = None  # when it last changed on the main line (UTC)

    @property
    def unconfirmed(self) -> int:
        """Closed problems whose closure is not confirmed (analyse.DEFINITIONS)."""
        return self.stats.closed - self.trail.confirmed


@dataclass(frozen=True)
class RoundAnalysis:
    id: str
    stats: LedgerStats
    trail: TrailCounts
    ledgers: tuple[str, ...]  # ledger keys, in the round file's order
    supervision: tuple[UnitDue, ...] = ()  # units due for 督办 on the as-of date
    dubian: Mapping[str, tuple[Dubian, ...]] = _empty()  # unit -> its 督办 records by then

    @property
    def unconfirmed(self) -> int:
        return self.stats.closed - self.trail.confirmed


@dataclass(frozen=True)
class Analysis:
    as_of: date
    history: History
    ledgers: Mapping[str, LedgerAnalysis]
    rounds: Mapping[str, RoundAnalysis]  # in order of start
    total: LedgerStats
    trail: TrailCounts
    closures: Mapping[str, Event]  # item ref -> standing closure (problems and measures)
    warnings: Warnings
    evaluation: Results
    money: DistrictMoney = field(default_factory=DistrictMoney)  # 清退 / 追缴 / 挽回损失
    clues: ClueFigures = field(default_factory=lambda: ClueFigures({}, ClueCounts()))
    worst: tuple[str, ...] = ()  # ledger keys with the most overdue measures
    disclosure: tuple[DisclosureNotice, ...] = ()  # 整改情况公开, one per ledger

    def ledger(self, key: str) -> LedgerAnalysis:
        """A ledger's analysis; an empty one for an inspected unit without a ledger."""
        found = self.ledgers.get(key)
        return found if found is not None else LedgerAnalysis(key, LedgerStats(), TrailCounts())

    @property
    def unconfirmed(self) -> int:
        return self.total.closed - self.trail.confirmed

    def changed_at(self, key: str) -> datetime:
        """When a ledger last changed on the main line (the documents made from it carry
        that time); the as-of day, at midnight UTC, without history."""
        found = self.ledger(key).changed_at
        return found if found is not None else datetime.combine(self.as_of, time(), tzinfo=UTC)

    def closure(self, ref: str | ItemRef) -> Event | None:
        return self.closures.get(str(ref))


def analyse(project: Project, history: History | None, as_of: date) -> Analysis:
    """Every figure of the project on ``as_of``, from its records and audit trail."""
    history = history or History()
    closures = current_closures(history.events)
    events = history.by_ledger()
    warnings = compute_warnings(project, history, as_of, closures)
    thresholds = project.settings.thresholds
    ledgers: dict[str, LedgerAnalysis] = {}
    rounds: dict[str, RoundAnalysis] = {}
    for round_ in sorted(project.rounds, key=lambda r: r.start):
        keys = []
        for team in round_.teams:
            for entry in team.units:
                if entry.unit not in project.unit_by_id:
                    continue
                key = f"{round_.id}/{entry.unit}"
                keys.append(key)
                ledger = project.ledger_by_key.get(key)
                if ledger is None:
                    continue
                own = events.get(key, [])
                ledgers[key] = LedgerAnalysis(
                    key,
                    ledger_stats(ledger, as_of, thresholds),
                    trail_counts(own, closures),
                    MappingProxyType(
                        {
                            f"{p.id}/{m.id}": measure_colour(m, as_of, thresholds)
                            for p in ledger.problems
                            for m in p.measures
                        }
                    ),
                    MappingProxyType(
                        {p.id: c for p in ledger.problems if (c := closures.get(f"{key}/{p.id}"))}
                    ),
                    tuple(own),
                    tuple(warnings.findings.get(key, [])),
                    MappingProxyType(forms_distribution(ledger)),
                    _plan_due(project, key),
                    max(e.landed for e in own).astimezone(UTC) if own else None,
                )
        parts = [ledgers[k] for k in keys if k in ledgers]
        rounds[round_.id] = RoundAnalysis(
            round_.id,
            LedgerStats.total(p.stats for p in parts),
            TrailCounts.total(p.trail for p in parts),
            tuple(keys),
            tuple(due_for_supervision(project, history, round_.id, as_of)),
            MappingProxyType(_records(project, round_.id, as_of)),
        )
    return Analysis(
        as_of=as_of,
        history=history,
        ledgers=MappingProxyType(ledgers),
        rounds=MappingProxyType(rounds),
        total=LedgerStats.total(r.stats for r in rounds.values()),
        trail=TrailCounts.total(r.trail for r in rounds.values()),
        closures=MappingProxyType(closures),
        warnings=warnings,
        evaluation=evaluate(project, history, closures),
        money=money_totals(project, as_of),
        clues=clue_figures(project, as_of),
        worst=_worst(ledgers),
        disclosure=tuple(
            disclosure_notices(project, as_of, {k: a.stats for k, a in ledgers.items()})
        ),
    )


def _plan_due(project: Project, key: str) -> date | None:
    feedback = project.feedback_by_key.get(key)
    return plan_due(project, feedback) if feedback is not None else None


def _records(project: Project, round_id: str, as_of: date) -> dict[str, tuple[Dubian, ...]]:
    found: dict[str, tuple[Dubian, ...]] = {}
    round_ = project.round_by_id[round_id]
    for team in round_.teams:
        for entry in team.units:
            if records := records_of(project, round_id, entry.unit, as_of):
                found[entry.unit] = tuple(records)
    return found


def _worst(ledgers: Mapping[str, LedgerAnalysis], limit: int = 5) -> tuple[str, ...]:
    """Ledgers with the most overdue measures, then the most due soon; none without any."""
    red = [a for a in ledgers.values() if a.stats.colours["red"]]
    red.sort(key=lambda a: (-a.stats.colours["red"], -a.stats.colours["yellow"], a.key))
    return tuple(a.key for a in red[:limit])
