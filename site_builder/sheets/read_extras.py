"""The optional sheets export writes beside the ledger: 整改方案, 长效机制, 问责清单, 整改报告.

Offices' own workbooks rarely have them; when present they carry what one table
of problems and measures cannot, so that export then import gives back the whole
ledger.
"""

from __future__ import annotations

from datetime import datetime
from typing import Any

from openpyxl.worksheet.worksheet import Worksheet

from site_builder.diagnostics import Diagnostic, diag
from site_builder.model.labels import (
    CADRE_LEVEL,
    DECIDING_BODY,
    DEPARTMENT,
    RESPONSIBILITY,
    REVIEW_OUTCOME,
)
from site_builder.sheets.cells import (
    DEPARTMENT_WORDS,
    OUTCOME_WORDS,
    RESPONSIBILITY_WORDS,
    CellError,
    lines,
    parse_date,
    parse_form,
    parse_id,
    parse_word,
    text,
)
from site_builder.sheets.columns import PLAN_ROWS, SheetSpec, normalise_header
from site_builder.sheets.grid import Group, Table, check_groups, group_rows, group_value, read_table
from site_builder.sheets.read_ledger import CellReader, evidence_items
from site_builder.sheets.records import BODY_WORDS, LEVEL_WORDS

PLAN_SCAN_ROWS = 50


def read_grouped(
    ws: Worksheet, spec: SheetSpec, file: str, epoch: datetime, problems: dict[str, dict]
) -> list[Diagnostic]:
    """长效机制 or 问责清单: rows grouped by 问题序号, added to those problems."""
    table, diagnostics = read_table(ws, spec, file)
    if table is None:
        return diagnostics
    reader = CellReader(table, epoch)
    groups, orphans = group_rows(table)
    for row in orphans:
        reader.missing(row, "problem", "问题序号", "请填写这一行属于哪个问题，如 3 或 P03。")
    for group in groups:
        pid = reader.get(group.start, "problem", lambda v: parse_id(v, "P"))
        problem = problems.get(pid or "")
        if pid and problem is None:
            choices = "、".join(problems) or "（台账中没有问题）"
            reader.diagnostics.append(
                table.diag(
                    "X010",
                    group.start,
                    "problem",
                    value=text(table.value(group.start, "problem")),
                    choices=choices,
                )
            )
        rows = [r for r in group.rows if _has_item(table, r)]
        if spec.item == "title":
            items = [_mechanism(reader, row) for row in rows]
            if problem is not None:
                problem.setdefault("mechanisms", []).extend(items)
        else:
            items = [_accountability(reader, row) for row in rows]
            reason = text(group_value(table, group, "exempt")[0])
            if problem is not None:
                problem.setdefault("accountability", []).extend(items)
                if reason:
                    problem["leadership_exempt_reason"] = reason
    return diagnostics + check_groups(table, groups) + reader.diagnostics


def _has_item(table: Table, row: int) -> bool:
    return any(
        text(table.own(row, table.columns[c.key])) is not None
        for c in table.spec.columns
        if c.level == "item" and c.key in table.columns
    )


def _mechanism(reader: CellReader, row: int) -> dict[str, Any]:
    title = reader.get(row, "title")
    if title is None:
        reader.missing(row, "title", "制度名称", "请填写制度或机制的名称，或删除这一行。")
    return {
        "title": title,
        "issued_on": reader.date(row, "issued_on"),
        "document": reader.get(row, "document"),
        "enforcement": evidence_items(reader.table.value(row, "enforcement")),
    }


