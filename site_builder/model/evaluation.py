"""The quantitative evaluation (量化检查评估, 八查): rubric, evaluation records, bulletins.

Files under ``rounds/evaluations/``:

- ``rubric.yml``: the default rubric (评估细则): eight checks, their weights, the scoring
  items of each check and how each is scored, grade bands and the shortfall rules;
- ``<round>/rubric.yml``: optional, a complete rubric that replaces the default for
  that round (so a round's scores never move when the default is revised);
- ``<round>/<unit>.yml``: what the evaluators recorded for one unit's rectification;
- ``bulletins.yml``: warning-education bulletins (通报) built from chosen cases.

The scoring vocabulary is fixed here: an item reads either a recorded field
(``ENTERED``) or an indicator computed from the ledger and its history
(``INDICATORS``); the rubric only chooses and weighs them.
"""

from __future__ import annotations

import re
from typing import TYPE_CHECKING, Annotated, Any, Literal

from pydantic import BeforeValidator
from pydantic_core import PydanticCustomError

from site_builder.model.types import Id, LedgerDate, ListOf, OptDate, OptText, Record, Text

if TYPE_CHECKING:
    from site_builder.model.project import Project

_NUMBER = re.compile(r"^\s*-?[0-9]+(\.[0-9]+)?\s*$")
_INTEGER = re.compile(r"^\s*-?[0-9]+\s*$")


def _to_number(value: Any) -> Any:
    # Signed on purpose: a negative weight or score is reported by the validator
    # (E-codes) in the evaluators' terms, not as a schema error.
    if isinstance(value, str) and _NUMBER.match(value):
        return float(value)
    if isinstance(value, int | float) and not isinstance(value, bool):
        return float(value)
    raise PydanticCustomError("eval_number", "应为数字，例如 15 或 2.5")


def _to_count(value: Any) -> Any:
    if isinstance(value, str) and _INTEGER.match(value):
        return int(value)
    if isinstance(value, int) and not isinstance(value, bool):
        return value
    raise PydanticCustomError("eval_count", "应为整数，例如 12")


Number = Annotated[float, BeforeValidator(_to_number)]
Count = Annotated[int, BeforeValidator(_to_count)]
Method = Literal["yes_no", "count", "graded", "indicator"]

CHECK_CODES = range(1, 9)

# Recorded fields a rubric item may read: path -> (methods it suits, Chinese label).
ENTERED: dict[str, tuple[tuple[str, ...], str]] = {
    "leadership.leading_group": (("yes_no",), "建立巡察整改领导机构"),
    "leadership.personally_deploys": (("yes_no",), "主要领导亲自安排部署"),
    "leadership.drafts_measures": (("yes_no",), "主要领导亲自参与研究制定整改措施"),
    "leadership.holds_to_account": (("yes_no",), "严格查究相关人员"),
    "leadership.supervises": (("yes_no",), "督促整改工作落实"),
    "leadership.person_in_charge": (("yes_no",), "明确专人负责整改工作"),
    "meetings": (("count",), "研究部署整改的会议"),
    "innovations": (("count",), "创新动作"),
}

# Indicators computed by site_builder.analyse.indicators: key -> Chinese label.
INDICATORS: dict[str, str] = {
    "leader_coverage": "责任领导由班子成员担任",
    "ledger_completeness": "台账要素齐全",
    "on_time": "按时间节点完成",
    "closure": "对账销号",
    "confirmed_closures": "销号经审批确认",
    "no_postponement": "未推迟完成时限",
    "clues_handled": "问题线索及信访事项办结",
    "accountability_list": "建立问责清单",
    "leadership_accountability": "领导责任追究到位",
    "substantive_evidence": "佐证材料有实质内容",
    "site_check": "实地抽查整改到位",
    "mechanism_coverage": "销号问题建立长效机制",
    "mechanism_enforcement": "长效机制有执行佐证",
    "satisfaction": "群众满意度",
}


class ScoringItem(Record):
    """One scoring item (评分项) of a check, e.g. 3.2 按时间节点完成."""

    id: Text
    name: Text
    points: Number
    method: Method
    field: OptText = None  # for yes_no and count: a key of ENTERED
    indicator: OptText = None  # for indicator: a key of INDICATORS
    per: Number | None = None  # for count: points per counted entry
    how: Text  # the scoring standard, shown on every scorecard


