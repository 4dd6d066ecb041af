"""View data for a unit page's 对账 view: feedback item ↔ problems ↔ measures ↔ status.

Also the ledger's 延期申请 (approved or not, the original and the approved deadline)
and its accountability with the deciding body, which the same partial shows.
"""

from __future__ import annotations

from dataclasses import dataclass, field, replace
from datetime import date
from decimal import Decimal

from site_builder.analyse.progress import Colour, measure_colour
from site_builder.model import Project
from site_builder.model.feedback import FeedbackItem
from site_builder.model.labels import (
    CADRE_LEVEL,
    CLUE_RECEIVER,
    CLUE_STATUS,
    DECIDING_BODY,
    FORM_SHORT,
    MEASURE_STATUS,
    MONEY_KIND,
    PLAN_CHECK,
    PROBLEM_SOURCE,
    PROBLEM_STATUS,
    RESPONSIBILITY,
    REVIEW_OUTCOME,
    TIME_LIMIT,
)
from site_builder.model.ledger import Ledger, Measure, Problem
from site_builder.validate.feedback import plan_due

COLOUR_NAMES = {
    "red": "逾期",
    "yellow": "临期",
    "watch": "关注",
    "green": "正常",
    "done": "已完成",
    "none": "无时限",
}


@dataclass(frozen=True)
class MeasureCell:
    ref: str  # P01/M1
    time_limit: str  # 立行立改 / 限期整改 / 长期坚持
    due: date | None  # the deadline, or a 长期坚持 measure's stage date
    status: str
    colour: str

    @property
    def colour_name(self) -> str:
        return COLOUR_NAMES.get(self.colour, self.colour)


@dataclass(frozen=True)
class ProblemCell:
    id: str
    title: str
    status: str
    source: str
    shared_with: tuple[str, ...]  # other feedback items the same problem answers (merged)
    measures: tuple[MeasureCell, ...]
    shown_under: str = ""  # the item whose row already lists this problem's measures


@dataclass(frozen=True)
class ReconcileRow:
    item: FeedbackItem | None
    category: str
    team: str
    problems: tuple[ProblemCell, ...]

    @property
    def gap(self) -> bool:
        return self.item is not None and not self.problems

    @property
    def split(self) -> bool:
        return len(self.problems) > 1


@dataclass(frozen=True)
class PostponementRow:
    ref: str
    original: date | None
    requested_on: date
    new_deadline: date
    reason: str
    approved: bool
    approver: str
    approved_on: date | None
    counted_from: date | None  # the deadline the three-colour warning uses


@dataclass(frozen=True)
class AccountabilityRow:
    problem: str
    person: str
    post: str
    responsibility: str
    form: str
    measure: str
    decided_by: str
    cadre_level: str
    decided_on: date | None


@dataclass(frozen=True)
class ReviewRow:
    n: int
    submitted_on: date | None
    reviewer: str
    reviewed_on: date | None
    outcome: str
    returned: bool
    failed: str  # 方向不明确、任务有漏项 …
    findings: tuple[str, ...]
    resubmit_by: date | None


@dataclass(frozen=True)
class ClueRow:
    id: str
    handed_over_on: date
    receiver: str
    status: str
    summary: str
    outcome: str
    concluded_on: date | None


@dataclass(frozen=True)
class MoneyRow:
    ref: str  # P01 or P01/M1
    kind: str
    amount: Decimal
    on: date | None
    note: str


@dataclass
class Reconciliation:
    has_list: bool = False
    plan_due: date | None = None
    rows: list[ReconcileRow] = field(default_factory=list)  # one per feedback item
    others: list[ReconcileRow] = field(default_factory=list)  # self-found, common, higher
    postponements: list[PostponementRow] = field(default_factory=list)
    accountability: list[AccountabilityRow] = field(default_factory=list)
    reviews: list[ReviewRow] = field(default_factory=list)  # the plan's review history
    clues: list[ClueRow] = field(default_factory=list)  # problem clues handed over
    money: list[MoneyRow] = field(default_factory=list)  # 清退 / 追缴 / 挽回损失
    money_total: Decimal = Decimal(0)

    @property
    def gaps(self) -> int:
        return sum(row.gap for row in self.rows)

    @property
    def empty(self) -> bool:
        shown = (self.postponements, self.accountability, self.reviews, self.clues, self.money)
        return not (self.has_list or any(shown))


