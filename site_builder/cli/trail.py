"""`rectify log`, `history`, `check-change`, `signoff` and `purge`: the audit trail."""

from __future__ import annotations

import argparse
import sys
from pathlib import Path

from site_builder.cli.output import add_format, existing_root


def register(sub) -> None:
    p = sub.add_parser("log", help="打印一个问题或措施的修改时间线")
    p.add_argument("item", help="事项编号，如 r1/wcjd/P01 或 r1/wcjd/P01/M1")
    p.add_argument("--root", default=".")
    p.add_argument("--json", action="store_true")
    p.set_defaults(func=cmd_log)

    p = sub.add_parser("history", help="导出全部修改事件")
    p.add_argument("--root", default=".")
    p.add_argument("--json", action="store_true", help="以 JSON 输出（默认文本）")
    p.set_defaults(func=cmd_history)

    p = sub.add_parser("check-change", help="检查合并请求（BASE..HEAD）对台账的修改")
    p.add_argument("range", help="如 origin/main..HEAD")
    p.add_argument("--root", default=".")
    add_format(p)
    p.set_defaults(func=cmd_check_change)

    p = sub.add_parser("signoff", help="审批人签核合并一个分支（无网页界面时使用）")
    p.add_argument("branch")
    p.add_argument(
        "--as", dest="reviewer", required=True, help="审批人的邮箱或姓名（签字人名单中）"
    )
    p.add_argument("--root", default=".")
    p.add_argument("--signing-key", help="SSH 私钥或公钥文件路径，用于签名合并提交")
    p.add_argument("--message", help="合并说明（默认“签核合并 分支名”）")
    p.set_defaults(func=cmd_signoff)

    p = sub.add_parser("purge", help="从全部历史中清除误提交的内容（如举报人姓名），并留下清除记录")
    what = p.add_mutually_exclusive_group(required=True)
    what.add_argument("--value", help="要清除的文字（在所有提交的文件和提交说明中替换）")
    what.add_argument("--path", help="要清除的文件（仓库内路径，从所有提交中删除）")
    p.add_argument("--class", dest="data_class", required=True, help="数据类别，如“举报人信息”")
    p.add_argument("--reason", required=True, help="清除原因")
    p.add_argument("--approved-by", required=True, help="批准人，如“陈丽华（区委巡察办主任）”")
    p.add_argument("--root", default=".")
    p.set_defaults(func=cmd_purge)


def cmd_log(args: argparse.Namespace) -> int:
    from site_builder.cli.history import print_log

    return print_log(Path(args.root), args.item, args.json)


def cmd_history(args: argparse.Namespace) -> int:
    from site_builder.cli.history import print_history

    return print_history(Path(args.root), args.json)


def cmd_check_change(args: argparse.Namespace) -> int:
    from site_builder.cli.history import print_check_change

    return print_check_change(Path(args.root), args.range, args.format)


def cmd_signoff(args: argparse.Namespace) -> int:
    from site_builder.cli.history import run_signoff

    return run_signoff(Path(args.root), args.branch, args.reviewer, args.signing_key, args.message)


def cmd_purge(args: argparse.Namespace) -> int:
    from site_builder.purge import PurgeError, purge

    root = existing_root(args.root)
    if root is None:
        return 2
    try:
        done = purge(
            root, value=args.value, path=args.path, data_class=args.data_class,
            reason=args.reason, approved_by=args.approved_by,
        )  # fmt: skip
    except PurgeError as exc:
        print(f"未清除：{exc}", file=sys.stderr)
        return 1
    print(f"已改写 {done.rewritten} 个提交，清除记录：{done.record}")
    if done.unsigned:
        print(f"其中 {len(done.unsigned)} 个提交原有签名，改写后签名不再有效（已记入清除记录）。")
    print(
        "下一步：核对后强制推送（git push --force --all 和 --tags；git-filter-repo 已移除 origin，"
        "需先 git remote add origin <地址>），并通知所有人删除旧克隆、重新克隆。"
        "下一次生成站点会认可这一次改写，并在站点上显示清除记录。"
    )
    return 0
