"""The office's newer fields in a workbook: 整改时限 words, answers, 延期申请, repeated rows.

Offices write 立行立改 or 长期坚持 in the 整改时限 column, sometimes followed by a date
(“长期坚持（2021年6月30日前阶段性完成）”), and list one problem on several rows,
repeating its 序号 or its text on each measure's row. This module reads those as the
ledger means them; ``read_ledger`` and ``import_xlsx`` call it.
"""

from __future__ import annotations

import re
from datetime import date, datetime
from typing import Any

from openpyxl.worksheet.worksheet import Worksheet

from site_builder.diagnostics import Diagnostic
from site_builder.model.labels import (
    CADRE_LEVEL,
    DECIDING_BODY,
    PLAN_CHECK,
    REVIEW_CYCLE,
    REVIEW_OUTCOME,
    TIME_LIMIT,
)
from site_builder.model.ledger import Ledger
from site_builder.model.money import Amount
from site_builder.model.terms import (
    CADRE_LEVEL_WORDS,
    DECIDING_BODY_WORDS,
    PLAN_CHECK_WORDS,
    REVIEW_CYCLE_WORDS,
    TIME_LIMIT_WORDS,
)
from site_builder.model.types import ID_PATTERN
from site_builder.sheets.cells import CellError, parse_date, parse_deadline, parse_id, text
from site_builder.sheets.columns import SheetSpec
from site_builder.sheets.grid import group_rows, read_table

_AROUND = re.compile(r"^[\s:：,，;；、(（]+|[\s)）。;；]+$")
_SPLIT = re.compile(r"[、,，;；\s]+")
TIME_WORDS = {
    **TIME_LIMIT_WORDS,
    **{v: k for k, v in TIME_LIMIT.items()},
    **{k: k for k in TIME_LIMIT},
}
CYCLE_WORDS = {**REVIEW_CYCLE_WORDS, **{v: k for k, v in REVIEW_CYCLE.items()}}
CYCLE_WORDS |= {k: k for k in REVIEW_CYCLE}
BODY_WORDS = {**DECIDING_BODY_WORDS, **{v: k for k, v in DECIDING_BODY.items()}}
BODY_WORDS |= {k: k for k in DECIDING_BODY}
LEVEL_WORDS = {**CADRE_LEVEL_WORDS, **{v: k for k, v in CADRE_LEVEL.items()}}
LEVEL_WORDS |= {k: k for k in CADRE_LEVEL}
_STAGE_NOTE = re.compile(r"阶段性(?:完成|目标)?$")


def deadline_cell(value: object, epoch: datetime) -> tuple[str | None, date | None]:
    """(time-limit kind, date) from a 整改时限 cell: a date, a word, or a word and a date."""
    raw = text(value)
    if raw is None or not isinstance(value, str):
        return None, parse_date(value, epoch)
    for word in sorted(TIME_WORDS, key=len, reverse=True):
        if raw.startswith(word):
            rest = _STAGE_NOTE.sub("", _AROUND.sub("", raw[len(word) :]))
            rest = _AROUND.sub("", rest)
            kind = TIME_WORDS[word]
            if kind == "deadline" and not rest:
                raise CellError("X007", value=raw)  # 限期整改 needs its date
            return kind, parse_date(rest, epoch) if rest else None
    return None, parse_deadline(value, epoch)


def cycle_word(value: object) -> str | None:
    raw = text(value)
    if raw is None:
        return None
    key = CYCLE_WORDS.get(raw.rstrip("。"))
    if key is None:
        raise CellError("X010", value=raw, choices="、".join(REVIEW_CYCLE.values()))
    return key


def time_word(value: object) -> str | None:
    raw = text(value)
    if raw is None:
        return None
    key = TIME_WORDS.get(raw.rstrip("。"))
    if key is None:
        raise CellError("X010", value=raw, choices="、".join(TIME_LIMIT.values()))
    return key


def answer_ids(value: object) -> list[str]:
    """“F01、F03” (or F01, F03 / 1、3) as the feedback items a problem answers."""
    raw = text(value)
    ids = []
    for part in _SPLIT.split(raw or ""):
        if not part:
            continue
        if part.isdigit():
            part = f"F{int(part):02d}"
        if not ID_PATTERN.match(part):
            raise CellError("X013", value=part)
        ids.append(part)
    return ids


