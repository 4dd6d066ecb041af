"""`rectify import-xlsx`: a 整改台账 workbook to ledgers/<round>/<unit>.yml.

Two kinds of trouble, two answers. A workbook that cannot be read faithfully (a
missing column, a date that is not a date, a problem without text, a merged range
that does not line up) gets X diagnostics naming sheet, row and column, and no
YAML is written. A workbook that reads fine but whose ledger is incomplete (a
measure without a deadline) is written, and the validator's own diagnostics for
that file (P002 ...) are returned with it: the same messages `rectify validate`
prints, pointing at the YAML staff will edit from then on.
"""

from __future__ import annotations

import dataclasses
import io
import os
import tempfile
import warnings
import zipfile
from dataclasses import dataclass, field
from datetime import date
from pathlib import Path
from typing import Any

from defusedxml import DefusedXmlException

from site_builder.diagnostics import Diagnostic, diag, has_errors
from site_builder.load import load_project, parse_yaml
from site_builder.load.dump import dump_yaml
from site_builder.load.records import build_record
from site_builder.model import Ledger, Project
from site_builder.sheets.columns import (
    ACCOUNTABILITY,
    LEDGER,
    MECHANISMS,
    MONEY,
    PLAN_NAME,
    PLAN_REVIEWS,
    POSTPONEMENTS,
    REPORT,
    normalise_header,
)
from site_builder.sheets.grid import read_table
from site_builder.sheets.infer import infer_round, infer_unit
from site_builder.sheets.read_extras import read_grouped, read_plan, read_report
from site_builder.sheets.read_ledger import read_problems
from site_builder.sheets.records import read_money, read_postponements, read_reviews
from site_builder.sheets.safety import MAX_BYTES, checked_workbook
from site_builder.sheets.screening import screen_sheets
from site_builder.validate import validate

_NOT_ZIP = "不是有效的 .xlsx 文件（.xlsx 实际是一个压缩包，这个文件不是）"
_EXTRA_SHEETS = {
    MECHANISMS.name,
    ACCOUNTABILITY.name,
    REPORT.name,
    PLAN_NAME,
    POSTPONEMENTS.name,
    PLAN_REVIEWS.name,
    MONEY.name,
}
_DATE_KEYS = {
    "deadline",
    "completed_on",
    "closed_on",
    "submitted_on",
    "reviewed_on",
    "issued_on",
    "decided_on",
    "signed_on",
}


@dataclass
class ImportResult:
    target: str = ""  # ledgers/<round>/<unit>.yml, relative to the root
    written: bool = False
    unchanged: bool = False
    ledger: Ledger | None = None
    diagnostics: list[Diagnostic] = field(default_factory=list)


def import_xlsx(
    root: Path,
    workbook: Path,
    *,
    round_id: str | None = None,
    unit_id: str | None = None,
    sheet: str | None = None,
    force: bool = False,
    dry_run: bool = False,
) -> ImportResult:
    """Read ``workbook``, check it, and write the ledger under ``root`` unless it has errors."""
    project, _ = load_project(root)
    ledger, diagnostics = read_workbook(
        workbook, project, round_id=round_id, unit_id=unit_id, sheet=sheet
    )
    result = ImportResult(ledger=ledger, diagnostics=diagnostics)
    if ledger is None:
        return result
    result.target = f"ledgers/{ledger.round}/{ledger.unit}.yml"
    path = root / result.target
    content = ledger_yaml(ledger, workbook.name, result.target)
    old = path.read_text(encoding="utf-8") if path.is_file() else None
    if old is not None and old != content and not force:
        result.diagnostics.append(diag("X017", str(workbook), path=result.target))
        return result
    result.diagnostics += _validate_in_place(project, content, result.target)
    result.unchanged = old == content
    if not dry_run and not result.unchanged:
        _write_atomically(path, content)
        result.written = True
    return result


