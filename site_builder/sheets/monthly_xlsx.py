"""The monthly report upward (月报) as an Excel workbook: one sheet, one row per unit,
a subtotal per round and the district's total, in the columns of analyse.monthly."""

from __future__ import annotations

from io import BytesIO
from pathlib import Path

from openpyxl import Workbook
from openpyxl.styles import Alignment, Border, Font, Side
from openpyxl.worksheet.worksheet import Worksheet

from site_builder.analyse.monthly import COLUMNS, MonthlyReport

_THIN = Side(style="thin")
_BOX = Border(left=_THIN, right=_THIN, top=_THIN, bottom=_THIN)
HEADER = ("轮次", "单位", *COLUMNS)


def monthly_rows(report: MonthlyReport) -> list[tuple]:
    """The table's rows below the header: units, then each round's subtotal, then 合计."""
    rows: list[tuple] = []
    for round_ in report.rounds:
        for unit in round_.units:
            rows.append((round_.name, unit.name, *unit.figures.values()))
        rows.append((round_.name, "小计", *round_.total.values()))
    rows.append(("合计", "", *report.total.values()))
    return rows


def monthly_xlsx(report: MonthlyReport) -> bytes:
    book = Workbook()
    sheet = book.active
    if not isinstance(sheet, Worksheet):  # a new workbook opens on its one worksheet
        sheet = book.create_sheet()
    sheet.title = "月报"
    sheet.append([report.title])
    sheet.merge_cells(start_row=1, start_column=1, end_row=1, end_column=len(HEADER))
    sheet["A1"].font = Font(bold=True, size=16)
    sheet["A1"].alignment = Alignment(horizontal="center")
    sheet.append([f"统计截止：{report.last.year}年{report.last.month}月{report.last.day}日"])
    sheet.append(list(HEADER))
    for row in monthly_rows(report):
        sheet.append(list(row))
    money = [i + 1 for i, name in enumerate(HEADER) if name.endswith("（元）")]
    for row in sheet.iter_rows(min_row=4, max_row=sheet.max_row):
        for index in money:
            row[index - 1].number_format = "#,##0.00"
    for row in sheet.iter_rows(min_row=3, max_row=sheet.max_row):
        for cell in row:
            cell.border = _BOX
            if cell.row == 3:
                cell.font = Font(bold=True)
                cell.alignment = Alignment(horizontal="center", wrap_text=True)
    sheet.column_dimensions["A"].width = 26
    sheet.column_dimensions["B"].width = 30
    sheet.freeze_panes = "C4"
    buffer = BytesIO()
    book.save(buffer)
    return buffer.getvalue()


def write_monthly_xlsx(report: MonthlyReport, path: Path) -> Path:
    path.write_bytes(monthly_xlsx(report))
    return path
