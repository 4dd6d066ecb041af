"""The monthly report upward (月报) as a Word document: a summary paragraph and the
table of analyse.monthly (the same rows as the workbook)."""

from __future__ import annotations

from io import BytesIO
from pathlib import Path

from docx import Document
from docx.enum.section import WD_ORIENT
from docx.enum.text import WD_ALIGN_PARAGRAPH
from docx.shared import Cm, Pt

from site_builder.analyse.monthly import MonthlyReport
from site_builder.model.wording import cn_date
from site_builder.render.docx_report import BODY_FONT, TITLE_FONT, _font
from site_builder.render.months_view import summary
from site_builder.sheets.monthly_xlsx import HEADER, monthly_rows


def monthly_docx(report: MonthlyReport) -> bytes:
    document = Document()
    section = document.sections[0]
    section.orientation = WD_ORIENT.LANDSCAPE
    section.page_width, section.page_height = Cm(29.7), Cm(21)
    for side in ("top_margin", "bottom_margin", "left_margin", "right_margin"):
        setattr(section, side, Cm(2))
    _font(document.styles["Normal"], BODY_FONT, 12)
    title = document.add_paragraph()
    title.alignment = WD_ALIGN_PARAGRAPH.CENTER
    _font(title.add_run(report.title), TITLE_FONT, 20)
    document.add_paragraph(summary(report)).paragraph_format.first_line_indent = Pt(24)
    table = document.add_table(rows=1, cols=len(HEADER), style="Table Grid")
    for cell, name in zip(table.rows[0].cells, HEADER, strict=True):
        cell.text = name
    for row in monthly_rows(report):
        cells = table.add_row().cells
        for cell, value in zip(cells, row, strict=True):
            cell.text = str(value) if isinstance(value, int | str) else f"{value:,.2f}"
    note = document.add_paragraph(
        f"数据来源：整改台账 git 主线 {cn_date(report.last)} 的版本"
        f"（提交 {(report.commit or '')[:10]}），与台账网站同日数据一致。"
    )
    _font(note.runs[0], BODY_FONT, 10.5)
    buffer = BytesIO()
    document.save(buffer)
    return buffer.getvalue()


def write_monthly_docx(report: MonthlyReport, path: Path) -> Path:
    path.write_bytes(monthly_docx(report))
    return path
