"""Words for dates and history events, shared by the site and the CLI's text output.

No reader should see a status code (``not_started → done``) or an ISO date in prose:
events read 新增问题 / 完成 / 销号 / 重新打开 / 延期（2020年6月30日 → 2020年9月30日）.
"""

from __future__ import annotations

import re
from datetime import date

from site_builder.model.labels import CHANGE_KIND, CHINESE_NUMERALS, STATUS_WORDS
from site_builder.model.refs import ItemRef

_ISO_DAY = re.compile(r"^(\d{4})-(\d{2})-(\d{2})$")
# Changes whose old and new values are codes or dates, not text staff typed.
_SILENT = {"closed", "completed", "reopened", "withdrawn"}


def cn_date(value: date | str | None) -> str:
    """2020年10月12日 for a date or an ISO date string; other text unchanged."""
    if value is None or value == "":
        return ""
    if isinstance(value, date):
        return f"{value.year}年{value.month}月{value.day}日"
    match = _ISO_DAY.match(str(value))
    if not match:
        return str(value)
    year, month, day = (int(g) for g in match.groups())
    return f"{year}年{month}月{day}日"


def numeral(n: int | str) -> str:
    """Chinese numeral for 1–10 (第一种形态, 一查); anything else as it is."""
    try:
        number = int(n)
    except (TypeError, ValueError):
        return str(n)
    return CHINESE_NUMERALS[number - 1] if 1 <= number <= len(CHINESE_NUMERALS) else str(n)


def _value(text: str | None) -> str:
    if text is None or text == "":
        return "（空）"
    return STATUS_WORDS.get(text) or cn_date(text)


def change_text(kind: str, item: str, old: str | None, new: str | None, days: int | None) -> str:
    """One event in words: 延期（2020年6月30日 → 2020年9月30日，推迟 92 天）."""
    level = str(ItemRef.parse(item).level)
    words = CHANGE_KIND.get(str(kind), {}).get(level, "修改")
    if str(kind) in _SILENT:
        return words
    if str(kind) == "postponed":
        return f"{words}（{_value(old)} → {_value(new)}，推迟 {days} 天）"
    if str(kind) in ("created",) or (new and not old and str(kind) == "evidence_added"):
        return f"{words}：{new}" if new else words
    if str(kind) in ("deleted", "evidence_removed"):
        return f"{words}：{old}" if old else words
    return f"{words}：{_value(old)} → {_value(new)}"


def points(value: float | None) -> str:
    """A score as printed: one decimal at most, no trailing zero ('—' when it does not apply)."""
    return "—" if value is None else f"{round(value, 1):g}"


_MERGE_PR = re.compile(r"^Merge pull request #(\d+) from (\S+)\s*(.*)$", re.DOTALL)
_MERGE_BRANCH = re.compile(r"^Merge (?:remote-tracking )?branch '([^']+)'(?: into (\S+))?\s*$")
_REVERT = re.compile(r'^Revert "(.*)"$')


def commit_subject(subject: str) -> str:
    """The subject line git or a platform wrote, in Chinese where it is boilerplate:
    "Merge pull request #12 from wcjd/fix" → "合并请求 #12（分支 wcjd/fix）". Subjects
    people wrote are shown as written."""
    if match := _MERGE_PR.match(subject):
        number, branch, rest = match.groups()
        return f"合并请求 #{number}（分支 {branch}）" + (
            f"：{rest.strip()}" if rest.strip() else ""
        )
    if match := _MERGE_BRANCH.match(subject):
        branch, into = match.groups()
        return f"合并分支 {branch}" + (f" 到 {into}" if into else "")
    if match := _REVERT.match(subject):
        return f"撤回提交“{match.group(1)}”"
    return subject
