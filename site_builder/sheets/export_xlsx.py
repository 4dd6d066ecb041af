"""`rectify export-xlsx`: a ledger as the 整改台账 workbook offices keep.

The first sheet is the familiar table (问题 merged across its measures' rows); the
sheets after it hold what that table cannot (整改方案, 长效机制, 问责清单, 整改报告),
so that importing the exported workbook gives back the same ledger.
"""

from __future__ import annotations

import os
import re
import tempfile
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any

from openpyxl import Workbook
from openpyxl.worksheet.worksheet import Worksheet

from site_builder.diagnostics import Diagnostic
from site_builder.load import load_project
from site_builder.model import Ledger, Project
from site_builder.model.labels import (
    CADRE_LEVEL,
    DECIDING_BODY,
    DEPARTMENT,
    FORM,
    MEASURE_STATUS,
    PROBLEM_SOURCE,
    PROBLEM_STATUS,
    RESPONSIBILITY,
    REVIEW_CYCLE,
    REVIEW_OUTCOME,
    TIME_LIMIT,
)
from site_builder.model.ledger import Evidence, Measure, Problem
from site_builder.sheets.cells import export_id
from site_builder.sheets.columns import (
    ACCOUNTABILITY,
    LEDGER,
    LEDGER_EXPORT,
    LEDGER_OPTIONAL,
    MECHANISMS,
    MONEY,
    PLAN_NAME,
    PLAN_REVIEWS,
    POSTPONEMENTS,
    REPORT,
    Column,
)
from site_builder.sheets.layout import (
    Group,
    write_groups,
    write_header,
    write_title,
)
from site_builder.sheets.read_ledger import PROGRESS_NOTE
from site_builder.sheets.records import money_groups, postponement_groups, review_rows

_OWNER = re.compile(r"^([^（）]+)（([^（）]+)）$")


class ExportError(Exception):
    """A ledger that cannot be exported (not found, or the output exists)."""


@dataclass
class ExportResult:
    written: list[Path] = field(default_factory=list)
    diagnostics: list[Diagnostic] = field(default_factory=list)


def export_xlsx(
    root: Path, round_id: str | None, unit_id: str | None, out: Path | None, *, force: bool = False
) -> ExportResult:
    """Export one ledger (ROUND UNIT) to ``out``, or every ledger into the folder ``out``."""
    project, diagnostics = load_project(root)
    result = ExportResult()
    if round_id and unit_id:
        ledger = project.ledger_by_key.get(f"{round_id}/{unit_id}")
        if ledger is None:
            rel = f"ledgers/{round_id}/{unit_id}.yml"
            result.diagnostics = [d for d in diagnostics if d.file == rel]
            if not result.diagnostics:
                raise ExportError(f"没有找到台账 {rel}（轮次 {round_id}、单位 {unit_id}）。")
            return result
        targets = [(ledger, out or Path(f"{round_id}-{unit_id}.xlsx"))]
    else:
        folder = out or root / "build" / "xlsx"
        targets = [(x, folder / x.round / f"{x.unit}.xlsx") for x in project.ledgers]
        result.diagnostics = [d for d in diagnostics if d.file.startswith("ledgers/")]
    existing = [str(path) for _, path in targets if path.exists()]
    if existing and not force:
        raise ExportError(f"文件已存在：{'、'.join(existing[:5])}。确认覆盖请加 --force。")
    for ledger, path in targets:
        _save(ledger_workbook(ledger, project), path)
        result.written.append(path)
    return result


def _save(wb: Workbook, path: Path) -> None:
    path.parent.mkdir(parents=True, exist_ok=True)
    fd, tmp = tempfile.mkstemp(dir=path.parent, prefix=".export-", suffix=".xlsx")
    os.close(fd)
    try:
        wb.save(tmp)
        os.replace(tmp, path)
    except BaseException:
        Path(tmp).unlink(missing_ok=True)
        raise


def ledger_workbook(ledger: Ledger, project: Project) -> Workbook:
    unit = project.unit_by_id.get(ledger.unit)
    round_ = project.round_by_id.get(ledger.round)
    unit_name = unit.name if unit else ledger.unit
    round_name = round_.name if round_ else ledger.round

    wb = Workbook()
    ws = wb.active
    if not isinstance(ws, Worksheet):  # a new workbook opens on its one worksheet
        raise TypeError("a new workbook has no active worksheet")
    ws.title = LEDGER.name
    positional = all(m.id == f"M{i}" for p in ledger.problems for i, m in enumerate(p.measures, 1))
    used = _used_optional(ledger)
    columns = [
        LEDGER.column(key)
        for key in LEDGER_EXPORT
        if not (key == "measure_id" and positional) and (key not in LEDGER_OPTIONAL or key in used)
    ]
    measures = sum(len(p.measures) for p in ledger.problems)
    write_title(ws, 1, f"{unit_name}{round_name}整改台账", len(columns))
    write_title(
        ws,
        2,
        f"轮次：{round_name}（{ledger.round}）　单位：{unit_name}（{ledger.unit}）　"
        f"问题 {len(ledger.problems)} 个、整改措施 {measures} 条",
        len(columns),
        size=10,
    )
    write_header(ws, 3, columns)
    groups = [_problem_group(p, i, project) for i, p in enumerate(ledger.problems, 1)]
    write_groups(ws, 4, columns, groups)

    if ledger.plan.model_dump(exclude_none=True):
        _plan_sheet(wb, ledger)
    _grouped_sheet(wb, MECHANISMS.name, list(MECHANISMS.columns), _mechanism_groups(ledger))
    _grouped_sheet(wb, ACCOUNTABILITY.name, list(ACCOUNTABILITY.columns), _blame_groups(ledger))
    _grouped_sheet(wb, PLAN_REVIEWS.name, list(PLAN_REVIEWS.columns), review_rows(ledger))
    _grouped_sheet(wb, MONEY.name, list(MONEY.columns), money_groups(ledger, export_id))
    _grouped_sheet(
        wb, POSTPONEMENTS.name, list(POSTPONEMENTS.columns), postponement_groups(ledger, export_id)
    )
    if ledger.report is not None:
        report = ledger.report
        reviewers = [
            {"name": r.name, "department": DEPARTMENT[r.department], "signed_on": r.signed_on}
            for r in report.reviewers
        ]
        values = {"submitted_on": report.submitted_on, "summary": report.summary}
        _grouped_sheet(wb, REPORT.name, list(REPORT.columns), [(values, reviewers)], keep=True)
    return wb


