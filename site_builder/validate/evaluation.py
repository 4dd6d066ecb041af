"""Checks of the quantitative evaluation (八查): rubrics, evaluation records, bulletins."""

from __future__ import annotations

import difflib
import re
from collections.abc import Iterator
from datetime import timedelta
from pathlib import PurePosixPath

from site_builder.diagnostics import Diagnostic, diag
from site_builder.model import Project
from site_builder.model.evaluation import (
    CHECK_CODES,
    ENTERED,
    INDICATORS,
    Evaluation,
    Rubric,
    rubric_for,
)
from site_builder.model.labels import field_label
from site_builder.model.types import Record

_ITEM_ID = re.compile(r"^([1-8])\.[0-9]{1,2}$")
_EPSILON = 1e-6


def _at(record: Record) -> dict:
    return {"file": record.src.file, "line": record.src.line, "col": record.src.col}


def num(value: float) -> str:
    """15.0 -> '15', 2.5 -> '2.5': numbers as staff wrote them."""
    return f"{value:g}"


def rubrics(project: Project) -> Iterator[Diagnostic]:
    """Every rubric: the eight checks once each, weights 100, items, grades, shortfalls."""
    for rubric in [project.rubric, *project.round_rubrics.values()]:
        if rubric is not None:
            yield from _rubric(rubric)
    for round_id, rubric in project.round_rubrics.items():
        if round_id not in project.round_by_id:
            yield diag(
                "R002", rubric.src.file, round=round_id, hint="请把文件夹改为已有的轮次编号。"
            )


def _rubric(rubric: Rubric) -> Iterator[Diagnostic]:
    total = sum(c.weight for c in rubric.checks)
    if abs(total - 100) > _EPSILON:
        yield diag("E001", **_at(rubric), name=rubric.name, total=num(total))
    seen: dict[int, Record] = {}
    for check in rubric.checks:
        if check.code not in CHECK_CODES:
            yield diag("E002", **_at(check), code=check.code)
            continue
        if check.code in seen:
            first = seen[check.code].src
            yield diag(
                "E003", **_at(check), detail=f"第 {check.code} 查重复：第 {first.line} 行已经写过"
            )
        seen[check.code] = check
        if check.weight < 0:
            yield diag("E003", **_at(check), detail=f"第 {check.code} 查的权重是负数")
        points = sum(i.points for i in check.items)
        if check.items and abs(points - check.weight) > _EPSILON:
            yield diag(
                "E004",
                **_at(check),
                code=check.code,
                name=check.name,
                total=num(points),
                weight=num(check.weight),
            )
        for item in check.items:
            yield from _item(check.code, item)
    missing = [str(c) for c in CHECK_CODES if c not in seen]
    if missing:
        yield diag("E003", **_at(rubric), detail=f"缺少第 {'、'.join(missing)} 查")
    yield from _grades(rubric)
    known = {str(c.code) for c in rubric.checks} | {i.id for c in rubric.checks for i in c.items}
    for rule in rubric.shortfalls:
        for ref in rule.items:
            if ref not in known:
                yield diag(
                    "E005",
                    **_at(rule),
                    item=ref,
                    detail=f"整改不力情形“{rule.name}”引用的检查或评分项不存在。"
                    "请写检查编号（如 3）或评分项编号（如 3.2）。",
                )


def _item(code: int, item) -> Iterator[Diagnostic]:
    def bad(detail: str) -> Diagnostic:
        return diag("E005", **_at(item), item=item.id, detail=detail)

    match = _ITEM_ID.match(item.id)
    if not match or int(match.group(1)) != code:
        yield bad(f"编号应写作“检查编号.序号”，第 {code} 查的评分项写作 {code}.1、{code}.2 ……")
    if item.points <= 0:
        yield bad("分值（points）应大于 0。")
    if item.method in ("yes_no", "count"):
        fits = [path for path, (methods, _) in ENTERED.items() if item.method in methods]
        if item.field not in fits:
            close = difflib.get_close_matches(item.field or "", fits, n=1, cutoff=0.6)
            hint = f"是否想写“{close[0]}”？" if close else "可选：" + "、".join(fits) + "。"
            yield bad(f"录入字段（field）“{item.field or ''}”不能用于这种计分方式。{hint}")
    if item.method == "count" and (item.per is None or item.per <= 0):
        yield bad("按数量计分（count）需要填写每项得分（per），例如 per: 1。")
    if item.method == "indicator" and item.indicator not in INDICATORS:
        close = difflib.get_close_matches(item.indicator or "", list(INDICATORS), n=1, cutoff=0.6)
        hint = f"是否想写“{close[0]}”？" if close else "可选：" + "、".join(INDICATORS) + "。"
        yield bad(f"计算指标（indicator）“{item.indicator or ''}”不存在。{hint}")


def _grades(rubric: Rubric) -> Iterator[Diagnostic]:
    mins = [g.min for g in rubric.grades]
    if not mins:
        yield diag("E006", **_at(rubric), detail="没有写等次")
    elif mins != sorted(mins, reverse=True) or len(set(mins)) != len(mins):
        yield diag("E006", **_at(rubric.grades[0]), detail="各等次最低分没有从高到低排列")
    elif mins[-1] != 0 or mins[0] > 100:
        yield diag("E006", **_at(rubric.grades[-1]), detail="最后一档最低分应为 0，各档不超过 100")


def evaluations(project: Project) -> Iterator[Diagnostic]:
    """Each record: where it is, which unit and round, its counts, scores and dates."""
    if project.evaluations and not any(rubric_for(project, e.round) for e in project.evaluations):
        first = project.evaluations[0]
        yield diag("E017", first.src.file, count=len(project.evaluations))
    for evaluation in project.evaluations:
        yield from _place(project, evaluation)
        yield from _counts(evaluation)
        rubric = rubric_for(project, evaluation.round)
        if rubric is not None:
            yield from _judgements(rubric, evaluation)
        if not evaluation.evaluators:
            yield diag("E014", **_at(evaluation))


