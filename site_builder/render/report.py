"""The draft rectification report (整改报告) of one ledger, as plain blocks.

The same blocks become a print-ready site page (Markdown template) and a Word
document (``render.docx_report``): headings, paragraphs and tables in the order a
report is read. Numbers and wording come from the ledger and its history only;
the unit edits the draft before it is signed.
"""

from __future__ import annotations

from collections import Counter
from dataclasses import dataclass, field
from datetime import date, timedelta

from site_builder.analyse import Analysis, Colour, LedgerAnalysis
from site_builder.history import STATE_LABELS, State
from site_builder.model import Project
from site_builder.model.labels import (
    DEPARTMENT,
    MEASURE_STATUS,
    PROBLEM_SOURCE,
    PROBLEM_STATUS,
    RESPONSIBILITY,
    REVIEW_OUTCOME,
)
from site_builder.model.ledger import Ledger, Problem

NUMERALS = "一二三四五六七八九十"


@dataclass(frozen=True)
class Heading:
    text: str
    kind: str = "heading"


@dataclass(frozen=True)
class Paragraph:
    text: str
    kind: str = "paragraph"


@dataclass(frozen=True)
class Table:
    columns: tuple[str, ...]
    rows: tuple[tuple[str, ...], ...]
    kind: str = "table"


Block = Heading | Paragraph | Table


@dataclass
class Section:
    title: str
    blocks: list[Block] = field(default_factory=list)


@dataclass
class RectificationReport:
    round: str
    unit: str
    title: str
    facts: list[tuple[str, str]]
    sections: list[Section]
    problems: list[str]  # "P01 title" of every problem, for checks and tests


def _d(value: date | None) -> str:
    return value.isoformat() if value else "—"


def _sub(index: int, text: str) -> str:
    number = NUMERALS[index] if index < len(NUMERALS) else str(index + 1)
    return f"（{number}）{text}"


def build_report(
    project: Project, analysis: Analysis, round_id: str, unit_id: str
) -> RectificationReport | None:
    """The draft report of ledger ``round_id/unit_id``; None when there is no such ledger."""
    as_of = analysis.as_of
    ledger = project.ledger_by_key.get(f"{round_id}/{unit_id}")
    round_ = project.round_by_id.get(round_id)
    if ledger is None or round_ is None:
        return None
    unit = project.unit_by_id.get(unit_id)
    unit_name = unit.name if unit else unit_id
    entry = round_.inspected().get(unit_id)
    feedback = entry.feedback_on if entry else None
    period_end = feedback + timedelta(days=round_.rectification_days) if feedback else None
    facts = [
        ("报送单位", unit_name),
        ("巡察轮次", round_.name),
        ("反馈日期", _d(feedback)),
        ("集中整改期", f"{_d(feedback)} 至 {_d(period_end)}（{round_.rectification_days} 天）"),
        ("数据截至", as_of.isoformat()),
        ("数据来源", f"整改台账 {ledger.src.file}"),
    ]
    figures = analysis.ledger(ledger.key)
    sections = [
        _overview(project, ledger),
        _problems(project, ledger),
        _mechanisms(ledger),
        _accountability(ledger, figures),
        _open_items(ledger, figures),
        _signoff(ledger, figures, analysis.history.available),
    ]
    for index, section in enumerate(sections):
        section.title = f"{NUMERALS[index]}、{section.title}"
    return RectificationReport(
        round_id,
        unit_id,
        f"{unit_name}关于{round_.name}反馈意见整改情况的报告（草稿）",
        facts,
        sections,
        [f"{p.id} {p.title}" for p in ledger.problems],
    )


def _active(ledger: Ledger) -> list[Problem]:
    return [p for p in ledger.problems if p.status != "withdrawn"]


