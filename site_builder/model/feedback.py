"""The inspection team's feedback list (巡察反馈问题清单): rounds/feedback/<round>/<unit>.yml.

The office enters it from the team's 反馈意见; it is the authority the unit's plan is
checked against (任务有漏项). Each item keeps a stable id that ledger problems name
in ``answers``.
"""

from __future__ import annotations

from typing import Annotated

from site_builder.model.types import Id, ListOf, OptDate, OptText, Record, Text


class FeedbackItem(Record):
    id: Id
    text: Text
    category: Text
    # The team that entered the item; empty means the file's team.
    team: OptText = None
    # A supplementary item (补充反馈) handed over after the feedback meeting: the plan
    # must take it in within settings.plan_days of this date.
    added_on: OptDate = None


class FeedbackList(Record):
    round: Id
    unit: Id
    team: OptText = None
    # The date the plan is due (整改方案报送时限); empty means 30 days after feedback.
    plan_due: OptDate = None
    items: Annotated[list[FeedbackItem], ListOf] = []

    @property
    def key(self) -> str:
        return f"{self.round}/{self.unit}"

    def team_of(self, item: FeedbackItem) -> str | None:
        return item.team or self.team