def merge_repeated(problems: list[dict], explicit: list[bool]) -> list[dict]:
    """Rows that repeat one problem (same 序号, or same text) become one problem.

    ``explicit`` says which problems had a 序号 written; the others were numbered by
    position and are numbered again after merging.
    """
    merged: list[dict] = []
    by_key: dict[tuple[str, str], dict] = {}
    for problem, has_id in zip(problems, explicit, strict=True):
        keys = [("title", problem["title"])] + ([("id", problem["id"])] if has_id else [])
        first = next((by_key[k] for k in keys if k in by_key), None)
        if first is None:
            merged.append(problem)
            for k in keys:
                by_key[k] = problem
            continue
        first["measures"].extend(problem["measures"])
        for key, value in problem.items():
            if first.get(key) in (None, "", []) and value not in (None, "", []):
                first[key] = value
    for problem in merged:
        ids = [m["id"] for m in problem["measures"]]
        if len(set(ids)) != len(ids):
            for position, measure in enumerate(problem["measures"], 1):
                measure["id"] = f"M{position}"
    if not any(explicit):
        for position, problem in enumerate(merged, 1):
            problem["id"] = f"P{position:02d}"
    return merged


def read_postponements(
    ws: Worksheet, spec: SheetSpec, file: str, epoch: datetime, problems: dict[str, dict]
) -> list[Diagnostic]:
    """延期申请: one row per request, naming its problem and measure."""
    from site_builder.sheets.read_ledger import CellReader

    table, diagnostics = read_table(ws, spec, file)
    if table is None:
        return diagnostics
    reader = CellReader(table, epoch)
    groups, orphans = group_rows(table)
    rows = [*orphans, *(r for g in groups for r in g.rows)]
    current: dict[int, str | None] = {}
    for group in groups:
        pid = reader.get(group.start, "problem", lambda v: parse_id(v, "P"))
        current.update(dict.fromkeys(group.rows, pid))
    for row in sorted(rows):
        mid = reader.get(row, "measure_id", lambda v: parse_id(v, "M"))
        problem = problems.get(current.get(row) or "")
        measure = next((m for m in (problem or {}).get("measures", []) if m["id"] == mid), None)
        if measure is None:
            reader.missing(row, "measure_id", "措施", "请填写台账中已有的问题序号和措施编号。")
            continue
        entry = {
            "requested_on": reader.date(row, "requested_on"),
            "reason": reader.get(row, "reason"),
            "old_deadline": reader.date(row, "old_deadline"),
            "new_deadline": reader.date(row, "new_deadline"),
            "approved_by": reader.get(row, "approved_by"),
            "approved_on": reader.date(row, "approved_on"),
        }
        measure.setdefault("postponements", []).append(entry)
    return diagnostics + reader.diagnostics


def postponement_groups(ledger: Ledger, export_id) -> list[tuple[dict[str, Any], list[dict]]]:
    groups: list[tuple[dict[str, Any], list[dict]]] = []
    for position, problem in enumerate(ledger.problems, 1):
        rows = [
            {
                "measure_id": measure.id,
                "requested_on": p.requested_on,
                "reason": p.reason,
                "old_deadline": p.old_deadline,
                "new_deadline": p.new_deadline,
                "approved_by": p.approved_by,
                "approved_on": p.approved_on,
            }
            for measure in problem.measures
            for p in measure.postponements
        ]
        if rows:
            groups.append(({"problem": export_id(problem.id, position, "P")}, rows))
    return groups


def read_reviews(ws: Worksheet, spec: SheetSpec, file: str, epoch: datetime):
    """方案审核: one row per submission and its review, in order."""
    from site_builder.sheets.cells import OUTCOME_WORDS, lines, parse_word
    from site_builder.sheets.read_ledger import CellReader

    table, diagnostics = read_table(ws, spec, file)
    if table is None:
        return [], diagnostics
    reader = CellReader(table, epoch)
    reviews = []
    for row in table.rows:
        if not any(text(table.value(row, c.key)) for c in spec.columns if table.has(c.key)):
            continue
        reviews.append(
            {
                "submitted_on": reader.date(row, "submitted_on"),
                "reviewer": reader.get(row, "reviewer"),
                "reviewed_on": reader.date(row, "reviewed_on"),
                "outcome": reader.get(
                    row, "outcome", lambda v: parse_word(v, OUTCOME_WORDS, REVIEW_OUTCOME)
                ),
                "failed_checks": reader.get(row, "failed_checks", check_words) or [],
                "findings": lines(table.value(row, "findings")),
                "resubmit_by": reader.date(row, "resubmit_by"),
            }
        )
    return reviews, diagnostics + reader.diagnostics