def _accountability(reader: CellReader, row: int) -> dict[str, Any]:
    entry = {
        "person": reader.get(row, "person"),
        "post": reader.get(row, "post"),
        "responsibility": reader.get(
            row, "responsibility", lambda v: parse_word(v, RESPONSIBILITY_WORDS, RESPONSIBILITY)
        ),
        "form": reader.get(row, "form", parse_form),
        "measure": reader.get(row, "measure"),
        "decided_on": reader.date(row, "decided_on"),
        "decided_by": reader.get(
            row, "decided_by", lambda v: parse_word(v, BODY_WORDS, DECIDING_BODY)
        ),
        "cadre_level": reader.get(
            row, "cadre_level", lambda v: parse_word(v, LEVEL_WORDS, CADRE_LEVEL)
        ),
    }
    for key, what in (
        ("person", "被问责人"),
        ("responsibility", "责任类型（直接责任或领导责任）"),
        ("form", "四种形态"),
        ("measure", "问责方式"),
    ):
        if entry[key] is None and text(reader.table.value(row, key)) is None:
            if reader.table.has(key):
                reader.missing(row, key, what)
            else:
                reader.missing(row, "person", what, f"请在表头加上“{what}”列。")
    return entry


def read_report(ws: Worksheet, spec: SheetSpec, file: str, epoch: datetime):
    """整改报告: submission date and summary merged across one row per reviewer."""
    table, diagnostics = read_table(ws, spec, file)
    if table is None:
        return None, diagnostics
    reader = CellReader(table, epoch)
    report: dict[str, Any] = {"reviewers": []}
    if not table.rows:
        return report, diagnostics
    group = Group(table.rows[0], list(table.rows))
    value_row = lambda key: group_value(table, group, key)[1]  # noqa: E731
    report["submitted_on"] = reader.date(value_row("submitted_on"), "submitted_on")
    report["summary"] = reader.get(value_row("summary"), "summary")
    for row in group.rows:
        if not _has_item(table, row):
            continue
        reviewer = {
            "name": reader.get(row, "name"),
            "department": reader.get(
                row, "department", lambda v: parse_word(v, DEPARTMENT_WORDS, DEPARTMENT)
            ),
            "signed_on": reader.date(row, "signed_on"),
        }
        for key, what in (
            ("name", "审核人"),
            ("department", "审核部门"),
            ("signed_on", "签字日期"),
        ):
            if reviewer[key] is None and text(table.value(row, key)) is None:
                reader.missing(row, key if table.has(key) else "name", what)
        report["reviewers"].append(reviewer)
    return report, diagnostics + check_groups(table, [group]) + reader.diagnostics


def read_plan(ws: Worksheet, file: str, epoch: datetime) -> tuple[dict, list[Diagnostic]]:
    """整改方案: an item name in one cell and its value in the next cell to the right."""
    names = {normalise_header(n): key for key, alts in PLAN_ROWS for n in alts}
    labels = {key: alts[0] for key, alts in PLAN_ROWS}
    found: dict[str, tuple[object, int, int]] = {}
    merged = {(r, c): rng for rng in ws.merged_cells.ranges for r, c in rng.cells}
    for row in range(1, min(ws.max_row, PLAN_SCAN_ROWS) + 1):
        for col in range(1, min(ws.max_column, 10)):
            key = names.get(normalise_header(ws.cell(row, col).value))
            if key and key not in found:
                right = merged.get((row, col))
                target = (right.max_col if right else col) + 1
                found[key] = (ws.cell(row, target).value, row, target)
                break
    diagnostics: list[Diagnostic] = []

    def read(key: str, parse):
        value, row, col = found.get(key, (None, 0, 0))
        try:
            return parse(value)
        except CellError as exc:
            from openpyxl.utils import get_column_letter

            diagnostics.append(
                diag(
                    exc.code,
                    file,
                    row,
                    col,
                    sheet=ws.title,
                    row=row,
                    letter=get_column_letter(col),
                    column=labels[key],
                    **exc.fields,
                )
            )
            return None

    plan: dict[str, Any] = {
        "objective": read("objective", text),
        "submitted_on": read("submitted_on", lambda v: parse_date(v, epoch)),
        "leading_group": read("leading_group", text),
    }
    review = {
        "outcome": read("outcome", lambda v: parse_word(v, OUTCOME_WORDS, REVIEW_OUTCOME)),
        "reviewer": read("reviewer", text),
        "reviewed_on": read("reviewed_on", lambda v: parse_date(v, epoch)),
        "findings": read("findings", lines),
    }
    if any(review.values()):
        plan["review"] = review
    return plan, diagnostics
