"""The 督办通知 as a Word document, one per unit, in the layout of a 公文.

Masthead with the issuing office, the 文号, a title, the addressee (主送), the items
numbered 一、二、…, the reply deadline, and the 落款 with the date written in Chinese.
"""

from __future__ import annotations

from dataclasses import dataclass
from datetime import date, timedelta
from io import BytesIO
from pathlib import Path

from docx.enum.text import WD_ALIGN_PARAGRAPH
from docx.shared import Pt, RGBColor

from site_builder.analyse.supervision import UnitDue
from site_builder.model import Project
from site_builder.model.wording import cn_date
from site_builder.render.docx_report import BODY_FONT, TITLE_FONT, _font, official_document

NUMERALS = "一二三四五六七八九十"


@dataclass(frozen=True)
class Notice:
    number: str  # 区巡办督〔2020〕8号
    issuer: str
    title: str
    addressee: str  # 主送
    opening: str
    items: tuple[str, ...]
    closing: str
    response_due: date
    issued_on: date
    unit: str
    round: str


def issuer_of(project: Project) -> str:
    rules = project.settings.supervision
    return rules.issuer or f"中共{project.settings.district}委巡察工作领导小组办公室"


def numeral(n: int) -> str:
    if n <= 10:
        return NUMERALS[n - 1]
    tens, ones = divmod(n, 10)
    return (NUMERALS[tens - 1] if tens > 1 else "") + "十" + (NUMERALS[ones - 1] if ones else "")


def notices(project: Project, due: list[UnitDue], as_of: date) -> list[Notice]:
    """One 督办通知 per unit with reasons, numbered after the 文号 already on record."""
    rules = project.settings.supervision
    numbers = next_numbers(project, as_of.year, len(due))
    reply_by = as_of + timedelta(days=rules.response_days)
    issuer = issuer_of(project)
    found = []
    for serial, unit in zip(numbers, due, strict=True):
        round_ = project.round_by_id.get(unit.round)
        round_name = round_.name if round_ else unit.round
        opening = (
            f"根据{round_name}反馈意见和巡察整改工作要求，经对你单位整改台账逐项核查，"
            f"截至{cn_date(as_of)}，你单位整改工作存在以下问题："
        )
        closing = (
            f"请你单位主要负责人切实履行整改第一责任人职责，对上述事项逐项研究、限期整改，"
            f"于{cn_date(reply_by)}前将整改情况书面报送区委巡察办，并按规定更新整改台账、"
            "补充佐证材料。逾期未报送或整改不力的，将按有关规定提请约谈或通报。"
        )
        found.append(
            Notice(
                number=f"{rules.number_prefix}〔{as_of.year}〕{serial}号",
                issuer=issuer,
                title=f"关于督促{unit.unit_name}加快巡察整改进度的通知",
                addressee=f"{unit.unit_name}：",
                opening=opening,
                items=tuple(r.text for r in unit.reasons),
                closing=closing,
                response_due=reply_by,
                issued_on=as_of,
                unit=unit.unit,
                round=unit.round,
            )
        )
    return found


def notice_docx(notice: Notice) -> bytes:
    document = official_document()

    def centred(text: str, font: str, size: float, red: bool = False) -> None:
        paragraph = document.add_paragraph()
        paragraph.alignment = WD_ALIGN_PARAGRAPH.CENTER
        run = paragraph.add_run(text)
        _font(run, font, size)
        if red:
            run.font.color.rgb = RGBColor(0xC0, 0x00, 0x00)

    def body(text: str, indent: bool = True, align=None) -> None:
        paragraph = document.add_paragraph(text)
        if indent:
            paragraph.paragraph_format.first_line_indent = Pt(32)
        if align is not None:
            paragraph.alignment = align

    centred(notice.issuer, TITLE_FONT, 22, red=True)
    centred(notice.number, BODY_FONT, 16)
    centred("", BODY_FONT, 16)
    centred(notice.title, TITLE_FONT, 22)
    body(notice.addressee, indent=False)
    body(notice.opening)
    for n, item in enumerate(notice.items, 1):
        body(f"{numeral(n)}、{item}。")
    body(notice.closing)
    body(f"回复时限：{cn_date(notice.response_due)}", indent=True)
    document.add_paragraph()
    body(notice.issuer, indent=False, align=WD_ALIGN_PARAGRAPH.RIGHT)
    body(cn_date(notice.issued_on), indent=False, align=WD_ALIGN_PARAGRAPH.RIGHT)
    buffer = BytesIO()
    document.save(buffer)
    return buffer.getvalue()


def write_notices(found: list[Notice], out: Path) -> list[Path]:
    """Write each notice as <out>/<round>-<unit>-督办通知.docx; returns the paths."""
    out.mkdir(parents=True, exist_ok=True)
    paths = []
    for notice in found:
        path = out / f"{notice.round}-{notice.unit}-督办通知.docx"
        path.write_bytes(notice_docx(notice))
        paths.append(path)
    return paths


def next_numbers(project: Project, year: int, count: int) -> list[int]:
    """The serial numbers the next ``count`` 文号 of ``year`` take (after those on record)."""
    prefix = project.settings.supervision.number_prefix
    used = [
        serial[1]
        for f in project.supervision
        for r in f.records
        if (serial := r.serial()) and serial[0] == year and (r.number or "").startswith(prefix)
    ]
    start = max(used, default=0) + 1
    return list(range(start, start + count))
