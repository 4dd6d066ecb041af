"""What a monthly report (analyse.monthly) reads from each record, reduced once.

A site keeps a report per month, each from the records as they stood at that month's end,
and most records do not change from one month to the next. So each version of a ledger is
reduced once to ``LedgerFigures``: its counts that do not depend on the day and the dates
that decide the ones that do (a measure is overdue the day after its approved deadline, a
problem closed in the month has its closing day in it, an amount counts from its date);
the 督办 records and clues of a version of rounds/ to ``Registers``; the history's events
to the days of each ledger's postponements and relapses (``TrailDays``). A month's row is
then a few look-ups (monthly.unit_figures). The reductions follow the functions the site's
pages use (analyse.progress, analyse.trail, analyse.indicators, analyse.money,
analyse.clues, analyse.supervision); tests/test_monthly.py holds them equal.
"""

from __future__ import annotations

from bisect import bisect_right
from collections import defaultdict
from collections.abc import Iterable
from dataclasses import dataclass, field
from datetime import date
from decimal import Decimal

from site_builder.analyse.indicators import forms_distribution
from site_builder.analyse.money import ledger_amounts
from site_builder.analyse.trail import is_relapse
from site_builder.history import Event, Kind
from site_builder.model import Project
from site_builder.model.ledger import Ledger


@dataclass(frozen=True)
class LedgerFigures:
    problems: int = 0  # not withdrawn
    closed: int = 0
    closed_on: tuple[date, ...] = ()  # the closed problems' closing days, sorted
    # The approved deadlines of measures neither done nor withdrawn, sorted: each is
    # overdue (red, analyse.progress.measure_colour) from the day after.
    deadlines: tuple[date, ...] = ()
    forms: tuple[int, int, int, int] = (0, 0, 0, 0)  # 四种形态, analyse.indicators
    money: tuple[tuple[str, date | None, Decimal], ...] = ()  # kind, date, yuan: in order


EMPTY_LEDGER = LedgerFigures()


def ledger_figures(ledger: Ledger) -> LedgerFigures:
    problems = closed = 0
    closed_on: list[date] = []
    deadlines: list[date] = []
    for problem in ledger.problems:
        problems += problem.status != "withdrawn"
        if problem.status == "closed":
            closed += 1
            if problem.closed_on is not None:
                closed_on.append(problem.closed_on)
        for measure in problem.measures:
            if measure.status == "withdrawn" or measure.complete:
                continue
            if (deadline := measure.approved_deadline) is not None:
                deadlines.append(deadline)
    forms = forms_distribution(ledger)
    return LedgerFigures(
        problems=problems,
        closed=closed,
        closed_on=tuple(sorted(closed_on)),
        deadlines=tuple(sorted(deadlines)),
        forms=(forms[1], forms[2], forms[3], forms[4]),
        money=tuple((a.kind, a.on, a.amount) for a in ledger_amounts(ledger)),
    )


@dataclass(frozen=True)
class TrailFigures:
    postponed: int = 0  # deadline postponements (analyse.trail.trail_counts)
    relapsed: int = 0  # problems reopened after closure (改后又犯)


def trail_figures(events: Iterable[Event]) -> dict[str, TrailFigures]:
    """Each ledger's postponements and relapses among ``events``."""
    return TrailDays(events).counts()


class TrailDays:
    """The days (as events count them: landed on the main line) of each ledger's
    postponements and relapses, sorted, to count those landed by any day."""

    def __init__(self, events: Iterable[Event]) -> None:
        postponed: dict[str, list[date]] = defaultdict(list)
        relapsed: dict[str, list[date]] = defaultdict(list)
        for event in events:
            if event.kind is Kind.POSTPONED:
                postponed[event.ledger].append(event.landed.date())
            elif is_relapse(event):
                relapsed[event.ledger].append(event.landed.date())
        self.postponed = {key: sorted(days) for key, days in postponed.items()}
        self.relapsed = {key: sorted(days) for key, days in relapsed.items()}

    def counts(self, by: date | None = None) -> dict[str, TrailFigures]:
        """Each ledger's counts among the events landed by ``by`` (all of them if None)."""
        end = date.max if by is None else by
        found = {}
        for key in self.postponed.keys() | self.relapsed.keys():
            found[key] = TrailFigures(
                bisect_right(self.postponed.get(key, ()), end),
                bisect_right(self.relapsed.get(key, ()), end),
            )
        return found


@dataclass(frozen=True)
class Registers:
    """From rounds/: per (round, unit), the 督办 records' dates (sorted) and the clues'
    (handed-over day, status)."""

    dubian: dict[tuple[str, str], list[date]] = field(default_factory=dict)
    clues: dict[tuple[str, str], list[tuple[date, str]]] = field(default_factory=dict)


def registers(project: Project) -> Registers:
    dubian: dict[tuple[str, str], list[date]] = defaultdict(list)
    for supervision in project.supervision:  # analyse.supervision.records_of
        for record in supervision.records:
            dubian[(supervision.round, record.unit)].append(record.date)
    clues: dict[tuple[str, str], list[tuple[date, str]]] = defaultdict(list)
    for clue in project.clues:  # analyse.clues.clue_counts
        if clue.round is not None:
            clues[(clue.round, clue.unit)].append((clue.handed_over_on, clue.status))
    return Registers({key: sorted(days) for key, days in dubian.items()}, dict(clues))
