"""One unit's rectification ledger (整改台账) for one round: ledgers/<round>/<unit>.yml."""

from __future__ import annotations

from datetime import date
from typing import Annotated, Literal

from pydantic import BeforeValidator

from site_builder.model.money import Amount
from site_builder.model.terms import (
    CADRE_LEVEL_WORDS,
    DECIDING_BODY_WORDS,
    OUTCOME_WORDS,
    PLAN_CHECK_WORDS,
    REVIEW_CYCLE_WORDS,
    TIME_LIMIT_WORDS,
    CadreLevel,
    DecidingBody,
    PlanCheck,
    ReviewCycle,
    TimeLimit,
    current_term,
    form_number,
    word_or_key,
)
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
# stage_done (阶段性完成): a 长期坚持 measure whose current stage is complete.
MeasureStatus = Literal["not_started", "in_progress", "done", "stage_done", "withdrawn"]
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
# 四种形态 as 1-4, or as written: 第一种形态 … 第四种形态.
Form = Annotated[Level, BeforeValidator(form_number)]


class Postponement(Record):
    """A 延期申请: the deadline moves only with a reason and a listed reviewer's approval."""

    requested_on: LedgerDate
    reason: Text
    old_deadline: OptDate = None
    new_deadline: LedgerDate
    approved_by: OptText = None
    approved_on: OptDate = None

    @property
    def approved(self) -> bool:
        return bool(self.approved_by and self.approved_on)


class Measure(Record):
    id: Id
    text: OptText = None
    time_limit: Annotated[TimeLimit, BeforeValidator(word_or_key(TIME_LIMIT_WORDS))] = "deadline"
    deadline: OptDate = None
    stage_goal: OptText = None
    stage_due: OptDate = None
    review_cycle: Annotated[
        ReviewCycle | None, BeforeValidator(word_or_key(REVIEW_CYCLE_WORDS))
    ] = None
    owner: OptText = None
    leader: OptText = None
    status: MeasureStatus = "not_started"
    completed_on: OptDate = None
    progress: OptText = None
    evidence: Annotated[list[EvidenceItem], ListOf] = []
    withdrawn_reason: OptText = None
    postponements: Annotated[list[Postponement], ListOf] = []
    money: Annotated[list[Amount], ListOf] = []  # 清退 / 追缴 / 挽回损失

    @property
    def complete(self) -> bool:
        """Done, or a 长期坚持 measure whose stage is done (阶段性完成)."""
        return self.status in ("done", "stage_done")

    @property
    def original_deadline(self) -> date | None:
        """The deadline the plan set, before any postponement."""
        first = self.postponements[0] if self.postponements else None
        return first.old_deadline if first and first.old_deadline else self.deadline

    @property
    def approved_deadline(self) -> date | None:
        """The deadline warnings count from: moved only by approved postponements.

        A 长期坚持 measure counts from its stage date.
        """
        if self.time_limit == "long_term" and self.stage_due and not self.postponements:
            return self.stage_due
        if not self.postponements:
            return self.deadline
        current = self.original_deadline
        for postponement in self.postponements:
            if postponement.approved:
                current = postponement.new_deadline
        return current

    def postponement_to(self, new_deadline: date) -> Postponement | None:
        """The 延期申请 that moved the deadline to ``new_deadline``, if one is recorded."""
        return next((p for p in self.postponements if p.new_deadline == new_deadline), None)


class Mechanism(Record):
    title: Text
    issued_on: OptDate = None
    document: OptText = None
    enforcement: Annotated[list[EvidenceItem], ListOf] = []


class Accountability(Record):
    person: Text
    post: OptText = None
    responsibility: Responsibility
    form: Form
    measure: Annotated[Text, BeforeValidator(current_term)]
    decided_on: OptDate = None
    decided_by: Annotated[
        DecidingBody | None, BeforeValidator(word_or_key(DECIDING_BODY_WORDS))
    ] = None
    cadre_level: Annotated[CadreLevel | None, BeforeValidator(word_or_key(CADRE_LEVEL_WORDS))] = (
        None
    )
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
    # The feedback items (rounds/feedback/<round>/<unit>.yml) this problem answers.
    answers: Annotated[list[Id], ListOf] = []
    status: ProblemStatus = "open"
    closed_on: OptDate = None
    withdrawn_reason: OptText = None
    measures: Annotated[list[Measure], ListOf] = []
    mechanisms: Annotated[list[Mechanism], ListOf] = []
    accountability: Annotated[list[Accountability], ListOf] = []
    leadership_exempt_reason: OptText = None
    money: Annotated[list[Amount], ListOf] = []  # 清退 / 追缴 / 挽回损失 not tied to a measure

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
    outcome: Annotated[ReviewOutcome, BeforeValidator(word_or_key(OUTCOME_WORDS))] = "pending"
    reviewer: OptText = None
    reviewed_on: OptDate = None
    findings: Annotated[list[Text], ListOf] = []
    # In a list of reviews (Plan.reviews): the submission reviewed, the 三不过 checks it
    # failed, and by when a returned plan must come back.
    submitted_on: OptDate = None
    failed_checks: Annotated[
        list[Annotated[PlanCheck, BeforeValidator(word_or_key(PLAN_CHECK_WORDS))]], ListOf
    ] = []
    resubmit_by: OptDate = None


class Plan(Record):
    objective: OptText = None
    submitted_on: OptDate = None
    leading_group: OptText = None
    review: PlanReview | None = None  # one review, as older ledgers record it
    reviews: Annotated[list[PlanReview], ListOf] = []  # every submission and its review

    @property
    def history(self) -> list[PlanReview]:
        return list(self.reviews) or ([self.review] if self.review else [])

    @property
    def current_review(self) -> PlanReview | None:
        history = self.history
        return history[-1] if history else None


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
