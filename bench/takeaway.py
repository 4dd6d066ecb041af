"""Issue 14 item 7: the cost of each ledger's Word report and Excel workbook in a build.

Builds the demo district's site data once, then writes every ledger's .docx and .xlsx
into an empty docs folder (cold) and again into the same folder (warm: every file kept).
Prints wall and CPU seconds; CPU is what other load on the machine disturbs less.

    .venv/bin/python bench/takeaway.py [--repeat 3]
"""

from __future__ import annotations

import argparse
import json
import subprocess
import sys
import tempfile
import time
from pathlib import Path

from site_builder.history import read_history
from site_builder.load import load_project
from site_builder.render import takeaway
from site_builder.render.tree import DocsTree
from site_builder.render.views import build_site_data

ROOT = Path(__file__).resolve().parents[1]


def main() -> None:
    parser = argparse.ArgumentParser()
    parser.add_argument("--repeat", type=int, default=3)
    args = parser.parse_args()
    with tempfile.TemporaryDirectory() as work:
        repo = Path(work) / "demo"
        subprocess.run([sys.executable, "-m", "site_builder", "demo", str(repo), "--source",
                        str(ROOT)], check=True, capture_output=True)  # fmt: skip
        project, diagnostics = load_project(repo)
        history, _ = read_history(repo, project.signers)
        site = build_site_data(project, diagnostics, project.settings.as_of, history)
        figures: dict[str, list[list[float]]] = {"cold": [], "warm": []}
        for run in range(args.repeat):
            docs = Path(work) / f"out{run}" / "docs"
            docs.mkdir(parents=True)
            for kind in ("cold", "warm"):
                wall, cpu = time.perf_counter(), time.process_time()
                files = takeaway.write_takeaways(DocsTree(docs), site)
                figures[kind].append([time.perf_counter() - wall, time.process_time() - cpu])
        count = sum(len(f) for f in files.values())
        print(json.dumps({"files": count, **{k: {"wall_s": min(w for w, _ in v),
              "cpu_s": min(c for _, c in v)} for k, v in figures.items()}}, indent=1))  # fmt: skip


if __name__ == "__main__":
    main()
