"""`rectify evaluate` (the ranking of a round's 八查 scores) and `rectify report`
(the draft rectification report as a Word document)."""

from __future__ import annotations

import argparse
import json
import sys
import unicodedata
from datetime import date
from pathlib import Path

from site_builder import pipeline
from site_builder.analyse import Scorecard
from site_builder.cli.output import existing_root, print_diagnostics
from site_builder.diagnostics import Severity, has_errors
from site_builder.model import Project
from site_builder.model.wording import points


def _day(text: str) -> date:
    try:
        return date.fromisoformat(text)
    except ValueError:
        raise argparse.ArgumentTypeError(f"日期“{text}”无法识别，请写成 2020-12-31") from None


def register(sub) -> None:
    p = sub.add_parser("evaluate", help="打印一个轮次的巡察整改量化评估排名（八查）")
    p.add_argument("round", help="轮次编号，如 r1；写 all 列出全部评估")
    p.add_argument("--root", default=".", help="台账仓库根目录（默认当前目录）")
    p.add_argument("--json", action="store_true", help="以 JSON 输出")
    p.set_defaults(func=cmd_evaluate)

    p = sub.add_parser("report", help="根据整改台账生成整改报告草稿（Word 文档）")
    p.add_argument("round", help="轮次编号，如 r1")
    p.add_argument("unit", help="单位编号，如 wcjd")
    p.add_argument("--root", default=".", help="台账仓库根目录（默认当前目录）")
    p.add_argument("--out", help="输出文件（默认 整改报告-轮次-单位.docx）")
    p.add_argument("--as-of", type=_day, help="统计截止日期（默认取设置中的 as_of，否则今天）")
    p.set_defaults(func=cmd_report)


def _load(root: Path) -> Project | None:
    if existing_root(root) is None:
        return None
    project, diagnostics = pipeline.check_project(root)
    if has_errors(diagnostics):
        print_diagnostics([d for d in diagnostics if d.severity is Severity.ERROR])
        print("数据有错误，无法计分。请先修正（rectify validate）。", file=sys.stderr)
        return None
    return project


def _card_dict(card: Scorecard) -> dict:
    previous = card.previous
    return {
        "rank": card.rank,
        "of": card.of,
        "round": card.round,
        "unit": card.unit,
        "name": card.unit_name,
        "evaluated_on": card.evaluation.evaluated_on.isoformat(),
        "evaluators": list(card.evaluation.evaluators),
        "total": card.total,
        "grade": card.grade,
        "change": card.change,
        "previous": None
        if previous is None
        else {"round": previous.round, "total": previous.total, "grade": previous.grade},
        "checks": [
            {
                "code": c.check.code,
                "name": c.check.name,
                "weight": c.check.weight,
                "score": c.score,
                "items": [
                    {
                        "id": s.item.id,
                        "name": s.item.name,
                        "method": s.item.method,
                        "points": s.item.points,
                        "earned": s.earned,
                        "basis": list(s.basis),
                    }
                    for s in c.items
                ],
            }
            for c in card.checks
        ],
        "shortfalls": [
            {"code": s.code, "name": s.name, "reasons": list(s.reasons)} for s in card.shortfalls
        ],
    }


def _width(text: str) -> int:
    return sum(2 if unicodedata.east_asian_width(ch) in "WF" else 1 for ch in text)


def _pad(text: str, width: int) -> str:
    return text + " " * max(0, width - _width(text))


def _table(cards: list[Scorecard], with_round: bool) -> list[str]:
    codes = [c.check.code for c in cards[0].checks]
    name_w = max(_width(c.unit_name) for c in cards) + 2
    head = ["排名", "轮次", "单位", "总分", "等次", *(f"{code}查" for code in codes), "较上次"]
    widths = [5, 6, name_w, 7, 6, *(6 for _ in codes), 8]
    if not with_round:
        head.pop(1), widths.pop(1)
    lines = ["".join(_pad(h, w) for h, w in zip(head, widths, strict=True)).rstrip()]
    for card in cards:
        change = "—" if card.change is None else f"{card.change:+.1f}"
        cells = [
            f"{card.rank}/{card.of}",
            card.round,
            card.unit_name,
            points(card.total),
            card.grade,
            *(points(c.score) for c in card.checks),
            change,
        ]
        if not with_round:
            cells.pop(1)
        lines.append("".join(_pad(c, w) for c, w in zip(cells, widths, strict=True)).rstrip())
    for card in cards:
        for shortfall in card.shortfalls:
            lines.append(f"  ! {card.unit_name}（{card.round}）{shortfall.name}：")
            lines += [f"      {reason}" for reason in shortfall.reasons]
    return lines


def cmd_evaluate(args: argparse.Namespace) -> int:
    root = Path(args.root)
    project = _load(root)
    if project is None:
        return 1
    if args.round != "all" and args.round not in project.round_by_id:
        known = "、".join(sorted(project.round_by_id)) or "无"
        print(f"轮次“{args.round}”不存在。已有轮次：{known}；或写 all。", file=sys.stderr)
        return 2
    analysis = pipeline.analyse_checked(root, project, []).analysis
    history, results = analysis.history, analysis.evaluation
    cards = results.all() if args.round == "all" else results.by_round.get(args.round, [])
    if args.json:
        print(
            json.dumps(
                {
                    "round": args.round,
                    "history": history.available,
                    "units": [_card_dict(c) for c in cards],
                },
                ensure_ascii=False,
                indent=2,
            )
        )
        return 0 if cards else 1
    if not cards:
        print(
            f"轮次“{args.round}”没有评估记录（rounds/evaluations/{args.round}/）。", file=sys.stderr
        )
        return 1
    title = "全部评估" if args.round == "all" else project.round_by_id[args.round].name
    print(f"{title} · 巡察整改量化检查评估排名（{cards[0].rubric.name}）")
    if not history.available:
        print("（没有 git 修改记录：销号审批、时限调整两项不计分，按比例折算）")
    print("\n".join(_table(cards, with_round=args.round == "all")))
    return 0


def cmd_report(args: argparse.Namespace) -> int:
    from site_builder.render.docx_report import write_report_docx
    from site_builder.render.report import build_report

    root = existing_root(args.root)
    if root is None:
        return 2
    project, diagnostics = pipeline.check_project(root)
    own = [
        d
        for d in diagnostics
        if d.severity is Severity.ERROR and d.file.startswith(f"ledgers/{args.round}/{args.unit}.")
    ]
    if own:
        print_diagnostics(own)
        print("台账有错误，未生成整改报告。请先修正。", file=sys.stderr)
        return 1
    analysis = pipeline.analyse_checked(root, project, diagnostics, args.as_of).analysis
    report = build_report(project, analysis, args.round, args.unit)
    if report is None:
        print(
            f"没有找到台账 ledgers/{args.round}/{args.unit}.yml（轮次和单位写作 r1 wcjd）。",
            file=sys.stderr,
        )
        return 1
    out = Path(args.out) if args.out else Path(f"整改报告-{args.round}-{args.unit}.docx")
    # Dated by the ledger's last change, as the site's download: the same report, the same file.
    write_report_docx(report, out, analysis.changed_at(f"{args.round}/{args.unit}"))
    print(f"已生成整改报告草稿：{out}（{len(report.problems)} 个问题）")
    return 0
