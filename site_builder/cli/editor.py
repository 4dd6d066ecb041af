"""`rectify schema`, `rectify codeowners`, `rectify new-ledger`: support for editing ledgers."""

from __future__ import annotations

import argparse
import sys

from site_builder.cli.output import existing_root, print_diagnostics


def register(sub: argparse._SubParsersAction) -> None:
    p = sub.add_parser("schema", help="生成各类文件的 JSON Schema（编辑器自动补全和检查用）")
    p.add_argument("--root", default=".", help="台账仓库根目录（默认当前目录）")
    p.add_argument("--out", default="schemas", help="输出目录，相对于根目录（默认 schemas）")
    p.add_argument("--check", action="store_true", help="只检查已提交的文件是否最新，不写入")
    p.set_defaults(func=cmd_schema)

    p = sub.add_parser("codeowners", help="根据签字人名单生成 CODEOWNERS（台账须经其审批人批准）")
    p.add_argument("--root", default=".", help="台账仓库根目录（默认当前目录）")
    p.add_argument(
        "--format",
        choices=["github", "gitea"],
        default="github",
        help="github：.github/CODEOWNERS（默认）；gitea：.gitea/CODEOWNERS（Gitea、Forgejo）",
    )
    p.add_argument("--out", help="输出文件，相对于根目录（默认按格式而定）")
    p.add_argument("--check", action="store_true", help="只检查已提交的文件是否最新，不写入")
    p.set_defaults(func=cmd_codeowners)

    p = sub.add_parser("new-ledger", help="按轮次文件新建一个单位的整改台账（不覆盖已有文件）")
    p.add_argument("round", help="轮次编号，如 r5")
    p.add_argument("unit", help="单位编号，如 wcjd")
    p.add_argument("--root", default=".", help="台账仓库根目录（默认当前目录）")
    p.set_defaults(func=cmd_new_ledger)

    p = sub.add_parser(
        "plan-review",
        help="按校验结果（三不过）拟写整改方案的审核记录，核对后追加到台账的 plan.reviews",
    )
    p.add_argument("round", help="轮次编号，如 r5")
    p.add_argument("unit", help="单位编号，如 wcjd")
    p.add_argument("--root", default=".", help="台账仓库根目录（默认当前目录）")
    p.add_argument("--reviewer", help="审核人，如“王某（区纪委监委第一监督检查室）”")
    p.add_argument("--on", type=_day, help="审核日期，如 2020-10-15（不写则留空）")
    p.add_argument("--json", action="store_true", help="以 JSON 输出")
    p.set_defaults(func=cmd_plan_review)


def cmd_schema(args: argparse.Namespace) -> int:
    from site_builder.editor.schema import drifted_schemas, write_schemas

    if (root := existing_root(args.root)) is None:
        return 2
    out = root / args.out
    if args.check:
        drift = drifted_schemas(out)
        if drift:
            print(
                f"{args.out}/ 中的 JSON Schema 与数据模型不一致：{'、'.join(drift)}。"
                "请运行 rectify schema 重新生成并提交。",
                file=sys.stderr,
            )
            return 1
        print(f"{args.out}/ 中的 JSON Schema 是最新的。")
        return 0
    written = write_schemas(out)
    for path in written:
        print(f"已写入 {path.relative_to(root).as_posix()}")
    if not written:
        print(f"{args.out}/ 中的 JSON Schema 已是最新，未改动。")
    return 0


