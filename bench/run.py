"""The scale benchmark, issue 18's figures in one run: the demo district and 124 to 2,000 units.

    .venv/bin/python bench/run.py [--sizes 124,250,500,1000,2000] [--no-demo] [--repeat 3]

First the demo district (``rectify demo``, every approval signed): ``--repeat`` cold
builds, each followed by the anchor on the docs tree it generated, then one rebuild
after one more merge. Then for each size: generate a repository (``rectify synth``),
measure the floors (a bare YAML parse of the working tree's files; ``git log`` of the
main line plus the same blobs through ``cat-file --batch`` plus their bare parse), then
run each stage in its own child process and read that child's peak resident memory
from ``os.wait4`` (``ru_maxrss``; it covers the child and the processes it waited for,
such as git and Pagefind). Everything heavy runs in children: a child inherits its
parent's peak in ru_maxrss (the parent's memory is the child's until ``exec``), so the
parent stays small.

- load and validate (``pipeline.check_project``)
- history cold (``.git/rectify`` deleted) and after one new merge, against the floor
- the cold build (``pipeline.build`` with no history cache, into an empty folder):
  load, validate, history, analysis, month reports, page generation, the site engine
  (MkDocs) and the search index (Pagefind); the peak memory of this child is read
  after every stage too (a high-water mark: the peak so far, as the stages run in order)
- the anchor (unless ``--no-anchor``): the docs tree that build generated, built by
  plain mkdocs-material with its own search (Chinese by jieba; ``bench/anchor.py``),
  and our cold build and rebuild as ratios against it
- the rebuild: one more merged change, then ``pipeline.build`` again into the same
  folder, as a CI runner that keeps its build folder and ``.git/rectify`` would

then the built site: pages, bytes, and the bytes a browser downloads for its first
search, measured in Chromium (each query in a fresh browser context). Prints tables,
the growth exponent of each figure (the slope of log figure against log units: 1 is
linear, 2 quadratic) and issue 18's targets with this run's figures; writes
``bench/results/run-<sizes>.json``. A script, not a test.
"""

from __future__ import annotations

import argparse
import json
import math
import os
import resource
import shutil
import subprocess
import sys
import tempfile
import time
import zlib
from pathlib import Path

sys.path.insert(0, str(Path(__file__).resolve().parent))

from anchor import child_plain  # noqa: E402
from common import (  # noqa: E402
    ROOT,
    demo,
    drop_history_cache,
    history_floor,
    load_floor,
    machine,
    median,
    one_new_merge,
    synth,
    write_json,
)

SETTINGS: dict = {}  # the child's extra arguments (--units, --seed, --commits-per-unit)

DEFAULT_SIZES = [124, 250, 500, 1000, 2000]


# --- children: one stage each, figures as JSON on the last line of stdout ----------------


def _peak_mb() -> float:
    return resource.getrusage(resource.RUSAGE_SELF).ru_maxrss / 1024


def child_baseline(root: Path, out: Path) -> dict:
    import site_builder.pipeline  # noqa: F401  (what every stage imports)

    return {}


def child_synth(root: Path, out: Path) -> dict:
    return synth(root, SETTINGS["units"], SETTINGS["commits_per_unit"], SETTINGS["seed"])


def child_floors(root: Path, out: Path) -> dict:
    return {"load": load_floor(root), "history": history_floor(root)}


def child_site(root: Path, out: Path) -> dict:
    return site_figures(out / "site")


def child_load_validate(root: Path, out: Path) -> dict:
    from site_builder.pipeline import Timings, check_project

    timings = Timings()
    project, diagnostics = check_project(root, timings)
    stages = dict(timings.stages)
    names = list(stages)
    return {
        "load": stages[names[0]],
        "validate": stages[names[1]],
        "ledgers": len(project.ledgers),
        "errors": sum(1 for d in diagnostics if d.severity == "error"),
        "warnings": sum(1 for d in diagnostics if d.severity == "warning"),
    }


def _signers(root: Path):
    from site_builder.load.project import load_yaml_file
    from site_builder.model.district import Signers

    record, _ = load_yaml_file(root, root / "rounds" / "signers.yml", Signers)
    return record or Signers()


