"""Excel in and out: a 整改台账 workbook to a ledger, and a ledger to a workbook.

Only this package imports openpyxl.
"""

from __future__ import annotations

from site_builder.sheets.export_xlsx import ExportError, ExportResult, export_xlsx, ledger_workbook
from site_builder.sheets.import_xlsx import ImportResult, import_xlsx, read_workbook

__all__ = [
    "ExportError",
    "ExportResult",
    "ImportResult",
    "export_xlsx",
    "import_xlsx",
    "ledger_workbook",
    "read_workbook",
]
