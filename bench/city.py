"""The city-of-districts benchmark (issue 17): aggregate time, and the time after one
district changed.

    .venv/bin/python bench/city.py [--districts 16] [--units 124] [--work DIR]

One district of ``--units`` units is generated (``rectify synth``) and built once (what
each district's CI job does, timed), then its data export is copied to ``--districts``
folders, each under its own district name: the city reads exports only, so its cost
depends on their size and number, not on their content. Then ``build_city`` runs cold
into an empty folder, and again after one district's export changed (one open measure
marked done): only that export is parsed and only its search shard re-indexed. Prints the
stages and writes ``bench/results/city-<districts>x<units>.json``. A script, not a test.
"""

from __future__ import annotations

import argparse
import json
import shutil
import sys
import tempfile
import time
from pathlib import Path

sys.path.insert(0, str(Path(__file__).resolve().parent))

from common import RESULTS, machine, synth, write_json  # noqa: E402

NAMES = [
    "小店",
    "迎泽",
    "杏花岭",
    "尖草坪",
    "万柏林",
    "晋源",
    "清徐",
    "阳曲",
    "娄烦",
    "古交",
    "榆次",
    "太谷",
    "祁县",
    "平遥",
    "灵石",
    "介休",
]


def _city(work: Path, export: Path, count: int) -> Path:
    data = json.loads(export.read_text(encoding="utf-8"))
    lines = ["city: 晋阳市", "districts:"]
    for k in range(count):
        name = f"{NAMES[k % len(NAMES)]}{'' if k < len(NAMES) else k}区"
        data["district"] = name
        target = work / "exports" / f"d{k:02d}" / "export.json"
        target.parent.mkdir(parents=True, exist_ok=True)
        target.write_text(json.dumps(data, ensure_ascii=False), encoding="utf-8")
        lines += [f"  - id: d{k:02d}", f"    name: {name}", f"    export: {target}"]
    (city := work / "city.yml").write_text("\n".join(lines) + "\n", encoding="utf-8")
    return city


def _change_one(export: Path) -> None:
    data = json.loads(export.read_text(encoding="utf-8"))
    for entry in data["ledgers"]:
        for item, colour in entry["colours"].items():
            if colour == "red":
                entry["colours"][item] = "done"
                data["figures"]["colours"]["red"] -= 1
                export.write_text(json.dumps(data, ensure_ascii=False), encoding="utf-8")
                return


def _run(city: Path, out: Path) -> dict:
    from site_builder.city import build_city

    start = time.perf_counter()
    result = build_city(city, out)
    wall = time.perf_counter() - start
    assert result.site_dir is not None, [d.as_text() for d in result.diagnostics]
    state = json.loads((out / "site-engine.json").read_text())
    return {
        "seconds": round(wall, 2),
        "stages": {name: round(s, 2) for name, s in result.timings.stages},
        "reread": len(result.reread),
        "shards": state["search_shards"],
        "reindexed": state["search_shards_reindexed"],
        "incremental": state["incremental"],
    }


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--districts", default="16", help="comma-separated counts, e.g. 4,16")
    parser.add_argument("--units", type=int, default=124)
    parser.add_argument("--work", help="keep everything in this folder")
    args = parser.parse_args()
    work = Path(args.work) if args.work else Path(tempfile.mkdtemp(prefix="city-bench-"))
    from site_builder.pipeline import build

    repo = work / "district"
    if not (repo / ".git").is_dir():
        synth(repo, args.units)
    start = time.perf_counter()
    built = build(repo, work / "district-out")
    district_seconds = time.perf_counter() - start
    assert built.site_dir is not None
    export = built.site_dir / "data" / "export.json"
    figures = {"machine": machine(), "units": args.units,
               "district_build_seconds": round(district_seconds, 2),
               "export_bytes": export.stat().st_size, "cities": {}}  # fmt: skip
    print(f"one district of {args.units} units: build {district_seconds:.1f} s, "
          f"export {export.stat().st_size / 1e6:.1f} MB")  # fmt: skip
    for count in [int(c) for c in args.districts.split(",")]:
        folder = work / f"city-{count}"
        shutil.rmtree(folder, ignore_errors=True)
        city = _city(folder, export, count)
        cold = _run(city, folder / "out")
        _change_one(folder / "exports" / "d03" / "export.json")
        again = _run(city, folder / "out")
        figures["cities"][count] = {"cold": cold, "one_changed": again}
        print(f"{count} districts × {args.units} units: cold {cold['seconds']} s "
              f"{cold['stages']}; after one district changed {again['seconds']} s "
              f"{again['stages']} (re-read {again['reread']}, re-indexed "
              f"{again['reindexed']} of {again['shards']} shards)")  # fmt: skip
    name = f"city-{args.districts.replace(',', '_')}x{args.units}.json"
    write_json(name, figures)
    print(f"written: {RESULTS / name}")


if __name__ == "__main__":
    main()
