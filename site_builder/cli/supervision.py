"""`rectify dubian` (what needs supervision, and a 督办通知 per unit) and `rectify monthly`
(the month's report upward as .docx and .xlsx)."""

from __future__ import annotations

import argparse
import json
import sys
from datetime import date
from pathlib import Path

from site_builder import pipeline
from site_builder.analyse.supervision import RULES, UnitDue
from site_builder.cli.output import existing_root, print_diagnostics
from site_builder.diagnostics import Severity, has_errors
from site_builder.history.git import GitError


def _day(text: str) -> date:
    try:
        return date.fromisoformat(text)
    except ValueError:
        raise argparse.ArgumentTypeError(f"日期“{text}”无法识别，请写成 2020-12-31") from None


def register(sub) -> None:
    p = sub.add_parser("dubian", help="按规则列出需要督办的单位和事项，并生成督办通知（Word）")
    p.add_argument("round", help="轮次编号，如 r5")
    p.add_argument("--root", default=".", help="台账仓库根目录（默认当前目录）")
    p.add_argument("--as-of", type=_day, help="核查日期（默认取设置中的 as_of，否则今天）")
    p.add_argument("--out", help="督办通知输出目录（不写则只打印清单）")
    p.add_argument("--json", action="store_true", help="以 JSON 输出清单")
    p.set_defaults(func=cmd_dubian)

    p = sub.add_parser("monthly", help="生成某月的巡察整改情况月报（Word 和 Excel）")
    p.add_argument("month", help="月份，如 2020-11")
    p.add_argument("--root", default=".", help="台账仓库根目录（默认当前目录）")
    p.add_argument("--out", default=".", help="输出目录（默认当前目录）")
    p.add_argument("--json", action="store_true", help="同时以 JSON 打印各项数字")
    p.set_defaults(func=cmd_monthly)

    p = sub.add_parser(
        "aggregate", help="汇总各区数据导出（data/export.json），并列比较各区整改情况"
    )
    p.add_argument("exports", nargs="*", help="各区网站的 data/export.json 文件（并列打印）")
    p.add_argument("--city", help="城市设置文件（如 city.yml）：汇总其中各区，生成全市网站")
    p.add_argument("--out", default="build-city", help="全市网站的构建目录（默认 build-city）")
    p.add_argument(
        "--exports", dest="exports_dir",
        help="各区数据导出所在目录（<目录>/<区 id>/export.json），代替设置中的来源（CI 用）",
    )  # fmt: skip
    p.add_argument("--plan", action="store_true", help="只以 JSON 列出设置中的各区（CI 矩阵用）")
    p.add_argument("--timings", action="store_true", help="打印各阶段耗时")
    p.add_argument("--json", action="store_true", help="以 JSON 输出")
    p.set_defaults(func=cmd_aggregate)


def _due_dict(due: UnitDue) -> dict:
    return {
        "round": due.round,
        "unit": due.unit,
        "name": due.unit_name,
        "reasons": [{"rule": r.rule, "item": r.item, "text": r.text} for r in due.reasons],
        "records": [
            {"date": r.date.isoformat(), "kind": r.kind, "number": r.number} for r in due.records
        ],
    }


def cmd_dubian(args: argparse.Namespace) -> int:
    from site_builder.render.dubian_docx import notices, write_notices

    if (root := existing_root(args.root)) is None:
        return 2
    analysed = pipeline.analyse_repository(root, args.as_of)
    project, diagnostics = analysed.project, analysed.diagnostics
    if has_errors(diagnostics):
        print_diagnostics([d for d in diagnostics if d.severity is Severity.ERROR])
        print("数据有错误，无法核查。请先修正（rectify validate）。", file=sys.stderr)
        return 1
    if args.round not in project.round_by_id:
        known = "、".join(r.id for r in project.rounds) or "（无）"
        print(f"轮次“{args.round}”不存在。已有轮次：{known}", file=sys.stderr)
        return 2
    as_of = analysed.analysis.as_of
    due = list(analysed.analysis.rounds[args.round].supervision)
    paths = write_notices(notices(project, due, as_of), Path(args.out)) if args.out else []
    if args.json:
        print(json.dumps([_due_dict(d) for d in due], ensure_ascii=False, indent=2))
        return 0
    name = project.round_by_id[args.round].name
    print(f"{name} 截至 {as_of} 需要督办的单位：{len(due)} 个")
    for unit in due:
        print(f"\n{unit.unit_name}（{unit.unit}）")
        for reason in unit.reasons:
            print(f"  [{RULES[reason.rule]}] {reason.text}")
        if unit.records:
            done = "；".join(f"{r.date} {r.label}{r.number or ''}" for r in unit.records)
            print(f"  已督办：{done}")
    for path in paths:
        print(f"已生成督办通知：{path}")
    return 0


