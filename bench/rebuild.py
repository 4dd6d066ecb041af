"""Page generation in a cold build and in a rebuild after one merge, this code against another.

    .venv/bin/python bench/rebuild.py --units 500 [--repeat 3] [--before DIR] [--work DIR]

Generates a repository (``rectify synth``, or uses ``--work``'s if it is there), then
``--repeat`` times, for each code checkout (this one, and ``--before``, a checkout of an
earlier commit, e.g. ``git worktree add /tmp/before baadbe8``), in fresh interpreters
(a child that imports that checkout's ``site_builder`` and records each stage's wall
and CPU seconds): a build into an empty folder (history cache kept: the history's cold
read is ``history.py``'s subject), then one more merged change and a rebuild into the
same folder; the change is undone after each run. Runs of the two checkouts alternate,
so both see the same load. Prints medians of every stage and the whole build; writes
``bench/results/rebuild-<units>.json``. A script, not a test.
"""

from __future__ import annotations

import argparse
import json
import os
import shutil
import subprocess
import sys
import time
from pathlib import Path

sys.path.insert(0, str(Path(__file__).resolve().parent))

from common import ROOT, machine, median, one_new_merge, synth, undo_merge, write_json  # noqa: E402

STAGES = {"加载": "load", "校验": "validate", "读取历史": "history", "分析": "analysis",
          "月报": "months", "生成页面": "pages", "站点引擎": "site engine",
          "搜索索引": "search index"}  # fmt: skip


def child(code: Path, root: Path, out: Path) -> dict:
    """One build with ``code``'s site_builder; each stage's wall and CPU seconds (the CPU
    time of this process: on a loaded machine its wall time is mostly waiting)."""
    sys.path.insert(0, str(code))
    from contextlib import contextmanager

    from site_builder import pipeline

    original, cpu = pipeline.Timings.stage, {}

    @contextmanager
    def stage(self, name):  # type: ignore[no-untyped-def]
        start = time.process_time()
        with original(self, name):
            yield
        cpu[STAGES.get(name, name)] = time.process_time() - start

    pipeline.Timings.stage = stage  # type: ignore[method-assign]
    start = time.perf_counter()
    result = pipeline.build(root, out, keep_going=True)
    return {"seconds": time.perf_counter() - start, "cpu": cpu,
            "stages": {STAGES.get(n, n): s for n, s in result.timings.stages},
            "code": str(Path(pipeline.__file__).parent)}  # fmt: skip


def ours(code: Path, root: Path, out: Path) -> dict:
    done = subprocess.run(
        [sys.executable, __file__, "--child", str(code), "--root", str(root), "--out", str(out)],
        stdout=subprocess.PIPE, cwd=code, env={**os.environ, "NO_MKDOCS_2_WARNING": "1"},
    )  # fmt: skip
    if done.returncode != 0:
        raise SystemExit(f"build with {code} failed ({done.returncode})")
    return json.loads(done.stdout.decode().strip().splitlines()[-1])


def measure(units: int, work: Path, repeat: int, codes: dict[str, Path]) -> dict:
    root = work / f"repo-{units}"
    if not (root / ".git").is_dir():
        say(f"[{units}] generating …")
        synth(root, units)
    runs: dict[str, dict[str, list[dict]]] = {n: {"cold": [], "rebuild": []} for n in codes}
    load = [os.getloadavg()]
    for i in range(repeat):
        for name, code in codes.items():
            out = work / f"build-{units}-{name}"
            say(f"[{units}] run {i + 1}/{repeat}, {name}: cold …")
            shutil.rmtree(out, ignore_errors=True)
            runs[name]["cold"].append(ours(code, root, out))
            old = one_new_merge(root, number=200 + i)
            say(f"[{units}] run {i + 1}/{repeat}, {name}: after one merge …")
            runs[name]["rebuild"].append(ours(code, root, out))
            undo_merge(root, old)
            load.append(os.getloadavg())
    return {"units": units, "runs": runs, "load": load}


def medians(runs: list[dict]) -> dict[str, float]:
    names = list(runs[0]["stages"])
    found = {n: median([r["stages"].get(n, float("nan")) for r in runs]) for n in names}
    found["whole build"] = median([r["seconds"] for r in runs])
    for n in names:
        found[f"{n}, CPU"] = median([r["cpu"].get(n, float("nan")) for r in runs])
    return found


def table(result: dict) -> str:
    columns = [(name, kind) for name in result["runs"] for kind in ("cold", "rebuild")]
    figures = {c: medians(result["runs"][c[0]][c[1]]) for c in columns}
    head = "| stage | " + " | ".join(f"{n}, {k}" for n, k in columns) + " |"
    lines = [f"{result['units']:,} units, medians of {len(result['runs'][columns[0][0]]['cold'])}"
             " runs, seconds:", "", head, "| --- |" + " ---: |" * len(columns)]  # fmt: skip
    for stage in figures[columns[0]]:
        cells = " | ".join(f"{figures[c].get(stage, float('nan')):.2f}" for c in columns)
        lines.append(f"| {stage} | {cells} |")
    loads = ", ".join(f"{x[0]:.1f}" for x in result["load"])
    lines += ["", f"load average (1 min) before and after each pair of runs: {loads}"]
    return "\n".join(lines)


def say(text: str) -> None:
    print(text, file=sys.stderr, flush=True)


def main(argv: list[str] | None = None) -> int:
    parser = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    parser.add_argument("--units", type=int, default=500)
    parser.add_argument("--repeat", type=int, default=3)
    parser.add_argument("--before", type=Path, help="a checkout of the code to compare with")
    parser.add_argument("--work", type=Path, help="keep the repository and builds here")
    parser.add_argument("--child", type=Path, help=argparse.SUPPRESS)
    parser.add_argument("--root", type=Path, help=argparse.SUPPRESS)
    parser.add_argument("--out", type=Path, help=argparse.SUPPRESS)
    args = parser.parse_args(argv)
    if args.child:
        print(json.dumps(child(args.child, args.root, args.out), ensure_ascii=False))
        return 0
    codes = {"this": ROOT}
    if args.before:
        codes["before"] = args.before.resolve()
    work = args.work or Path(f"/tmp/rectify-rebuild-{os.getpid()}")
    work.mkdir(parents=True, exist_ok=True)
    start = time.perf_counter()
    result = measure(args.units, work, args.repeat, codes)
    text = table(result)
    print(text)
    path = write_json(
        f"rebuild-{args.units}.json",
        {"machine": machine(), "seconds": time.perf_counter() - start, **result, "table": text},
    )
    print(f"\nwritten: {path}")
    return 0


if __name__ == "__main__":
    raise SystemExit(main())
