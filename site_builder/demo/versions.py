"""Earlier versions of a ledger: the final sample rolled back to a given day."""

from __future__ import annotations

from dataclasses import dataclass, field
from datetime import date, timedelta

from site_builder.model.ledger import Ledger, Measure, Postponement


@dataclass
class Script:
    """Scripted departures from a plain progression, for one ledger."""

    # measure ref (P01/M1) -> (original deadline, day it was postponed)
    postponed: dict[str, tuple[date, date]] = field(default_factory=dict)
    # problem id -> (first closure day, reopening day): closed early, then relapsed
    relapse: dict[str, tuple[date, date]] = field(default_factory=dict)


def _iso(value: date | None) -> str | None:
    return value.isoformat() if value else None


def version_at(final: Ledger, day: date, feedback: date, script: Script) -> dict:
    """The ledger as its staff would have written it on ``day``."""
    data = final.model_dump(mode="json", exclude_none=True)
    started = day >= feedback + timedelta(days=30)
    plan = data.get("plan", {})
    review = plan.get("review")
    if review and review.get("reviewed_on") and date.fromisoformat(review["reviewed_on"]) > day:
        plan.pop("review")
    if plan.get("reviews"):
        _reviews_by_day(plan, day)
    report = final.report
    if report is None or not report.submitted_on or report.submitted_on > day:
        data.pop("report", None)
    for p_data, problem in zip(data.get("problems", []), final.problems, strict=True):
        closed = problem.closed_on is not None and problem.closed_on <= day
        if problem.status == "closed" and not closed:
            p_data["status"] = "open"
            p_data.pop("closed_on", None)
        relapse = script.relapse.get(problem.id)
        first_closed = relapse is not None and relapse[0] <= day < relapse[1]
        if relapse is not None and first_closed:
            p_data["status"] = "closed"
            p_data["closed_on"] = _iso(relapse[0])
        for m_data, measure in zip(p_data.get("measures", []), problem.measures, strict=True):
            ref = f"{problem.id}/{measure.id}"
            done = measure.completed_on is not None and measure.completed_on <= day
            if relapse is not None and first_closed:
                m_data.update(
                    status="done",
                    completed_on=_iso(relapse[0] - timedelta(days=3)),
                    evidence=[f"{measure.text[:12] if measure.text else ''}……整改情况说明"],
                )
            elif measure.status == "done" and not done or measure.status == "in_progress":
                m_data["status"] = "in_progress" if started else "not_started"
                for key in ("completed_on", "evidence"):
                    m_data.pop(key, None)
            if not started:
                m_data.pop("progress", None)
            if ref in script.postponed and day < script.postponed[ref][1]:
                m_data["deadline"] = _iso(script.postponed[ref][0])
            if measure.postponements:
                _postponed_by_day(m_data, measure, day)
            if m_data.get("money"):
                _money_by_day(m_data, day)
        p_data["mechanisms"] = [
            m
            for m, mech in zip(p_data.get("mechanisms", []), problem.mechanisms, strict=True)
            if (mech.issued_on or problem.closed_on or date.max) <= day
        ]
        p_data["accountability"] = [
            a
            for a, entry in zip(
                p_data.get("accountability", []), problem.accountability, strict=True
            )
            if (entry.decided_on or feedback + timedelta(days=45)) <= day
        ]
        for key in ("mechanisms", "accountability"):
            if not p_data[key]:
                p_data.pop(key)
    return data


def _reviews_by_day(plan: dict, day: date) -> None:
    """The submissions made by ``day``; a review not yet given reads as pending."""
    kept = []
    for review in plan["reviews"]:
        submitted = review.get("submitted_on")
        if submitted and date.fromisoformat(submitted) > day:
            break
        reviewed = review.get("reviewed_on")
        if reviewed and date.fromisoformat(reviewed) > day:
            review = {"submitted_on": submitted, "outcome": "pending"}
        kept.append(review)
    if kept:
        plan["reviews"] = kept
    else:
        plan.pop("reviews")


def _money_by_day(data: dict, day: date) -> None:
    """Amounts recovered by ``day`` (undated ones from the start)."""
    data["money"] = [a for a in data["money"] if not a.get("on") or a["on"] <= day.isoformat()]
    if not data["money"]:
        data.pop("money")


def postponed_on(postponement: Postponement) -> date:
    """The day the deadline was moved: on approval, or when an unapproved one was asked."""
    return postponement.approved_on if postponement.approved_on else postponement.requested_on


def _postponed_by_day(m_data: dict, measure: Measure, day: date) -> None:
    """The 延期申请 made by ``day``, and the deadline they had moved it to."""
    made = [p for p in measure.postponements if postponed_on(p) <= day]
    deadline = made[-1].new_deadline if made else measure.original_deadline
    m_data["deadline"] = _iso(deadline)
    m_data["postponements"] = m_data["postponements"][: len(made)]
    if not made:
        m_data.pop("postponements")


def change_days(final: Ledger, feedback: date, script: Script) -> list[date]:
    """Days on which this ledger changed: each completion, closure, decision and postponement."""
    days: set[date | None] = {feedback + timedelta(days=30)}
    for problem in final.problems:
        days.add(problem.closed_on)
        for measure in problem.measures:
            days.add(measure.completed_on)
        days.update(m.issued_on for m in problem.mechanisms)
        days.update(a.decided_on for a in problem.accountability)
    days.update(when for _, when in script.postponed.values())
    days.update(
        postponed_on(p) for pr in final.problems for m in pr.measures for p in m.postponements
    )
    for first, reopened in script.relapse.values():
        days.update((first, reopened))
    if final.plan.review and final.plan.review.reviewed_on:
        days.add(final.plan.review.reviewed_on)
    for review in final.plan.reviews:
        days.update((review.submitted_on, review.reviewed_on))
    if final.report and final.report.submitted_on:
        days.add(final.report.submitted_on)
    return sorted(d for d in days if d is not None and d > feedback)
