"""Reading one cell's value: text, dates, ids and the status words offices write.

Pure functions without diagnostics: each returns the value or raises ``CellError``
naming the catalogue code; the sheet reader turns that into a diagnostic with the
sheet, row and column.
"""

from __future__ import annotations

import calendar
import re
import unicodedata
from datetime import date, datetime

from site_builder.model.labels import (
    DEPARTMENT,
    MEASURE_STATUS,
    PROBLEM_SOURCE,
    PROBLEM_STATUS,
    RESPONSIBILITY,
    REVIEW_OUTCOME,
)
from site_builder.model.types import ID_PATTERN


class CellError(Exception):
    """A cell whose value cannot be read; ``code`` is an X code of the catalogue."""

    def __init__(self, code: str, **fields: object) -> None:
        super().__init__(code)
        self.code = code
        self.fields = fields


def text(value: object) -> str | None:
    """Cell text with surrounding blanks removed; None for an empty cell."""
    if value is None:
        return None
    if isinstance(value, float) and value.is_integer():
        value = int(value)
    if isinstance(value, datetime):
        value = value.date()
    out = str(value).replace("\r\n", "\n").replace("\r", "\n").replace("\u3000", " ").strip()
    return out or None


def lines(value: object) -> list[str]:
    """One item per non-empty line (evidence, review findings)."""
    return [line.strip() for line in (text(value) or "").split("\n") if line.strip()]


# --- dates --------------------------------------------------------------------------

# Excel serial numbers from 2000-01-01 to 2099-12-31; other numbers are not dates.
_SERIALS = range(36526, 73051)
_YMD = re.compile(r"(\d{4})\s*[年./\-]\s*(\d{1,2})\s*[月./\-]\s*(\d{1,2})\s*[日号]?")
_YM = re.compile(r"(\d{4})\s*[年./\-]\s*(\d{1,2})\s*月?\s*(?:底|末|份)?")
_Y = re.compile(r"(\d{4})\s*年\s*(?:底|末)")
_COMPACT = re.compile(r"(\d{4})(\d{2})(\d{2})")
_BEFORE = re.compile(r"\s*(?:前|之前|以前)$")
# Deadlines that are not dates: the plan's "three no-pass" rule wants a date for each.
OPEN_ENDED = (
    "长期坚持",
    "长期执行",
    "长期",
    "持续推进",
    "持续整改",
    "常态化",
    "立行立改",
    "立即整改",
)


def parse_date(value: object, epoch: datetime) -> date | None:
    """A date from a date cell, an Excel serial number, or text such as 2020年9月30日.

    A month alone (2020年9月底, 2020.9) means its last day and a year end (2020年底)
    means 31 December, as offices write deadlines. Raises CellError X006.
    """
    if value is None:
        return None
    if isinstance(value, datetime):
        return value.date()
    if isinstance(value, date):
        return value
    if isinstance(value, bool):
        raise CellError("X006", value=str(value))
    if isinstance(value, int | float):
        return _from_number(value, epoch)
    raw = text(value)
    if raw is None:
        return None
    cleaned = _BEFORE.sub("", unicodedata.normalize("NFKC", raw)).strip()
    try:
        if m := _YMD.fullmatch(cleaned):
            return date(int(m[1]), int(m[2]), int(m[3]))
        if m := _COMPACT.fullmatch(cleaned):
            return date(int(m[1]), int(m[2]), int(m[3]))
        if m := _YM.fullmatch(cleaned):
            year, month = int(m[1]), int(m[2])
            return date(year, month, calendar.monthrange(year, month)[1])
        if m := _Y.fullmatch(cleaned):
            return date(int(m[1]), 12, 31)
    except (ValueError, calendar.IllegalMonthError):
        pass
    raise CellError("X006", value=raw)