def read_workbook(
    path: Path,
    project: Project,
    *,
    round_id: str | None = None,
    unit_id: str | None = None,
    sheet: str | None = None,
) -> tuple[Ledger | None, list[Diagnostic]]:
    """The ledger a workbook holds, or None and the reasons it cannot be read."""
    file = str(path)
    wb, diagnostics = _open(path, file)
    if wb is None:
        return None, diagnostics
    epoch = wb.epoch
    ws, diagnostics = _main_sheet(wb, sheet, file)
    if ws is None:
        return None, diagnostics
    extras = [w for w in wb.worksheets if normalise_header(w.title) in _EXTRA_SHEETS]
    screened = screen_sheets([ws, *[w for w in extras if w is not ws]], file)
    if screened:
        return None, diagnostics + screened
    table, found = read_table(ws, LEDGER, file)
    diagnostics += found
    if table is None or has_errors(found):
        return None, diagnostics
    problems, found = read_problems(table, epoch, project.settings.categories)
    diagnostics += found

    by_id = {p["id"]: p for p in problems}
    data: dict[str, Any] = {}
    reviews: list[dict] = []
    for other in wb.worksheets:
        name = normalise_header(other.title)
        if other is ws:
            continue
        if name == PLAN_NAME:
            data["plan"], found = read_plan(other, file, epoch)
        elif name == REPORT.name:
            data["report"], found = read_report(other, REPORT, file, epoch)
        elif name in (MECHANISMS.name, ACCOUNTABILITY.name):
            spec = MECHANISMS if name == MECHANISMS.name else ACCOUNTABILITY
            found = read_grouped(other, spec, file, epoch, by_id)
        elif name == POSTPONEMENTS.name:
            found = read_postponements(other, POSTPONEMENTS, file, epoch, by_id)
        elif name == MONEY.name:
            found = read_money(other, MONEY, file, epoch, by_id)
        elif name == PLAN_REVIEWS.name:
            reviews, found = read_reviews(other, PLAN_REVIEWS, file, epoch)
        else:
            continue
        diagnostics += found

    if reviews:
        data.setdefault("plan", {})["reviews"] = reviews
    hints = " ".join(t for t in (table.title, ws.title, path.stem) if t)
    unit_id = unit_id or infer_unit(hints, project)
    round_id = round_id or infer_round(hints, project, unit_id)
    for value, what, flag, example in (
        (round_id, "轮次", "--round", "--round r5"),
        (unit_id, "单位", "--unit", "--unit wcjd"),
    ):
        if value is None:
            diagnostics.append(
                diag(
                    "X016",
                    file,
                    1,
                    1,
                    what=what,
                    title=table.title or ws.title,
                    flag=flag,
                    example=example,
                )
            )
    if has_errors(diagnostics):
        return None, diagnostics
    data = {"round": round_id, "unit": unit_id, **data, "problems": problems}
    return Ledger.model_validate(_prune(data)), diagnostics


def _open(path: Path, file: str):
    """The workbook with its formulas (not Excel's cached results), or the reasons not.

    The bytes are read once, checked by ``safety`` and given to openpyxl as they are.
    """
    from openpyxl import load_workbook

    try:
        with path.open("rb") as handle:
            # read(n) allocates n bytes up front: ask for no more than the file holds.
            raw = handle.read(min(os.fstat(handle.fileno()).st_size, MAX_BYTES) + 1)
    except FileNotFoundError:
        return None, [diag("X001", file, detail=f"找不到文件 {path}")]
    except OSError as exc:
        return None, [diag("X001", file, detail=exc.strerror or str(exc))]
    if len(raw) > MAX_BYTES:
        return None, [diag("X001", file, detail=f"文件过大（上限 {MAX_BYTES // 1024 // 1024} MB）")]
    if not zipfile.is_zipfile(io.BytesIO(raw)):
        return None, [diag("X001", file, detail=_NOT_ZIP)]
    refused = checked_workbook(raw, file)
    if refused:
        return None, refused
    try:
        with warnings.catch_warnings():
            # openpyxl warns about Excel features it skips (data validation, styles).
            warnings.simplefilter("ignore")
            return load_workbook(io.BytesIO(raw), data_only=False), []
    except zipfile.BadZipFile:
        return None, [diag("X001", file, detail=_NOT_ZIP)]
    except Exception as exc:  # noqa: BLE001 - any parser failure on a bad file is bad input
        if _caused_by(exc, DefusedXmlException):  # safety.py refuses these first
            return None, [diag("X023", file, part="（工作簿中的某个部件）")]
        detail = f"不是有效的 .xlsx 文件（{type(exc).__name__}）"
        return None, [diag("X001", file, detail=detail)]