def child_history(root: Path, out: Path) -> dict:
    from site_builder.history import read_history

    signers = _signers(root)
    start = time.perf_counter()
    history, _ = read_history(root, signers)
    return {
        "seconds": time.perf_counter() - start,
        "commits": history.commits,
        "blobs_parsed": history.blobs_parsed,
        "events": len(history.events),
    }


def child_build(root: Path, out: Path) -> dict:
    """``pipeline.build`` with the peak memory read after each stage."""
    from site_builder import pipeline
    from site_builder.site.engine import STATE_FILE

    peaks: list[tuple[str, float]] = []
    stage = pipeline.Timings.stage

    def stage_with_peak(self, name):
        class _Stage:
            def __enter__(inner):
                inner.cm = stage(self, name)
                return inner.cm.__enter__()

            def __exit__(inner, *exc):
                result = inner.cm.__exit__(*exc)
                peaks.append((name, _peak_mb()))
                return result

        return _Stage()

    pipeline.Timings.stage = stage_with_peak  # type: ignore[method-assign]
    result = pipeline.build(root, out, keep_going=True)
    state = json.loads((out / STATE_FILE).read_text(encoding="utf-8"))
    return {
        "stages": result.timings.stages,
        "peak_after_stage_mb": peaks,
        "incremental": state["incremental"],
        "search_shards": state.get("search_shards"),
        "search_shards_reindexed": state.get("search_shards_reindexed"),
        "pages": result.pages,
        "built": result.site_dir is not None,
        "errors": sum(1 for d in result.diagnostics if d.severity == "error"),
    }


CHILDREN = {
    "synth": child_synth,
    "floors": child_floors,
    "site": child_site,
    "baseline": child_baseline,
    "load_validate": child_load_validate,
    "history": child_history,
    "build": child_build,
    "plain": child_plain,
}


def run_child(stage: str, root: Path, out: Path, *extra: str) -> dict:
    """Run ``stage`` in a fresh interpreter; its figures plus wall time and peak memory."""
    start = time.perf_counter()
    process = subprocess.Popen(
        [sys.executable, __file__, "--child", stage, "--root", str(root), "--out", str(out),
         *extra],
        stdout=subprocess.PIPE,
        cwd=ROOT,
    )  # fmt: skip
    assert process.stdout is not None
    output = process.stdout.read()
    _, status, usage = os.wait4(process.pid, 0)
    process.returncode = os.waitstatus_to_exitcode(status)
    if process.returncode != 0:
        raise SystemExit(f"stage {stage} failed ({process.returncode})")
    figures = json.loads(output.decode().strip().splitlines()[-1])
    figures["wall"] = time.perf_counter() - start
    figures["peak_mb"] = usage.ru_maxrss / 1024  # Linux reports KiB
    return figures


# --- the built site -----------------------------------------------------------------------


# Broad words (整改, 问责: every Han character is indexed as a word, so these fetch the
# largest index chunks) and domain terms of several characters.
SEARCH_TERMS = ["公务用车", "三重一大", "整改", "问责", "未巡先改", "巡察组"]


def _gzip_size(path: Path) -> int:
    size, packer = 0, zlib.compressobj(6, zlib.DEFLATED, 31)  # gzip framing
    with path.open("rb") as handle:
        while chunk := handle.read(1 << 20):
            size += len(packer.compress(chunk))
    return size + len(packer.flush())


