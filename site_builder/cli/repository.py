"""`rectify check-workflows`, `demo` and `diagnostics`: the repository and its tools."""

from __future__ import annotations

import argparse
import sys
from pathlib import Path

from site_builder.cli.output import add_format, existing_root, print_diagnostics
from site_builder.diagnostics import has_errors


def register(sub) -> None:
    p = sub.add_parser(
        "check-workflows", help="检查 CI 工作流：发布到公网的站点必须是公开版（--audience public）"
    )
    p.add_argument("--root", default=".")
    add_format(p)
    p.set_defaults(func=cmd_check_workflows)

    p = sub.add_parser("demo", help="生成带修改历史的示例台账仓库")
    p.add_argument("dir", help="目标目录（须为空目录，或加 --force 覆盖）")
    p.add_argument("--source", default=None, help="示例数据所在目录（默认本项目自带的示例区）")
    p.add_argument("--force", action="store_true", help="目标目录非空时先清空")
    p.set_defaults(func=cmd_demo)

    p = sub.add_parser("diagnostics", help="列出全部诊断代码（Markdown）")
    p.set_defaults(func=cmd_diagnostics)


def cmd_check_workflows(args: argparse.Namespace) -> int:
    from site_builder.workflows import check_workflows, workflow_files

    root = existing_root(args.root)
    if root is None:
        return 2
    found = check_workflows(root)
    print_diagnostics(found, args.format)
    if args.format == "text" and not found:
        print(f"已检查 {len(workflow_files(root))} 个工作流：没有把非公开版发布到公网的任务。")
    return 1 if has_errors(found) else 0


def cmd_demo(args: argparse.Namespace) -> int:
    from site_builder.demo import DemoError, build_demo

    source = Path(args.source) if args.source else Path(__file__).resolve().parents[2]
    if not (source / "rounds").is_dir():
        print(f"找不到示例数据：{source}/rounds 不存在。请用 --source 指定。", file=sys.stderr)
        return 2
    try:
        result = build_demo(Path(args.dir), source, force=args.force)
    except DemoError as exc:
        print(f"未生成示例仓库：{exc}", file=sys.stderr)
        return 1
    print(f"已生成示例仓库：{result.root}（{result.commits} 个提交，HEAD {result.head[:10]}）")
    for scenario, where in sorted(result.scenarios.items()):
        print(f"  {scenario:<18} {where}")
    return 0


def cmd_diagnostics(args: argparse.Namespace) -> int:
    from site_builder.diagnostics.docs import catalogue_markdown

    print(catalogue_markdown(), end="")
    return 0
