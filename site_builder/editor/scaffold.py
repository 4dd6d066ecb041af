"""`rectify new-ledger ROUND UNIT`: a ledger to start from, written from the round file.

The file is generated text, not a dump: staff read it first, so it carries the
feedback date, the rectification period and the district's categories as comments,
one problem per item of the team's feedback list when the office has entered it
(else a commented template for the feedback problems), and the district's common problems
named in earlier rounds as commented stubs. Stubs stay comments on purpose: a ledger
is a record the unit signs, and a common problem enters it only when the unit claims
it (uncomments it, numbers it and adds measures). The scaffold itself loads without
a diagnostic of its own kind (Y/S); the validator then asks for what only staff can
write (P005: the plan's objective).
"""

from __future__ import annotations

import difflib
from dataclasses import dataclass, field
from datetime import timedelta
from pathlib import Path

from site_builder.load import load_project, parse_yaml
from site_builder.load.dump import dump_yaml
from site_builder.load.records import build_record
from site_builder.model import Project
from site_builder.model.district import CommonProblem, InspectedUnit, Round
from site_builder.model.feedback import FeedbackList
from site_builder.model.ledger import Ledger


class ScaffoldRefused(Exception):
    """The ledger was not written; the message says why, in Chinese."""


@dataclass
class Scaffold:
    path: Path
    text: str
    common: list[str] = field(default_factory=list)  # codes offered as stubs


def new_ledger(root: Path, round_id: str, unit_id: str) -> Scaffold:
    """Write ledgers/<round>/<unit>.yml for a unit the round inspected; never overwrite."""
    project, _ = load_project(root)
    round_ = project.round_by_id.get(round_id)
    if round_ is None:
        raise ScaffoldRefused(
            f"找不到轮次“{round_id}”：rounds/ 下没有 id 为 {round_id} 的轮次文件。"
            + _hint(round_id, project.round_by_id)
        )
    entry = round_.inspected().get(unit_id)
    if entry is None:
        raise ScaffoldRefused(
            f"单位“{unit_id}”不在轮次 {round_id} 的巡察名单中（rounds/ 中该轮次的 teams）。"
            + _hint(unit_id, round_.inspected())
        )
    folder = root / "ledgers" / round_id
    for existing in (folder / f"{unit_id}.yml", folder / f"{unit_id}.yaml"):
        if existing.exists():
            raise ScaffoldRefused(
                f"{existing.relative_to(root).as_posix()} 已存在，未覆盖。需要修改请直接编辑该文件。"
            )
    path = folder / f"{unit_id}.yml"
    rel = path.relative_to(root).as_posix()
    common = earlier_common_problems(project, round_)
    text = ledger_text(project, round_, entry, common, rel)
    if (feedback := project.feedback_by_key.get(f"{round_id}/{unit_id}")) is not None:
        text = text.replace(_TEMPLATE_MARK, _feedback_problems(feedback, entry, round_), 1)
    _check_loads(text, rel)
    folder.mkdir(parents=True, exist_ok=True)
    with path.open("x", encoding="utf-8") as handle:  # "x": refuse a file created meanwhile
        handle.write(text)
    return Scaffold(path, text, [c.code for c in common])


def earlier_common_problems(project: Project, round_: Round) -> list[CommonProblem]:
    """Common problems named in a round that started before ``round_``."""
    earlier = {r.id for r in project.rounds if (r.start, r.id) < (round_.start, round_.id)}
    found = [c for c in project.common_problems if earlier & set(c.named_in)]
    return sorted(found, key=lambda c: c.code)


