"""The anchor: our build against plain mkdocs-material on the same pages, in one run.

    .venv/bin/python bench/anchor.py [--units 124] [--city] [--repeat 3] [--work DIR]

For each size: generate a repository (``rectify synth``), then, ``--repeat`` times each,
in fresh interpreters:

- **ours, cold**: ``pipeline.build`` into an empty folder with no history cache
  (``.git/rectify`` deleted), as a first build or a CI runner without a cache;
- **ours, one merge**: one more merged change (``common.one_new_merge``), then
  ``pipeline.build`` again into the same folder with the cache kept (the change is
  undone after each run, so every run rebuilds the same change);
- **plain**: the docs tree our build generated (``build/docs``) built by MkDocs with
  mkdocs-material and its own search plugin, Chinese segmentation by jieba, the same
  nav and Markdown extensions and no hooks of ours: the site a user would get from the
  same pages without this tool (``plain_config``).

Prints the medians, our two figures as ratios against the plain build (below 1 is
faster), the machine, the date and the load average before and after; writes
``bench/results/anchor-<sizes>.json``. ``--city`` adds 2,000 units (a plain build of
that size takes minutes). A script, not a test.
"""

from __future__ import annotations

import argparse
import json
import os
import shutil
import subprocess
import sys
import tempfile
import time
from pathlib import Path

sys.path.insert(0, str(Path(__file__).resolve().parent))

from common import (  # noqa: E402
    ROOT,
    drop_history_cache,
    machine,
    median,
    one_new_merge,
    synth,
    undo_merge,
    write_json,
)

# The search plugin's settings that segmented Chinese here (docs/benchmarks.md): words
# joined by U+200B at build time, split on it and on Chinese punctuation in the browser.
SEPARATOR = r"[\s\u200b\u3000\-、。，．？！；]+"


def plain_config(out: Path) -> Path:
    """``out/plain/mkdocs.yml``: plain Material over ``out/docs``.

    It inherits the same base as our generated config (theme, language, Markdown
    extensions) and takes the same nav; it has Material's search plugin instead of
    Pagefind, and no hooks or template overrides of ours."""
    ours = json.loads((out / "mkdocs.yml").read_text(encoding="utf-8"))
    folder = out / "plain"
    folder.mkdir(exist_ok=True)
    config = {
        "INHERIT": ours["INHERIT"],
        "site_name": ours["site_name"],
        "docs_dir": str((out / "docs").resolve()),
        "site_dir": str((folder / "site").resolve()),
        "plugins": [{"search": {"separator": SEPARATOR}}],
        "nav": ours["nav"],
        "not_in_nav": ours.get("not_in_nav", ""),
        "extra_css": ours.get("extra_css", []),
        "extra_javascript": ours.get("extra_javascript", []),
    }
    path = folder / "mkdocs.yml"
    # JSON is YAML.
    path.write_text(json.dumps(config, ensure_ascii=False, indent=2), encoding="utf-8")
    return path


# --- children ------------------------------------------------------------------------------


def child_ours(root: Path, out: Path) -> dict:
    from site_builder import pipeline

    start = time.perf_counter()
    result = pipeline.build(root, out, keep_going=True)
    seconds = time.perf_counter() - start
    state = json.loads((out / "site-engine.json").read_text(encoding="utf-8"))
    return {"seconds": seconds, "stages": result.timings.stages, "pages": result.pages,
            "incremental": state.get("incremental"),
            "search_shards": state.get("search_shards"),
            "search_shards_reindexed": state.get("search_shards_reindexed")}  # fmt: skip


def child_plain(root: Path, out: Path) -> dict:
    import importlib.util
    import logging

    from mkdocs.commands.build import build
    from mkdocs.config import load_config

    if importlib.util.find_spec("jieba") is None:
        raise SystemExit("jieba is not installed: pip install -e '.[bench]'")
    logging.getLogger("mkdocs").setLevel(logging.ERROR)
    config_file = plain_config(out)
    shutil.rmtree(out / "plain" / "site", ignore_errors=True)
    start = time.perf_counter()
    build(load_config(config_file=str(config_file)))
    seconds = time.perf_counter() - start
    index = out / "plain" / "site" / "search" / "search_index.json"
    text = index.read_text(encoding="utf-8")
    return {"seconds": seconds, "search_index_bytes": len(text.encode()),
            "segmented": "\u200b" in text or "\\u200b" in text}  # fmt: skip


CHILDREN = {"ours": child_ours, "plain": child_plain}


def run_child(stage: str, root: Path, out: Path) -> dict:
    start = time.perf_counter()
    done = subprocess.run(
        [sys.executable, __file__, "--child", stage, "--root", str(root), "--out", str(out)],
        stdout=subprocess.PIPE, cwd=ROOT, env={**os.environ, "NO_MKDOCS_2_WARNING": "1"},
    )  # fmt: skip
    if done.returncode != 0:
        raise SystemExit(f"{stage} failed ({done.returncode})")
    figures = json.loads(done.stdout.decode().strip().splitlines()[-1])
    figures["wall"] = time.perf_counter() - start
    return figures