def first_searches(site: Path) -> dict | None:
    """What Chromium fetches for one query on the search page, per term.

    ``search`` is what the search itself downloads (``pagefind/``: its script, the
    WebAssembly, the language's metadata, the index chunks and result fragments);
    ``page`` adds the search page with the theme's files, which a browser that has
    opened any page of the site already has.
    """
    import functools
    import threading
    from http.server import SimpleHTTPRequestHandler, ThreadingHTTPServer
    from urllib.parse import quote, urlsplit

    try:
        from playwright.sync_api import sync_playwright
    except ImportError:
        return None
    chromium = shutil.which("chromium") or shutil.which("chromium-browser")
    if chromium is None:
        return None

    class Quiet(SimpleHTTPRequestHandler):
        def log_message(self, *args) -> None:
            pass

    server = ThreadingHTTPServer(("127.0.0.1", 0), functools.partial(Quiet, directory=site))
    threading.Thread(target=server.serve_forever, daemon=True).start()
    base = f"http://127.0.0.1:{server.server_address[1]}"
    figures: dict = {}
    try:
        with sync_playwright() as p:
            browser = p.chromium.launch(
                executable_path=chromium,
                args=["--no-sandbox", "--disable-gpu", "--disable-background-networking"],
            )
            for term in SEARCH_TERMS:
                context = browser.new_context()  # an empty cache for every query
                page = context.new_page()
                fetched: list[str] = []
                page.on("requestfinished", lambda r, fetched=fetched: fetched.append(r.url))
                page.goto(f"{base}/search/?q={quote(term)}")
                page.wait_for_function(  # the search page's message: a count, or none found
                    "() => /^(找到|没有)/.test(document.querySelector("
                    "'#rl-search .pagefind-ui__message')?.textContent || '')",
                    timeout=120_000,
                )
                page.wait_for_load_state("networkidle")
                files = []
                for url in fetched:
                    path = site / urlsplit(url).path.lstrip("/")
                    path = path / "index.html" if path.is_dir() else path
                    if path.is_file():
                        files.append(path)
                search = [f for f in files if f.is_relative_to(site / "pagefind")]
                figures[term] = {
                    "results": page.locator(".pagefind-ui__message").inner_text(),
                    "search_files": [str(f.relative_to(site)) for f in search],
                    "search_bytes": sum(f.stat().st_size for f in search),
                    "search_gzip_bytes": sum(_gzip_size(f) for f in search),
                    "page_bytes": sum(f.stat().st_size for f in files),
                }
                context.close()
            browser.close()
    finally:
        server.shutdown()
    return figures


def site_figures(site: Path) -> dict:
    files = [p for p in site.rglob("*") if p.is_file()]
    pages = [p for p in files if p.suffix == ".html"]
    index = [p for p in files if p.is_relative_to(site / "pagefind")]
    searches = first_searches(site)
    worst = max(searches.values(), key=lambda x: x["search_bytes"]) if searches else None
    return {
        "files": len(files),
        "html_pages": len(pages),
        "bytes": sum(p.stat().st_size for p in files),
        "html_bytes": sum(p.stat().st_size for p in pages),
        "search_index_files": len(index),
        "search_index_bytes": sum(p.stat().st_size for p in index),
        "first_searches": searches,
        # The largest of the queries; None without Chromium (see first_searches).
        "first_search_bytes": worst["search_bytes"] if worst else None,
        "first_search_gzip_bytes": worst["search_gzip_bytes"] if worst else None,
        "first_search_page_bytes": worst["page_bytes"] if worst else None,
    }


# --- one size, all sizes --------------------------------------------------------------------


def cold(root: Path, out: Path) -> None:
    """No history cache and an empty build folder: what a first build (or CI without a
    cache) pays."""
    drop_history_cache(root)
    shutil.rmtree(out, ignore_errors=True)


def measure(units: int, work: Path, commits_per_unit: int, seed: int) -> dict:
    root, out = work / f"repo-{units}", work / f"build-{units}"
    shutil.rmtree(out, ignore_errors=True)
    say(f"[{units}] generating …")
    made = run_child("synth", root, out, "--units", str(units), "--seed", str(seed),
                     "--commits-per-unit", str(commits_per_unit))  # fmt: skip
    figures: dict = {"units": units, "repository": made}
    say(f"[{units}] {figures['repository']}")
    floors = run_child("floors", root, out)
    figures["floor_load"], figures["floor_history"] = floors["load"], floors["history"]
    figures["floor_peak_mb"] = floors["peak_mb"]
    figures["baseline"] = run_child("baseline", root, out)
    say(f"[{units}] load and validate …")
    figures["load_validate"] = run_child("load_validate", root, out)
    say(f"[{units}] history cold …")
    drop_history_cache(root)
    figures["history_cold"] = run_child("history", root, out)
    one_new_merge(root)
    figures["history_after_one_commit"] = run_child("history", root, out)
    say(f"[{units}] cold build …")
    cold(root, out)
    figures["build"] = run_child("build", root, out)
    if SETTINGS.get("anchor"):
        say(f"[{units}] the anchor: plain mkdocs-material on the same docs tree …")
        figures["plain"] = run_child("plain", root, out)
    say(f"[{units}] first searches in Chromium …")
    figures["site"] = run_child("site", root, out)
    say(f"[{units}] rebuild after one more merge …")
    one_new_merge(root, number=2)
    figures["rebuild"] = run_child("build", root, out)
    say(f"[{units}] done: {summary_line(figures)}")
    return figures


