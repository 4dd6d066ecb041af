"""`rectify synth DIR --units N`: a realistic ledger repository with history at any size.

Used by the benchmarks (``bench/``). Everything derives from the seed, the sizes and
the sample district's settings and common-problem catalogue, so two runs give the
same commit ids. The parts, in order: ``names`` (units and people), ``district``
(settings, rounds, signers, cases), ``ledger`` (one ledger's timeline), ``plan``
(versions to dated branches, merges and commits), ``repo`` (writing them to git).
"""

from __future__ import annotations

import time
from dataclasses import dataclass
from pathlib import Path

from site_builder.history.writer import empty_target
from site_builder.load import load_project
from site_builder.synth.district import default_rounds, district_files, plan_district
from site_builder.synth.names import unit_registry
from site_builder.synth.plan import Planner
from site_builder.synth.repo import SynthError, replay

__all__ = ["SynthError", "SynthResult", "default_rounds", "synth_repository"]


@dataclass
class SynthResult:
    root: Path
    head: str
    units: int
    rounds: int
    ledgers: int
    problems: int
    commits: int
    merges: int
    signed: int
    seconds: float


def synth_repository(
    target: Path,
    source: Path,
    units: int,
    rounds: int | None = None,
    seed: int = 1,
    commits_per_unit: int = 40,
    sign_every: int = 20,
    force: bool = False,
) -> SynthResult:
    """Create the repository at ``target``; ``source`` holds the sample district."""
    started = time.perf_counter()
    if units < 1 or commits_per_unit < 1 or sign_every < 1:
        raise SynthError("单位数、每单位提交数和签名间隔都必须是正整数。")
    project, diagnostics = load_project(source)
    errors = [d for d in diagnostics if d.severity == "error"]
    if errors or not project.common_problems:
        detail = errors[0].as_text() if errors else "缺少 rounds/common_problems.yml"
        raise SynthError(f"示例数据不可用：{detail}")
    if not empty_target(target, force):
        raise SynthError(f"{target} 不是空目录。加 --force 覆盖。")

    registry = unit_registry(units, seed)
    district = plan_district(project, registry, rounds or default_rounds(units), seed)
    base = district_files(district)
    base[".gitignore"] = b"build/\n"
    for path in sorted((source / "docs" / "guide").glob("*.md")):
        base[f"docs/guide/{path.name}"] = path.read_bytes()
    steps = Planner(district, commits_per_unit, sign_every, seed).plan(base)
    done = replay(target, steps)
    return SynthResult(
        root=target,
        head=done.head,
        units=len(registry),
        rounds=len(district.rounds),
        ledgers=len(district.ledgers),
        problems=sum(len(led.problems) for led in district.ledgers),
        commits=done.commits,
        merges=done.merges,
        signed=done.signed,
        seconds=time.perf_counter() - started,
    )
