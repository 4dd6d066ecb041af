"""Writing a readable table: styled header, wrapped text, real date cells, merged groups.

A group (a problem and its measures) fills one row per item; the group's own
columns are written once and merged down its rows, as offices lay out a 台账.
"""

from __future__ import annotations

import math
import unicodedata
import weakref
from collections.abc import Callable
from copy import copy
from datetime import date
from typing import Any

from openpyxl.cell.cell import ILLEGAL_CHARACTERS_RE, MergedCell
from openpyxl.styles import Alignment, Border, Font, PatternFill, Side
from openpyxl.utils import get_column_letter
from openpyxl.worksheet.cell_range import CellRange
from openpyxl.worksheet.properties import PageSetupProperties
from openpyxl.worksheet.worksheet import Worksheet

from site_builder.sheets.columns import Column

FONT = "宋体"
LINE_HEIGHT = 15.0
DATE_FORMAT = "yyyy-mm-dd"
_THIN = Side(style="thin", color="808080")
BORDER = Border(left=_THIN, right=_THIN, top=_THIN, bottom=_THIN)
HEADER_FILL = PatternFill("solid", fgColor="DDEBF7")
_CENTRED = {
    "id",
    "category",
    "source",
    "common_code",
    "measure_id",
    "problem",
    "problem_status",
    "responsibility",
    "department",
}

Group = tuple[dict[str, Any], list[dict[str, Any]]]
_STYLED: weakref.WeakKeyDictionary[Any, dict[tuple, Any]] = weakref.WeakKeyDictionary()


def write_title(ws: Worksheet, row: int, text: str, width: int, size: int = 16) -> None:
    cell = ws.cell(row, 1, text)
    cell.font = Font(name="黑体", size=size, bold=size >= 14)
    cell.alignment = Alignment(horizontal="center" if size >= 14 else "left", vertical="center")
    if width > 1:
        ws.merge_cells(start_row=row, start_column=1, end_row=row, end_column=width)
    ws.row_dimensions[row].height = size * 1.8


def write_header(ws: Worksheet, row: int, columns: list[Column]) -> None:
    for col, column in enumerate(columns, 1):
        _styled(ws, ("header",), ws.cell(row, col, column.header), _header_style)
        ws.column_dimensions[get_column_letter(col)].width = column.width
    ws.row_dimensions[row].height = LINE_HEIGHT * 2
    ws.freeze_panes = ws.cell(row + 1, 1).coordinate
    ws.print_title_rows = f"{row}:{row}"
    ws.page_setup.orientation = "landscape"
    ws.page_setup.paperSize = ws.PAPERSIZE_A4
    ws.page_setup.fitToWidth = 1
    ws.page_setup.fitToHeight = 0
    fit = ws.sheet_properties.pageSetUpPr
    if fit is None:  # openpyxl makes one with every sheet; a loaded sheet may lack it
        fit = ws.sheet_properties.pageSetUpPr = PageSetupProperties()
    fit.fitToPage = True


def write_groups(ws: Worksheet, row: int, columns: list[Column], groups: list[Group]) -> int:
    """Write each group from ``row`` on; returns the next free row."""
    for values, items in groups:
        count = max(1, len(items))
        heights = [LINE_HEIGHT] * count
        for col, column in enumerate(columns, 1):
            if column.level == "group":
                _put(ws, row, col, column, values.get(column.key))
                if count > 1:
                    _merge_down(ws, row, col, count)
                need = _lines(values.get(column.key), column.width) * LINE_HEIGHT
                if need > sum(heights):
                    heights = [h + (need - sum(heights)) / count for h in heights]
            else:
                for i in range(count):
                    value = items[i].get(column.key) if i < len(items) else None
                    _put(ws, row + i, col, column, value)
                    heights[i] = max(heights[i], _lines(value, column.width) * LINE_HEIGHT)
        for i, height in enumerate(heights):
            ws.row_dimensions[row + i].height = round(height + 3, 1)
        row += count
    return row


def _put(ws: Worksheet, row: int, col: int, column: Column, value: Any) -> None:
    cell = ws.cell(row, col)
    centred = column.key in _CENTRED
    if isinstance(value, date):
        cell.value = value
        cell.number_format = DATE_FORMAT
        centred = True
    elif isinstance(value, int):
        cell.value = value
    elif value is not None:
        cell.value = ILLEGAL_CHARACTERS_RE.sub("", str(value))
        # Text stays text: a value beginning with “=” must not become a formula.
        cell.data_type = "s"
    group = column.level == "group"

    def style(target: Any) -> None:
        target.font = Font(name=FONT, size=11)
        target.border = BORDER
        target.alignment = Alignment(
            horizontal="center" if centred else "left",
            vertical="center" if group else "top",
            wrap_text=True,
        )

    _styled(ws, (centred, group, cell.number_format), cell, style)


def _header_style(cell: Any) -> None:
    cell.font = Font(name=FONT, size=11, bold=True)
    cell.fill = HEADER_FILL
    cell.border = BORDER
    cell.alignment = Alignment(horizontal="center", vertical="center", wrap_text=True)


def _styled(ws: Worksheet, key: tuple, cell: Any, apply: Callable[[Any], None]) -> None:
    """Give ``cell`` the style ``apply`` sets: applied once per workbook, then copied.
    Assigning style objects to every cell hashed them each time (half of an export)."""
    known = _STYLED.setdefault(ws.parent, {})
    if key in known:
        cell._style = copy(known[key])
    else:
        apply(cell)
        known[key] = copy(cell._style)


def _merge_down(ws: Worksheet, row: int, col: int, count: int) -> None:
    """Merge ``count`` cells down from (row, col), bordered as ``ws.merge_cells`` borders
    them (the sides of the range), with interned styles: openpyxl's own merge re-adds a
    border to every covered cell, half the time of exporting a ledger."""
    ws.merged_cells.add(CellRange(min_col=col, min_row=row, max_col=col, max_row=row + count - 1))
    for r in range(row + 1, row + count):
        last = r == row + count - 1
        cell = MergedCell(ws, row=r, column=col)

        def sides(target: Any, last: bool = last) -> None:
            target.border = Border(left=_THIN, right=_THIN, bottom=_THIN if last else None)

        _styled(ws, ("merged", last), cell, sides)
        ws._cells[(r, col)] = cell


def _lines(value: Any, width: float) -> int:
    """Lines a wrapped value takes in a column ``width`` characters wide (CJK count two)."""
    if value is None or isinstance(value, date | int):
        return 1
    usable = max(width - 1.5, 2)
    total = 0
    for part in str(value).split("\n"):
        wide = sum(2 if unicodedata.east_asian_width(ch) in "WF" else 1 for ch in part)
        total += max(1, math.ceil(wide * 1.1 / usable))
    return total
