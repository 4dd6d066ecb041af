"""The columns of each sheet: the header export writes and the names import accepts.

Headers are matched by name after ``normalise_header`` (no blanks, no notes in
brackets, full-width letters folded), in any order. The first name of each column
is the one export writes; the rest are the synonyms offices use.
"""

from __future__ import annotations

import re
import unicodedata
from dataclasses import dataclass


@dataclass(frozen=True, slots=True)
class Column:
    key: str
    names: tuple[str, ...]
    # "group": one value for the whole problem (or record), merged across its rows;
    # "item": one value per row (a measure, a reviewer ...).
    level: str = "item"
    width: float = 12

    @property
    def header(self) -> str:
        return self.names[0]


@dataclass(frozen=True, slots=True)
class SheetSpec:
    name: str
    columns: tuple[Column, ...]
    # A new group (problem) starts on a row where one of these columns has a value.
    starts: tuple[str, ...]
    # Columns that must be in the header; tuples are alternatives.
    required: tuple[tuple[str, ...], ...] = ()
    # The column that holds one item per row (a measure's text): never merged down rows.
    item: str = ""
    other_names: tuple[str, ...] = ()

    def column(self, key: str) -> Column:
        return next(c for c in self.columns if c.key == key)


G = "group"

LEDGER = SheetSpec(
    name="整改台账",
    other_names=("台账", "问题清单", "整改清单", "巡察整改台账"),
    columns=(
        Column("id", ("序号", "编号", "问题序号", "问题编号", "序"), G, 6),
        Column("category", ("问题类别", "类别", "问题类型", "问题分类", "问题归类"), G, 12),
        Column("source", ("问题来源", "来源"), G, 10),
        Column("common_code", ("共性问题编号", "共性问题代码"), G, 10),
        Column(
            "title",
            (
                "存在问题",
                "问题",
                "存在的问题",
                "反馈问题",
                "巡察反馈问题",
                "主要问题",
                "问题名称",
                "巡察发现问题",
                "问题清单",
            ),
            G,
            40,
        ),
        Column(
            "description",
            ("问题描述", "具体表现", "问题表现", "问题具体表现", "主要表现", "问题详情"),
            G,
            40,
        ),
        Column("measure_id", ("措施编号", "措施序号"), width=8),
        Column(
            "text",
            (
                "整改措施",
                "措施",
                "整改任务",
                "整改措施及任务",
                "具体措施",
                "整改举措",
                "任务清单",
                "整改内容",
            ),
            width=44,
        ),
        Column("leader", ("责任领导", "牵头领导", "分管领导", "责任领导人", "包联领导"), width=16),
        Column(
            "unit",
            ("责任单位", "责任部门", "牵头单位", "牵头部门", "责任科室", "责任处室"),
            width=14,
        ),
        Column("owner", ("责任人", "具体责任人", "直接责任人", "经办人"), width=12),
        Column(
            "deadline",
            (
                "整改时限",
                "完成时限",
                "时限",
                "整改期限",
                "完成期限",
                "截止时间",
                "截止日期",
                "计划完成时间",
                "计划完成日期",
            ),
            width=13,
        ),
        Column(
            "progress",
            (
                "整改进展",
                "完成情况",
                "整改情况",
                "进展情况",
                "整改进度",
                "整改落实情况",
                "整改完成情况",
                "进展",
            ),
            width=30,
        ),
        Column("status", ("整改状态", "状态", "完成状态", "措施状态")),
        Column(
            "completed_on",
            ("完成时间", "完成日期", "实际完成时间", "实际完成日期", "办结时间"),
            width=13,
        ),
        Column(
            "evidence",
            ("佐证材料", "佐证", "佐证资料", "证明材料", "支撑材料", "整改佐证材料"),
            width=36,
        ),
        Column("problem_status", ("销号情况", "是否销号", "销号状态", "问题状态"), G, 12),
        Column("closed_on", ("销号时间", "销号日期"), G, 13),
        Column("answers", ("对应反馈问题", "反馈问题编号", "对应反馈意见"), G, 12),
        Column("time_limit", ("时限类型", "整改时限类型", "整改类型"), width=10),
        Column("stage_goal", ("阶段性目标",), width=30),
        Column("stage_due", ("阶段性时限", "阶段性目标完成日期", "阶段性完成时限"), width=13),
        Column("review_cycle", ("复查周期", "督查周期"), width=10),
    ),
    starts=("id", "title", "description"),
    item="text",
    required=(("title", "description"), ("text",), ("owner",), ("deadline",)),
)
# Columns export writes, in order; 措施编号 only when a measure id is not M1, M2 ... in order.
LEDGER_EXPORT = (
    "id",
    "category",
    "source",
    "common_code",
    "title",
    "measure_id",
    "text",
    "leader",
    "unit",
    "owner",
    "deadline",
    "progress",
    "completed_on",
    "evidence",
    "problem_status",
    "closed_on",
    "answers",
    "time_limit",
    "stage_goal",
    "stage_due",
    "review_cycle",
)
# Written only when some problem or measure of the ledger has a value for them.
LEDGER_OPTIONAL = ("answers", "time_limit", "stage_goal", "stage_due", "review_cycle")

