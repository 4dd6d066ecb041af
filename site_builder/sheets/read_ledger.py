"""The 整改台账 sheet: one problem per group of rows, one measure per row.

Returns plain data shaped like a ledger's ``problems:`` (ready for the Ledger model)
and the diagnostics; a cell that cannot be read is reported and left out.
"""

from __future__ import annotations

import dataclasses
import re
from collections.abc import Callable
from datetime import datetime
from typing import Any

from site_builder.diagnostics import Diagnostic
from site_builder.model.district import Category
from site_builder.model.labels import MEASURE_STATUS, PROBLEM_SOURCE
from site_builder.model.types import ID_PATTERN
from site_builder.sheets.cells import (
    CLOSED_WORD,
    MEASURE_WORDS,
    PROBLEM_WORDS,
    SOURCE_WORDS,
    CellError,
    bracketed_date,
    leading_word,
    lines,
    parse_date,
    parse_id,
    parse_word,
    text,
)
from site_builder.sheets.grid import Group, Table, check_groups, group_rows, group_value
from site_builder.sheets.records import (
    answer_ids,
    cycle_word,
    deadline_cell,
    merge_repeated,
    time_word,
)

PROGRESS_NOTE = "\n进展："
_FILE_NOTE = re.compile(r"^(.*?)（文件：(.+)）$", re.S)
_PROBLEM_STATES = "已销号、未销号、已撤销（写作“已撤销：理由”）"


class CellReader:
    """Parses cells of one table, collecting a diagnostic for each bad one."""

    def __init__(self, table: Table, epoch: datetime) -> None:
        self.table = table
        self.epoch = epoch
        self.diagnostics: list[Diagnostic] = []

    def get(self, row: int, key: str, parse: Callable[[object], Any] = text) -> Any:
        try:
            return parse(self.table.value(row, key))
        except CellError as exc:
            # col=0: the column is the key's; the error's fields fill the message only.
            self.diagnostics.append(self.table.diag(exc.code, row, key, 0, **exc.fields))
            return None

    def date(self, row: int, key: str):
        return self.get(row, key, lambda v: parse_date(v, self.epoch))

    def missing(self, row: int, key: str, what: str, hint: str = "") -> None:
        self.diagnostics.append(self.table.diag("X011", row, key, what=what, hint=hint))


def evidence_items(value: object) -> list[dict[str, str]]:
    """One evidence item per line; “标题（文件：路径）” keeps the file path."""
    items = []
    for line in lines(value):
        m = _FILE_NOTE.match(line)
        items.append({"title": m[1].strip(), "file": m[2].strip()} if m else {"title": line})
    return items


def code_id(value: object) -> str | None:
    raw = text(value)
    if raw is not None and not ID_PATTERN.match(raw):
        raise CellError("X013", value=raw)
    return raw


def _numbers_measures(table: Table) -> bool:
    """序号 counts measures (1, 2, 3 on every row) while 存在问题 is merged down them."""
    if not (table.has("id") and table.has("title")):
        return False
    col, seen = table.columns["title"], False
    for row in table.rows:
        rng = table.merge_at(row, col)
        if rng is None or rng.min_row != row:
            continue
        inside = [r for r in table.rows if rng.min_row <= r <= rng.max_row]
        if len(inside) > 1:
            seen = True
            if not all(table.anchored(r, "id") for r in inside):
                return False
    return seen


def read_problems(
    table: Table, epoch: datetime, categories: list[Category]
) -> tuple[list[dict], list[Diagnostic]]:
    if _numbers_measures(table):
        columns = tuple(
            dataclasses.replace(c, level="item") if c.key == "id" else c for c in table.spec.columns
        )
        table.spec = dataclasses.replace(
            table.spec, columns=columns, starts=("title", "description")
        )
        table.columns.pop("id")
    reader = CellReader(table, epoch)
    groups, orphans = group_rows(table)
    title_key = "title" if table.has("title") else "description"
    for row in orphans:
        reader.diagnostics.append(
            table.diag(
                "X008",
                row,
                title_key,
                detail="这一行有整改措施，但上面没有对应的问题。请在“存在问题”列填写问题；"
                "如果是某个问题的措施，请把这一行移到那个问题的行中",
            )
        )
    problems = [
        _problem(reader, group, position, categories) for position, group in enumerate(groups, 1)
    ]
    # Rows repeating one problem's 序号 or text are that problem's further measures.
    problems = merge_repeated(problems, [p.pop("_explicit_id") for p in problems])
    diagnostics = check_groups(table, groups) + reader.diagnostics
    if not groups and not orphans:
        diagnostics.append(table.diag("X015", table.header_row, col=0))
    return problems, diagnostics


