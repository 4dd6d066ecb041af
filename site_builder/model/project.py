"""The whole loaded project: every record of every file, indexed for look-up."""

from __future__ import annotations

from dataclasses import dataclass, field
from functools import cached_property

from site_builder.model.clues import Clue
from site_builder.model.district import (
    Case,
    CommonProblem,
    Round,
    SelfCheck,
    Settings,
    Signers,
    Unit,
)
from site_builder.model.evaluation import Bulletin, Evaluation, Rubric
from site_builder.model.feedback import FeedbackList
from site_builder.model.ledger import Ledger, Problem
from site_builder.model.supervision import SupervisionFile


@dataclass
class Project:
    root: str
    settings: Settings
    units: list[Unit] = field(default_factory=list)
    rounds: list[Round] = field(default_factory=list)
    ledgers: list[Ledger] = field(default_factory=list)
    common_problems: list[CommonProblem] = field(default_factory=list)
    self_checks: list[SelfCheck] = field(default_factory=list)
    cases: list[Case] = field(default_factory=list)
    signers: Signers = field(default_factory=Signers)
    # rounds/evaluations/: the default rubric, per-round rubrics, 八查 records, bulletins
    rubric: Rubric | None = None
    round_rubrics: dict[str, Rubric] = field(default_factory=dict)
    evaluations: list[Evaluation] = field(default_factory=list)
    bulletins: list[Bulletin] = field(default_factory=list)
    # rounds/feedback/<round>/<unit>.yml: the inspection teams' feedback lists
    feedback_lists: list[FeedbackList] = field(default_factory=list)
    # rounds/clues/<round>.yml: problem clues handed over, every round's in one list
    clues: list[Clue] = field(default_factory=list)
    # rounds/supervision/<round>.yml: the 督办 records of each round
    supervision: list[SupervisionFile] = field(default_factory=list)

    @cached_property
    def unit_by_id(self) -> dict[str, Unit]:
        return {u.id: u for u in self.units}

    @cached_property
    def round_by_id(self) -> dict[str, Round]:
        return {r.id: r for r in self.rounds}

    @cached_property
    def common_by_code(self) -> dict[str, CommonProblem]:
        return {c.code: c for c in self.common_problems}

    @cached_property
    def ledger_by_key(self) -> dict[str, Ledger]:
        return {ledger.key: ledger for ledger in self.ledgers}

    @cached_property
    def feedback_by_key(self) -> dict[str, FeedbackList]:
        return {f.key: f for f in self.feedback_lists}

    @cached_property
    def ledgers_by_unit(self) -> dict[str, list[Ledger]]:
        grouped: dict[str, list[Ledger]] = {}
        for ledger in self.ledgers:
            grouped.setdefault(ledger.unit, []).append(ledger)
        return grouped

    @cached_property
    def problem_by_ref(self) -> dict[str, tuple[Ledger, Problem]]:
        return {
            ledger.problem_ref(p): (ledger, p) for ledger in self.ledgers for p in ledger.problems
        }

    def category_label(self, code: str) -> str:
        return next((c.label for c in self.settings.categories if c.code == code), code)