def _from_number(value: float, epoch: datetime) -> date:
    from openpyxl.utils.datetime import from_excel

    if isinstance(value, float) and not value.is_integer():
        # 2020.9 typed into a number cell: 2020.10 would read as 2020.1, so refuse both.
        raise CellError("X006", value=text(value))
    number = int(value)
    if number in _SERIALS:
        return from_excel(number, epoch=epoch).date()
    if m := _COMPACT.fullmatch(str(number)):
        try:
            return date(int(m[1]), int(m[2]), int(m[3]))
        except ValueError:
            pass
    raise CellError("X006", value=str(number))


def parse_deadline(value: object, epoch: datetime) -> date | None:
    """A measure's deadline: a date, with a clearer error for 长期坚持 and the like."""
    raw = text(value)
    if raw and any(raw.startswith(word) for word in OPEN_ENDED):
        raise CellError("X007", value=raw)
    return parse_date(value, epoch)


# --- ids ----------------------------------------------------------------------------

_DIGITS = {c: i for i, c in enumerate("零一二三四五六七八九")}
_NUMBER = re.compile(r"[(（]?\s*(\d{1,4}|[零一二三四五六七八九十]{1,3})\s*[)）.、．]?")


def chinese_number(word: str) -> int | None:
    if word.isdigit():
        return int(word)
    if "十" not in word:
        return _DIGITS[word] if len(word) == 1 else None
    tens, _, ones = word.partition("十")
    if len(tens) > 1 or len(ones) > 1:
        return None
    return _DIGITS.get(tens, 1) * 10 + (_DIGITS[ones] if ones else 0)


def parse_id(value: object, prefix: str) -> str | None:
    """An item id: 3, "3.", "（3）" or "三" become P03 / M3; an id such as P03 is kept."""
    raw = text(value)
    if raw is None:
        return None
    if m := _NUMBER.fullmatch(unicodedata.normalize("NFKC", raw)):
        number = chinese_number(m[1])
        if number is not None and number > 0:
            return f"P{number:02d}" if prefix == "P" else f"{prefix}{number}"
    if ID_PATTERN.match(raw):
        return raw
    raise CellError("X013", value=raw)


def export_id(item_id: str, position: int, prefix: str) -> int | str:
    """The 序号 written for an id: a plain number when it reads back as the same id."""
    number = int(item_id[len(prefix) :]) if re.fullmatch(rf"{prefix}\d+", item_id) else 0
    if number and parse_id(number, prefix) == item_id:
        return number
    return item_id


# --- words with a fixed meaning -------------------------------------------------------

