"""The public notices of rectification progress (整改情况公开): a page per unit and round,
its Word version, and the index the public overview leads to.

The wording is built once here (``notice_text``) as paragraphs, for the page and for
Word alike, so the two say the same; the figures come from ``analyse.disclosure``.
"""

from __future__ import annotations

from dataclasses import dataclass
from io import BytesIO
from typing import TYPE_CHECKING

from docx.enum.text import WD_ALIGN_PARAGRAPH
from docx.shared import Pt

from site_builder.analyse.disclosure import DisclosureNotice
from site_builder.model.district import DisclosureSettings
from site_builder.model.wording import cn_date
from site_builder.render.docx_report import (
    HEADING_FONT,
    TITLE_FONT,
    _font,
    official_document,
)
from site_builder.render.dubian_docx import numeral
from site_builder.render.env import render

if TYPE_CHECKING:
    from site_builder.render.tree import DocsTree
    from site_builder.render.views import SiteData


@dataclass(frozen=True)
class Block:
    """A heading (一、…) or a paragraph of the notice."""

    text: str
    heading: bool = False


@dataclass(frozen=True)
class NoticeText:
    title: str
    blocks: tuple[Block, ...]
    signature: str  # 落款: the unit
    date: str  # 2020年10月12日


def title_of(notice: DisclosureNotice) -> str:
    return f"{notice.unit_name}关于{notice.round_name}整改进展情况的通报"


def notice_text(notice: DisclosureNotice, contacts: DisclosureSettings) -> NoticeText:
    s = notice.stats
    when = (
        f"于{cn_date(notice.inspected_from)}至{cn_date(notice.inspected_to)}"
        if notice.inspected_from and notice.inspected_to
        else ""
    )
    team = notice.team_name or "巡察组"
    team = team if team.startswith("区委") else "区委" + team
    fed = f"，{cn_date(notice.feedback_on)}反馈了巡察意见" if notice.feedback_on else ""
    blocks = [
        Block(
            f"根据区委巡察工作统一部署，{team}{when}对{notice.unit_name}开展了巡察{fed}。"
            f"按照巡察整改公开的有关要求，现将截至{cn_date(notice.as_of)}的整改进展情况予以公布。"
        ),
        Block("整改总体情况", heading=True),
    ]
    counted = (
        f"纳入整改的问题{notice.problems}个（其中巡察反馈问题{notice.from_feedback}个，"
        f"共性问题、上级新要求和自查发现问题{notice.found_otherwise}个）"
        if notice.found_otherwise
        else f"巡察反馈问题{notice.problems}个"
    )
    overall = (
        f"{counted}，已完成整改{s.closed}个，"
        f"正在整改{s.open}个，整改完成率{s.closed_pct}%。"
        f"制定整改措施{s.measures}项，已完成{s.done}项。"
    )
    if s.withdrawn:
        overall += f"另有{s.withdrawn}个问题经核实撤销。"
    if notice.time_limits:
        overall += (
            "整改措施中，"
            + "，".join(
                f"{t.label}{t.measures}项、已完成{t.complete}项" for t in notice.time_limits
            )
            + (
                "（长期坚持事项按阶段目标计）。"
                if any(t.label == "长期坚持" for t in notice.time_limits)
                else "。"
            )
        )
    blocks.append(Block(overall))
    blocks.append(Block("主要整改措施", heading=True))
    if notice.main_measures:
        for n, item in enumerate(notice.main_measures, 1):
            state = "已完成整改" if item.closed else "正在整改"
            blocks.append(
                Block(
                    f"（{numeral(n)}）关于“{_inner(item.title)}”问题（{state}）："
                    + "；".join(m.rstrip("。；;") for m in item.measures)
                    + "。"
                )  # fmt: skip
            )
    else:
        blocks.append(Block("各项整改措施正在按方案推进。"))
    blocks.append(Block("建立健全长效机制", heading=True))
    if notice.mechanisms or notice.long_term:
        if notice.mechanisms:
            blocks.append(
                Block(
                    f"建立完善制度{len(notice.mechanisms)}项："
                    + "、".join(notice.mechanisms)
                    + "。"
                )
            )
        if notice.long_term:
            blocks.append(
                Block(
                    "长期坚持的整改事项："
                    + "；".join(t.rstrip("。；;") for t in notice.long_term)
                    + "。"
                )  # fmt: skip
            )
    else:
        blocks.append(Block("暂无新建立的制度机制。"))
    blocks.append(Block("责任追究情况", heading=True))
    if notice.by_form:
        forms = "，".join(f"{c.label}{c.count}人次" for c in notice.by_form)
        taken = "，".join(f"{c.label}{c.count}人次" for c in notice.by_measure)
        blocks.append(
            Block(f"对相关责任人问责{notice.held_accountable}人次，其中运用{forms}；{taken}。")
        )
    else:
        blocks.append(Block("截至目前，尚无因本轮巡察发现问题被问责的人员。"))
    blocks.append(Block(_contact_sentence(contacts)))
    return NoticeText(title_of(notice), tuple(_number_headings(blocks)), notice.unit_name,
                      cn_date(notice.as_of))  # fmt: skip


