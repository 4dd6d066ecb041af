"""View data for the common-problem catalogue: findings by round, repeats, 未巡先改."""

from __future__ import annotations

from collections import defaultdict
from dataclasses import dataclass
from datetime import date
from typing import TYPE_CHECKING

from site_builder.model import Project
from site_builder.model.district import CommonProblem, Round, Unit
from site_builder.model.ledger import Problem
from site_builder.render.notices import NoticeView, notice_views

if TYPE_CHECKING:
    from site_builder.render.views import UnitView


@dataclass
class CommonView:
    item: CommonProblem
    by_round: list[tuple[Round, list[tuple[UnitView, Problem]]]]
    repeats: list[tuple[Unit, list[str]]]  # units found with it in two or more rounds
    notice: NoticeView | None  # the 未巡先改 notice: who was due to self-check, who did

    @property
    def found_in(self) -> int:
        return sum(len(rows) for _, rows in self.by_round)

    @property
    def self_checked(self) -> int:
        """Units due that self-checked or whose own ledger has the problem (covered)."""
        return self.notice.covered if self.notice else 0

    @property
    def self_check_due(self) -> int:
        """Units not yet inspected when the district named the problem (the notice's)."""
        return len(self.notice.rows) if self.notice else 0


def common_views(
    project: Project, unit_index: dict[tuple[str, str], UnitView], as_of: date
) -> list[CommonView]:
    found: dict[str, dict[str, list]] = defaultdict(lambda: defaultdict(list))
    for ledger in project.ledgers:
        for problem in ledger.problems:
            view = unit_index.get((ledger.round, ledger.unit))
            if problem.common_code and view is not None:
                found[problem.common_code][ledger.round].append((view, problem))
    notices = {n.item.code: n for n in notice_views(project, as_of)}
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
        views.append(CommonView(item, by_round, repeats, notices.get(item.code)))
    return views