def cmd_codeowners(args: argparse.Namespace) -> int:
    from site_builder.editor.codeowners import DEFAULT_PATHS, codeowners_text

    if (root := existing_root(args.root)) is None:
        return 2
    rel = args.out or DEFAULT_PATHS[args.format]
    if not (root / "rounds" / "signers.yml").is_file():
        print("找不到签字人名单 rounds/signers.yml，未生成 CODEOWNERS。", file=sys.stderr)
        return 1
    owners = codeowners_text(root, args.format)
    if not owners.text:
        print_diagnostics(owners.diagnostics)
        print("签字人名单（rounds/signers.yml）有错误，未生成 CODEOWNERS。", file=sys.stderr)
        return 1
    for who in owners.unnamed:
        print(
            f"提示：审批人 {who} 没有填写 github（平台用户名），{args.format} 格式的 CODEOWNERS 未列入。",
            file=sys.stderr,
        )
    target = root / rel
    current = target.read_text(encoding="utf-8") if target.is_file() else None
    if args.check:
        if current != owners.text:
            print(
                f"{rel} 与签字人名单（rounds/signers.yml）不一致。请运行 rectify codeowners"
                f"{' --format gitea' if args.format == 'gitea' else ''} 重新生成并提交。",
                file=sys.stderr,
            )
            return 1
        print(f"{rel} 与签字人名单一致。")
        return 0
    if current == owners.text:
        print(f"{rel} 已是最新，未改动。")
        return 0
    target.parent.mkdir(parents=True, exist_ok=True)
    target.write_text(owners.text, encoding="utf-8")
    print(f"已写入 {rel}")
    return 0


def _day(text: str):
    from datetime import date

    try:
        return date.fromisoformat(text)
    except ValueError:
        raise argparse.ArgumentTypeError(f"日期“{text}”无法识别，请写成 2020-12-31") from None


def cmd_plan_review(args: argparse.Namespace) -> int:
    """The validator's 三不过 findings on one plan, as a review entry to record."""
    import json

    from site_builder.load.dump import dump_yaml
    from site_builder.model.labels import PLAN_CHECK, REVIEW_OUTCOME
    from site_builder.pipeline import check_project
    from site_builder.validate.plan_reviews import suggested_review

    if (root := existing_root(args.root)) is None:
        return 2
    project, diagnostics = check_project(root)
    ledger = project.ledger_by_key.get(f"{args.round}/{args.unit}")
    if ledger is None:
        print(
            f"找不到 {args.round} 轮次 {args.unit} 的整改台账（ledgers/{args.round}/{args.unit}.yml），"
            "或该文件有错误无法读取（rectify validate 查看）。",
            file=sys.stderr,
        )
        return 1
    review = suggested_review(diagnostics, ledger)
    entry = {
        "submitted_on": review["submitted_on"],
        "reviewer": args.reviewer,
        "reviewed_on": args.on,
        "outcome": REVIEW_OUTCOME[review["outcome"]],
        "failed_checks": [PLAN_CHECK[c] for c in review["failed_checks"]],
        "findings": review["findings"],
    }
    entry = {key: value for key, value in entry.items() if value not in (None, [])}
    if args.json:
        print(json.dumps(entry, ensure_ascii=False, indent=2, default=str))
        return 0
    rel = ledger.src.file
    verdict = "退回修改" if review["outcome"] == "returned" else "通过"
    print(f"# 按校验结果（三不过），{rel} 的整改方案拟{verdict}。")
    print("# 请审核人核对、补充审核人和审核日期后，追加到该文件 plan: 下的 reviews: 中：")
    print(dump_yaml([entry]), end="")
    if not args.reviewer or not args.on:
        print("# 尚缺：" + "、".join(
            n for n, v in (("reviewer（审核人）", args.reviewer), ("reviewed_on（审核日期）", args.on))
            if not v
        ))  # fmt: skip
    return 0


def cmd_new_ledger(args: argparse.Namespace) -> int:
    from site_builder.editor.scaffold import ScaffoldRefused, new_ledger

    if (root := existing_root(args.root)) is None:
        return 2
    try:
        scaffold = new_ledger(root, args.round, args.unit)
    except ScaffoldRefused as exc:
        print(f"未新建台账：{exc}", file=sys.stderr)
        return 1
    rel = scaffold.path.relative_to(root).as_posix()
    print(f"已新建 {rel}")
    if scaffold.common:
        print(f"  已列出前几轮通报的共性问题 {len(scaffold.common)} 个（注释形式，存在的请认领）")
    print(f"  下一步：按反馈意见填写整改方案和问题清单，然后运行 rectify validate {rel}")
    return 0
