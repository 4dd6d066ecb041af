"""The draft rectification report as a Word document (.docx).

Only this module imports python-docx. The layout follows the usual look of a party
document draft: A4, 仿宋 body text, 黑体 headings, a centred title and ruled tables.

python-docx makes the package once (its template with our styles and page setup); each
report adds its body (WordprocessingML written as text) and its core properties to
that package. Building each report through python-docx's calls cost about 0.2 s, and
the site offers one per ledger.
"""

from __future__ import annotations

from datetime import UTC, datetime
from functools import cache
from io import BytesIO
from pathlib import Path
from typing import Any
from xml.sax.saxutils import escape
from zipfile import ZipFile

from docx import Document
from docx.oxml.ns import qn
from docx.shared import Cm, Emu, Pt

from site_builder.render.package import CORE, add_parts, pin_core, write_package
from site_builder.render.report import Heading, Paragraph, RectificationReport, Table

BODY_FONT = "仿宋"
HEADING_FONT = "黑体"
TITLE_FONT = "方正小标宋简体"
NOTE = (
    "本草稿由整改台账自动生成，请核实数据、补充整改成效和下一步打算后定稿，"
    "经纪检机关、组织部门审核签字后报送区委巡察办。"
)
DOCUMENT = "word/document.xml"
_INDENT = 560  # first-line indent of body paragraphs: two characters of 14 pt, in twips


def _font(target, name: str, size: float | None = None, bold: bool | None = None) -> None:
    """Set a style's font for Latin and East Asian text alike."""
    target.font.name = name
    if size:
        target.font.size = Pt(size)
    if bold is not None:
        target.font.bold = bold
    r_pr = target.element.get_or_add_rPr()
    r_fonts = r_pr.find(qn("w:rFonts"))
    if r_fonts is None:
        r_fonts = r_pr.makeelement(qn("w:rFonts"), {})
        r_pr.append(r_fonts)
    r_fonts.set(qn("w:eastAsia"), name)


def _run(text: str, font: str | None = None, size: float | None = None) -> str:
    props = ""
    if font:
        props += f'<w:rFonts w:ascii="{font}" w:hAnsi="{font}" w:eastAsia="{font}"/>'
    if size:
        props += f'<w:sz w:val="{round(size * 2)}"/>'
    # Line breaks and tabs as Word writes them, as python-docx's add_run did.
    parts = []
    for i, line in enumerate(text.split("\n")):
        if i:
            parts.append("<w:br/>")
        for j, piece in enumerate(line.split("\t")):
            if j:
                parts.append("<w:tab/>")
            if piece:
                parts.append(f'<w:t xml:space="preserve">{escape(piece)}</w:t>')
    return f"<w:r>{f'<w:rPr>{props}</w:rPr>' if props else ''}{''.join(parts)}</w:r>"


def _para(runs: str = "", style: str = "", indent: bool = False, centre: bool = False) -> str:
    props = f'<w:pStyle w:val="{style}"/>' if style else ""
    props += f'<w:ind w:firstLine="{_INDENT}"/>' if indent else ""
    props += '<w:jc w:val="center"/>' if centre else ""
    return f"<w:p>{f'<w:pPr>{props}</w:pPr>' if props else ''}{runs}</w:p>"


def _table(rows: list[tuple[str, ...]], width: int, header: bool) -> str:
    cols = len(rows[0]) if rows else 1
    col = width // cols
    grid = "".join(f'<w:gridCol w:w="{col}"/>' for _ in range(cols))
    body = []
    for index, row in enumerate(rows):
        font = HEADING_FONT if header and index == 0 else BODY_FONT
        size = 10.5 if header else None
        cells = "".join(
            f'<w:tc><w:tcPr><w:tcW w:type="dxa" w:w="{col}"/></w:tcPr>'
            f"{_para(_run(value, font if header else None, size))}</w:tc>"
            for value in row
        )
        body.append(f"<w:tr>{cells}</w:tr>")
    look = (
        '<w:tblLook w:firstColumn="1" w:firstRow="1" w:lastColumn="0" w:lastRow="0" '
        'w:noHBand="0" w:noVBand="1" w:val="04A0"/>'
    )
    return (
        f'<w:tbl><w:tblPr><w:tblStyle w:val="TableGrid"/><w:tblW w:type="auto" w:w="0"/>{look}'
        f"</w:tblPr><w:tblGrid>{grid}</w:tblGrid>{''.join(body)}</w:tbl>"
    )


@cache
def _base() -> tuple[bytes, bytes, bytes, bytes, int]:
    """The configured empty document, made once: the package without its body part and
    core properties (compressed once), ``document.xml`` cut where the body goes, the
    core properties and the text width in twips."""
    document = official_document(body_size=14)
    section = document.sections[0]
    for level in (1, 2):
        _font(document.styles[f"Heading {level}"], HEADING_FONT, 16 if level == 1 else 14, True)
    width = Emu(section.page_width - section.left_margin - section.right_margin).twips
    buffer = BytesIO()
    document.save(buffer)
    with ZipFile(buffer) as archive:
        parts = {info.filename: archive.read(info.filename) for info in archive.infolist()}
    xml = parts.pop(DOCUMENT)
    core = parts.pop(CORE)
    cut = xml.index(b"<w:sectPr")
    return write_package(parts.items()), xml[:cut], xml[cut:], core, width


def report_docx(report: RectificationReport, when: datetime | None = None) -> bytes:
    """The report as the bytes of a .docx file, dated ``when`` (default: now). The same
    report and time give the same bytes."""
    base, head, tail, core, width = _base()
    parts = [
        _para(_run(report.title, TITLE_FONT, 20), centre=True),
        _table([(name, value) for name, value in report.facts], width, header=False),
    ]
    for part in report.sections:
        parts.append(_para(_run(part.title), style="Heading1"))
        for block in part.blocks:
            if isinstance(block, Heading):
                parts.append(_para(_run(block.text), style="Heading2"))
            elif isinstance(block, Paragraph):
                parts.append(_para(_run(block.text), indent=True))
            elif isinstance(block, Table):
                parts.append(_table([block.columns, *block.rows], width, header=True))
                parts.append(_para())
    parts.append(_para(_run(NOTE, BODY_FONT, 10.5)))
    body = head + "".join(parts).encode("utf-8") + tail
    core = pin_core(core, when or datetime.now(UTC))
    return add_parts(base, [(DOCUMENT, body), (CORE, core)])


def write_report_docx(
    report: RectificationReport, path: Path, when: datetime | None = None
) -> Path:
    path.parent.mkdir(parents=True, exist_ok=True)
    path.write_bytes(report_docx(report, when))
    return path


def official_document(body_size: float = 16) -> Any:
    """An empty Word document in the layout of a 公文 (GB/T 9704): A4, its margins, 仿宋
    as the body (三号, 16 pt, unless given); the reports, the 督办通知 and the 整改情况公开
    notice start from it."""
    document = Document()
    section = document.sections[0]
    section.page_width, section.page_height = Cm(21), Cm(29.7)
    section.top_margin, section.bottom_margin = Cm(3.7), Cm(3.5)
    section.left_margin, section.right_margin = Cm(2.8), Cm(2.6)
    _font(document.styles["Normal"], BODY_FONT, body_size)
    return document
