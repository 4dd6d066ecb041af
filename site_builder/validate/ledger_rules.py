"""Rules inside a ledger and a round: dates, closure (销号), the plan's 三不过, sign-offs."""

from __future__ import annotations

import re
from collections.abc import Iterator
from datetime import date

from site_builder.diagnostics import Diagnostic, diag
from site_builder.model import Project
from site_builder.model.labels import (
    DEPARTMENT,
    MEASURE_STATUS,
    PROBLEM_STATUS,
    RECEIPT_ROLE,
    field_label,
)
from site_builder.model.ledger import Ledger, Measure
from site_builder.model.types import Record

_PUNCTUATION = re.compile(r"[\s\W_]+", re.UNICODE)


def _at(record: Record) -> dict:
    return {"file": record.src.file, "line": record.src.line, "col": record.src.col}


def _feedback_on(project: Project, ledger: Ledger) -> date | None:
    round_ = project.round_by_id.get(ledger.round)
    entry = round_.inspected().get(ledger.unit) if round_ else None
    return entry.feedback_on if entry else None


def _mref(problem_id: str, measure: Measure) -> str:
    return f"{problem_id}/{measure.id}"


def round_dates(project: Project) -> Iterator[Diagnostic]:
    for round_ in project.rounds:
        if round_.end < round_.start:
            yield diag("D004", **_at(round_), start=round_.start, end=round_.end)


def receipts(project: Project) -> Iterator[Diagnostic]:
    for round_ in project.rounds:
        for team in round_.teams:
            for entry in team.units:
                for role, label in RECEIPT_ROLE.items():
                    signature = getattr(entry.receipt, role, None) if entry.receipt else None
                    if signature is None or not signature.name or not signature.signed_on:
                        where = signature or entry.receipt or entry
                        yield diag("G001", **_at(where), unit=entry.unit, role=label)


def ledger_dates(project: Project) -> Iterator[Diagnostic]:
    for ledger in project.ledgers:
        feedback = _feedback_on(project, ledger)
        if feedback is None:
            continue
        for record, name in ((ledger.plan, "submitted_on"), (ledger.report, "submitted_on")):
            if record is None:
                continue
            value = getattr(record, name, None)
            if value and value < feedback:
                yield diag(
                    "D005",
                    **_at(record),
                    field=name,
                    label=field_label(name),
                    value=value,
                    feedback=feedback,
                )
        for problem in ledger.problems:
            if problem.closed_on and problem.closed_on < feedback:
                yield diag("D001", **_at(problem), closed=problem.closed_on, feedback=feedback)
            for measure in problem.measures:
                if measure.deadline and measure.deadline < feedback:
                    yield diag("D002", **_at(measure), deadline=measure.deadline, feedback=feedback)
                if measure.completed_on and measure.completed_on < feedback:
                    yield diag("D003", **_at(measure), done=measure.completed_on, feedback=feedback)


def closure_rules(project: Project) -> Iterator[Diagnostic]:
    for ledger in project.ledgers:
        for problem in ledger.problems:
            active = [m for m in problem.measures if m.status != "withdrawn"]
            if problem.status == "closed":
                if not problem.closed_on:
                    yield diag("L003", **_at(problem), problem=problem.id)
                for measure in active:
                    if not measure.complete:
                        yield diag(
                            "L001",
                            **_at(measure),
                            problem=problem.id,
                            measure=_mref(problem.id, measure),
                            status=MEASURE_STATUS[measure.status],
                        )
                # L002 already names each done measure without evidence.
                undone = [m for m in active if not m.complete]
                if active and undone and not any(m.evidence for m in active):
                    yield diag("L009", **_at(problem), problem=problem.id)
            elif problem.closed_on:
                yield diag(
                    "L004",
                    **_at(problem),
                    problem=problem.id,
                    status=PROBLEM_STATUS[problem.status],
                )
            if problem.status == "withdrawn" and not problem.withdrawn_reason:
                yield diag("L006", **_at(problem), item=f"问题 {problem.id}")
            for measure in problem.measures:
                ref = _mref(problem.id, measure)
                if measure.complete:
                    if not measure.completed_on:
                        yield diag("L005", **_at(measure), measure=ref)
                    if not measure.evidence:
                        yield diag("L002", **_at(measure), measure=ref)
                elif measure.completed_on:
                    yield diag(
                        "L008", **_at(measure), measure=ref, status=MEASURE_STATUS[measure.status]
                    )
                if measure.status == "withdrawn" and not measure.withdrawn_reason:
                    yield diag("L006", **_at(measure), item=f"措施 {ref}")


def is_vague(text: str | None, phrases: list[str], min_chars: int) -> bool:
    """Empty, too short, or nothing concrete left once stock phrases are removed."""
    if not text:
        return True
    bare = _PUNCTUATION.sub("", text)
    if len(bare) < min_chars:
        return True
    for phrase in sorted(phrases, key=len, reverse=True):
        bare = bare.replace(phrase, "")
    return len(bare) < 4


def plan_rules(project: Project) -> Iterator[Diagnostic]:
    settings = project.settings
    for ledger in project.ledgers:
        if not ledger.plan.objective:
            yield diag("P005", **_at(ledger.plan if ledger.plan.src.line else ledger))
        for problem in ledger.problems:
            if problem.status == "withdrawn":
                continue
            active = [m for m in problem.measures if m.status != "withdrawn"]
            if not active:
                yield diag("P001", **_at(problem), problem=problem.id)
            for measure in active:
                ref = _mref(problem.id, measure)
                if not measure.deadline and measure.time_limit != "long_term":
                    yield diag("P002", **_at(measure), measure=ref)
                if not measure.owner:
                    yield diag("P003", **_at(measure), measure=ref)
                if is_vague(measure.text, settings.vague_phrases, settings.min_measure_chars):
                    yield diag("P004", **_at(measure), measure=ref, text=measure.text or "")
                if not measure.leader:
                    yield diag("P006", **_at(measure), measure=ref)


def accountability_rules(project: Project) -> Iterator[Diagnostic]:
    for ledger in project.ledgers:
        for problem in ledger.problems:
            if problem.accountability_is_soft:
                yield diag("A001", **_at(problem.accountability[0]), problem=problem.id)
            for number, entry in enumerate(problem.accountability, 1):
                if entry.supersedes is not None and not 1 <= entry.supersedes < number:
                    yield diag("L031", **_at(entry), number=number, target=entry.supersedes)
                if entry.supersedes is not None and not entry.correction_reason:
                    yield diag("L032", **_at(entry), number=number)


def future_closures(project: Project) -> Iterator[Diagnostic]:
    """A closure or completion dated after the day the data is judged on (settings.as_of,
    or today): recorded before it happened."""
    today = project.settings.as_of or date.today()
    for ledger in project.ledgers:
        for problem in ledger.problems:
            if problem.closed_on and problem.closed_on > today:
                yield diag("L030", **_at(problem), item=f"问题 {problem.id}",
                           day=problem.closed_on, today=today)  # fmt: skip
            for measure in problem.measures:
                if measure.completed_on and measure.completed_on > today:
                    yield diag("L030", **_at(measure), item=f"措施 {_mref(problem.id, measure)}",
                               day=measure.completed_on, today=today)  # fmt: skip


def report_rules(project: Project) -> Iterator[Diagnostic]:
    for ledger in project.ledgers:
        report = ledger.report
        if report is None or not report.submitted_on:
            continue
        signed = {r.department for r in report.reviewers}
        for department in ("discipline", "organisation"):
            if department not in signed:
                yield diag("G002", **_at(report), department=DEPARTMENT[department])
