"""Office vocabulary the new records use: time-limit kinds, deciding bodies, cadre levels.

Staff and spreadsheets write these in Chinese (长期坚持, 区纪委监委, 区管干部); the
records keep a short English key, and the labels in ``model/labels.py`` show them.
Inputs accept either the key or a Chinese word.
"""

from __future__ import annotations

from typing import Any, Literal

TimeLimit = Literal["immediate", "deadline", "long_term"]
ReviewCycle = Literal["monthly", "quarterly", "half_yearly", "yearly"]
DecidingBody = Literal[
    "district_committee",
    "district_discipline",
    "organisation",
    "unit_party",
    "unit_discipline",
]
CadreLevel = Literal["district_managed", "unit_managed", "staff"]
# The three no-pass checks (三不过) a plan can fail at review.
PlanCheck = Literal["direction", "missing_tasks", "vague_measures"]

TIME_LIMIT_WORDS: dict[str, str] = {
    **dict.fromkeys(["立行立改", "立即整改", "即知即改", "马上就改"], "immediate"),
    **dict.fromkeys(["限期整改", "限期完成"], "deadline"),
    **dict.fromkeys(
        ["长期坚持", "长期执行", "长期", "持续推进", "常态化", "持续整改"], "long_term"
    ),
}
REVIEW_CYCLE_WORDS: dict[str, str] = {
    **dict.fromkeys(["每月", "按月", "月度"], "monthly"),
    **dict.fromkeys(["每季度", "按季度", "季度"], "quarterly"),
    **dict.fromkeys(["每半年", "半年"], "half_yearly"),
    **dict.fromkeys(["每年", "按年", "年度"], "yearly"),
}
DECIDING_BODY_WORDS: dict[str, str] = {
    **dict.fromkeys(["区委"], "district_committee"),
    **dict.fromkeys(["区纪委监委", "区纪委", "区监委", "纪委监委"], "district_discipline"),
    **dict.fromkeys(["区委组织部", "组织部"], "organisation"),
    **dict.fromkeys(
        ["单位党组织", "本单位党组织", "党组", "党委", "党工委", "党总支", "党支部"], "unit_party"
    ),
    **dict.fromkeys(["单位纪检组织", "纪工委", "纪检组", "纪委（单位）"], "unit_discipline"),
}
OUTCOME_WORDS: dict[str, str] = {
    **dict.fromkeys(["通过", "审核通过"], "passed"),
    **dict.fromkeys(["退回", "退回修改", "不通过", "未通过"], "returned"),
    **dict.fromkeys(["待审核", "审核中"], "pending"),
}
PLAN_CHECK_WORDS: dict[str, str] = {
    **dict.fromkeys(["方向不明确", "方向不明"], "direction"),
    **dict.fromkeys(["任务有漏项", "有漏项", "任务漏项"], "missing_tasks"),
    **dict.fromkeys(["措施不具体", "措施不实"], "vague_measures"),
}
CADRE_LEVEL_WORDS: dict[str, str] = {
    **dict.fromkeys(["区管干部", "区管领导干部", "区委管理干部"], "district_managed"),
    **dict.fromkeys(["单位管理", "单位管理干部", "中层干部", "科级以下干部"], "unit_managed"),
    **dict.fromkeys(["一般干部职工", "一般干部", "工作人员", "职工", "党员"], "staff"),
}
# Bodies with authority over each level (干部管理权限): a district-managed cadre is
# dealt with by the district's discipline commission, committee or organisation department.
AUTHORITY: dict[str, frozenset[str]] = {
    "district_managed": frozenset({"district_committee", "district_discipline", "organisation"}),
    "unit_managed": frozenset(
        {
            "district_committee",
            "district_discipline",
            "organisation",
            "unit_party",
            "unit_discipline",
        }
    ),
    "staff": frozenset(
        {
            "district_committee",
            "district_discipline",
            "organisation",
            "unit_party",
            "unit_discipline",
        }
    ),
}
# 诫勉谈话 was renamed 诫勉 (《中国共产党问责条例》2019); the old term is read as the new.
OLD_TERMS = {"诫勉谈话": "诫勉"}


def word_or_key(words: dict[str, str]):
    """A before-validator reading a key as is, or a Chinese word as its key."""

    def convert(value: Any) -> Any:
        if isinstance(value, str):
            stripped = value.strip()
            if stripped in ("", "~", "null", "Null", "NULL"):
                return None
            return words.get(stripped, stripped)
        return value

    convert.words = words  # type: ignore[attr-defined]  # the schema lists them too
    return convert


def current_term(value: Any) -> Any:
    if isinstance(value, str):
        text = value.strip()
        for old, new in OLD_TERMS.items():
            text = text.replace(old, new)
        return text
    return value


_FORMS = {"第一种形态": "1", "第二种形态": "2", "第三种形态": "3", "第四种形态": "4"}
_FORMS |= {"一": "1", "二": "2", "三": "3", "四": "4"}


def form_number(value: Any) -> Any:
    """四种形态 as 1-4, or written 第一种形态 … 第四种形态 / 一 … 四."""
    if isinstance(value, str):
        return _FORMS.get(value.strip(), value)
    return value
