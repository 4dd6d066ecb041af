"""`rectify` / `python -m site_builder`: the command-line entry point."""

from __future__ import annotations

import argparse
import importlib
import sys
from datetime import date
from pathlib import Path

from site_builder import __version__, pipeline
from site_builder.audience import INTERNAL, Audience, parse_audience
from site_builder.buildlock import DEFAULT_WAIT
from site_builder.cli.output import existing_root, print_diagnostics, summary
from site_builder.diagnostics import has_errors
from site_builder.provenance import Acknowledgement
from site_builder.site import SiteError

PLUGGED_COMMANDS: list[str] = [
    "site_builder.cli.synth",
    "site_builder.cli.sheets",
    "site_builder.cli.editor",
    "site_builder.cli.evaluation",
    "site_builder.cli.supervision",
]


def _as_of(text: str) -> date:
    try:
        return date.fromisoformat(text)
    except ValueError:
        raise argparse.ArgumentTypeError(f"日期“{text}”无法识别，请写成 2020-12-31") from None


def _seconds(text: str) -> float:
    try:
        value = float(text)
    except ValueError:
        value = -1.0
    if not 0 <= value <= 86400:
        raise argparse.ArgumentTypeError(f"“{text}”不是 0 到 86400 之间的秒数")
    return value


def _audience(text: str) -> Audience:
    try:
        return parse_audience(text)
    except ValueError as exc:
        raise argparse.ArgumentTypeError(str(exc)) from None


def parser() -> argparse.ArgumentParser:
    top = argparse.ArgumentParser(
        prog="rectify", description="巡察整改台账：校验 YAML 台账，生成内部检索站点。"
    )
    top.add_argument("--version", action="version", version=f"%(prog)s {__version__}")
    sub = top.add_subparsers(dest="command", required=True, metavar="命令")

    p = sub.add_parser("validate", help="校验台账数据，按“文件:行:列: 代码 说明”输出问题")
    p.add_argument("paths", nargs="*", help="只报告这些文件或目录中的问题（默认全部）")
    p.add_argument("--root", default=".", help="台账仓库根目录（默认当前目录）")
    p.add_argument("--format", choices=["text", "json", "github"], default="text")
    p.set_defaults(func=cmd_validate)

    for name, helptext in (("build", "生成站点到 OUT/site"), ("serve", "生成站点并在本机启动预览")):
        p = sub.add_parser(name, help=helptext)
        p.add_argument("--root", default=".", help="台账仓库根目录（默认当前目录）")
        p.add_argument("--out", default="build", help="构建目录（默认 build）")
        p.add_argument(
            "--as-of", type=_as_of, help="按此日期计算预警（默认取设置中的 as_of，否则今天）"
        )
        p.add_argument("--keep-going", action="store_true", help="数据有错误时仍生成站点")
        p.add_argument("--timings", action="store_true", help="打印各阶段耗时")
        p.add_argument("--verbose", action="store_true", help="显示站点引擎的日志")
        p.add_argument(
            "--audience",
            type=_audience,
            default=INTERNAL,
            metavar="范围",
            help="internal（默认）为内部版；unit:单位编号[,…] 为单位版，只含这些单位的台账、"
            "共性问题清单和典型案例；public 为公开版，被问责人姓名一律写作“刘某某”，"
            "隐去修改人和审批人、问题线索和信访详情及设置中的敏感字段",
        )
        p.add_argument(
            "--last-published",
            metavar="地址",
            help="已发布站点的 build-info.json（文件路径或 http、https、file 地址）；"
            "据此检查仓库历史自上次发布以来是否被改写，适用于没有上次构建目录的 CI",
        )
        p.add_argument(
            "--acknowledge-rewrite",
            action="store_true",
            help="确认仓库历史被改写（上次生成或发布站点的提交已不在当前历史中）后仍生成；"
            "须同时写明 --reason，确认人、时间和理由记录在站点中",
        )
        p.add_argument("--reason", help="确认历史改写的理由（与 --acknowledge-rewrite 同用）")
        p.add_argument("--by", help="确认人姓名（默认取 git 的 user.name）")
        p.add_argument(
            "--wait",
            type=_seconds,
            default=DEFAULT_WAIT,
            metavar="秒",
            help=f"同一构建目录正在生成时最多等待的秒数（默认 {DEFAULT_WAIT:.0f}）",
        )
        if name == "serve":
            p.add_argument("--host", default="127.0.0.1")
            p.add_argument("--port", type=int, default=8000)
        p.set_defaults(func=cmd_build if name == "build" else cmd_serve)

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
    p.add_argument("--format", choices=["text", "json", "github"], default="text")
    p.set_defaults(func=cmd_check_change)

    p = sub.add_parser(
        "check-workflows", help="检查 CI 工作流：发布到公网的站点必须是公开版（--audience public）"
    )
    p.add_argument("--root", default=".")
    p.add_argument("--format", choices=["text", "json", "github"], default="text")
    p.set_defaults(func=cmd_check_workflows)

    p = sub.add_parser("purge", help="从全部历史中清除误提交的内容（如举报人姓名），并留下清除记录")
    what = p.add_mutually_exclusive_group(required=True)
    what.add_argument("--value", help="要清除的文字（在所有提交的文件和提交说明中替换）")
    what.add_argument("--path", help="要清除的文件（仓库内路径，从所有提交中删除）")
    p.add_argument("--class", dest="data_class", required=True, help="数据类别，如“举报人信息”")
    p.add_argument("--reason", required=True, help="清除原因")
    p.add_argument("--approved-by", required=True, help="批准人，如“陈丽华（区委巡察办主任）”")
    p.add_argument("--root", default=".")
    p.set_defaults(func=cmd_purge)

    p = sub.add_parser("signoff", help="审批人签核合并一个分支（无网页界面时使用）")
    p.add_argument("branch")
    p.add_argument(
        "--as", dest="reviewer", required=True, help="审批人的邮箱或姓名（签字人名单中）"
    )
    p.add_argument("--root", default=".")
    p.add_argument("--signing-key", help="SSH 私钥或公钥文件路径，用于签名合并提交")
    p.add_argument("--message", help="合并说明（默认“签核合并 分支名”）")
    p.set_defaults(func=cmd_signoff)

    p = sub.add_parser("demo", help="生成带修改历史的示例台账仓库")
    p.add_argument("dir", help="目标目录（须为空目录，或加 --force 覆盖）")
    p.add_argument("--source", default=None, help="示例数据所在目录（默认本项目自带的示例区）")
    p.add_argument("--force", action="store_true", help="目标目录非空时先清空")
    p.set_defaults(func=cmd_demo)

    p = sub.add_parser("diagnostics", help="列出全部诊断代码（Markdown）")
    p.set_defaults(func=cmd_diagnostics)

    # Commands that live in their own module register themselves: `register(sub)` adds a
    # subparser whose `func` takes the parsed arguments and returns the exit code.
    for module in PLUGGED_COMMANDS:
        importlib.import_module(module).register(sub)
    return top