# The status a measure is in, by the words that begin a 整改进展 / 完成情况 cell.
# 已销号 also marks the measure's problem as closed (see import_xlsx).
MEASURE_WORDS: dict[str, str] = {
    **{label: key for key, label in MEASURE_STATUS.items()},
    **dict.fromkeys(
        [
            "已完成",
            "完成",
            "已整改",
            "整改完成",
            "已完成整改",
            "已整改完成",
            "已办结",
            "办结",
            "已落实",
            "已销号",
        ],
        "done",
    ),
    **dict.fromkeys(
        [
            "推进中",
            "正在整改",
            "整改中",
            "正在推进",
            "进行中",
            "持续推进",
            "持续整改",
            "长期坚持",
            "基本完成",
            "部分完成",
            "未完成",
        ],
        "in_progress",
    ),
    **dict.fromkeys(["未开始", "尚未开始", "未启动", "尚未启动"], "not_started"),
    **dict.fromkeys(["已撤销", "撤销", "不再整改"], "withdrawn"),
    **{key: key for key in MEASURE_STATUS},
}
CLOSED_WORD = "已销号"
# Words that say more than the status they map to: the cell's text is kept as progress.
DESCRIPTIVE_WORDS = {"持续推进", "持续整改", "长期坚持", "基本完成", "部分完成", "未完成"}
PROBLEM_WORDS: dict[str, str] = {
    **{label: key for key, label in PROBLEM_STATUS.items()},
    **dict.fromkeys(["已销号", "销号", "是", "已完成"], "closed"),
    **dict.fromkeys(["未销号", "否", "整改中", "未完成", "推进中"], "open"),
    **dict.fromkeys(["已撤销", "撤销"], "withdrawn"),
    **{key: key for key in PROBLEM_STATUS},
}
SOURCE_WORDS: dict[str, str] = {
    **{label: key for key, label in PROBLEM_SOURCE.items()},
    **dict.fromkeys(["反馈", "巡察组反馈", "巡察反馈问题", "反馈问题"], "feedback"),
    **dict.fromkeys(["共性", "共性问题", "区委通报共性问题"], "common"),
    **dict.fromkeys(["上级要求", "上级新要求", "新要求新部署", "中央、省、市新要求"], "higher"),
    **dict.fromkeys(["自查", "自查发现", "自查自纠", "举一反三"], "self"),
    **{key: key for key in PROBLEM_SOURCE},
}
RESPONSIBILITY_WORDS: dict[str, str] = {
    **{label: key for key, label in RESPONSIBILITY.items()},
    **dict.fromkeys(["直接", "直接责任人"], "direct"),
    **dict.fromkeys(["领导", "主要领导责任", "重要领导责任", "领导责任人"], "leadership"),
    **{key: key for key in RESPONSIBILITY},
}
OUTCOME_WORDS: dict[str, str] = {
    **{label: key for key, label in REVIEW_OUTCOME.items()},
    **dict.fromkeys(["退回", "未通过", "不通过"], "returned"),
    **dict.fromkeys(["审核中", "待审"], "pending"),
    **{key: key for key in REVIEW_OUTCOME},
}
DEPARTMENT_WORDS: dict[str, str] = {
    **{label: key for key, label in DEPARTMENT.items()},
    **dict.fromkeys(["纪委", "纪委监委", "区纪委", "纪检监察机关", "纪检机关"], "discipline"),
    **dict.fromkeys(["组织部", "组织部门"], "organisation"),
    **dict.fromkeys(["巡察办", "区委巡察工作领导小组办公室"], "inspection_office"),
    **{key: key for key in DEPARTMENT},
}
_FORM = re.compile(r"第?\s*([1-4一二三四])\s*(?:种\s*形态|种)?\s*(?:[(（].*)?")


def parse_word(value: object, words: dict[str, str], shown: dict) -> str | None:
    """A cell holding exactly one of ``words``; X010 otherwise, listing ``shown``."""
    raw = text(value)
    if raw is None:
        return None
    key = words.get(raw.rstrip("。；;，,"))
    if key is None:
        raise CellError("X010", value=raw, choices="、".join(shown.values()))
    return key


_SEPARATOR = "：:，,。；;、 \n（("


def leading_word(raw: str, words: dict[str, str]) -> tuple[str, str, str | None] | None:
    """(status, word, rest) when ``raw`` begins with one of ``words`` and a separator."""
    for word in sorted(words, key=len, reverse=True):
        if raw.startswith(word) and (len(raw) == len(word) or raw[len(word)] in _SEPARATOR):
            rest = raw[len(word) :].lstrip(_SEPARATOR[:-2] + " \n").strip()
            return words[word], word, raw if word in DESCRIPTIVE_WORDS else rest or None
    return None


_BRACKETED = re.compile(r"[(（]([^()（）]{4,20})[)）]\s*[：:，,。；;、]?\s*(.*)", re.S)


def bracketed_date(rest: str | None, epoch: datetime) -> tuple[date | None, str | None]:
    """“（2017年9月20日）台账已建立” after 已完成 / 已销号: the date, and the text after it."""
    m = _BRACKETED.fullmatch(rest or "")
    if m is None:
        return None, rest
    try:
        return parse_date(m[1], epoch), m[2].strip() or None
    except CellError:
        return None, rest


def parse_form(value: object) -> int | None:
    """四种形态: 1, "第一种形态", "一" or the full label all read as 1."""
    raw = text(value)
    if raw is None:
        return None
    if m := _FORM.fullmatch(unicodedata.normalize("NFKC", raw)):
        return "1234".find(m[1]) + 1 or "一二三四".find(m[1]) + 1
    raise CellError(
        "X010", value=raw, choices="第一种形态、第二种形态、第三种形态、第四种形态（或 1–4）"
    )
