"""What the sheets an import reads may not hold: formulas and control characters.

Checked on every cell of each sheet the import reads (the ledger sheet and the
extra sheets it recognises), before any column is interpreted, so the answer does not
depend on which columns the reader knows.

- **Formulas.** The workbook is opened with formulas, not with the results Excel
  cached: a cached result may be stale (a file saved by a program that does not
  recalculate has none or an old one) or computed from hidden cells, and the ledger
  is a record people sign. Each formula cell is an error at its cell; like every X
  error it stops the whole import, since the fix (paste as values) is one action on
  the sheet.
- **Control characters and bidirectional overrides** (the set in
  ``diagnostics/characters.py``) in any text, and in sheet names. Excel writes a
  control character as ``_x001B_`` in the file and openpyxl keeps that text as is, so
  those escapes are decoded for the check.
"""

from __future__ import annotations

import re

from openpyxl.utils import get_column_letter
from openpyxl.worksheet.formula import ArrayFormula, DataTableFormula
from openpyxl.worksheet.worksheet import Worksheet

from site_builder.diagnostics import Diagnostic, diag
from site_builder.diagnostics.characters import REFUSED, describe, first_refused, printable

MAX_LISTED = 20  # cells listed one by one per sheet and kind; the rest are counted
_EXCEL_ESCAPE = re.compile(r"_x([0-9A-Fa-f]{4})_")


def screen_sheets(sheets: list[Worksheet], file: str) -> list[Diagnostic]:
    found: list[Diagnostic] = []
    for ws in sheets:
        found += screen_sheet(ws, file)
    return found


def screen_sheet(ws: Worksheet, file: str) -> list[Diagnostic]:
    found: list[Diagnostic] = []
    if (hit := first_refused(ws.title)) is not None:
        index, char = hit
        found.append(diag("X027", file, sheet=ws.title, index=index + 1, char=describe(char)))
    formulas: list[Diagnostic] = []
    characters: list[Diagnostic] = []
    # The cells the file holds, without creating the empty ones iter_rows would.
    for (row, col), cell in sorted(ws._cells.items()):
        value = cell.value
        where = {"sheet": ws.title, "row": row, "letter": get_column_letter(col)}
        if cell.data_type == "f" or isinstance(value, ArrayFormula | DataTableFormula):
            formulas.append(diag("X025", file, row, col, formula=_formula(value), **where))
        elif isinstance(value, str) and (hit := refused_character(value)) is not None:
            index, char = hit
            characters.append(
                diag("X026", file, row, col, index=index + 1, char=describe(char), **where)
            )
    for listed, what in ((formulas, "公式"), (characters, "控制字符")):
        found += listed[:MAX_LISTED]
        if len(listed) > MAX_LISTED:
            more = len(listed) - MAX_LISTED
            found.append(diag("X028", file, sheet=ws.title, count=more, what=what))
    return found


def refused_character(value: str) -> tuple[int, str] | None:
    """The first refused character in a cell's text, Excel's ``_xHHHH_`` escapes decoded.

    A line break typed in Excel arrives as LF, or CR LF from some programs: allowed.
    """
    text = value.replace("\r\n", "\n")
    if (hit := first_refused(text)) is not None:
        return hit
    for match in _EXCEL_ESCAPE.finditer(text):
        char = chr(int(match[1], 16))
        if REFUSED.match(char) and char != "\r":
            return match.start(), char
    return None


def _formula(value: object) -> str:
    text = value.text if isinstance(value, ArrayFormula) else str(value)
    if isinstance(value, DataTableFormula):
        text = "模拟运算表"
    text = printable(text or "")
    return text if len(text) <= 40 else text[:39] + "…"
