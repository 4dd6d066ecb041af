"""Progress of ledgers and the three-colour deadline warning (三色预警)."""

from __future__ import annotations

from collections.abc import Iterable, Mapping
from dataclasses import dataclass, field
from datetime import date
from enum import StrEnum

from site_builder.model import Project
from site_builder.model.district import Thresholds
from site_builder.model.ledger import Ledger, Measure


class Colour(StrEnum):
    DONE = "done"  # completed or withdrawn: no warning
    GREEN = "green"  # at least green_days left
    WATCH = "watch"  # between the yellow and green thresholds
    YELLOW = "yellow"  # fewer than yellow_days left
    RED = "red"  # past its deadline and not done
    NONE = "none"  # no deadline at all (a 三不过 error the validator reports)


def measure_colour(measure: Measure, as_of: date, thresholds: Thresholds) -> Colour:
    if measure.complete or measure.status == "withdrawn":
        return Colour.DONE
    # Only an approved postponement (延期申请) moves the deadline warnings count from.
    deadline = measure.approved_deadline
    if deadline is None:
        return Colour.NONE
    left = (deadline - as_of).days
    if left < 0:
        return Colour.RED
    if left < thresholds.yellow_days:
        return Colour.YELLOW
    if left >= thresholds.green_days:
        return Colour.GREEN
    return Colour.WATCH


@dataclass(frozen=True)
class LedgerStats:
    problems: int = 0
    closed: int = 0
    withdrawn: int = 0
    measures: int = 0
    done: int = 0
    colours: Mapping[str, int] = field(default_factory=lambda: {c.value: 0 for c in Colour})

    @property
    def open(self) -> int:
        return self.problems - self.closed - self.withdrawn

    @property
    def overdue(self) -> int:
        return self.colours[Colour.RED]

    @property
    def closed_pct(self) -> int:
        active = self.problems - self.withdrawn
        return round(100 * self.closed / active) if active else 100

    @property
    def worst(self) -> Colour:
        for colour in (Colour.RED, Colour.YELLOW, Colour.WATCH, Colour.GREEN):
            if self.colours[colour]:
                return colour
        return Colour.DONE

    @classmethod
    def total(cls, items: Iterable[LedgerStats]) -> LedgerStats:
        """The sum of several ledgers' figures (a round's, the district's)."""
        counts = dict.fromkeys(("problems", "closed", "withdrawn", "measures", "done"), 0)
        colours = {c.value: 0 for c in Colour}
        for item in items:
            for name in counts:
                counts[name] += getattr(item, name)
            for key, value in item.colours.items():
                colours[key] += value
        return cls(**counts, colours=colours)


def ledger_stats(ledger: Ledger, as_of: date, thresholds: Thresholds) -> LedgerStats:
    counts = dict.fromkeys(("problems", "closed", "withdrawn", "measures", "done"), 0)
    colours = {c.value: 0 for c in Colour}
    for problem in ledger.problems:
        counts["problems"] += 1
        counts["closed"] += problem.status == "closed"
        counts["withdrawn"] += problem.status == "withdrawn"
        for measure in problem.measures:
            if measure.status == "withdrawn":
                continue
            counts["measures"] += 1
            counts["done"] += measure.complete
            colours[measure_colour(measure, as_of, thresholds)] += 1
    return LedgerStats(**counts, colours=colours)


@dataclass(frozen=True)
class DistrictTotals:
    """The whole district's figures, numbers only: what a unit's site shows beside its own."""

    units: int  # inspected units with a ledger, counted once per round
    stats: LedgerStats


def district_totals(project: Project, as_of: date) -> DistrictTotals:
    """Every round's inspected units' ledgers summed as the internal overview sums them."""
    found = []
    for round_ in project.rounds:
        for team in round_.teams:
            for entry in team.units:
                ledger = project.ledger_by_key.get(f"{round_.id}/{entry.unit}")
                if ledger is not None and entry.unit in project.unit_by_id:
                    found.append(ledger_stats(ledger, as_of, project.settings.thresholds))
    return DistrictTotals(len(found), LedgerStats.total(found))