def _problem_group(problem: Problem, position: int, project: Project) -> Group:
    status = PROBLEM_STATUS[problem.status] if problem.status != "open" else "未销号"
    if problem.status == "withdrawn" and problem.withdrawn_reason:
        status += f"：{problem.withdrawn_reason}"
    values = {
        "id": export_id(problem.id, position, "P"),
        "category": project.category_label(problem.category),
        "source": PROBLEM_SOURCE[problem.source],
        "common_code": problem.common_code,
        "title": problem.title + (f"\n{problem.description}" if problem.description else ""),
        "problem_status": status,
        "closed_on": problem.closed_on,
        "answers": "、".join(problem.answers) or None,
    }
    return values, [_measure_row(m) for m in problem.measures]


def _measure_row(measure: Measure) -> dict[str, Any]:
    owner, unit = measure.owner, None
    m = _OWNER.match(measure.owner or "")
    # Split “王芳（党政办）” into 责任人 and 责任单位 only when import joins them back exactly.
    if m and f"{m[1].strip()}（{m[2].strip()}）" == measure.owner:
        owner, unit = m[1], m[2]
    progress = MEASURE_STATUS[measure.status]
    if measure.status == "withdrawn":
        progress += f"：{measure.withdrawn_reason}" if measure.withdrawn_reason else ""
        progress += f"{PROGRESS_NOTE}{measure.progress}" if measure.progress else ""
    elif measure.progress:
        progress += f"：{measure.progress}"
    return {
        "measure_id": measure.id,
        "text": measure.text,
        "leader": measure.leader,
        "unit": unit,
        "owner": owner,
        "deadline": measure.deadline,
        "time_limit": TIME_LIMIT[measure.time_limit],
        "stage_goal": measure.stage_goal,
        "stage_due": measure.stage_due,
        "review_cycle": REVIEW_CYCLE.get(measure.review_cycle or ""),
        "progress": progress,
        "completed_on": measure.completed_on,
        "evidence": evidence_text(measure.evidence),
    }


def _used_optional(ledger: Ledger) -> set[str]:
    """The optional columns some problem or measure of the ledger fills in."""
    used = {"answers"} if any(p.answers for p in ledger.problems) else set()
    for measure in (m for p in ledger.problems for m in p.measures):
        if measure.time_limit != "deadline":
            used.add("time_limit")
        used |= {k for k in ("stage_goal", "stage_due", "review_cycle") if getattr(measure, k)}
    return used


def evidence_text(items: list[Evidence]) -> str | None:
    lines = [e.title + (f"（文件：{e.file}）" if e.file else "") for e in items]
    return "\n".join(lines) or None


def _mechanism_groups(ledger: Ledger) -> list[Group]:
    return [
        (
            {"problem": export_id(p.id, i, "P")},
            [
                {
                    "title": m.title,
                    "issued_on": m.issued_on,
                    "document": m.document,
                    "enforcement": evidence_text(m.enforcement),
                }
                for m in p.mechanisms
            ],
        )
        for i, p in enumerate(ledger.problems, 1)
        if p.mechanisms
    ]


def _blame_groups(ledger: Ledger) -> list[Group]:
    return [
        (
            {"problem": export_id(p.id, i, "P"), "exempt": p.leadership_exempt_reason},
            [
                {
                    "person": a.person,
                    "post": a.post,
                    "responsibility": RESPONSIBILITY[a.responsibility],
                    "form": FORM[a.form],
                    "measure": a.measure,
                    "decided_on": a.decided_on,
                    "decided_by": DECIDING_BODY.get(a.decided_by or ""),
                    "cadre_level": CADRE_LEVEL.get(a.cadre_level or ""),
                }
                for a in p.accountability
            ],
        )
        for i, p in enumerate(ledger.problems, 1)
        if p.accountability or p.leadership_exempt_reason
    ]


def _grouped_sheet(wb: Workbook, name: str, columns: list[Column], groups, keep=False) -> None:
    if not groups and not keep:
        return
    ws = wb.create_sheet(name)
    write_header(ws, 1, columns)
    write_groups(ws, 2, columns, groups)


def _plan_sheet(wb: Workbook, ledger: Ledger) -> None:
    plan, review = ledger.plan, ledger.plan.review
    rows: list[tuple[str, Any]] = [
        ("整改目标", plan.objective),
        ("提交日期", plan.submitted_on),
        ("整改领导小组", plan.leading_group),
    ]
    if review is not None:
        rows += [
            ("审核结果", REVIEW_OUTCOME[review.outcome]),
            ("审核人", review.reviewer),
            ("审核日期", review.reviewed_on),
            ("审核意见", "\n".join(review.findings) or None),
        ]
    ws = wb.create_sheet(PLAN_NAME)
    columns = [Column("item", ("项目",), "group", 16), Column("value", ("内容",), width=90)]
    write_header(ws, 1, columns)
    groups = [({"item": name}, [{"value": value}]) for name, value in rows if value is not None]
    write_groups(ws, 2, columns, groups)
