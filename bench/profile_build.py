"""Where a build's time goes: one cProfile per pipeline stage, in CPU time.

    .venv/bin/python bench/profile_build.py ROOT OUT [--cold] [--top 15] [--sort tottime]

Runs ``pipeline.build(ROOT, OUT)`` in this process with a profiler switched on for
each stage (the pipeline's own ``Timings`` names them) and prints, per stage, its
wall and CPU seconds and the functions that took most of it. The profiler's clock
is this process's CPU time (``time.process_time``): on a loaded machine wall time
is mostly waiting for a core, and the profile should say what the build does, not
how long it waited. Child processes (git, Pagefind, the history's parsing pool) are
not in the profile; their share is the stage's wall time minus its CPU time when
the machine is idle. ``--cold`` deletes ``OUT`` and ``.git/rectify`` first. A
script, not a test.
"""

from __future__ import annotations

import argparse
import cProfile
import io
import pstats
import shutil
import sys
import time
from contextlib import contextmanager
from pathlib import Path

sys.path.insert(0, str(Path(__file__).resolve().parent))

from common import drop_history_cache  # noqa: E402


def profile_build(root: Path, out: Path, top: int, sort: str) -> str:
    from site_builder import pipeline

    profiles: list[tuple[str, float, float, cProfile.Profile]] = []
    original = pipeline.Timings.stage

    @contextmanager
    def stage(self, name):  # type: ignore[no-untyped-def]
        profiler = cProfile.Profile(time.process_time)
        wall, cpu = time.perf_counter(), time.process_time()
        with original(self, name):
            profiler.enable()
            try:
                yield
            finally:
                profiler.disable()
        profiles.append((name, time.perf_counter() - wall, time.process_time() - cpu, profiler))

    pipeline.Timings.stage = stage  # type: ignore[method-assign]
    try:
        start = time.perf_counter()
        result = pipeline.build(root, out, keep_going=True)
        total = time.perf_counter() - start
    finally:
        pipeline.Timings.stage = original  # type: ignore[method-assign]
    lines = [f"build: {total:.2f} s wall, {result.pages} pages, site: {result.site_dir}"]
    lines.append("| stage | wall s | CPU s (this process) |")
    lines.append("| --- | ---: | ---: |")
    for name, wall, cpu, _ in profiles:
        lines.append(f"| {name} | {wall:.2f} | {cpu:.2f} |")
    for name, wall, cpu, profiler in profiles:
        text = io.StringIO()
        stats = pstats.Stats(profiler, stream=text)
        stats.strip_dirs().sort_stats(sort).print_stats(top)
        body = text.getvalue()
        body = body[body.find("   ncalls") :] if "   ncalls" in body else body
        lines += ["", f"== {name}: {wall:.2f} s wall, {cpu:.2f} s CPU ==", body.rstrip()]
    return "\n".join(lines)


def main(argv: list[str] | None = None) -> int:
    parser = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    parser.add_argument("root", type=Path)
    parser.add_argument("out", type=Path)
    parser.add_argument("--cold", action="store_true", help="empty OUT and the history cache")
    parser.add_argument("--top", type=int, default=15)
    parser.add_argument("--sort", default="tottime", help="pstats key: tottime, cumulative …")
    args = parser.parse_args(argv)
    if args.cold:
        shutil.rmtree(args.out, ignore_errors=True)
        drop_history_cache(args.root)
    print(profile_build(args.root, args.out, args.top, args.sort))
    return 0


if __name__ == "__main__":
    raise SystemExit(main())
