"""Item identities: ``round/unit[/problem[/measure]]`` parsed once into an ``ItemRef``.

Ledgers, problems and measures are keyed by what the files say, not by their paths
(docs/architecture.md). The text form is what history events, diagnostics and the data
export carry; code that needs a part asks the parsed value instead of splitting strings.
"""

from __future__ import annotations

from dataclasses import dataclass
from enum import StrEnum
from functools import lru_cache


class Level(StrEnum):
    LEDGER = "ledger"
    PROBLEM = "problem"
    MEASURE = "measure"


@dataclass(frozen=True, order=True, slots=True)
class ItemRef:
    round: str
    unit: str
    problem: str = ""
    measure: str = ""

    @staticmethod
    def parse(text: str) -> ItemRef:
        """``r1/wcjd/P01/M2`` → ItemRef; missing parts are empty, extra parts ignored."""
        return _parse(text)

    @property
    def level(self) -> Level:
        if self.measure:
            return Level.MEASURE
        return Level.PROBLEM if self.problem else Level.LEDGER

    @property
    def is_problem(self) -> bool:
        return self.level is Level.PROBLEM

    @property
    def is_measure(self) -> bool:
        return self.level is Level.MEASURE

    @property
    def ledger(self) -> str:
        """The ledger key, ``r1/wcjd``."""
        return f"{self.round}/{self.unit}"

    @property
    def within(self) -> str:
        """The item inside its ledger: ``P01`` or ``P01/M2`` (empty for a ledger)."""
        return f"{self.problem}/{self.measure}" if self.measure else self.problem

    @property
    def problem_ref(self) -> ItemRef:
        """The problem an item belongs to (itself for a problem)."""
        return ItemRef(self.round, self.unit, self.problem)

    def __str__(self) -> str:
        return "/".join(p for p in (self.round, self.unit, self.problem, self.measure) if p)


@lru_cache(maxsize=65536)
def _parse(text: str) -> ItemRef:
    parts = (text.split("/") + ["", "", "", ""])[:4]
    return ItemRef(*parts)
