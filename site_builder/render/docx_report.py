"""The draft rectification report as a Word document (.docx).

Only this module imports python-docx. The layout follows the usual look of a party
document draft: A4, 仿宋 body text, 黑体 headings, a centred title and ruled tables.
"""

from __future__ import annotations

from io import BytesIO
from pathlib import Path

from docx import Document
from docx.enum.text import WD_ALIGN_PARAGRAPH
from docx.oxml.ns import qn
from docx.shared import Cm, Pt

from site_builder.render.report import Heading, Paragraph, RectificationReport, Table

BODY_FONT = "仿宋"
HEADING_FONT = "黑体"
TITLE_FONT = "方正小标宋简体"


def _font(target, name: str, size: float | None = None, bold: bool | None = None) -> None:
    """Set a run's or style's font for Latin and East Asian text alike."""
    target.font.name = name
    if size:
        target.font.size = Pt(size)
    if bold is not None:
        target.font.bold = bold
    element = target.element if hasattr(target, "element") else target._element
    r_pr = element.get_or_add_rPr()
    r_fonts = r_pr.find(qn("w:rFonts"))
    if r_fonts is None:
        r_fonts = r_pr.makeelement(qn("w:rFonts"), {})
        r_pr.append(r_fonts)
    r_fonts.set(qn("w:eastAsia"), name)


def report_docx(report: RectificationReport) -> bytes:
    """The report as the bytes of a .docx file."""
    document = Document()
    section = document.sections[0]
    section.page_width, section.page_height = Cm(21), Cm(29.7)
    section.top_margin, section.bottom_margin = Cm(3.7), Cm(3.5)
    section.left_margin, section.right_margin = Cm(2.8), Cm(2.6)
    _font(document.styles["Normal"], BODY_FONT, 14)
    for level in (1, 2):
        _font(document.styles[f"Heading {level}"], HEADING_FONT, 16 if level == 1 else 14, True)

    title = document.add_paragraph()
    title.alignment = WD_ALIGN_PARAGRAPH.CENTER
    _font(title.add_run(report.title), TITLE_FONT, 20)
    facts = document.add_table(rows=0, cols=2, style="Table Grid")
    for name, value in report.facts:
        cells = facts.add_row().cells
        cells[0].text, cells[1].text = name, value
    for part in report.sections:
        document.add_heading(part.title, level=1)
        for block in part.blocks:
            if isinstance(block, Heading):
                document.add_heading(block.text, level=2)
            elif isinstance(block, Paragraph):
                paragraph = document.add_paragraph(block.text)
                paragraph.paragraph_format.first_line_indent = Pt(28)
            elif isinstance(block, Table):
                _table(document, block)
    note = document.add_paragraph(
        "本草稿由整改台账自动生成，请核实数据、补充整改成效和下一步打算后定稿，"
        "经纪检机关、组织部门审核签字后报送区委巡察办。"
    )
    _font(note.runs[0], BODY_FONT, 10.5)
    buffer = BytesIO()
    document.save(buffer)
    return buffer.getvalue()


def _table(document, block: Table) -> None:
    table = document.add_table(rows=1, cols=len(block.columns), style="Table Grid")
    for cell, name in zip(table.rows[0].cells, block.columns, strict=True):
        cell.text = ""
        _font(cell.paragraphs[0].add_run(name), HEADING_FONT, 10.5)
    for row in block.rows:
        cells = table.add_row().cells
        for cell, value in zip(cells, row, strict=True):
            cell.text = ""
            _font(cell.paragraphs[0].add_run(value), BODY_FONT, 10.5)
    document.add_paragraph()


def write_report_docx(report: RectificationReport, path: Path) -> Path:
    path.parent.mkdir(parents=True, exist_ok=True)
    path.write_bytes(report_docx(report))
    return path
