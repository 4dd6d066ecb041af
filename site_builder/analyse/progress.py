"""Progress of ledgers and the three-colour deadline warning (三色预警)."""

from __future__ import annotations

from dataclasses import dataclass, field, fields
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


@dataclass
class LedgerStats:
    problems: int = 0
    closed: int = 0
    withdrawn: int = 0
    measures: int = 0
    done: int = 0
    colours: dict[str, int] = field(default_factory=lambda: {c.value: 0 for c in Colour})

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

    def add(self, other: LedgerStats) -> None:
        for f in fields(self):
            if f.name == "colours":
                for key, value in other.colours.items():
                    self.colours[key] += value
            else:
                setattr(self, f.name, getattr(self, f.name) + getattr(other, f.name))


def ledger_stats(ledger: Ledger, as_of: date, thresholds: Thresholds) -> LedgerStats:
    stats = LedgerStats()
    for problem in ledger.problems:
        stats.problems += 1
        stats.closed += problem.status == "closed"
        stats.withdrawn += problem.status == "withdrawn"
        for measure in problem.measures:
            if measure.status == "withdrawn":
                continue
            stats.measures += 1
            stats.done += measure.complete
            stats.colours[measure_colour(measure, as_of, thresholds)] += 1
    return stats


def sum_stats(items: list[LedgerStats]) -> LedgerStats:
    total = LedgerStats()
    for item in items:
        total.add(item)
    return total


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
    return DistrictTotals(len(found), sum_stats(found))
