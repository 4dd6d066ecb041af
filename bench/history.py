"""The history step against its floor, cold and after one new commit (issues 3 and 12).

    .venv/bin/python bench/history.py [--units 124] [--commits-per-unit 40] [--repeat 5]
    .venv/bin/python bench/history.py --demo [--repeat 5]

Generates a repository with ``rectify synth`` (124 units of about 40 commits each by
default), then repeats: the floor (``git log`` of the main line with raw changes, the
same blobs through ``git cat-file --batch``, a bare libyaml compose of each), the
history step cold (``.git/rectify`` deleted), warm, and after one new merge made on
top with git itself. Prints medians and writes ``bench/results/history-<units>.json``.
Targets from issue 3: cold at most 2x the floor; under 1 s after one new commit.

``--demo`` measures the demo district instead (``rectify demo``: every approval
signed, so the cold read verifies several hundred SSH signatures in-process);
issue 12's target: cold, signatures included, at most 1.3x the floor.
"""

from __future__ import annotations

import argparse
import cProfile
import io
import pstats
import resource
import sys
import tempfile
from pathlib import Path

sys.path.insert(0, str(Path(__file__).resolve().parent))

from common import (  # noqa: E402
    demo,
    drop_history_cache,
    history_floor,
    machine,
    median,
    one_new_merge,
    synth,
    timed,
    undo_merge,
    write_json,
)

from site_builder.history import read_history  # noqa: E402
from site_builder.history.git import Repository  # noqa: E402
from site_builder.history.signoff import approves  # noqa: E402
from site_builder.history.verify import keyring, verify  # noqa: E402
from site_builder.load import load_project  # noqa: E402


def cpu_seconds() -> float:
    """User and system CPU seconds of this process and of the children it has waited for
    (git, the parsing pool): a figure the machine's other load disturbs less than wall time."""
    own, children = (
        resource.getrusage(resource.RUSAGE_SELF),
        resource.getrusage(resource.RUSAGE_CHILDREN),
    )
    return own.ru_utime + own.ru_stime + children.ru_utime + children.ru_stime


def signature_checks(root: Path, signers) -> tuple[float, int]:
    """Seconds to read every approving commit's raw object and verify its signature
    in-process (part of a cold read, in a thread alongside the parsing), and how many
    of them are signed."""
    with Repository(root) as repo:
        wanted = [c.sha for c in repo.main_line("HEAD", ["ledgers"]) if approves(c)]

        def check() -> list[tuple[str, str]]:
            ring = keyring(signers)
            return [verify(raw, ring) for _, raw in repo.raw_commits(wanted)]

        seconds, found = timed(check)
        signed = sum(1 for status, _ in found if status not in ("N", ""))  # type: ignore[union-attr]
        return seconds, signed


def profile_cold(root: Path, signers, top: int = 25) -> str:
    drop_history_cache(root)
    profiler = cProfile.Profile()
    profiler.enable()
    read_history(root, signers)
    profiler.disable()
    out = io.StringIO()
    stats = pstats.Stats(profiler, stream=out)
    stats.sort_stats("cumulative").print_stats(top)
    stats.sort_stats("tottime").print_stats(top)
    return out.getvalue()


def run(root: Path, repeat: int) -> dict:
    project, _ = load_project(root)
    signers = project.signers
    runs: dict[str, list[float]] = {k: [] for k in (
        "git_log", "cat_file", "yaml_compose", "floor", "cold", "warm", "after_one_commit",
        "signatures", "floor_cpu", "cold_cpu")}  # fmt: skip
    counts: dict = {}
    for number in range(1, repeat + 1):
        cpu = cpu_seconds()
        floor = history_floor(root)
        runs["floor_cpu"].append(cpu_seconds() - cpu)
        for key in ("git_log", "cat_file", "yaml_compose"):
            runs[key].append(floor[key])
        runs["floor"].append(floor["total"])
        drop_history_cache(root)
        cpu = cpu_seconds()
        seconds, (history, _) = timed(read_history, root, signers)  # type: ignore[misc]
        runs["cold_cpu"].append(cpu_seconds() - cpu)
        runs["cold"].append(seconds)
        counts = {"main_line_commits": history.commits, "blobs_parsed": history.blobs_parsed,
                  "events": len(history.events), "floor_blobs": floor["blobs"],
                  "floor_blob_bytes": floor["blob_bytes"]}  # fmt: skip
        runs["warm"].append(timed(read_history, root, signers)[0])
        old = one_new_merge(root, number)
        seconds, (after, _) = timed(read_history, root, signers)  # type: ignore[misc]
        runs["after_one_commit"].append(seconds)
        counts["after_blobs_parsed"] = after.blobs_parsed
        undo_merge(root, old)
        seconds, signed = signature_checks(root, signers)
        runs["signatures"].append(seconds)
        counts["signed_approvals"] = signed
        print(f"  run {number}: floor {floor['total']:.2f} s, cold {runs['cold'][-1]:.2f} s, "
              f"after one commit {runs['after_one_commit'][-1]:.2f} s", file=sys.stderr)  # fmt: skip
    medians = {key: median(values) for key, values in runs.items()}
    medians["cold_over_floor"] = medians["cold"] / medians["floor"]
    medians["cold_over_floor_cpu"] = medians["cold_cpu"] / medians["floor_cpu"]
    cold_ratios = [c / f for c, f in zip(runs["cold"], runs["floor"], strict=True)]
    return {"runs": runs, "medians": medians, "cold_over_floor_per_run": cold_ratios,
            "counts": counts}  # fmt: skip