def check_words(value: object) -> list[str]:
    """“任务有漏项、措施不具体” as the 三不过 checks a plan failed."""
    words = {
        **PLAN_CHECK_WORDS,
        **{v: k for k, v in PLAN_CHECK.items()},
        **{k: k for k in PLAN_CHECK},
    }
    found = []
    for part in _SPLIT.split(text(value) or ""):
        if not part:
            continue
        if part not in words:
            raise CellError("X010", value=part, choices="、".join(PLAN_CHECK.values()))
        found.append(words[part])
    return found


def review_rows(ledger: Ledger) -> list[tuple[dict[str, Any], list[dict]]]:
    return [
        (
            {},
            [
                {
                    "submitted_on": r.submitted_on,
                    "reviewer": r.reviewer,
                    "reviewed_on": r.reviewed_on,
                    "outcome": REVIEW_OUTCOME[r.outcome],
                    "failed_checks": "、".join(PLAN_CHECK[c] for c in r.failed_checks) or None,
                    "findings": "\n".join(r.findings) or None,
                    "resubmit_by": r.resubmit_by,
                }
            ],
        )
        for r in ledger.plan.reviews
    ]


def read_money(
    ws: Worksheet, spec: SheetSpec, file: str, epoch: datetime, problems: dict[str, dict]
) -> list[Diagnostic]:
    """清退追缴: one amount a row, on its problem, or on a measure when 措施编号 is given."""
    from site_builder.model.labels import MONEY_KIND
    from site_builder.model.money import MONEY_KIND_WORDS
    from site_builder.sheets.cells import parse_word
    from site_builder.sheets.read_ledger import CellReader

    words = {
        **MONEY_KIND_WORDS,
        **{v: k for k, v in MONEY_KIND.items()},
        **{k: k for k in MONEY_KIND},
    }
    table, diagnostics = read_table(ws, spec, file)
    if table is None:
        return diagnostics
    reader = CellReader(table, epoch)
    groups, orphans = group_rows(table)
    for row in orphans:
        reader.missing(row, "problem", "问题序号", "请填写这笔资金属于哪个问题，如 3 或 P03。")
    for group in groups:
        pid = reader.get(group.start, "problem", lambda v: parse_id(v, "P"))
        problem = problems.get(pid or "")
        for row in group.rows:
            mid = reader.get(row, "measure_id", lambda v: parse_id(v, "M"))
            owner = problem
            if problem is not None and mid:
                owner = next((m for m in problem["measures"] if m["id"] == mid), None)
            if owner is None:
                reader.missing(
                    row, "problem", "问题或措施", "请填写台账中已有的问题序号和措施编号。"
                )
                continue
            value = table.value(row, "amount")
            owner.setdefault("money", []).append(
                {
                    "kind": reader.get(row, "kind", lambda v: parse_word(v, words, MONEY_KIND)),
                    "amount": text(value) if not isinstance(value, int | float) else str(value),
                    "on": reader.date(row, "on"),
                    "note": reader.get(row, "note"),
                }
            )
    return diagnostics + reader.diagnostics


def money_groups(ledger: Ledger, export_id) -> list[tuple[dict[str, Any], list[dict]]]:
    from site_builder.model.labels import MONEY_KIND

    groups: list[tuple[dict[str, Any], list[dict]]] = []
    for position, problem in enumerate(ledger.problems, 1):
        owned: list[tuple[str | None, Amount]] = [(None, a) for a in problem.money]
        owned += [(m.id, a) for m in problem.measures for a in m.money]
        rows = [
            {
                "measure_id": mid,
                "kind": MONEY_KIND[a.kind],
                "amount": f"{a.amount:.2f}",
                "on": a.on,
                "note": a.note,
            }
            for mid, a in owned
        ]
        if rows:
            groups.append(({"problem": export_id(problem.id, position, "P")}, rows))
    return groups