def measure_demo(work: Path, repeat: int) -> dict:
    """The demo district (``rectify demo``: every approval signed): cold builds and the
    anchor, alternating, ``repeat`` times; then one rebuild after one more merge."""
    root, out = work / "demo", work / "build-demo"
    say("[demo] generating …")
    shutil.rmtree(root, ignore_errors=True)
    figures: dict = {"repository": demo(root), "builds": [], "plain": []}
    for run in range(repeat):
        say(f"[demo] cold build {run + 1} of {repeat} …")
        cold(root, out)
        figures["builds"].append(run_child("build", root, out))
        if SETTINGS.get("anchor"):
            figures["plain"].append(run_child("plain", root, out))
    say("[demo] rebuild after one more merge …")
    one_new_merge(root)
    figures["rebuild"] = run_child("build", root, out)
    return figures


def say(text: str) -> None:
    print(text, file=sys.stderr, flush=True)


# The pipeline's stage names (its Timings), in English for the tables.
STAGES = {"加载": "load", "校验": "validate", "读取历史": "history", "分析": "analysis",
          "月报": "months", "生成页面": "pages", "站点引擎": "site engine",
          "搜索索引": "search index"}  # fmt: skip


def _stages(build: dict) -> dict[str, float]:
    return {STAGES.get(name, name): seconds for name, seconds in build["stages"]}


def stage_seconds(figures: dict) -> dict[str, float]:
    """The figures whose growth matters, by name."""
    stages = _stages(figures["build"])
    rebuild = _stages(figures["rebuild"])
    nan = float("nan")
    lv = figures["load_validate"]
    found = {
        "load": lv["load"],
        "validate": lv["validate"],
        "history cold": figures["history_cold"]["seconds"],
        "history after one commit": figures["history_after_one_commit"]["seconds"],
        "history (in the cold build)": stages.get("history", nan),
        "analysis": stages.get("analysis", nan),
        "page generation": stages.get("pages", nan),
        "site engine (MkDocs)": stages.get("site engine", nan),
        "search index (Pagefind)": stages.get("search index", nan),
        "floor: YAML parse of the tree": figures["floor_load"]["total"],
        "floor: git log + blobs + parse": figures["floor_history"]["total"],
    }
    found["months (month reports)"] = stages.get("months", nan)
    # Measured in one child: no history cache, an empty build folder.
    found["whole build, cold"] = sum(stages.values())
    found["rebuild after one merge: site engine"] = rebuild.get("site engine", nan)
    found["rebuild after one merge: search index"] = rebuild.get("search index", nan)
    found["rebuild after one merge"] = sum(rebuild.values())
    if "plain" in figures:
        plain = figures["plain"]["seconds"]
        found["anchor: plain mkdocs-material + jieba search"] = plain
        found["ratio: whole build, cold / anchor"] = found["whole build, cold"] / plain
        found["ratio: rebuild after one merge / anchor"] = found["rebuild after one merge"] / plain
    return found


def summary_line(figures: dict) -> str:
    s = stage_seconds(figures)
    search = figures["site"]["first_search_bytes"]
    return (
        f"build {s['whole build, cold']:.0f} s (history cold {s['history cold']:.0f} s, "
        f"engine {s['site engine (MkDocs)']:.0f} s, search index "
        f"{s['search index (Pagefind)']:.0f} s), rebuild {s['rebuild after one merge']:.1f} s, "
        f"peak {figures['build']['peak_mb']:.0f} MB, first search "
        + ("not measured (no Chromium)" if search is None else f"{search / 1e6:.2f} MB")
    )


