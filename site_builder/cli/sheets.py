"""`rectify import-xlsx` and `rectify export-xlsx`: the ledger in and out of Excel."""

from __future__ import annotations

import argparse
import sys
from pathlib import Path

from site_builder.cli.output import add_format, existing_root, print_diagnostics
from site_builder.diagnostics import has_errors
from site_builder.model.types import ID_PATTERN


def _id(text: str) -> str:
    if not ID_PATTERN.match(text):
        raise argparse.ArgumentTypeError(
            f"编号“{text}”格式不对：只能用英文字母、数字、“-”和“_”，如 r5、wcjd"
        )
    return text


def register(sub: argparse._SubParsersAction) -> None:
    p = sub.add_parser("import-xlsx", help="从 Excel 整改台账导入，写成 ledgers/<轮次>/<单位>.yml")
    p.add_argument("file", help="整改台账 .xlsx 文件")
    p.add_argument("--round", type=_id, help="轮次编号，如 r5（标题中写明轮次时可省略）")
    p.add_argument("--unit", type=_id, help="单位编号，如 wcjd（标题中写明单位名称时可省略）")
    p.add_argument("--root", default=".", help="台账仓库根目录（默认当前目录）")
    p.add_argument("--sheet", help="台账所在的工作表（默认自动查找）")
    p.add_argument("--force", action="store_true", help="台账文件已存在时整个替换")
    p.add_argument("--dry-run", action="store_true", help="只检查表格，不写文件")
    add_format(p)
    p.set_defaults(func=cmd_import)

    p = sub.add_parser("export-xlsx", help="把台账导出为 Excel 整改台账")
    p.add_argument("round", nargs="?", type=_id, help="轮次编号，如 r1")
    p.add_argument("unit", nargs="?", type=_id, help="单位编号，如 wcjd")
    p.add_argument("--all", action="store_true", help="导出全部台账（到 --out 目录）")
    p.add_argument(
        "--out", help="输出文件（默认 <轮次>-<单位>.xlsx）；加 --all 时为目录（默认 build/xlsx）"
    )
    p.add_argument("--root", default=".", help="台账仓库根目录（默认当前目录）")
    p.add_argument("--force", action="store_true", help="输出文件已存在时覆盖")
    p.set_defaults(func=cmd_export)


def cmd_import(args: argparse.Namespace) -> int:
    from site_builder.sheets import import_xlsx

    root = existing_root(args.root)
    if root is None:
        return 2
    result = import_xlsx(
        root,
        Path(args.file),
        round_id=args.round,
        unit_id=args.unit,
        sheet=args.sheet,
        force=args.force,
        dry_run=args.dry_run,
    )
    print_diagnostics(result.diagnostics, args.format)
    ledger = result.ledger
    if ledger is None or not result.target:
        print("未写入台账：请按上面的提示修改表格后重新导入。", file=sys.stderr)
        return 1
    if not result.written and not result.unchanged and not args.dry_run:
        print(f"未写入台账：{result.target} 已存在。", file=sys.stderr)
        return 1
    measures = sum(len(p.measures) for p in ledger.problems)
    size = f"{len(ledger.problems)} 个问题、{measures} 条措施"
    if args.dry_run:
        verb = "检查完毕（未写文件）"
    else:
        verb = "台账没有变化" if result.unchanged else "已写入"
    print(f"{verb}：{result.target}（{size}）", file=sys.stderr)
    return 1 if has_errors(result.diagnostics) else 0


def cmd_export(args: argparse.Namespace) -> int:
    from site_builder.sheets import ExportError, export_xlsx

    if args.all == bool(args.round and args.unit) or (args.round and not args.unit):
        print(
            "请指定轮次和单位（如 rectify export-xlsx r1 wcjd），或用 --all 导出全部。",
            file=sys.stderr,
        )
        return 2
    root = Path(args.root)
    out = Path(args.out) if args.out else None
    try:
        result = export_xlsx(root, args.round, args.unit, out, force=args.force)
    except ExportError as exc:
        print(f"未导出：{exc}", file=sys.stderr)
        return 1
    if result.diagnostics:
        print_diagnostics(result.diagnostics)
    for path in result.written:
        print(f"已导出：{path}")
    if not result.written:
        print("未导出：台账有错误，无法读取。", file=sys.stderr)
        return 1
    return 0