def reconciliation(project: Project, ledger: Ledger | None, as_of: date) -> Reconciliation:
    view = Reconciliation()
    if ledger is None:
        return view
    thresholds = project.settings.thresholds
    active = [p for p in ledger.problems if p.status != "withdrawn"]
    feedback = project.feedback_by_key.get(ledger.key)
    if feedback is not None:
        view.has_list, view.plan_due = True, plan_due(project, feedback)
        first: dict[str, str] = {}  # problem id -> the first item that lists it
        for item in feedback.items:
            answering = [p for p in active if item.id in p.answers]
            cells = []
            for p in answering:
                cell = _problem(p, item.id, as_of, thresholds)
                if p.id in first:
                    cell = replace(cell, shown_under=first[p.id])
                first.setdefault(p.id, item.id)
                cells.append(cell)
            view.rows.append(
                ReconcileRow(
                    item,
                    project.category_label(item.category),
                    feedback.team_of(item) or "",
                    tuple(cells),
                )
            )
    known = {item.id for item in feedback.items} if feedback else set()
    for p in active:
        if not any(a in known for a in p.answers):
            cell = _problem(p, "", as_of, thresholds)
            view.others.append(ReconcileRow(None, project.category_label(p.category), "", (cell,)))
    view.reviews = [
        ReviewRow(
            n,
            r.submitted_on,
            r.reviewer or "",
            r.reviewed_on,
            REVIEW_OUTCOME[r.outcome],
            r.outcome == "returned",
            "、".join(PLAN_CHECK[c] for c in r.failed_checks),
            tuple(r.findings),
            r.resubmit_by,
        )
        for n, r in enumerate(ledger.plan.reviews, 1)
    ]
    view.clues = [
        ClueRow(
            c.id,
            c.handed_over_on,
            CLUE_RECEIVER[c.receiver],
            CLUE_STATUS[c.status],
            c.summary,
            c.outcome or "",
            c.concluded_on,
        )
        for c in project.clues
        if (c.round, c.unit) == (ledger.round, ledger.unit)
    ]
    for p in ledger.problems:
        owned = [(p.id, a) for a in p.money]
        owned += [(f"{p.id}/{m.id}", a) for m in p.measures for a in m.money]
        view.money += [
            MoneyRow(ref, MONEY_KIND[a.kind], a.amount, a.on, a.note or "") for ref, a in owned
        ]
    view.money_total = sum((row.amount for row in view.money), Decimal(0))
    for p in ledger.problems:
        for m in p.measures:
            view.postponements.extend(_postponements(p, m))
        view.accountability.extend(_accountability(p))
    return view


def _problem(problem: Problem, item: str, as_of: date, thresholds) -> ProblemCell:
    measures = tuple(
        MeasureCell(
            f"{problem.id}/{m.id}",
            TIME_LIMIT[m.time_limit],
            m.stage_due if m.time_limit == "long_term" and m.stage_due else m.deadline,
            MEASURE_STATUS[m.status],
            str(measure_colour(m, as_of, thresholds)),
        )
        for m in problem.measures
        if m.status != "withdrawn"
    )
    return ProblemCell(
        problem.id,
        problem.title,
        PROBLEM_STATUS[problem.status],
        PROBLEM_SOURCE[problem.source],
        tuple(a for a in problem.answers if a != item),
        measures,
    )


def _postponements(problem: Problem, measure: Measure) -> list[PostponementRow]:
    return [
        PostponementRow(
            f"{problem.id}/{measure.id}",
            measure.original_deadline,
            p.requested_on,
            p.new_deadline,
            p.reason,
            p.approved,
            p.approved_by or "",
            p.approved_on,
            measure.approved_deadline,
        )
        for p in measure.postponements
    ]


def _accountability(problem: Problem) -> list[AccountabilityRow]:
    return [
        AccountabilityRow(
            problem.id,
            a.person,
            a.post or "",
            RESPONSIBILITY[a.responsibility],
            FORM_SHORT[a.form],
            a.measure,
            DECIDING_BODY.get(a.decided_by or "", "（未填写）"),
            CADRE_LEVEL.get(a.cadre_level or "", "（未填写）"),
            a.decided_on,
        )
        for a in problem.accountability
    ]


__all__ = ["Colour", "Reconciliation", "reconciliation"]
