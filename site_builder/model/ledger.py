"""One unit's rectification ledger (整改台账) for one round: ledgers/<round>/<unit>.yml."""

from __future__ import annotations

from typing import Annotated, Literal

from pydantic import BeforeValidator

from site_builder.model.types import (
    Id,
    LedgerDate,
    Level,
    ListOf,
    OptDate,
    OptNumber,
    OptText,
    Record,
    Text,
)

ProblemSource = Literal["feedback", "common", "higher", "self"]
ProblemStatus = Literal["open", "closed", "withdrawn"]
MeasureStatus = Literal["not_started", "in_progress", "done", "withdrawn"]
ReviewOutcome = Literal["passed", "returned", "pending"]
Responsibility = Literal["direct", "leadership"]
Department = Literal["discipline", "organisation", "inspection_office"]


def _evidence_item(value: object) -> object:
    # Staff usually write evidence as a plain line; a mapping adds a file path.
    if isinstance(value, str):
        return {"title": value}
    return value


class Evidence(Record):
    title: Text
    file: OptText = None


EvidenceItem = Annotated[Evidence, BeforeValidator(_evidence_item)]


class Measure(Record):
    id: Id
    text: OptText = None
    deadline: OptDate = None
    owner: OptText = None
    leader: OptText = None
    status: MeasureStatus = "not_started"
    completed_on: OptDate = None
    progress: OptText = None
    evidence: Annotated[list[EvidenceItem], ListOf] = []
    withdrawn_reason: OptText = None


class Mechanism(Record):
    title: Text
    issued_on: OptDate = None
    document: OptText = None
    enforcement: Annotated[list[EvidenceItem], ListOf] = []


class Accountability(Record):
    person: Text
    post: OptText = None
    responsibility: Responsibility
    form: Level
    measure: Text
    decided_on: OptDate = None
    # Entries are append-only: a correction is a new entry naming the one it replaces
    # (its number in the list, from 1) with the reason.
    supersedes: OptNumber = None
    correction_reason: OptText = None


class Problem(Record):
    id: Id
    title: Text
    description: OptText = None
    category: Text
    source: ProblemSource = "feedback"
    common_code: Annotated[Id | None, BeforeValidator(lambda v: v or None)] = None
    status: ProblemStatus = "open"
    closed_on: OptDate = None
    withdrawn_reason: OptText = None
    measures: Annotated[list[Measure], ListOf] = []
    mechanisms: Annotated[list[Mechanism], ListOf] = []
    accountability: Annotated[list[Accountability], ListOf] = []
    leadership_exempt_reason: OptText = None

    @property
    def current_accountability(self) -> list[Accountability]:
        """The entries that stand: those no later entry supersedes."""
        replaced = {a.supersedes for a in self.accountability if a.supersedes}
        return [a for i, a in enumerate(self.accountability, 1) if i not in replaced]

    @property
    def accountability_is_soft(self) -> bool:
        """Only direct responsibility pursued, none for leadership, and no reason given (问责偏软)."""
        standing = self.current_accountability
        return (
            bool(standing)
            and all(a.responsibility == "direct" for a in standing)
            and not self.leadership_exempt_reason
        )


class PlanReview(Record):
    outcome: ReviewOutcome = "pending"
    reviewer: OptText = None
    reviewed_on: OptDate = None
    findings: Annotated[list[Text], ListOf] = []


class Plan(Record):
    objective: OptText = None
    submitted_on: OptDate = None
    leading_group: OptText = None
    review: PlanReview | None = None


class ReportReviewer(Record):
    name: Text
    department: Department
    signed_on: LedgerDate


class Report(Record):
    submitted_on: OptDate = None
    summary: OptText = None
    reviewers: Annotated[list[ReportReviewer], ListOf] = []


class Ledger(Record):
    round: Id
    unit: Id
    plan: Plan = Plan()
    problems: Annotated[list[Problem], ListOf] = []
    report: Report | None = None

    @property
    def key(self) -> str:
        return f"{self.round}/{self.unit}"

    def problem_ref(self, problem: Problem) -> str:
        return f"{self.round}/{self.unit}/{problem.id}"