# Issue 18's targets.
DISTRICT_COLD = 3.5  # s, the demo district, cold
DISTRICT_RATIO = 1 / 1.3  # at least 1.3 times faster than plain Material on the same pages
CITY_UNITS = 2000
CITY_COLD, CITY_PEAK_MB, CITY_REBUILD = 70.0, 1500.0, 8.0
HISTORY_RATIO, MAX_EXPONENT = 1.3, 1.1


def demo_figures(figures: dict) -> dict[str, float]:
    builds = [sum(seconds for _, seconds in b["stages"]) for b in figures["builds"]]
    found = {
        "cold build (median)": median(builds),
        "rebuild after one merge": sum(seconds for _, seconds in figures["rebuild"]["stages"]),
        "peak MB, cold build": max(b["peak_mb"] for b in figures["builds"]),
    }
    for name in STAGES.values():  # each stage's median over the runs
        runs = [dict(_stages(b)).get(name, 0.0) for b in figures["builds"]]
        found[f"cold build: {name}"] = median(runs)
    if figures["plain"]:
        plain = [p["seconds"] for p in figures["plain"]]
        found["anchor: plain mkdocs-material + jieba search (median)"] = median(plain)
        found["ratio: cold build / anchor (median of runs)"] = median(
            [b / p for b, p in zip(builds, plain, strict=True)]
        )
        found["ratio: rebuild / anchor"] = found["rebuild after one merge"] / median(plain)
    return found


def demo_table(figures: dict) -> str:
    found = demo_figures(figures)
    runs = " ".join(f"{sum(t for _, t in b['stages']):.2f}" for b in figures["builds"])
    lines = [f"The demo district ({figures['repository']['commits']} commits; runs: {runs}):",
             "", "| figure | seconds |", "| --- | ---: |"]  # fmt: skip
    lines += [f"| {name} | {value:.2f} |" for name, value in found.items()]
    return "\n".join(lines)


def targets(results: list[dict], demo_run: dict | None) -> str:
    """Each target of issue 18, the figure measured in this run, and whether it holds."""
    rows: list[tuple[str, str, bool | None]] = []
    if demo_run:
        d = demo_figures(demo_run)
        rows.append((f"demo district cold build ≤ {DISTRICT_COLD} s",
                     f"{d['cold build (median)']:.2f} s", d["cold build (median)"] <= DISTRICT_COLD))  # fmt: skip
        ratio = d.get("ratio: cold build / anchor (median of runs)")
        if ratio is not None:
            rows.append(("demo cold build ≥ 1.3× faster than plain Material (ratio ≤ 0.77)",
                         f"{ratio:.2f}×", ratio <= DISTRICT_RATIO))  # fmt: skip
    per = {r["units"]: (r, stage_seconds(r)) for r in results}
    for units in (124, 250):
        if units in per and "ratio: whole build, cold / anchor" in per[units][1]:
            ratio = per[units][1]["ratio: whole build, cold / anchor"]
            rows.append((f"{units} units: cold build / plain Material", f"{ratio:.2f}×", None))
    if CITY_UNITS in per:
        r, s = per[CITY_UNITS]
        rows.append((f"rebuild after one merge at {CITY_UNITS:,} units ≤ {CITY_REBUILD} s",
                     f"{s['rebuild after one merge']:.1f} s", s["rebuild after one merge"] <= CITY_REBUILD))  # fmt: skip
        rows.append((f"cold city ({CITY_UNITS:,} units) ≤ {CITY_COLD:.0f} s",
                     f"{s['whole build, cold']:.1f} s", s["whole build, cold"] <= CITY_COLD))  # fmt: skip
        rows.append((f"cold city peak ≤ {CITY_PEAK_MB / 1000:.1f} GB (build child, Pagefind and git included)",
                     f"{r['build']['peak_mb'] / 1000:.2f} GB", r["build"]["peak_mb"] <= CITY_PEAK_MB))  # fmt: skip
    ratios = {
        u: s["history cold"] / s["floor: git log + blobs + parse"] for u, (_, s) in per.items()
    }
    if ratios:
        text = ", ".join(f"{u:,}: {v:.2f}×" for u, v in sorted(ratios.items()))
        rows.append((f"history cold within {HISTORY_RATIO}× its floor at every size", text,
                     all(v <= HISTORY_RATIO for v in ratios.values())))  # fmt: skip
    if len(per) >= 2:
        sizes = sorted(per)
        slopes = {}
        for name in per[sizes[0]][1]:
            if name.startswith(("ratio", "anchor", "floor", "history after")):
                continue
            slope = exponent(sizes, [per[u][1].get(name, float("nan")) for u in sizes])
            if slope is not None:
                slopes[name] = slope
        worst = sorted(slopes.items(), key=lambda item: -item[1])[:3]
        rows.append((f"no stage grows faster than linearly (exponent ≤ {MAX_EXPONENT})",
                     ", ".join(f"{n} {v:.2f}" for n, v in worst),
                     all(v <= MAX_EXPONENT for v in slopes.values())))  # fmt: skip
    lines = ["Issue 18's targets, this run:", "", "| target | measured | holds |",
             "| --- | --- | --- |"]  # fmt: skip
    for name, measured, holds in rows:
        lines.append(
            f"| {name} | {measured} | {'—' if holds is None else 'yes' if holds else 'no'} |"
        )
    return "\n".join(lines)