MECHANISMS = SheetSpec(
    name="长效机制",
    other_names=("建章立制", "制度清单"),
    columns=(
        Column("problem", ("问题序号", "序号", "问题编号"), G, 10),
        Column("title", ("制度名称", "长效机制", "制度", "机制名称"), width=40),
        Column("issued_on", ("印发日期", "印发时间", "出台时间"), width=13),
        Column("document", ("文号", "发文字号"), width=22),
        Column("enforcement", ("执行情况佐证", "执行情况", "执行佐证"), width=40),
    ),
    starts=("problem",),
    item="title",
    required=(("problem",), ("title",)),
)

ACCOUNTABILITY = SheetSpec(
    name="问责清单",
    other_names=("问责情况", "责任追究"),
    columns=(
        Column("problem", ("问题序号", "序号", "问题编号"), G, 10),
        Column("person", ("被问责人", "问责对象", "姓名"), width=12),
        Column("post", ("职务", "职务职级"), width=18),
        Column("responsibility", ("责任类型", "责任"), width=12),
        Column("form", ("四种形态", "形态", "运用形态"), width=16),
        Column("measure", ("问责方式", "处理方式", "处理结果"), width=24),
        Column("decided_on", ("问责日期", "问责时间", "处理时间"), width=13),
        Column("exempt", ("不追究领导责任的理由",), G, 30),
        Column("decided_by", ("决定机关", "处理机关", "作出决定机关"), width=14),
        Column("cadre_level", ("干部管理层级", "管理层级", "干部管理权限"), width=14),
    ),
    starts=("problem",),
    item="person",
    required=(("problem",), ("person",)),
)

POSTPONEMENTS = SheetSpec(
    name="延期申请",
    other_names=("延期审批", "延期情况"),
    columns=(
        Column("problem", ("问题序号", "序号", "问题编号"), G, 10),
        Column("measure_id", ("措施编号", "措施序号"), width=10),
        Column("requested_on", ("申请日期", "申请时间"), width=13),
        Column("reason", ("延期理由", "延期原因", "理由"), width=36),
        Column("old_deadline", ("原完成时限", "原时限"), width=13),
        Column("new_deadline", ("申请延至", "延期至", "新完成时限"), width=13),
        Column("approved_by", ("批准人", "审批人"), width=12),
        Column("approved_on", ("批准日期", "审批日期"), width=13),
    ),
    starts=("problem",),
    item="new_deadline",
    required=(("problem",), ("measure_id",), ("new_deadline",)),
)

MONEY = SheetSpec(
    name="清退追缴",
    other_names=("资金清退追缴", "清退追缴资金"),
    columns=(
        Column("problem", ("问题序号", "序号", "问题编号"), G, 10),
        Column("measure_id", ("措施编号", "措施序号"), width=10),
        Column("kind", ("类型", "资金类型"), width=10),
        Column("amount", ("金额", "金额（元）", "金额(元)"), width=14),
        Column("on", ("日期", "完成日期"), width=13),
        Column("note", ("说明", "备注说明"), width=36),
    ),
    starts=("problem",),
    item="amount",
    required=(("problem",), ("kind",), ("amount",)),
)

PLAN_REVIEWS = SheetSpec(
    name="方案审核",
    other_names=("方案审核记录",),
    columns=(
        Column("submitted_on", ("报送日期", "提交日期"), width=13),
        Column("reviewer", ("审核人", "审核部门及人员"), width=30),
        Column("reviewed_on", ("审核日期",), width=13),
        Column("outcome", ("审核结果",), width=10),
        Column("failed_checks", ("未通过事项", "存在问题"), width=16),
        Column("findings", ("审核意见",), width=50),
        Column("resubmit_by", ("重新报送时限",), width=13),
    ),
    starts=("submitted_on", "reviewer", "reviewed_on", "outcome"),
    item="outcome",
)

REPORT = SheetSpec(
    name="整改报告",
    columns=(
        Column("submitted_on", ("提交日期", "报送日期", "报告日期"), G, 13),
        Column("summary", ("报告摘要", "整改报告", "摘要"), G, 60),
        Column("name", ("审核人", "签字人"), width=12),
        Column("department", ("审核部门", "部门"), width=16),
        Column("signed_on", ("签字日期", "审核日期"), width=13),
    ),
    starts=("submitted_on", "summary"),
    item="name",
)

# 整改方案 is a two-column sheet: an item name on the left, its value on the right.
PLAN_NAME = "整改方案"
PLAN_ROWS: tuple[tuple[str, tuple[str, ...]], ...] = (
    ("objective", ("整改目标", "目标")),
    ("submitted_on", ("提交日期", "报送日期")),
    ("leading_group", ("整改领导小组", "领导小组")),
    ("outcome", ("审核结果",)),
    ("reviewer", ("审核人",)),
    ("reviewed_on", ("审核日期",)),
    ("findings", ("审核意见",)),
)

_BRACKETS = re.compile(r"\(.*?\)|\[.*?\]|【.*?】")
_BLANKS = re.compile(r"[\s*:]+")


def normalise_header(value: object) -> str:
    """'整改时限（年月日）' and ' 整 改 时 限 *' both become '整改时限'."""
    if value is None:
        return ""
    folded = unicodedata.normalize("NFKC", str(value))
    return _BLANKS.sub("", _BRACKETS.sub("", folded))


def header_index(spec: SheetSpec) -> dict[str, str]:
    """Normalised header name -> column key."""
    index: dict[str, str] = {}
    for column in spec.columns:
        for name in column.names:
            index.setdefault(normalise_header(name), column.key)
    return index
