"""Checks of the feedback lists (巡察反馈问题清单) and the ledgers' answers to them (对账).

The team's feedback list is the authority: every item must be answered by at least
one problem of the unit's ledger (else 任务有漏项), and a problem may only name items
the list has. One item split over several problems, or several items merged into one
problem, is allowed; the unit page shows both (render/reconcile.py).
"""

from __future__ import annotations

import difflib
from collections.abc import Iterator
from datetime import date, timedelta

from site_builder.diagnostics import Diagnostic, diag
from site_builder.model import Project
from site_builder.model.feedback import FeedbackItem, FeedbackList
from site_builder.model.labels import PROBLEM_SOURCE
from site_builder.model.ledger import Ledger
from site_builder.model.types import Record


def _at(record: Record) -> dict:
    return {"file": record.src.file, "line": record.src.line, "col": record.src.col}


def expected_path(round_id: str, unit: str) -> str:
    return f"rounds/feedback/{round_id}/{unit}.yml"


def as_of(project: Project) -> date:
    return project.settings.as_of or date.today()


def plan_due(
    project: Project, feedback: FeedbackList, item: FeedbackItem | None = None
) -> date | None:
    """The plan's due date: the list's plan_due, else feedback day + settings.plan_days.

    A supplementary item (added_on) is due settings.plan_days after it was handed over.
    """
    if item is not None and item.added_on:
        later = item.added_on + timedelta(days=project.settings.plan_days)
        return max(later, plan_due(project, feedback) or later)
    if feedback.plan_due:
        return feedback.plan_due
    round_ = project.round_by_id.get(feedback.round)
    entry = round_.inspected().get(feedback.unit) if round_ else None
    if entry is None:
        return None
    return entry.feedback_on + timedelta(days=project.settings.plan_days)


def feedback_lists(project: Project) -> Iterator[Diagnostic]:
    """Each list: where it lies, whom it names, unique item ids, known categories, teams."""
    categories = [c.code for c in project.settings.categories]
    for feedback in project.feedback_lists:
        expected = expected_path(feedback.round, feedback.unit)
        if feedback.src.file not in (expected, expected[:-4] + ".yaml"):
            yield diag(
                "F006",
                **_at(feedback),
                path=feedback.src.file,
                round=feedback.round,
                unit=feedback.unit,
            )
        round_ = project.round_by_id.get(feedback.round)
        if round_ is None or feedback.unit not in round_.inspected():
            yield diag("F007", **_at(feedback), unit=feedback.unit, round=feedback.round)
        if not feedback.items:
            yield diag("F009", **_at(feedback), list=feedback.src.file)
        team = round_.team_of(feedback.unit) if round_ else None
        seen: dict[str, Record] = {}
        for item in feedback.items:
            if item.id in seen:
                first = seen[item.id].src
                yield diag("F011", **_at(item), item=item.id, where=f"第 {first.line} 行")
            seen.setdefault(item.id, item)
            if item.category not in categories:
                yield diag(
                    "R007", **_at(item), category=item.category, choices="、".join(categories)
                )
            entered = feedback.team_of(item)
            if team is not None and entered and entered != team.name:
                yield diag(
                    "F008",
                    **_at(item),
                    item=item.id,
                    team=entered,
                    round=feedback.round,
                    expected=team.name,
                )


def answers(project: Project) -> Iterator[Diagnostic]:
    """Problems against the list: unknown items, unmarked feedback problems, gaps."""
    today = as_of(project)
    for ledger in project.ledgers:
        feedback = project.feedback_by_key.get(ledger.key)
        list_path = expected_path(ledger.round, ledger.unit)
        if feedback is None:
            for problem in ledger.problems:
                if problem.answers:
                    yield diag("F005", **_at(problem), problem=problem.id, list=list_path)
            continue
        yield from _answers_known(ledger, feedback)
        yield from _gaps(project, ledger, feedback, today)


def _answers_known(ledger: Ledger, feedback: FeedbackList) -> Iterator[Diagnostic]:
    known = [item.id for item in feedback.items]
    for problem in ledger.problems:
        for item in problem.answers:
            if item not in known:
                close = difflib.get_close_matches(item, known, n=1, cutoff=0.5)
                hint = f"是否想写“{close[0]}”？" if close else "请核对编号。"
                yield diag(
                    "F003",
                    **_at(problem),
                    problem=problem.id,
                    item=item,
                    list=feedback.src.file,
                    hint=hint,
                )
        if problem.source == "feedback" and not problem.answers and problem.status != "withdrawn":
            yield diag("F004", **_at(problem), problem=problem.id, list=feedback.src.file)
        if problem.source != "feedback" and problem.answers:
            yield diag(
                "F010",
                **_at(problem),
                problem=problem.id,
                source=PROBLEM_SOURCE[problem.source],
                items="、".join(problem.answers),
            )


def _gaps(
    project: Project, ledger: Ledger, feedback: FeedbackList, today: date
) -> Iterator[Diagnostic]:
    answered: set[str] = set()
    withdrawn: set[str] = set()
    for problem in ledger.problems:
        target = withdrawn if problem.status == "withdrawn" else answered
        target.update(problem.answers)
    for item in feedback.items:
        if item.id in answered:
            continue
        detail = "（对应的问题已撤销）" if item.id in withdrawn else ""
        due = plan_due(project, feedback, item)
        review = ledger.plan.current_review
        if due and review and review.outcome == "returned" and review.resubmit_by:
            due = max(due, review.resubmit_by)  # a plan sent back is due again then
        code = "F001" if due is None or today > due else "F002"
        # Reported in the ledger: that is the file the unit must change.
        yield diag(
            code,
            **_at(ledger),
            item=item.id,
            text=_short(item.text),
            detail=detail,
            due=due or "（未知）",
        )


def _short(text: str) -> str:
    return text if len(text) <= 30 else text[:30] + "…"
