"""Putting results to use (成果运用): 未巡先改 notices per common problem and warning
bulletins (警示教育通报) made of chosen typical cases."""

from __future__ import annotations

from dataclasses import dataclass, field
from datetime import date

from site_builder.model import Project
from site_builder.model.district import Case, CommonProblem, Round, SelfCheck, Unit
from site_builder.model.evaluation import Bulletin
from site_builder.model.labels import FORM, SELF_CHECK_RESULT, UNIT_KIND
from site_builder.model.ledger import Problem
from site_builder.render.report import NUMERALS


@dataclass
class NoticeRow:
    """One unit the notice was sent to, with its self-check and what inspection found later."""

    unit: Unit
    inspected: Round | None  # its first inspection after the notice, if any
    self_check: SelfCheck | None
    found: list[tuple[str, Problem]] = field(default_factory=list)  # (round id, problem)

    @property
    def kind(self) -> str:
        return UNIT_KIND.get(self.unit.kind, self.unit.kind)

    @property
    def result(self) -> str:
        return SELF_CHECK_RESULT[self.self_check.result] if self.self_check else "未报送自查"

    @property
    def covered(self) -> bool:
        """Self-checked, or its own ledger already has the problem: 未巡先改 done."""
        return self.self_check is not None or bool(self.found)

    @property
    def missed(self) -> bool:
        """The self-check found nothing, but the inspection found the same problem (过关心态)."""
        return bool(self.found and self.self_check and self.self_check.result == "not_found")


@dataclass
class NoticeView:
    item: CommonProblem
    named: Round
    rows: list[NoticeRow]
    uninspected_now: list[Unit]  # units still not inspected on the site's as-of date
    as_of: date

    @property
    def issued_on(self) -> date:
        return self.named.end

    @property
    def checked(self) -> int:
        return sum(r.self_check is not None for r in self.rows)

    @property
    def covered(self) -> int:
        return sum(r.covered for r in self.rows)

    @property
    def found_self(self) -> int:
        return sum(bool(r.self_check and r.self_check.result == "found") for r in self.rows)

    @property
    def found_later(self) -> int:
        return sum(bool(r.found) for r in self.rows)

    @property
    def missed(self) -> int:
        return sum(r.missed for r in self.rows)


def _inspections(project: Project) -> dict[str, list[Round]]:
    rounds: dict[str, list[Round]] = {}
    for round_ in sorted(project.rounds, key=lambda r: r.start):
        for unit in round_.inspected():
            rounds.setdefault(unit, []).append(round_)
    return rounds


def notice_views(project: Project, as_of: date) -> list[NoticeView]:
    """A notice per common problem, to the units not inspected when the district named it."""
    inspections = _inspections(project)
    checks: dict[tuple[str, str], SelfCheck] = {}
    for check in sorted(project.self_checks, key=lambda c: c.checked_on):
        checks[(check.unit, check.code)] = check
    uninspected = [
        u
        for u in project.units
        if not any(r.inspected()[u.id].feedback_on <= as_of for r in inspections.get(u.id, []))
    ]
    views = []
    for item in project.common_problems:
        named = sorted(
            (project.round_by_id[r] for r in item.named_in if r in project.round_by_id),
            key=lambda r: r.start,
        )
        if not named:
            continue
        first = named[0]
        rows = []
        for unit in project.units:
            own = inspections.get(unit.id, [])
            if any(r.start <= first.start for r in own):
                continue  # inspected in the naming round or before: not a 未巡先改 unit
            row = NoticeRow(unit, own[0] if own else None, checks.get((unit.id, item.code)))
            for round_ in own:
                ledger = project.ledger_by_key.get(f"{round_.id}/{unit.id}")
                for problem in ledger.problems if ledger else []:
                    if problem.common_code == item.code:
                        row.found.append((round_.id, problem))
            rows.append(row)
        rows.sort(key=lambda r: (not r.missed, r.inspected.start if r.inspected else date.max))
        views.append(NoticeView(item, first, rows, uninspected, as_of))
    return views


@dataclass
class CaseItem:
    case: Case
    unit_name: str
    number: str  # 一, 二 … as the bulletin numbers its cases

    @property
    def form(self) -> str:
        return FORM.get(self.case.form, str(self.case.form))


@dataclass
class BulletinView:
    bulletin: Bulletin
    cases: list[CaseItem]


def bulletin_views(project: Project) -> list[BulletinView]:
    by_id = {c.id: c for c in project.cases}
    views = []
    for bulletin in sorted(project.bulletins, key=lambda b: b.issued_on, reverse=True):
        items: list[CaseItem] = []
        for case_id in bulletin.cases:
            case = by_id.get(case_id)
            if case is not None:
                unit = project.unit_by_id.get(case.unit)
                index = len(items)
                number = NUMERALS[index] if index < len(NUMERALS) else str(index + 1)
                items.append(CaseItem(case, unit.name if unit else case.unit, number))
        views.append(BulletinView(bulletin, items))
    return views
