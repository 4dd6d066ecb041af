"""Problem clues (问题线索) by status: per unit, round and district, as of a date.

Clues are internal: a unit or public site has none (audience.py leaves them out), and
pages print these counts on the internal site only.
"""

from __future__ import annotations

from dataclasses import dataclass
from datetime import date

from site_builder.model import Project
from site_builder.model.labels import CLUE_STATUS


@dataclass(frozen=True)
class ClueCounts:
    """Clues handed over by ``as_of``, by their status then (初核、立案、了结、暂存)."""

    preliminary: int = 0
    filed: int = 0
    concluded: int = 0
    shelved: int = 0

    @property
    def total(self) -> int:
        return self.preliminary + self.filed + self.concluded + self.shelved

    def labelled(self) -> list[tuple[str, int]]:
        """[(初核, n), (立案, n), (了结, n), (暂存, n)] in the office's order."""
        return [(label, getattr(self, key)) for key, label in CLUE_STATUS.items()]


def clue_counts(
    project: Project, as_of: date, round_id: str | None = None, unit_id: str | None = None
) -> ClueCounts:
    """The clues of a round (or every round), of one unit if given, handed over by ``as_of``.

    A clue recorded as concluded after ``as_of`` still counts as it stood in the file:
    the site reads the records of its own day (a past month reads that month's files).
    """
    counts = dict.fromkeys(CLUE_STATUS, 0)
    for clue in project.clues:
        if round_id is not None and clue.round != round_id:
            continue
        if unit_id is not None and clue.unit != unit_id:
            continue
        if clue.handed_over_on <= as_of:
            counts[clue.status] += 1
    return ClueCounts(**counts)


@dataclass(frozen=True)
class ClueFigures:
    rounds: dict[str, ClueCounts]  # round id -> counts
    district: ClueCounts


def clue_figures(project: Project, as_of: date) -> ClueFigures:
    rounds = {r.id: clue_counts(project, as_of, r.id) for r in project.rounds}
    return ClueFigures(rounds, clue_counts(project, as_of))