class Check(Record):
    """One of the eight checks (八查)."""

    code: Count
    name: Text
    weight: Number
    items: Annotated[list[ScoringItem], ListOf] = []


class Grade(Record):
    name: Text
    min: Number


class ShortfallRule(Record):
    """A named shortfall (整改不力情形) and the checks or items that show it."""

    code: Id
    name: Text
    items: Annotated[list[Text], ListOf] = []  # "1" = all of check 1; "3.2" = one item
    below: Number = 60.0  # score rate (%) under which the unit falls short


class Rubric(Record):
    name: Text
    checks: Annotated[list[Check], ListOf] = []
    grades: Annotated[list[Grade], ListOf] = []
    shortfalls: Annotated[list[ShortfallRule], ListOf] = []
    basically_satisfied_weight: Number = 0.5

    def item(self, item_id: str) -> ScoringItem | None:
        return next((i for c in self.checks for i in c.items if i.id == item_id), None)

    def grade(self, total: float) -> str:
        for band in sorted(self.grades, key=lambda g: -g.min):
            if total >= band.min:
                return band.name
        return self.grades[-1].name if self.grades else ""


class Leadership(Record):
    """一查：党组织主要领导是否真重视."""

    leading_group: bool = False
    personally_deploys: bool = False
    drafts_measures: bool = False
    holds_to_account: bool = False
    supervises: bool = False
    person_in_charge: OptText = None
    note: OptText = None


class Meeting(Record):
    """二查：one meeting that studied or deployed the rectification."""

    date: LedgerDate
    title: Text
    minutes: OptText = None


class Clues(Record):
    """四查：问题线索 the team transferred and 信访事项, and how they were handled."""

    clues_received: Count = 0
    clues_closed: Count = 0
    petitions_received: Count = 0
    petitions_closed: Count = 0
    none_due_reason: OptText = None  # why nobody had to be held to account, if so
    note: OptText = None


class SiteCheck(Record):
    """五查：佐证材料和实地情况."""

    checked: Count = 0
    confirmed: Count = 0
    problems_found: Annotated[list[Text], ListOf] = []


class Innovation(Record):
    title: Text
    detail: OptText = None


class Satisfaction(Record):
    """八查：the democratic evaluation meeting's votes."""

    held_on: OptDate = None
    participants: OptText = None
    satisfied: Count = 0
    basically_satisfied: Count = 0
    dissatisfied: Count = 0

    @property
    def votes(self) -> int:
        return self.satisfied + self.basically_satisfied + self.dissatisfied


class Judgement(Record):
    """The evaluators' score for a ``graded`` item, with the reason."""

    item: Text
    score: Number
    note: OptText = None


class Evaluation(Record):
    """One unit's evaluation for one round: rounds/evaluations/<round>/<unit>.yml."""

    round: Id
    unit: Id
    evaluated_on: LedgerDate
    evaluators: Annotated[list[Text], ListOf] = []
    leadership: Leadership = Leadership()
    meetings: Annotated[list[Meeting], ListOf] = []
    clues: Clues = Clues()
    site_check: SiteCheck = SiteCheck()
    innovations: Annotated[list[Innovation], ListOf] = []
    satisfaction: Satisfaction = Satisfaction()
    judgements: Annotated[list[Judgement], ListOf] = []
    conclusion: OptText = None

    @property
    def key(self) -> str:
        return f"{self.round}/{self.unit}"

    def entered(self, path: str) -> Any:
        """The recorded value at an ENTERED path such as ``leadership.leading_group``."""
        value: Any = self
        for step in path.split("."):
            value = getattr(value, step, None)
        return value

    def judgement(self, item_id: str) -> Judgement | None:
        return next((j for j in self.judgements if j.item == item_id), None)


class Bulletin(Record):
    """A warning-education bulletin (警示教育通报) made of chosen typical cases."""

    id: Id
    title: Text
    number: OptText = None
    issuer: Text
    issued_on: LedgerDate
    intro: OptText = None
    cases: Annotated[list[Id], ListOf] = []
    requirements: Annotated[list[Text], ListOf] = []


class Bulletins(Record):
    bulletins: Annotated[list[Bulletin], ListOf] = []


def rubric_for(project: Project, round_id: str) -> Rubric | None:
    """The rubric a round is scored with: its own, else the district default."""
    return project.round_rubrics.get(round_id, project.rubric)