def ledger_text(
    project: Project,
    round_: Round,
    entry: InspectedUnit,
    common: list[CommonProblem],
    rel: str,
) -> str:
    unit = project.unit_by_id.get(entry.unit)
    name = unit.name if unit else entry.unit
    feedback = entry.feedback_on
    until = feedback + timedelta(days=round_.rectification_days)
    categories = "、".join(f"{c.code}（{c.label}）" for c in project.settings.categories)
    lines = [
        f"# {name} {round_.name}整改台账",
        f"# 巡察反馈日期：{feedback}；集中整改期：{feedback} 至 {until}（{round_.rectification_days} 天）",
        "# 由 rectify new-ledger 生成。字段说明见《数据字段说明》（docs/guide/data-model.md），",
        f"# 填好后运行 rectify validate {rel} 检查。",
        f"round: {round_.id}",
        f"unit: {entry.unit}",
        "plan:",
        "  objective:       # 整改目标（必填）：写明整改方向和完成时间",
        f"  submitted_on:    # 整改方案报送日期，写成 YYYY-MM-DD，不能早于反馈日期 {feedback}",
        "  leading_group:   # 整改领导小组：组长、副组长、成员，办公室设在哪里",
        "problems:",
        _TEMPLATE_MARK,
        "# 按巡察反馈意见逐条填写问题，编号 P01、P02……依次往下编。",
        "# 复制下面的格式，去掉行首的“# ”后填写：",
        "# - id: P01",
        "#   title:          # 问题标题，一句话概括",
        "#   description:    # 问题的具体表现",
        f"#   category:       # 问题类别，可选：{categories}",
        "#   source: feedback",
        "#   measures:",
        "#   - id: M1",
        "#     text:         # 做什么、怎么做、达到什么标准",
        f"#     deadline:     # 完成时限，如 {until}",
        "#     owner:        # 责任人，具体到人，如“王芳（党政办副主任）”",
        "#     leader:       # 责任领导（班子成员）",
        "#     status: not_started",
    ]
    if common:
        lines += [
            "#",
            "# 以下是前几轮巡察通报的共性问题（rounds/common_problems.yml）。本单位存在的，",
            "# 去掉行首的“# ”认领：把 P?? 改成接着往下编的编号，补全整改措施；不存在的删掉即可。",
        ]
        for problem in common:
            lines += ["#"] + [f"# {line}" for line in _common_stub(problem)]
    return "\n".join(lines) + "\n"


_TEMPLATE_MARK = "# （巡察反馈问题）"


def _feedback_problems(feedback: FeedbackList, entry: InspectedUnit, round_: Round) -> str:
    """One problem per item of the team's feedback list, each naming the item it answers.

    The list is the authority (任务有漏项), so its items are written out, not offered as
    comments; the validator then asks for each measure's text, deadline and owner.
    """
    until = entry.feedback_on + timedelta(days=round_.rectification_days)
    lines = [
        f"# 以下按巡察反馈问题清单（{feedback.src.file}）逐项生成，每项对应一个问题（answers）。",
        "# 一项可以分成几个问题整改，几项也可以合并为一个问题：合并时把编号都写进 answers。",
    ]
    for n, item in enumerate(feedback.items, 1):
        title = dump_yaml([{"id": f"P{n:02d}", "title": item.text}]).splitlines()
        lines += [
            *title,
            f"  category: {item.category}",
            "  source: feedback",
            f"  answers: [{item.id}]",
            "  measures:",
            "  - id: M1",
            "    text:         # 做什么、怎么做、达到什么标准",
            f"    deadline:     # 完成时限，如 {until}；立行立改、长期坚持见 time_limit",
            "    owner:        # 责任人，具体到人",
            "    leader:       # 责任领导（班子成员）",
        ]
    lines.append("# 本单位自查发现的问题接着往下编号，source 写 self。以下为空白格式：")
    return "\n".join(lines)


def _common_stub(problem: CommonProblem) -> list[str]:
    # dump_yaml quotes a title the way YAML needs; the rest are ids and fixed words.
    title = dump_yaml([{"id": "P??", "title": problem.title}]).splitlines()
    return [
        *title,
        f"  category: {problem.category}",
        "  source: common",
        f"  common_code: {problem.code}    # 已在 {'、'.join(problem.named_in)} 通报",
        "  measures:",
        "  - id: M1",
        "    text:",
        "    deadline:",
        "    owner:",
        "    leader:",
    ]


def _hint(value: str, known) -> str:
    close = difflib.get_close_matches(value, list(known), n=1, cutoff=0.5)
    if close:
        return f"是否想写“{close[0]}”？"
    return "现有：" + "、".join(sorted(known)) + "。" if known else ""


def _check_loads(text: str, rel: str) -> None:
    parsed = parse_yaml(text.encode("utf-8"), rel)
    record, diagnostics = build_record(parsed, Ledger)
    if record is None or diagnostics:
        found = "; ".join(d.as_text() for d in diagnostics)
        raise RuntimeError(f"generated ledger does not load: {found}")
