"""Supervision (督办) records: rounds/supervision/<round>.yml, and its settings.

One file per round lists what the office did to push units along: reminders (提醒),
numbered 督办通知, talks (约谈) and bulletins (通报), each naming the items it is about
and, where a reply is asked for, when it was due and when it came.
"""

from __future__ import annotations

import re
from datetime import date
from typing import Annotated, Literal

from pydantic import Field

from site_builder.model.types import Id, LedgerDate, ListOf, OptDate, OptText, Record, Text

DubianKind = Literal["reminder", "notice", "talk", "bulletin"]
DUBIAN_KINDS: dict[str, str] = {
    "reminder": "提醒",
    "notice": "督办通知",
    "talk": "约谈",
    "bulletin": "通报",
}
# An item a 督办 names: a problem (P03) or a measure (P03/M1) of the unit's ledger,
# or a whole-ledger matter: the plan (方案) or the report (报告).
ITEM_REF = re.compile(r"^[A-Za-z0-9][A-Za-z0-9_-]{0,31}(/[A-Za-z0-9][A-Za-z0-9_-]{0,31})?$")
LEDGER_MATTERS = {"plan": "整改方案", "report": "整改报告"}
_NUMBER = re.compile(r"〔(\d{4})〕(\d+)号")


# Inside a record with a field called `date`, annotations need another name for the type.
Day = date


class Dubian(Record):
    unit: Id
    date: LedgerDate
    kind: DubianKind
    number: OptText = None  # 文号, e.g. 区巡办督〔2020〕3号 (督办通知 and 通报)
    by: Text  # who issued or held it: 区委巡察办, 区纪委书记 …
    items: Annotated[list[Text], ListOf] = []  # P03, P03/M1, plan, report
    summary: OptText = None
    response_due: OptDate = None
    response_received: OptDate = None

    @property
    def label(self) -> str:
        return DUBIAN_KINDS[self.kind]

    def awaiting(self, as_of: Day) -> bool:
        """A reply was asked for, its date has passed and none had come by ``as_of``."""
        if self.response_due is None or self.response_due >= as_of:
            return False
        return self.response_received is None or self.response_received > as_of

    def serial(self) -> tuple[int, int] | None:
        """(year, number) of the 文号, when it has one in the usual form."""
        found = _NUMBER.search(self.number or "")
        return (int(found.group(1)), int(found.group(2))) if found else None


class SupervisionFile(Record):
    round: Id
    records: Annotated[list[Dubian], ListOf] = []


class SupervisionSettings(Record):
    """rounds/settings.yml `supervision:`: when the rules of `rectify dubian` fire."""

    # The plan is due this many days after feedback (整改方案报送时限).
    plan_days: Annotated[int, Field(ge=1, le=365)] = 30
    # This many postponements of one unit's deadlines call for 督办 (反复延期).
    postponements: Annotated[int, Field(ge=1, le=100)] = 2
    # A new 督办通知 asks for a reply within this many days.
    response_days: Annotated[int, Field(ge=1, le=90)] = 10
    # The 文号's issuer abbreviation and the 落款 of a 督办通知 (empty: 中共<区>委巡察工作
    # 领导小组办公室, from `district`).
    number_prefix: Text = "区巡办督"
    issuer: OptText = None