def _problem(reader: CellReader, group: Group, position: int, categories: list[Category]):
    table = reader.table
    value = lambda key: group_value(table, group, key)  # noqa: E731
    id_value, id_row = value("id")
    pid = reader.get(id_row, "id", lambda v: parse_id(v, "P")) if id_value is not None else None

    title = text(value("title")[0])
    extra = text(value("description")[0])
    if title is None:
        title, extra = extra, None
    if title is None:
        key = "title" if table.has("title") else "description"
        detail = (
            "这一行另起了一个问题，但没有填写问题内容。请填写存在问题；如果这一行是上一个问题的"
            "又一条措施，请清空它的序号，并把上一个问题的单元格向下合并到这一行"
        )
        reader.diagnostics.append(table.diag("X008", group.start, key, detail=detail))
    head, _, rest = (title or "").partition("\n")
    description = "\n".join(t for t in (rest.strip(), extra) if t) or None

    measures: list[dict] = []
    closed_by_measure = False
    for row in group.rows:
        if _has_measure(table, row):
            measure, closed = _measure(reader, row, len(measures) + 1)
            measures.append(measure)
            closed_by_measure |= closed

    problem: dict[str, Any] = {
        "id": pid or f"P{position:02d}",
        "title": head.strip(),
        "description": description,
        "category": _category(reader, group, categories),
        "source": reader.get(
            value("source")[1], "source", lambda v: parse_word(v, SOURCE_WORDS, PROBLEM_SOURCE)
        ),
        "common_code": reader.get(value("common_code")[1], "common_code", code_id),
        "answers": reader.get(value("answers")[1], "answers", answer_ids) or [],
        "_explicit_id": pid is not None,
    }
    status_value, status_row = value("problem_status")
    if status_text := text(status_value):
        hit = leading_word(status_text, PROBLEM_WORDS)
        if hit is None:
            reader.diagnostics.append(
                table.diag(
                    "X010",
                    status_row,
                    "problem_status",
                    value=status_text,
                    choices=_PROBLEM_STATES,
                )
            )
        else:
            problem["status"] = hit[0]
            if hit[0] == "withdrawn":
                problem["withdrawn_reason"] = hit[2]
            elif hit[0] == "closed":
                problem["closed_on"] = bracketed_date(hit[2], reader.epoch)[0]
    elif closed_by_measure:
        problem["status"] = "closed"
    problem["closed_on"] = reader.date(value("closed_on")[1], "closed_on") or problem.get(
        "closed_on"
    )
    problem["measures"] = measures
    return problem


def _has_measure(table: Table, row: int) -> bool:
    return any(
        table.anchored(row, c.key) and text(table.value(row, c.key)) is not None
        for c in table.spec.columns
        if c.level == "item"
    )


def _measure(reader: CellReader, row: int, position: int) -> tuple[dict, bool]:
    table = reader.table
    mid = reader.get(row, "measure_id", lambda v: parse_id(v, "M"))
    owner, unit = reader.get(row, "owner"), reader.get(row, "unit")
    completed_on = reader.date(row, "completed_on")
    progress = reader.get(row, "progress")
    status, closed = ("done" if completed_on else "not_started"), False
    status_text = reader.get(row, "status")
    if status_text:
        status = reader.get(row, "status", lambda v: parse_word(v, MEASURE_WORDS, MEASURE_STATUS))
        closed = status_text.startswith(CLOSED_WORD)
    elif progress:
        hit = leading_word(progress, MEASURE_WORDS)
        if hit:
            status, word, progress = hit
            closed = word == CLOSED_WORD
            if status in ("done", "stage_done") and completed_on is None:
                completed_on, progress = bracketed_date(progress, reader.epoch)
        else:
            status = "done" if completed_on else "in_progress"
            reader.diagnostics.append(
                table.diag(
                    "X012", row, "progress", value=_short(progress), status=MEASURE_STATUS[status]
                )
            )
    kind, deadline = reader.get(row, "deadline", lambda v: deadline_cell(v, reader.epoch)) or (
        None,
        None,
    )
    kind = reader.get(row, "time_limit", time_word) or kind
    stage_due = reader.date(row, "stage_due")
    if kind == "long_term" and stage_due is None:
        # “长期坚持（2021年6月30日前阶段性完成）”: the date is the stage's.
        stage_due, deadline = deadline, None
    measure = {
        "id": mid or f"M{position}",
        "text": reader.get(row, "text"),
        "time_limit": kind,
        "deadline": deadline,
        "stage_goal": reader.get(row, "stage_goal"),
        "stage_due": stage_due,
        "review_cycle": reader.get(row, "review_cycle", cycle_word),
        # 责任人 and 责任单位 make one owner, “王芳（党政办）”, as ledgers write it.
        "owner": f"{owner}（{unit}）" if owner and unit else owner or unit,
        "leader": reader.get(row, "leader"),
        "status": status or "not_started",
        "completed_on": completed_on,
        "progress": progress,
        "evidence": evidence_items(table.value(row, "evidence")),
    }
    if status == "withdrawn":
        # Export writes “已撤销：理由” and, on a line of its own, “进展：…”.
        reason, _, note = (progress or "").partition(PROGRESS_NOTE)
        measure["withdrawn_reason"], measure["progress"] = reason or None, note or None
    return measure, closed


def _short(value: str) -> str:
    return value if len(value) <= 20 else value[:20] + "…"


def _category(reader: CellReader, group: Group, categories: list[Category]) -> str | None:
    table = reader.table
    raw, row = group_value(table, group, "category")
    labels = {c.label: c.code for c in categories} | {c.code: c.code for c in categories}
    choices = "、".join(c.label for c in categories)
    name = text(raw)
    if name:
        squeezed = re.sub(r"\s+", "", name)
        found = labels.get(squeezed) or _contained(squeezed, categories)
        if found is None:
            reader.diagnostics.append(
                table.diag("X010", row, "category", value=name, choices=choices)
            )
        return found
    if group.section and (found := _contained(group.section, categories)):
        return found
    key = (
        "category" if table.has("category") else ("title" if table.has("title") else "description")
    )
    reader.missing(
        group.start,
        key,
        "问题类别",
        f"请在“问题类别”列填写（可选：{choices}），或在问题上方加一行分类标题，如“一、党的领导方面”。",
    )
    return None


def _contained(value: str, categories: list[Category]) -> str | None:
    hits = {c.code for c in categories if c.label in value}
    return hits.pop() if len(hits) == 1 else None
