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
    buffer = io.StringIO()
    writer = csv.writer(buffer, lineterminator="\r\n")
    writer.writerow(COLUMNS)
    writer.writerows(rows)
    # UTF-8 with BOM: Excel on Windows opens it as UTF-8, not GBK.
    return buffer.getvalue().encode("utf-8-sig")


def to_json(ledgers: list[Ledger]) -> bytes:
    data = [ledger.model_dump(mode="json", exclude_none=True) for ledger in ledgers]
    # Not indented, like data/export.json: json's C encoder runs only without indentation.
    return json.dumps(data, ensure_ascii=False, separators=(",", ":")).encode("utf-8")