def _inner(text: str) -> str:
    """Quotes inside quotes are single, as documents write them."""
    return text.replace("“", "‘").replace("”", "’")


def _number_headings(blocks: list[Block]) -> list[Block]:
    n, out = 0, []
    for block in blocks:
        if block.heading:
            n += 1
            block = Block(f"{numeral(n)}、{block.text}", heading=True)
        out.append(block)
    return out


def _contact_sentence(c: DisclosureSettings) -> str:
    ways = [
        f"监督电话：{c.phone}" if c.phone else "",
        f"电子邮箱：{c.email}" if c.email else "",
        f"通讯地址：{c.address}" + (f"（邮政编码：{c.postcode}）" if c.postcode else "")
        if c.address
        else "",
    ]
    ways = [w for w in ways if w]
    sentence = f"欢迎广大干部群众对巡察整改落实情况进行监督，如有意见建议，请向{c.contact}反映"
    return sentence + ("。" + "；".join(ways) + "。" if ways else "。")


def notice_docx(text: NoticeText) -> bytes:
    """The notice as a .docx in the layout of a 公文: A4, 小标宋 title, 仿宋 body, 黑体 heads."""
    document = official_document()
    title = document.add_paragraph()
    title.alignment = WD_ALIGN_PARAGRAPH.CENTER
    _font(title.add_run(text.title), TITLE_FONT, 22)
    document.add_paragraph()
    for block in text.blocks:
        paragraph = document.add_paragraph()
        paragraph.paragraph_format.first_line_indent = Pt(32)
        run = paragraph.add_run(block.text)
        if block.heading:
            _font(run, HEADING_FONT, 16)
    document.add_paragraph()
    for line in (text.signature, text.date):
        paragraph = document.add_paragraph(line)
        paragraph.alignment = WD_ALIGN_PARAGRAPH.RIGHT
    buffer = BytesIO()
    document.save(buffer)
    return buffer.getvalue()


def write_pages(tree: DocsTree, site: SiteData) -> str:
    """Every notice (page and .docx) and their index; returns the index's path for the nav."""
    contacts = site.project.settings.disclosure
    notices = list(site.analysis.disclosure)
    for notice in notices:
        text = notice_text(notice, contacts)
        name = f"disclosure/{notice.round_id}/{notice.unit_id}"
        tree.write(f"{name}.docx", notice_docx(text))
        tree.write(f"{name}.md", render("disclosure.md.j2", site=site, n=notice, t=text))
    rounds: dict[str, list[DisclosureNotice]] = {}
    for notice in reversed(notices):  # the latest round first
        rounds.setdefault(notice.round_name, []).insert(0, notice)
    tree.write("disclosure/index.md", render("disclosure_index.md.j2", site=site, rounds=rounds))
    return "disclosure/index.md"
