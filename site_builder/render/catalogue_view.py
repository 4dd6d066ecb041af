"""View data for the common-problem catalogue: findings by round, repeats, 未巡先改."""

from __future__ import annotations

from collections import defaultdict
from dataclasses import dataclass
from datetime import date
from typing import TYPE_CHECKING

from site_builder.model import Project
from site_builder.model.district import CommonProblem, Round, SelfCheck, Unit
from site_builder.model.ledger import Problem

if TYPE_CHECKING:
    from site_builder.render.views import UnitView


@dataclass
class SelfCheckRow:
    unit: Unit
    check: SelfCheck | None  # None: due but not yet self-checked


@dataclass
class CommonView:
    item: CommonProblem
    by_round: list[tuple[Round, list[tuple[UnitView, Problem]]]]
    repeats: list[tuple[Unit, list[str]]]  # units found with it in two or more rounds
    self_checks: list[SelfCheckRow]

    @property
    def self_checked(self) -> int:
        return sum(row.check is not None for row in self.self_checks)

    @property
    def self_check_due(self) -> int:
        return len(self.self_checks)


def common_views(project: Project, unit_index: dict[tuple[str, str], UnitView]) -> list[CommonView]:
    found: dict[str, dict[str, list]] = defaultdict(lambda: defaultdict(list))
    for ledger in project.ledgers:
        for problem in ledger.problems:
            view = unit_index.get((ledger.round, ledger.unit))
            if problem.common_code and view is not None:
                found[problem.common_code][ledger.round].append((view, problem))
    checks = {(c.code, c.unit): c for c in project.self_checks}
    first_feedback: dict[str, date] = {}
    for (_, unit_id), view in unit_index.items():
        day = view.entry.feedback_on
        first_feedback[unit_id] = min(day, first_feedback.get(unit_id, day))
    rounds = sorted(project.rounds, key=lambda r: r.start)
    views = []
    for item in project.common_problems:
        per_round = found[item.code]
        by_round = [(r, per_round[r.id]) for r in rounds if per_round.get(r.id)]
        seen: dict[str, list[str]] = defaultdict(list)
        for r, rows in by_round:
            for view, _ in rows:
                seen[view.unit.id].append(r.name)
        repeats = [
            (project.unit_by_id[u], names) for u, names in seen.items() if len(set(names)) > 1
        ]
        named = [project.round_by_id[r] for r in item.named_in if r in project.round_by_id]
        named_on = min((r.end for r in named), default=None)
        # Units first inspected after the district named this problem must self-check first.
        due = sorted(
            (u for u, day in first_feedback.items() if named_on and day > named_on),
            key=lambda u: first_feedback[u],
        )
        rows = [SelfCheckRow(project.unit_by_id[u], checks.get((item.code, u))) for u in due]
        views.append(CommonView(item, by_round, repeats, rows))
    return views
