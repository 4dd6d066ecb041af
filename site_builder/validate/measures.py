"""Rules the office's newer records add: time-limit kinds (整改时限), postponements
(延期申请) and who may decide accountability (干部管理权限)."""

from __future__ import annotations

from collections.abc import Iterator
from datetime import date, timedelta

from site_builder.diagnostics import Diagnostic, diag
from site_builder.model import Project
from site_builder.model.labels import CADRE_LEVEL, DECIDING_BODY
from site_builder.model.ledger import Ledger, Measure, Problem
from site_builder.model.terms import AUTHORITY
from site_builder.model.types import Record
from site_builder.validate.feedback import as_of


def _at(record: Record) -> dict:
    return {"file": record.src.file, "line": record.src.line, "col": record.src.col}


def _feedback_on(project: Project, ledger: Ledger) -> date | None:
    round_ = project.round_by_id.get(ledger.round)
    entry = round_.inspected().get(ledger.unit) if round_ else None
    return entry.feedback_on if entry else None


def time_limits(project: Project) -> Iterator[Diagnostic]:
    """立行立改 within its window, 长期坚持 with a stage date, a cycle and a mechanism."""
    today, window = as_of(project), project.settings.immediate_days
    for ledger in project.ledgers:
        feedback = _feedback_on(project, ledger)
        for problem in ledger.problems:
            if problem.status == "withdrawn":
                continue
            for measure in problem.measures:
                if measure.status == "withdrawn":
                    continue
                ref = f"{problem.id}/{measure.id}"
                if measure.status == "stage_done" and measure.time_limit != "long_term":
                    yield diag("L011", **_at(measure), measure=ref)
                if measure.time_limit == "long_term":
                    yield from _long_term(problem, measure, ref)
                elif measure.time_limit == "immediate" and feedback is not None:
                    yield from _immediate(measure, ref, feedback, window, today)


def _long_term(problem: Problem, measure: Measure, ref: str) -> Iterator[Diagnostic]:
    if not measure.stage_due:
        yield diag("P007", **_at(measure), measure=ref)
    if not measure.review_cycle:
        yield diag("P010", **_at(measure), measure=ref)
    if not problem.mechanisms:
        yield diag("P008", **_at(measure), problem=problem.id, measure=ref)


def _immediate(
    measure: Measure, ref: str, feedback: date, window: int, today: date
) -> Iterator[Diagnostic]:
    limit = feedback + timedelta(days=window)
    if measure.deadline and measure.deadline > limit:
        yield diag(
            "P009",
            **_at(measure),
            measure=ref,
            deadline=measure.deadline,
            feedback=feedback,
            days=window,
        )
    if measure.complete and measure.completed_on and measure.completed_on > limit:
        detail = f"实际 {measure.completed_on} 才完成"
    elif not measure.complete and today > limit:
        detail = f"至 {today} 仍未完成"
    else:
        return
    yield diag("L010", **_at(measure), measure=ref, window=limit, days=window, detail=detail)


def postponements(project: Project) -> Iterator[Diagnostic]:
    """Each 延期申请: later than before, approved after asked, by a listed reviewer."""
    reviewers = {r.name: r for r in project.signers.reviewers}
    for ledger in project.ledgers:
        for problem in ledger.problems:
            for measure in problem.measures:
                ref = f"{problem.id}/{measure.id}"
                previous = measure.original_deadline
                for p in measure.postponements:
                    old = p.old_deadline or previous
                    if old and p.new_deadline <= old:
                        yield diag("D006", **_at(p), measure=ref, old=old, new=p.new_deadline)
                    if p.approved_on and p.approved_on < p.requested_on:
                        yield diag(
                            "D007",
                            **_at(p),
                            measure=ref,
                            approved=p.approved_on,
                            requested=p.requested_on,
                        )
                    if not p.approved:
                        shown = measure.approved_deadline or old or "原时限"
                        yield diag("L012", **_at(p), measure=ref, old=shown, new=p.new_deadline)
                    elif (reviewer := reviewers.get(p.approved_by or "")) is None:
                        yield diag("R013", **_at(p), measure=ref, name=p.approved_by)
                    elif not reviewer.may_approve(ledger.unit):
                        yield diag(
                            "R014", **_at(p), measure=ref, name=p.approved_by, unit=ledger.unit
                        )
                    previous = p.new_deadline
                last = measure.postponements[-1] if measure.postponements else None
                if last and measure.deadline != last.new_deadline:
                    yield diag(
                        "L013",
                        **_at(measure),
                        measure=ref,
                        new=last.new_deadline,
                        deadline=measure.deadline or "（空）",
                    )


def authority(project: Project) -> Iterator[Diagnostic]:
    """The deciding body must have authority over the person's level (干部管理权限)."""
    for ledger in project.ledgers:
        for problem in ledger.problems:
            for entry in problem.accountability:
                decided_by, cadre_level = entry.decided_by, entry.cadre_level
                if not decided_by or not cadre_level:
                    missing = [
                        label
                        for value, label in (
                            (decided_by, "决定机关"),
                            (cadre_level, "干部管理层级"),
                        )
                        if not value
                    ]
                    yield diag(
                        "A003", **_at(entry), person=entry.person, missing="和".join(missing)
                    )
                    continue
                allowed = AUTHORITY[cadre_level]
                if decided_by not in allowed:
                    yield diag(
                        "A002",
                        **_at(entry),
                        person=entry.person,
                        level=CADRE_LEVEL[cadre_level],
                        body=DECIDING_BODY[decided_by],
                        allowed="、".join(DECIDING_BODY[b] for b in DECIDING_BODY if b in allowed),
                    )
