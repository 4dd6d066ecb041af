"""`rectify synth DIR --units N`: a generated ledger repository of any size, for benchmarks."""

from __future__ import annotations

import argparse
import sys
from pathlib import Path


def _positive(text: str) -> int:
    try:
        value = int(text)
    except ValueError:
        raise argparse.ArgumentTypeError(f"“{text}”不是整数") from None
    if value < 1:
        raise argparse.ArgumentTypeError("必须是正整数")
    return value


def register(sub) -> None:
    p = sub.add_parser("synth", help="生成任意规模、带修改历史的合成台账仓库（用于性能测试）")
    p.add_argument("dir", help="目标目录（须为空目录，或加 --force 覆盖）")
    p.add_argument("--units", type=_positive, required=True, help="被巡察单位数")
    p.add_argument("--rounds", type=_positive, help="巡察轮次数（默认每 25 个单位一轮）")
    p.add_argument("--seed", type=int, default=1, help="随机种子：同一种子生成相同的提交（默认 1）")
    p.add_argument(
        "--commits-per-unit", type=_positive, default=40, help="每个单位大约的提交数（默认 40）"
    )
    p.add_argument(
        "--sign-every", type=_positive, default=20, help="大约每多少次审批合并签名一次（默认 20）"
    )
    p.add_argument("--source", default=None, help="示例数据所在目录（默认本项目自带的示例区）")
    p.add_argument("--force", action="store_true", help="目标目录非空时先清空")
    p.set_defaults(func=cmd_synth)


def cmd_synth(args: argparse.Namespace) -> int:
    from site_builder.synth import SynthError, synth_repository

    source = Path(args.source) if args.source else Path(__file__).resolve().parents[2]
    if not (source / "rounds").is_dir():
        print(f"找不到示例数据：{source}/rounds 不存在。请用 --source 指定。", file=sys.stderr)
        return 2
    try:
        result = synth_repository(
            Path(args.dir),
            source,
            units=args.units,
            rounds=args.rounds,
            seed=args.seed,
            commits_per_unit=args.commits_per_unit,
            sign_every=args.sign_every,
            force=args.force,
        )
    except SynthError as exc:
        print(f"未生成合成仓库：{exc}", file=sys.stderr)
        return 1
    print(
        f"已生成合成仓库：{result.root}（{result.units} 个单位、{result.rounds} 轮、"
        f"{result.ledgers} 本台账、{result.problems} 个问题；{result.commits} 个提交，"
        f"其中 {result.merges} 个合并、{result.signed} 个签名；HEAD {result.head[:10]}；"
        f"用时 {result.seconds:.1f} 秒）"
    )
    return 0