def table(result: dict) -> str:
    m, c = result["medians"], result["counts"]
    rows = [
        ("floor: git log --first-parent --raw", m["git_log"]),
        ("floor: git cat-file --batch (same blobs)", m["cat_file"]),
        ("floor: yaml.compose, CBaseLoader", m["yaml_compose"]),
        ("**floor, total**", m["floor"]),
        ("history, cold (no .git/rectify)", m["cold"]),
        ("  reading and verifying the signatures (a thread alongside parsing)", m["signatures"]),
        ("history, warm (nothing new)", m["warm"]),
        ("history, after one new merge", m["after_one_commit"]),
    ]
    lines = ["| measure | median seconds |", "| --- | ---: |"]
    lines += [f"| {name} | {value:.2f} |" for name, value in rows]
    lines.append(f"| **cold / floor** | **{m['cold_over_floor']:.2f}x** |")
    lines.append(
        f"| CPU seconds (all processes): floor {m['floor_cpu']:.2f}, cold {m['cold_cpu']:.2f} "
        f"| {m['cold_over_floor_cpu']:.2f}x |"
    )
    lines.append("")
    lines.append(
        f"{c['main_line_commits']} main-line commits touching ledgers, {c['blobs_parsed']} "
        f"blobs parsed cold ({c['floor_blobs']} in the floor, "
        f"{c['floor_blob_bytes'] / 1e6:.1f} MB), {c['events']} events, "
        f"{c['signed_approvals']} signed approvals; after one new merge "
        f"{c['after_blobs_parsed']} blob(s) parsed."
    )
    return "\n".join(lines)


def main(argv: list[str] | None = None) -> int:
    parser = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    parser.add_argument("--units", type=int, default=124)
    parser.add_argument("--commits-per-unit", type=int, default=40)
    parser.add_argument("--repeat", type=int, default=5)
    parser.add_argument("--seed", type=int, default=1)
    parser.add_argument("--repo", help="use (or create) the repository here instead of a temp dir")
    parser.add_argument("--demo", action="store_true", help="the demo district (rectify demo)")
    parser.add_argument("--profile", action="store_true", help="also profile one cold read")
    args = parser.parse_args(argv)

    with tempfile.TemporaryDirectory(prefix="rectify-bench-") as tmp:
        root = Path(args.repo) if args.repo else Path(tmp) / "repo"
        if args.repo and (root / ".git").is_dir():
            generated = {"reused": str(root)}
        elif args.demo:
            print("generating the demo district …", file=sys.stderr)
            generated = demo(root)
        else:
            print(f"generating {args.units} units x ~{args.commits_per_unit} commits …",
                  file=sys.stderr)  # fmt: skip
            generated = synth(root, args.units, args.commits_per_unit, args.seed)
            print(f"  {generated}", file=sys.stderr)
        result = run(root, args.repeat)
        result["repository"] = generated
        result["machine"] = machine()
        result["targets"] = {
            "cold_at_most_2x_floor": result["medians"]["cold_over_floor"] <= 2.0,
            "after_one_commit_under_1s": result["medians"]["after_one_commit"] < 1.0,
        }
        if args.demo:
            result["targets"]["demo_cold_at_most_1.3x_floor"] = (
                result["medians"]["cold_over_floor"] <= 1.3
            )
        if args.profile:
            result["profile"] = profile_cold(root, load_project(root)[0].signers)
    print(table(result))
    print(f"\ntargets: {result['targets']}")
    path = write_json("history-demo.json" if args.demo else f"history-{args.units}.json", result)
    print(f"written: {path.relative_to(Path.cwd()) if path.is_relative_to(Path.cwd()) else path}")
    if args.profile:
        print(result["profile"][:6000])
    return 0


if __name__ == "__main__":
    raise SystemExit(main())