def _overview(project: Project, ledger: Ledger) -> Section:
    section = Section("整改工作总体情况")
    plan = ledger.plan
    if plan.leading_group:
        section.blocks.append(Paragraph(f"整改工作领导小组：{plan.leading_group}"))
    if plan.objective:
        section.blocks.append(Paragraph(f"整改目标：{plan.objective}"))
    if plan.submitted_on:
        review = ""
        if plan.current_review:
            review = f"，经审核{REVIEW_OUTCOME[plan.current_review.outcome]}"
            if plan.current_review.reviewer:
                review += (
                    f"（{plan.current_review.reviewer}，{_d(plan.current_review.reviewed_on)}）"
                )
        section.blocks.append(Paragraph(f"整改方案于 {_d(plan.submitted_on)} 报送{review}。"))
    problems = _active(ledger)
    sources = Counter(p.source for p in problems)
    spread = "、".join(f"{PROBLEM_SOURCE[s]} {n} 个" for s, n in sources.items())
    closed = [p for p in problems if p.status == "closed"]
    measures = [m for p in problems for m in p.measures if m.status != "withdrawn"]
    done = [m for m in measures if m.status == "done"]
    mechanisms = sum(len(p.mechanisms) for p in problems)
    accountability = sum(len(p.accountability) for p in problems)
    rate = f"{len(closed) / len(problems):.0%}" if problems else "—"
    section.blocks.append(
        Paragraph(
            f"共认领问题 {len(problems)} 个（{spread or '无'}），已整改销号 {len(closed)} 个，"
            f"销号率 {rate}；制定整改措施 {len(measures)} 条，已完成 {len(done)} 条；"
            f"建立完善长效机制 {mechanisms} 项；问责 {accountability} 人次。"
        )
    )
    withdrawn = [p for p in ledger.problems if p.status == "withdrawn"]
    for p in withdrawn:
        section.blocks.append(Paragraph(f"{p.id} {p.title} 已撤销：{p.withdrawn_reason or ''}"))
    if ledger.report and ledger.report.summary:
        section.blocks.append(Paragraph(f"单位报告摘要：{ledger.report.summary}"))
    return section


def _problems(project: Project, ledger: Ledger) -> Section:
    section = Section("问题整改情况")
    for index, p in enumerate(ledger.problems):
        state = PROBLEM_STATUS[p.status] + (f"，{_d(p.closed_on)}" if p.closed_on else "")
        section.blocks.append(Heading(_sub(index, f"{p.id} {p.title}（{state}）")))
        origin = f"问题类别：{project.category_label(p.category)}；来源：{PROBLEM_SOURCE[p.source]}"
        if p.common_code:
            origin += f"（共性问题 {p.common_code}）"
        section.blocks.append(Paragraph(origin + "。"))
        if p.description:
            section.blocks.append(Paragraph(f"问题表现：{p.description}"))
        rows = tuple(
            (
                m.id,
                m.text or "",
                f"{m.owner or '—'} / {m.leader or '—'}",
                _d(m.deadline),
                MEASURE_STATUS[m.status] + (f"（{_d(m.completed_on)}）" if m.completed_on else ""),
                "；".join(e.title for e in m.evidence) or "—",
            )
            for m in p.measures
        )
        if rows:
            columns = ("措施", "整改措施", "责任人 / 责任领导", "完成时限", "完成情况", "佐证材料")
            section.blocks.append(Table(columns, rows))
        else:
            section.blocks.append(Paragraph("该问题没有整改措施（任务有漏项）。"))
    return section


def _mechanisms(ledger: Ledger) -> Section:
    section = Section("长效机制建设情况")
    rows = tuple(
        (
            p.id,
            m.title,
            m.document or "—",
            _d(m.issued_on),
            "；".join(e.title for e in m.enforcement) or "无执行情况佐证",
        )
        for p in ledger.problems
        for m in p.mechanisms
    )
    if rows:
        section.blocks.append(Table(("问题", "制度名称", "文号", "印发日期", "执行情况"), rows))
    bare = [p.id for p in ledger.problems if p.status == "closed" and not p.mechanisms]
    if bare:
        section.blocks.append(
            Paragraph(f"已销号但尚未建立长效机制的问题：{'、'.join(bare)}，应举一反三、建章立制。")
        )
    if not rows and not bare:
        section.blocks.append(Paragraph("尚未建立长效机制。"))
    return section