def _in_paths(file: str, root: Path, paths: list[str]) -> bool:
    if not paths:
        return True
    target = (root / file).resolve()
    return any(target == Path(p).resolve() or Path(p).resolve() in target.parents for p in paths)


def cmd_validate(args: argparse.Namespace) -> int:
    root = existing_root(args.root)
    if root is None:
        return 2
    _, diagnostics = pipeline.check_project(root)
    shown = [d for d in diagnostics if _in_paths(d.file, root, args.paths)]
    print_diagnostics(shown, args.format)
    return 1 if has_errors(shown) else 0


def _build(args: argparse.Namespace) -> pipeline.BuildResult | None:
    root = existing_root(args.root)
    if root is None:
        return None
    acknowledgement = None
    if args.acknowledge_rewrite:
        acknowledgement = acknowledgement_of(args, root)
        if acknowledgement is None:
            return None
    try:
        result = pipeline.build(
            root,
            Path(args.out),
            as_of=args.as_of,
            keep_going=args.keep_going,
            verbose=args.verbose,
            audience=args.audience,
            acknowledgement=acknowledgement,
            last_published=args.last_published,
            wait=args.wait,
            on_wait=lambda message: print(message, file=sys.stderr, flush=True),
        )
    except SiteError as exc:
        print(f"构建失败：{exc}", file=sys.stderr)
        return None
    if result.refusal:
        if result.diagnostics:
            print_diagnostics(result.diagnostics)
        for d in result.refusal:
            print(f"构建失败：{d.as_text()}", file=sys.stderr)
        return None
    errors = has_errors(result.diagnostics)
    if result.diagnostics:
        print_diagnostics(result.diagnostics)
    if args.timings:
        for name, seconds in result.timings.stages:
            print(f"  {name:<8}{seconds:8.2f} s", file=sys.stderr)
        print(f"  {'合计':<8}{result.timings.total:8.2f} s", file=sys.stderr)
    if result.site_dir is None:
        print(
            f"数据有错误，未生成站点。{summary(result.diagnostics)}"
            "修正后重试，或加 --keep-going 强制生成。",
            file=sys.stderr,
        )
        return None
    note = "（数据有错误，已按 --keep-going 生成）" if errors else ""
    print(f"已生成站点：{result.site_dir}（{result.pages} 个页面）{note}", file=sys.stderr)
    return result


def acknowledgement_of(args: argparse.Namespace, root: Path) -> Acknowledgement | None:
    """Who acknowledges a rewrite and why, or None after saying what is missing."""
    from site_builder.anchor import short_text
    from site_builder.diagnostics.core import diag
    from site_builder.history.lineage import configured_name

    reason = short_text(args.reason or "")
    by = short_text(args.by or "", 100) or configured_name(root)
    missing = "、".join(
        what for what, given in (("理由（--reason）", reason), ("确认人（--by）", by)) if not given
    )
    if missing:
        print(f"构建失败：{diag('H035', '命令行', missing=missing).as_text()}", file=sys.stderr)
        return None
    assert reason is not None and by is not None
    return Acknowledgement(by=short_text(by, 100) or by, reason=reason)


def cmd_build(args: argparse.Namespace) -> int:
    return 0 if _build(args) else 1


def cmd_serve(args: argparse.Namespace) -> int:
    from site_builder.cli.serve import serve

    result = _build(args)
    if result is None or result.site_dir is None:  # _build reports a site it did not make
        return 1
    # An acknowledgement covers the rewrite found now, not any later one while serving.
    args.acknowledge_rewrite = False
    serve(result.site_dir, args.host, args.port, lambda: _build(args), Path(args.root))
    return 0


def cmd_log(args: argparse.Namespace) -> int:
    from site_builder.cli.history import print_log

    return print_log(Path(args.root), args.item, args.json)


def cmd_history(args: argparse.Namespace) -> int:
    from site_builder.cli.history import print_history

    return print_history(Path(args.root), args.json)


def cmd_check_change(args: argparse.Namespace) -> int:
    from site_builder.cli.history import print_check_change

    return print_check_change(Path(args.root), args.range, args.format)


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


def cmd_signoff(args: argparse.Namespace) -> int:
    from site_builder.cli.history import run_signoff

    return run_signoff(Path(args.root), args.branch, args.reviewer, args.signing_key, args.message)


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


def main(argv: list[str] | None = None) -> int:
    args = parser().parse_args(argv)
    try:
        return args.func(args)
    except KeyboardInterrupt:
        return 130
    except BrokenPipeError:
        return 0