# --- one size ------------------------------------------------------------------------------


def measure(units: int, work: Path, repeat: int, seed: int = 1) -> dict:
    root, out = work / f"repo-{units}", work / f"build-{units}"
    say(f"[{units}] generating …")
    made = synth(root, units, seed=seed)
    figures: dict = {"units": units, "repository": made, "load_before": os.getloadavg()}
    cold, rebuild, plain = [], [], []
    for i in range(repeat):
        say(f"[{units}] run {i + 1}/{repeat}: ours cold …")
        shutil.rmtree(out, ignore_errors=True)
        drop_history_cache(root)
        cold.append(run_child("ours", root, out))
        say(f"[{units}] run {i + 1}/{repeat}: ours after one merge …")
        old = one_new_merge(root, number=100 + i)
        rebuild.append(run_child("ours", root, out))
        undo_merge(root, old)
        say(f"[{units}] run {i + 1}/{repeat}: plain mkdocs-material …")
        plain.append(run_child("plain", root, out))
    figures.update(
        ours_cold=cold, ours_rebuild=rebuild, plain=plain, load_after=os.getloadavg(),
        median_cold=median([r["seconds"] for r in cold]),
        median_rebuild=median([r["seconds"] for r in rebuild]),
        median_plain=median([r["seconds"] for r in plain]),
    )  # fmt: skip
    # Ratios within each run (same minute, same load), then their median.
    figures["ratio_cold"] = median(
        [c["seconds"] / p["seconds"] for c, p in zip(cold, plain, strict=True)]
    )
    figures["ratio_rebuild"] = median(
        [r["seconds"] / p["seconds"] for r, p in zip(rebuild, plain, strict=True)]
    )
    say(f"[{units}] {line(figures)}")
    return figures


def line(f: dict) -> str:
    return (
        f"plain {f['median_plain']:.1f} s; ours cold {f['median_cold']:.1f} s "
        f"({f['ratio_cold']:.2f}× plain), after one merge {f['median_rebuild']:.1f} s "
        f"({f['ratio_rebuild']:.2f}× plain)"
    )


def table(results: list[dict], repeat: int) -> str:
    head = "| units | plain Material + jieba search | ours, cold | ratio | ours, one merge | ratio | load (1 min) before → after |"  # fmt: skip
    lines = [f"Medians of {repeat} runs, seconds; ratio = ours / plain (median of per-run ratios):",
             "", head, "| ---: |" + " ---: |" * 6]  # fmt: skip
    for f in results:
        lines.append(
            f"| {f['units']:,} | {f['median_plain']:.1f} | {f['median_cold']:.1f} | "
            f"{f['ratio_cold']:.2f}× | {f['median_rebuild']:.1f} | {f['ratio_rebuild']:.2f}× | "
            f"{f['load_before'][0]:.1f} → {f['load_after'][0]:.1f} |"
        )
    return "\n".join(lines)


def say(text: str) -> None:
    print(text, file=sys.stderr, flush=True)


def main(argv: list[str] | None = None) -> int:
    parser = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    parser.add_argument("--units", type=int, default=124)
    parser.add_argument("--city", action="store_true", help="also 2,000 units")
    parser.add_argument("--repeat", type=int, default=3)
    parser.add_argument("--work", help="keep repositories and sites here")
    parser.add_argument("--child", choices=sorted(CHILDREN), help=argparse.SUPPRESS)
    parser.add_argument("--root", help=argparse.SUPPRESS)
    parser.add_argument("--out", help=argparse.SUPPRESS)
    args = parser.parse_args(argv)
    if args.child:
        print(json.dumps(CHILDREN[args.child](Path(args.root), Path(args.out))))
        return 0
    sizes = [args.units] + ([2000] if args.city else [])
    results = []
    with tempfile.TemporaryDirectory(prefix="rectify-anchor-") as tmp:
        work = Path(args.work) if args.work else Path(tmp)
        work.mkdir(parents=True, exist_ok=True)
        for units in sizes:
            results.append(measure(units, work, args.repeat))
    about = machine()
    print(table(results, args.repeat))
    print(f"\nmachine: {about['nproc']} cores, {about['platform']}, Python {about['python']}; "
          f"{about['date']}; load average now {about['load_average']}")  # fmt: skip
    name = f"anchor-{'-'.join(map(str, sizes))}.json"
    path = write_json(name, {"machine": about, "repeat": args.repeat, "results": results,
                             "table": table(results, args.repeat)})  # fmt: skip
    print(f"written: {path}")
    return 0


if __name__ == "__main__":
    raise SystemExit(main())
