"""The ledger as CSV and JSON files: the whole district and one file per unit."""

from __future__ import annotations

import csv
import io
import json
from collections.abc import Sequence

from site_builder.model import Project
from site_builder.model.labels import MEASURE_STATUS, PROBLEM_SOURCE, PROBLEM_STATUS
from site_builder.model.ledger import Ledger, Measure

COLUMNS = [
    "轮次", "单位编号", "单位", "问题编号", "存在问题", "问题类别", "问题来源", "共性问题编号",
    "问题状态", "销号日期", "措施编号", "整改措施", "完成时限", "责任人", "责任领导", "措施状态",
    "完成日期", "佐证材料",
]  # fmt: skip


def _cell(value: object) -> str:
    text = "" if value is None else str(value)
    # Spreadsheet programs run cells starting with these as formulas: keep them as text.
    return "'" + text if text[:1] in ("=", "+", "-", "@", "\t", "\r") else text


def ledger_rows(project: Project, ledger: Ledger) -> list[list[str]]:
    unit = project.unit_by_id.get(ledger.unit)
    rows = []
    for p in ledger.problems:
        head = [
            ledger.round, ledger.unit, unit.name if unit else "", p.id, p.title,
            project.category_label(p.category), PROBLEM_SOURCE[p.source], p.common_code,
            PROBLEM_STATUS[p.status], p.closed_on,
        ]  # fmt: skip
        measures: Sequence[Measure | None] = p.measures or [None]
        for m in measures:
            tail = ["", "", "", "", "", "", "", ""] if m is None else [
                m.id, m.text, m.deadline, m.owner, m.leader, MEASURE_STATUS[m.status],
                m.completed_on, "；".join(e.title for e in m.evidence),
            ]  # fmt: skip
            rows.append([_cell(v) for v in head + tail])
    return rows


def to_csv(rows: list[list[str]]) -> bytes:
    return CSV_HEAD + csv_rows(rows)


def csv_rows(rows: list[list[str]]) -> bytes:
    """The rows as they follow the header (files join them: each row stands alone)."""
    buffer = io.StringIO()
    csv.writer(buffer, lineterminator="\r\n").writerows(rows)
    return buffer.getvalue().encode("utf-8")


def _head() -> bytes:
    buffer = io.StringIO()
    csv.writer(buffer, lineterminator="\r\n").writerow(COLUMNS)
    # UTF-8 with BOM: Excel on Windows opens it as UTF-8, not GBK.
    return buffer.getvalue().encode("utf-8-sig")


CSV_HEAD = _head()


def csv_rows_of(data: bytes | None) -> bytes | None:
    """The rows of a file ``to_csv`` wrote; None if it is not one."""
    if data is None or not data.startswith(CSV_HEAD):
        return None
    return data[len(CSV_HEAD) :]


def to_json(ledgers: list[Ledger]) -> bytes:
    return b"[" + b",".join(map(json_item, ledgers)) + b"]"


def json_item(ledger: Ledger) -> bytes:
    data = ledger.model_dump(mode="json", exclude_none=True)
    # Not indented, like data/export.json: json's C encoder runs only without indentation.
    return json.dumps(data, ensure_ascii=False, separators=(",", ":")).encode("utf-8")


def json_items_of(data: bytes | None) -> bytes | None:
    """What is between the brackets of a file ``to_json`` wrote; None if it is not one."""
    if data is None or not (data.startswith(b"[") and data.endswith(b"]")):
        return None
    return data[1:-1]