def exponent(sizes: list[int], values: list[float]) -> float | None:
    """Least-squares slope of log(value) on log(size)."""
    points = [(math.log(s), math.log(v)) for s, v in zip(sizes, values, strict=True) if v > 0]
    if len(points) < 2:
        return None
    mx = sum(x for x, _ in points) / len(points)
    my = sum(y for _, y in points) / len(points)
    sxx = sum((x - mx) ** 2 for x, _ in points)
    return sum((x - mx) * (y - my) for x, y in points) / sxx if sxx else None


def tables(results: list[dict]) -> str:
    sizes = [r["units"] for r in results]
    head = "| figure | " + " | ".join(f"{s:,} units" for s in sizes) + " | exponent |"
    rule = "| --- |" + " ---: |" * (len(sizes) + 1)

    def row(name: str, values: list[float], fmt: str) -> str:
        slope = exponent(sizes, values)
        cells = " | ".join(format(v, fmt) for v in values)
        return f"| {name} | {cells} | {'' if slope is None else f'{slope:.2f}'} |"

    lines = ["Seconds (wall clock):", "", head, rule]
    per = [stage_seconds(r) for r in results]
    for name in per[0]:
        lines.append(row(name, [p.get(name, float("nan")) for p in per], ".2f"))
    lines.append(row("search shards", [r["rebuild"].get("search_shards") or 0 for r in results], ",.0f"))  # fmt: skip
    lines.append(row("search shards re-indexed by the rebuild", [r["rebuild"].get("search_shards_reindexed") or 0 for r in results], ",.0f"))  # fmt: skip
    lines += ["", "Peak resident memory, MB (each child process; build: high-water mark after each stage):", "", head, rule]  # fmt: skip
    lines.append(row("interpreter and imports", [r["baseline"]["peak_mb"] for r in results], ".0f"))
    lines.append(row("synth (generating)", [r["repository"]["peak_mb"] for r in results], ".0f"))
    lines.append(row("floors", [r["floor_peak_mb"] for r in results], ".0f"))
    lines.append(row("load and validate", [r["load_validate"]["peak_mb"] for r in results], ".0f"))
    lines.append(row("history cold", [r["history_cold"]["peak_mb"] for r in results], ".0f"))
    lines.append(
        row("history after one commit",
            [r["history_after_one_commit"]["peak_mb"] for r in results], ".0f")
    )  # fmt: skip
    stage_names = [name for name, _ in results[0]["build"]["peak_after_stage_mb"]]
    for i, name in enumerate(stage_names):
        values = [r["build"]["peak_after_stage_mb"][i][1] for r in results]
        lines.append(row(f"build, after {STAGES.get(name, name)}", values, ".0f"))
    lines.append(
        row("build, whole child (with git)", [r["build"]["peak_mb"] for r in results], ".0f")
    )
    lines.append(row("rebuild, whole child", [r["rebuild"]["peak_mb"] for r in results], ".0f"))
    lines += ["", "Sizes:", "", head, rule]
    rep = [r["repository"] for r in results]
    for key in ("ledgers", "problems", "commits", "rounds"):
        lines.append(row(key, [x[key] for x in rep], ",.0f"))
    lines.append(
        row("main-line commits read", [r["history_cold"]["commits"] for r in results], ",.0f")
    )
    lines.append(row("events", [r["history_cold"]["events"] for r in results], ",.0f"))
    lines.append(row("synth seconds", [x["seconds"] for x in rep], ".1f"))
    site = [r["site"] for r in results]
    lines.append(row("pages generated", [r["build"]["pages"] for r in results], ",.0f"))
    lines.append(row("HTML pages in the site", [x["html_pages"] for x in site], ",.0f"))
    lines.append(row("site MB", [x["bytes"] / 1e6 for x in site], ".1f"))
    lines.append(row("search index MB (pagefind/)", [x["search_index_bytes"] / 1e6 for x in site], ".1f"))  # fmt: skip
    lines.append(row("search index files", [x["search_index_files"] for x in site], ",.0f"))
    if all(x["first_search_bytes"] is not None for x in site):
        lines.append(row("first search MB (largest of the queries)", [x["first_search_bytes"] / 1e6 for x in site], ".2f"))  # fmt: skip
        lines.append(row("the same, gzip", [x["first_search_gzip_bytes"] / 1e6 for x in site], ".2f"))  # fmt: skip
        lines.append(row("with the search page and theme files", [x["first_search_page_bytes"] / 1e6 for x in site], ".2f"))  # fmt: skip
    return "\n".join(lines)


