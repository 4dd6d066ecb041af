"""Checks that ids are unique and that every reference between files resolves."""

from __future__ import annotations

import difflib
from collections.abc import Iterable, Iterator
from pathlib import Path

from site_builder.diagnostics import Diagnostic, diag
from site_builder.model import Project
from site_builder.model.types import Record


def _at(record: Record) -> dict:
    return {"file": record.src.file, "line": record.src.line, "col": record.src.col}


def _hint(value: str, known: Iterable[str], what: str) -> str:
    close = difflib.get_close_matches(value, list(known), n=1, cutoff=0.5)
    return f"是否想写“{close[0]}”？" if close else f"请检查拼写，或先在{what}中登记。"


def _unique(records: Iterable[Record], key: str) -> Iterator[Diagnostic]:
    seen: dict[str, Record] = {}
    for record in records:
        value = getattr(record, key)
        if value in seen:
            first = seen[value].src
            yield diag("R004", **_at(record), id=value, where=f"{first.file} 第 {first.line} 行")
        else:
            seen[value] = record


def duplicate_ids(project: Project) -> Iterator[Diagnostic]:
    yield from _unique(project.units, "id")
    yield from _unique(project.rounds, "id")
    yield from _unique(project.common_problems, "code")
    yield from _unique(project.signers.reviewers, "email")
    for round_ in project.rounds:
        yield from _unique((e for t in round_.teams for e in t.units), "unit")
    for ledger in project.ledgers:
        yield from _unique(ledger.problems, "id")
        for problem in ledger.problems:
            yield from _unique(problem.measures, "id")


def registry_and_rounds(project: Project) -> Iterator[Diagnostic]:
    units, rounds = project.unit_by_id, project.round_by_id
    for unit in project.units:
        for round_id in unit.inspected_in:
            if round_id not in rounds:
                yield diag(
                    "R002", **_at(unit), round=round_id, hint=_hint(round_id, rounds, "轮次")
                )
            elif unit.id not in rounds[round_id].inspected():
                yield diag(
                    "R009",
                    **_at(unit),
                    detail=(f"名录写 {unit.id} 在 {round_id} 被巡察，但该轮次的 teams 中没有它"),
                )
    for round_ in project.rounds:
        for team in round_.teams:
            for entry in team.units:
                if entry.unit not in units:
                    yield diag(
                        "R001",
                        **_at(entry),
                        unit=entry.unit,
                        hint=_hint(entry.unit, units, "单位名录"),
                    )
                elif round_.id not in units[entry.unit].inspected_in:
                    yield diag(
                        "R009",
                        **_at(entry),
                        detail=(
                            f"轮次 {round_.id} 巡察了 {entry.unit}，但名录中它的 inspected_in 没有 {round_.id}"
                        ),
                    )


def ledger_references(project: Project) -> Iterator[Diagnostic]:
    units, rounds, common = project.unit_by_id, project.round_by_id, project.common_by_code
    categories = [c.code for c in project.settings.categories]
    for ledger in project.ledgers:
        expected = f"ledgers/{ledger.round}/{ledger.unit}.yml"
        if ledger.src.file not in (expected, expected[:-4] + ".yaml"):
            yield diag(
                "R005", **_at(ledger), path=ledger.src.file, round=ledger.round, unit=ledger.unit
            )
        if ledger.round not in rounds:
            yield diag(
                "R002", **_at(ledger), round=ledger.round, hint=_hint(ledger.round, rounds, "轮次")
            )
        elif ledger.unit not in rounds[ledger.round].inspected():
            yield diag("R006", **_at(ledger), unit=ledger.unit, round=ledger.round)
        if ledger.unit not in units:
            yield diag(
                "R001", **_at(ledger), unit=ledger.unit, hint=_hint(ledger.unit, units, "单位名录")
            )
        for problem in ledger.problems:
            if problem.category not in categories:
                yield diag(
                    "R007", **_at(problem), category=problem.category, choices="、".join(categories)
                )
            if problem.common_code and problem.common_code not in common:
                yield diag(
                    "R003",
                    **_at(problem),
                    code=problem.common_code,
                    hint=_hint(problem.common_code, common, "共性问题目录"),
                )
            if problem.source == "common" and not problem.common_code:
                yield diag("L007", **_at(problem), problem=problem.id)


def missing_ledgers(project: Project) -> Iterator[Diagnostic]:
    # Ask the file system, not the loaded ledgers: a broken file is not a missing one.
    ledgers = Path(project.root) / "ledgers"
    for round_ in project.rounds:
        for unit_id, entry in round_.inspected().items():
            folder = ledgers / round_.id
            if not any((folder / f"{unit_id}{ext}").exists() for ext in (".yml", ".yaml")):
                yield diag("R010", **_at(entry), unit=unit_id, round=round_.id)


def catalogue_references(project: Project) -> Iterator[Diagnostic]:
    rounds = project.round_by_id
    categories = [c.code for c in project.settings.categories]
    for item in project.common_problems:
        for round_id in item.named_in:
            if round_id not in rounds:
                yield diag(
                    "R002", **_at(item), round=round_id, hint=_hint(round_id, rounds, "轮次")
                )
        if item.category not in categories:
            yield diag("R007", **_at(item), category=item.category, choices="、".join(categories))


def self_check_references(project: Project) -> Iterator[Diagnostic]:
    units, common = project.unit_by_id, project.common_by_code
    for check in project.self_checks:
        if check.unit not in units:
            yield diag(
                "R001", **_at(check), unit=check.unit, hint=_hint(check.unit, units, "单位名录")
            )
            continue
        if check.code not in common:
            yield diag(
                "R003",
                **_at(check),
                code=check.code,
                hint=_hint(check.code, common, "共性问题目录"),
            )
        feedbacks = [
            r.inspected()[check.unit].feedback_on
            for r in project.rounds
            if check.unit in r.inspected()
        ]
        if feedbacks and check.checked_on >= min(feedbacks):
            yield diag(
                "R011",
                **_at(check),
                unit=check.unit,
                date=check.checked_on,
                feedback=min(feedbacks),
            )


def case_references(project: Project) -> Iterator[Diagnostic]:
    units, rounds = project.unit_by_id, project.round_by_id
    categories = [c.code for c in project.settings.categories]
    for case in project.cases:
        if case.unit not in units:
            yield diag(
                "R001", **_at(case), unit=case.unit, hint=_hint(case.unit, units, "单位名录")
            )
        if case.round and case.round not in rounds:
            yield diag(
                "R002", **_at(case), round=case.round, hint=_hint(case.round, rounds, "轮次")
            )
        if case.category not in categories:
            yield diag("R007", **_at(case), category=case.category, choices="、".join(categories))
        for ref in case.problems:
            if ref not in project.problem_by_ref:
                yield diag("R008", **_at(case), ref=ref)


def signer_references(project: Project) -> Iterator[Diagnostic]:
    units = project.unit_by_id
    for reviewer in project.signers.reviewers:
        for unit in reviewer.units:
            if unit != "*" and unit not in units:
                yield diag("R001", **_at(reviewer), unit=unit, hint=_hint(unit, units, "单位名录"))
