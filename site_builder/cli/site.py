"""`rectify validate`, `build` and `serve`: check the records and make the site."""

from __future__ import annotations

import argparse
import sys
from datetime import date
from pathlib import Path

from site_builder import pipeline
from site_builder.audience import INTERNAL, Audience, parse_audience
from site_builder.buildlock import DEFAULT_WAIT
from site_builder.cli.output import add_format, existing_root, print_diagnostics, summary
from site_builder.diagnostics import has_errors
from site_builder.provenance import Acknowledgement
from site_builder.site import SiteError


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


def register(sub) -> None:
    p = sub.add_parser("validate", help="校验台账数据，按“文件:行:列: 代码 说明”输出问题")
    p.add_argument("paths", nargs="*", help="只报告这些文件或目录中的问题（默认全部）")
    p.add_argument("--root", default=".", help="台账仓库根目录（默认当前目录）")
    add_format(p)
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