def main(argv: list[str] | None = None) -> int:
    parser = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    parser.add_argument("--sizes", default=",".join(map(str, DEFAULT_SIZES)))
    parser.add_argument("--commits-per-unit", type=int, default=40)
    parser.add_argument("--seed", type=int, default=1)
    parser.add_argument("--work", help="keep repositories and sites here (default: a temp dir)")
    parser.add_argument(
        "--no-anchor", action="store_true",
        help="skip the plain mkdocs-material build of the same pages (bench/anchor.py)",
    )  # fmt: skip
    parser.add_argument(
        "--no-demo", action="store_true", help="skip the demo district (rectify demo)"
    )
    parser.add_argument("--repeat", type=int, default=3, help="cold builds of the demo")
    parser.add_argument("--child", choices=sorted(CHILDREN), help=argparse.SUPPRESS)
    parser.add_argument("--root", help=argparse.SUPPRESS)
    parser.add_argument("--out", help=argparse.SUPPRESS)
    parser.add_argument("--units", type=int, help=argparse.SUPPRESS)
    args = parser.parse_args(argv)
    if args.child:
        SETTINGS.update(units=args.units, seed=args.seed, commits_per_unit=args.commits_per_unit)
        figures = CHILDREN[args.child](Path(args.root), Path(args.out))
        print(json.dumps(figures, ensure_ascii=False))
        return 0

    SETTINGS["anchor"] = not args.no_anchor
    sizes = [int(s) for s in args.sizes.split(",") if s.strip()]
    name = f"run-{'-'.join(map(str, sizes))}.json"
    results: list[dict] = []
    demo_run: dict | None = None
    with tempfile.TemporaryDirectory(prefix="rectify-bench-") as tmp:
        work = Path(args.work) if args.work else Path(tmp)
        work.mkdir(parents=True, exist_ok=True)
        if not args.no_demo:
            demo_run = measure_demo(work, args.repeat)
        for units in sizes:
            results.append(measure(units, work, args.commits_per_unit, args.seed))
            partial = {"machine": machine(), "sizes": sizes, "demo": demo_run, "results": results}
            write_json(name, partial)
    report = "\n\n".join(
        ([demo_table(demo_run)] if demo_run else [])
        + ([tables(results)] if results else [])
        + [targets(results, demo_run)]
    )
    print(report)
    path = write_json(
        name,
        {"machine": machine(), "sizes": sizes, "demo": demo_run, "results": results,
         "tables": report},
    )  # fmt: skip
    print(f"\nwritten: {path}")
    return 0


if __name__ == "__main__":
    raise SystemExit(main())