def cmd_monthly(args: argparse.Namespace) -> int:
    from site_builder.analyse.monthly import month_bounds
    from site_builder.pipeline import monthly_report
    from site_builder.render.monthly_docx import write_monthly_docx
    from site_builder.sheets.monthly_xlsx import write_monthly_xlsx

    if (root := existing_root(args.root)) is None:
        return 2
    if month_bounds(args.month) is None:
        print(f"月份“{args.month}”无法识别，请写成 2020-11", file=sys.stderr)
        return 2
    try:
        report, diagnostics = monthly_report(root, args.month)
    except GitError as exc:
        print(
            f"{exc}。月报按 git 历史还原当月最后一天的台账，请在台账仓库中运行。", file=sys.stderr
        )
        return 2
    if report is None:
        print(f"{args.month} 月底前仓库还没有提交，无法生成月报。", file=sys.stderr)
        return 1
    if has_errors(diagnostics):
        print(f"注意：{report.last} 的台账有错误，月报数字可能不完整。", file=sys.stderr)
    out = Path(args.out)
    out.mkdir(parents=True, exist_ok=True)
    docx = write_monthly_docx(report, out / f"月报-{args.month}.docx")
    xlsx = write_monthly_xlsx(report, out / f"月报-{args.month}.xlsx")
    figures = json.dumps(report_dict(report), ensure_ascii=False, indent=2) + "\n"
    (data := out / f"月报-{args.month}.json").write_text(figures, encoding="utf-8")
    if args.json:
        print(figures, end="")
        return 0
    print(f"{report.title}：数据截至 {report.last}（提交 {(report.commit or '')[:10]}）")
    print(f"已生成：{docx}\n已生成：{xlsx}\n已生成：{data}")
    return 0


def report_dict(report) -> dict:
    from site_builder.analyse.monthly import COLUMNS

    def row(figures) -> dict:
        # Money as a number of yuan (two decimals); counts as integers.
        values = (v if isinstance(v, int) else float(v) for v in figures.values())
        return dict(zip(COLUMNS, values, strict=True))

    return {
        "month": report.month,
        "as_of": report.last.isoformat(),
        "commit": report.commit,
        "rounds": [
            {
                "round": r.round,
                "name": r.name,
                "total": row(r.total),
                "units": [{"unit": u.unit, "name": u.name, **row(u.figures)} for u in r.units],
            }
            for r in report.rounds
        ],
        "total": row(report.total),
    }


def cmd_city(args: argparse.Namespace) -> int:
    from site_builder.city import build_city
    from site_builder.export.city import load_city
    from site_builder.site.engine import SiteError

    if args.plan:
        settings, found = load_city(Path(args.city))
        print_diagnostics(found)
        if settings is None:
            return 1
        rows = [{"id": d.id, "name": d.name, "kind": d.kind, "source": d.location,
                 "branch": d.branch or ""} for d in settings.districts]  # fmt: skip
        print(json.dumps(rows, ensure_ascii=False))
        return 1 if has_errors(found) else 0
    exports = Path(args.exports_dir) if args.exports_dir else None
    try:
        result = build_city(Path(args.city), Path(args.out), exports_dir=exports)
    except SiteError as exc:
        print(exc, file=sys.stderr)
        return 1
    print_diagnostics(result.diagnostics)
    if args.timings:
        for name, seconds in result.timings.stages:
            print(f"{name}\t{seconds:.2f} 秒")
    if result.site_dir is None:
        print("未生成全市网站。", file=sys.stderr)
        return 1
    city = result.analysis
    assert city is not None
    print(f"已生成{city.city}汇总网站：{result.site_dir}（{len(city.districts)} 个区；"
          f"重新读取 {len(result.reread)} 个区的数据导出）")  # fmt: skip
    return 1 if city.refused else 0


def cmd_aggregate(args: argparse.Namespace) -> int:
    from site_builder.export.aggregate import COLUMNS, aggregate

    if args.city:
        return cmd_city(args)
    if not args.exports:
        print("请给出各区的 data/export.json 文件，或用 --city 指定城市设置文件。", file=sys.stderr)
        return 2

    view = aggregate([Path(p) for p in args.exports])
    if view.diagnostics and not args.json:
        print_diagnostics(view.diagnostics)
    if args.json:
        rows = [
            {"district": r.district, "as_of": r.as_of, "source": r.source,
             **dict(zip(COLUMNS, r.values, strict=True))}
            for r in view.rows
        ]  # fmt: skip
        refused = [{"code": d.code, "file": d.file, "message": d.message} for d in view.diagnostics]
        print(json.dumps({"districts": rows, "refused": refused}, ensure_ascii=False, indent=2))
    else:
        print("\t".join(("区", "统计截至", *COLUMNS)))
        for r in view.rows:
            print("\t".join((r.district, r.as_of, *map(str, r.values))))
    if not view.rows:
        return 1
    return 1 if view.diagnostics else 0