def _accountability(ledger: Ledger, figures: LedgerAnalysis) -> Section:
    section = Section("责任追究情况")
    rows = tuple(
        (
            p.id,
            a.person,
            a.post or "—",
            RESPONSIBILITY[a.responsibility],
            f"第{NUMERALS[a.form - 1]}种形态",
            a.measure,
            _d(a.decided_on),
        )
        for p in ledger.problems
        for a in p.accountability
    )
    if not rows:
        section.blocks.append(Paragraph("问责清单为空，没有问责记录。"))
        return section
    columns = ("问题", "被问责人", "职务", "责任类型", "四种形态", "问责方式", "日期")
    section.blocks.append(Table(columns, rows))
    forms = figures.forms
    spread = "、".join(f"第{NUMERALS[f - 1]}种形态 {n} 人次" for f, n in forms.items() if n)
    section.blocks.append(Paragraph(f"共问责 {len(rows)} 人次：{spread}。"))
    soft = [p.id for p in ledger.problems if p.accountability_is_soft]
    if soft:
        section.blocks.append(
            Paragraph(f"{'、'.join(soft)} 只追究了直接责任，未追究领导责任，请补充或说明理由。")
        )
    return section


def _open_items(ledger: Ledger, figures: LedgerAnalysis) -> Section:
    section = Section("尚未完成的整改事项及下一步计划")
    rows = []
    for p in ledger.problems:
        for m in p.measures:
            if m.status in ("done", "withdrawn"):
                continue
            # Late as the site counts it: past the approved deadline (the red list).
            late = figures.colours.get(f"{p.id}/{m.id}") is Colour.RED
            state = MEASURE_STATUS[m.status] + ("，已逾期" if late else "")
            rows.append(
                (
                    f"{p.id}/{m.id}",
                    m.text or "",
                    _d(m.deadline),
                    m.owner or "—",
                    m.progress or "—",
                    state,
                )
            )
    if rows:
        columns = ("措施", "整改措施", "完成时限", "责任人", "目前进展及下一步", "状态")
        section.blocks.append(Table(columns, tuple(rows)))
    else:
        section.blocks.append(Paragraph("全部整改措施已完成，无未完成事项。"))
    return section


def _signoff(ledger: Ledger, figures: LedgerAnalysis, history_available: bool) -> Section:
    section = Section("审核签字情况")
    report = ledger.report
    signed = {r.department: r for r in (report.reviewers if report else [])}
    rows = []
    for department in ("discipline", "organisation"):
        reviewer = signed.get(department)
        rows.append(
            (
                DEPARTMENT[department],
                reviewer.name if reviewer else "待签字",
                _d(reviewer.signed_on) if reviewer else "—",
            )
        )
    submitted = report.submitted_on if report else None
    section.blocks.append(
        Paragraph(f"整改报告{'于 ' + _d(submitted) + ' 报送' if submitted else '尚未报送'}。")
    )
    section.blocks.append(Table(("审核部门", "审核人", "签字日期"), tuple(rows)))
    if not history_available:
        section.blocks.append(Paragraph("没有 git 修改记录，销号审批情况无法核实。"))
        return section
    closed = [p for p in ledger.problems if p.status == "closed"]
    confirmed = [
        p
        for p in closed
        if (e := figures.closures.get(p.id)) and e.signoff.state is State.CONFIRMED
    ]
    text = f"已销号问题 {len(closed)} 个，销号经审批合并确认 {len(confirmed)} 个"
    doubtful = []
    for p in closed:
        closing = figures.closures.get(p.id)
        if closing is None:
            doubtful.append(f"{p.id}（修改记录中没有销号）")
        elif closing.signoff.state is not State.CONFIRMED:
            who = f"，{closing.signoff.approver}" if closing.signoff.approver else ""
            doubtful.append(f"{p.id}（{STATE_LABELS[closing.signoff.state]}{who}）")
    if doubtful:
        text += "；未经确认的：" + "、".join(doubtful)
    section.blocks.append(Paragraph(text + "。"))
    return section
