"""The plan's review history (三不过): each submission, its review, and what failed.

Also the check the office can record as a review: the validator's 三不过 findings on
the plan as submitted (``suggested_review``).
"""

from __future__ import annotations

from collections.abc import Iterator
from datetime import date

from site_builder.diagnostics import Diagnostic, diag
from site_builder.model import Project
from site_builder.model.labels import PLAN_CHECK
from site_builder.model.ledger import Ledger
from site_builder.model.types import Record
from site_builder.validate.feedback import as_of

# Which diagnostic codes fail which of the three checks.
CHECK_CODES = {
    "direction": ("P005",),
    "missing_tasks": ("P001", "F001", "F002"),
    "vague_measures": ("P002", "P003", "P004", "P007"),
}


def _at(record: Record) -> dict:
    return {"file": record.src.file, "line": record.src.line, "col": record.src.col}


def plan_reviews(project: Project) -> Iterator[Diagnostic]:
    today = as_of(project)
    for ledger in project.ledgers:
        plan = ledger.plan
        if plan.review is not None and plan.reviews:
            yield diag("P011", **_at(plan))
        previous: date | None = None
        for n, review in enumerate(plan.reviews, 1):
            detail = _order(review.submitted_on, review.reviewed_on, previous)
            if detail:
                yield diag("D008", **_at(review), n=n, detail=detail)
            previous = review.reviewed_on or review.submitted_on or previous
            if review.outcome == "returned" and not review.failed_checks:
                yield diag("P012", **_at(review), n=n)
            if review.outcome == "passed" and review.failed_checks:
                checks = "、".join(PLAN_CHECK[c] for c in review.failed_checks)
                yield diag("P014", **_at(review), n=n, checks=checks)
        last = plan.current_review
        if last is not None and last.outcome == "returned" and last.reviewed_on:
            if last.resubmit_by and today > last.resubmit_by:
                detail = f"重新报送时限 {last.resubmit_by} 已过，仍未重新报送"
            elif not last.resubmit_by:
                detail = "没有重新报送的记录，也没有写明重新报送时限（resubmit_by）"
            else:
                continue
            yield diag("P013", **_at(last), date=last.reviewed_on, detail=detail)


def _order(submitted: date | None, reviewed: date | None, previous: date | None) -> str:
    if submitted and reviewed and reviewed < submitted:
        return f"审核日期 {reviewed} 早于报送日期 {submitted}"
    if previous and submitted and submitted < previous:
        return f"报送日期 {submitted} 早于上一次审核 {previous}"
    return ""


def suggested_review(diagnostics: list[Diagnostic], ledger: Ledger) -> dict:
    """The validator's 三不过 findings on ``ledger``'s plan, as a review entry to record."""
    own = [d for d in diagnostics if d.file == ledger.src.file]
    failed = [c for c, codes in CHECK_CODES.items() if any(d.code in codes for d in own)]
    findings = [
        f"{d.code} {d.message}" for d in own if any(d.code in c for c in CHECK_CODES.values())
    ]
    return {
        "submitted_on": ledger.plan.submitted_on,
        "outcome": "returned" if failed else "passed",
        "failed_checks": failed,
        "findings": findings,
    }