def _place(project: Project, evaluation: Evaluation) -> Iterator[Diagnostic]:
    path = PurePosixPath(evaluation.src.file)
    if (path.parent.name, path.stem) != (evaluation.round, evaluation.unit):
        yield diag(
            "E008",
            evaluation.src.file,
            1,
            1,
            path=evaluation.src.file,
            round=evaluation.round,
            unit=evaluation.unit,
        )
    round_ = project.round_by_id.get(evaluation.round)
    if round_ is None:
        hint = difflib.get_close_matches(evaluation.round, list(project.round_by_id), n=1)
        yield diag(
            "R002",
            **_at(evaluation),
            round=evaluation.round,
            hint=f"是否想写“{hint[0]}”？" if hint else "请核对轮次编号。",
        )
        return
    entry = round_.inspected().get(evaluation.unit)
    if entry is None:
        yield diag("E007", **_at(evaluation), unit=evaluation.unit, round=evaluation.round)
        return
    due = entry.feedback_on + timedelta(days=round_.rectification_days)
    if evaluation.evaluated_on < due:
        yield diag(
            "E013",
            **_at(evaluation),
            date=evaluation.evaluated_on,
            due=due,
            feedback=entry.feedback_on,
            days=round_.rectification_days,
        )


def _counts(evaluation: Evaluation) -> Iterator[Diagnostic]:
    groups = (
        (evaluation.satisfaction, ("satisfied", "basically_satisfied", "dissatisfied")),
        (
            evaluation.clues,
            ("clues_received", "clues_closed", "petitions_received", "petitions_closed"),
        ),
        (evaluation.site_check, ("checked", "confirmed")),
    )
    for record, names in groups:
        for name in names:
            value = getattr(record, name)
            if value < 0:
                yield diag("E011", **_at(record), field=name, label=field_label(name), value=value)
    pairs = (
        (evaluation.clues, "移交问题线索", "clues_closed", "clues_received"),
        (evaluation.clues, "信访事项", "petitions_closed", "petitions_received"),
        (evaluation.site_check, "实地抽查", "confirmed", "checked"),
    )
    for record, what, done, total in pairs:
        if getattr(record, done) > getattr(record, total) >= 0:
            yield diag(
                "E012",
                **_at(record),
                what=what,
                done_label=field_label(done),
                done=getattr(record, done),
                total_label=field_label(total),
                total=getattr(record, total),
            )


def _judgements(rubric: Rubric, evaluation: Evaluation) -> Iterator[Diagnostic]:
    seen: dict[str, Record] = {}
    for judgement in evaluation.judgements:
        item = rubric.item(judgement.item)
        if judgement.item in seen:
            first = seen[judgement.item].src
            yield diag("E016", **_at(judgement), item=judgement.item, where=f"第 {first.line} 行")
            continue
        seen[judgement.item] = judgement
        if item is None:
            graded = [i.id for c in rubric.checks for i in c.items if i.method == "graded"]
            yield diag(
                "E010",
                **_at(judgement),
                item=judgement.item,
                detail=f"不在评估细则“{rubric.name}”中。需要评分的评分项有："
                + "、".join(graded)
                + "。",
            )
        elif item.method != "graded":
            yield diag(
                "E010",
                **_at(judgement),
                item=judgement.item,
                detail=f"（{item.name}）由系统按台账或录入数据计分，不需要评估组打分，请删除这一项。",
            )
        elif not 0 <= judgement.score <= item.points:
            yield diag(
                "E009",
                **_at(judgement),
                item=item.id,
                name=item.name,
                score=num(judgement.score),
                points=num(item.points),
            )
    for check in rubric.checks:
        for item in check.items:
            if item.method == "graded" and item.id not in seen:
                yield diag("E015", **_at(evaluation), item=item.id, name=item.name)
    used = {i.indicator for c in rubric.checks for i in c.items if i.method == "indicator"}
    if "satisfaction" in used and evaluation.satisfaction.votes == 0:
        yield diag(
            "E018",
            **_at(evaluation.satisfaction if evaluation.satisfaction.src.line else evaluation),
            what="民主测评满意度票数",
            item="第 8 查",
            fix="在 satisfaction 下填写满意（satisfied）、基本满意（basically_satisfied）、不满意（dissatisfied）的票数。",
        )
    if "site_check" in used and evaluation.site_check.checked == 0:
        yield diag(
            "E018",
            **_at(evaluation.site_check if evaluation.site_check.src.line else evaluation),
            what="实地抽查情况",
            item="第 5 查实地抽查",
            fix="在 site_check 下填写抽查事项数（checked）和其中整改到位的数（confirmed）。",
        )


def bulletins(project: Project) -> Iterator[Diagnostic]:
    cases = {c.id for c in project.cases}
    seen: dict[str, Record] = {}
    for bulletin in project.bulletins:
        if bulletin.id in seen:
            first = seen[bulletin.id].src
            yield diag(
                "R004", **_at(bulletin), id=bulletin.id, where=f"{first.file} 第 {first.line} 行"
            )
        seen[bulletin.id] = bulletin
        for case in bulletin.cases:
            if case not in cases:
                close = difflib.get_close_matches(case, list(cases), n=1, cutoff=0.5)
                hint = f"是否想写“{close[0]}”？" if close else "请核对案例文件名。"
                yield diag("E019", **_at(bulletin), case=case, hint=hint)