def _caused_by(exc: BaseException | None, kind: type[BaseException]) -> bool:
    """openpyxl wraps a parser's exception in a ValueError of its own."""
    for _ in range(10):
        if exc is None:
            return False
        if isinstance(exc, kind):
            return True
        exc = exc.__cause__ or exc.__context__
    return False


def _main_sheet(wb, name: str | None, file: str):
    if name is not None:
        for ws in wb.worksheets:
            if ws.title == name or normalise_header(ws.title) == normalise_header(name):
                return ws, []
        names = "、".join(f"“{ws.title}”" for ws in wb.worksheets)
        return None, [diag("X002", file, sheet=name, sheets=names)]
    preferred = {normalise_header(n) for n in (LEDGER.name, *LEDGER.other_names)}
    candidates = sorted(
        (ws for ws in wb.worksheets if normalise_header(ws.title) not in _EXTRA_SHEETS),
        key=lambda ws: normalise_header(ws.title) not in preferred,
    )
    for ws in candidates:
        table, _ = read_table(ws, LEDGER, file)
        if table is not None:
            return ws, []
    first = candidates[0] if candidates else wb.worksheets[0]
    return None, [read_table(first, LEDGER, file)[1][0]]


def _prune(data: Any) -> Any:
    """Leave out empty values, so the model's defaults apply."""
    if isinstance(data, dict):
        return {k: _prune(v) for k, v in data.items() if v is not None}
    if isinstance(data, list):
        return [_prune(v) for v in data]
    return data


def yaml_data(ledger: Ledger) -> dict[str, Any]:
    """The ledger as the plain data a hand-written ledger has: no empty fields."""

    def tidy(value: Any, key: str = "") -> Any:
        if isinstance(value, dict):
            if set(value) == {"title"} and key in ("evidence", "enforcement"):
                return value["title"]
            return {k: tidy(v, k) for k, v in value.items() if v not in ([], None)}
        if isinstance(value, list):
            return [tidy(v, key) for v in value]
        if key in _DATE_KEYS and isinstance(value, str):
            return date.fromisoformat(value)
        return value

    data = tidy(ledger.model_dump(exclude_none=True))
    if not data.get("plan"):
        data.pop("plan", None)
    return data


def ledger_yaml(ledger: Ledger, workbook: str, target: str) -> str:
    head = (
        f"# 由 rectify import-xlsx 从《{workbook}》导入。此后请直接修改本文件，"
        "或用 rectify export-xlsx 导出后在表格中修改再导入。\n"
    )
    content = head + dump_yaml(yaml_data(ledger))
    # The file must read back as the same ledger; anything else is a bug here.
    parsed, problems = build_record(parse_yaml(content.encode("utf-8"), target), Ledger)
    if parsed is None or parsed.model_dump() != ledger.model_dump():
        raise RuntimeError(f"imported ledger does not read back: {problems}")
    return content


def _validate_in_place(project: Project, content: str, target: str) -> list[Diagnostic]:
    """The validator's diagnostics for the new ledger, as if it were already written."""
    ledger, found = build_record(parse_yaml(content.encode("utf-8"), target), Ledger)
    if ledger is None:  # the content does not make a ledger: its diagnostics say why
        return found
    others = [x for x in project.ledgers if x.src.file != target and x.key != ledger.key]
    checked = dataclasses.replace(project, ledgers=[*others, ledger])
    return found + [d for d in validate(checked) if d.file == target]


def _write_atomically(path: Path, content: str) -> None:
    path.parent.mkdir(parents=True, exist_ok=True)
    fd, tmp = tempfile.mkstemp(dir=path.parent, prefix=".import-", suffix=".yml")
    try:
        with os.fdopen(fd, "w", encoding="utf-8") as handle:
            handle.write(content)
        os.replace(tmp, path)
    except BaseException:
        Path(tmp).unlink(missing_ok=True)
        raise


__all__ = ["ImportResult", "import_xlsx", "ledger_yaml", "read_workbook", "yaml_data"]
