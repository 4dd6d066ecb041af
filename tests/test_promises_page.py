"""docs/guide/promises.md states measured figures: its section is a rendering of a run's."""

from __future__ import annotations

import json
import os
import subprocess
import sys
from pathlib import Path

import security_figures
from security_figures import END, FIGURES, PAGE, START, figures_in, render_section, section_of


def test_figures_section_is_generated_from_a_test_run() -> None:
    page = PAGE.read_text(encoding="utf-8")
    data = figures_in(page)
    assert data is not None, "run the suite, then: python tests/security_figures.py"
    assert section_of(page) == render_section(data), "the section was edited by hand"
    assert set(FIGURES) <= set(data["figures"]), set(FIGURES) - set(data["figures"])
    assert data["run"]["commit"] and data["run"]["started"]


# Four processes of one run, as pytest-xdist workers: each counts forty inputs.
_WORKER = """
import sys
sys.path.insert(0, sys.argv[1])
import security_figures
for _ in range(40):
    security_figures.add(input__bombs=1, input__bombs_refused=1)
    security_figures.maximum(input__bomb_seconds=float(sys.argv[2]))
"""


def _workers(figures: Path, run_id: str, count: int) -> None:
    env = {**os.environ, "RECTIFY_FIGURES": str(figures), "PYTEST_XDIST_TESTRUNUID": run_id}
    tests = str(Path(security_figures.__file__).parent)
    running = [
        subprocess.Popen([sys.executable, "-c", _WORKER, tests, str(n)], env=env)
        for n in range(count)
    ]
    assert [p.wait(timeout=120) for p in running] == [0] * count


def test_parallel_workers_of_one_run_add_up(tmp_path: Path) -> None:
    """The page's counts are the whole run's, however many workers ran it."""
    figures = tmp_path / "figures.json"
    _workers(figures, "run-a", 4)
    data = json.loads(figures.read_text(encoding="utf-8"))
    assert data["run"]["id"] == "run-a"
    assert data["figures"]["input.bombs"] == data["figures"]["input.bombs_refused"] == 160
    assert data["figures"]["input.bomb_seconds"] == 3.0
    # The next run starts afresh: no count carries over from an earlier run.
    _workers(figures, "run-b", 1)
    data = json.loads(figures.read_text(encoding="utf-8"))
    assert data["run"]["id"] == "run-b" and data["figures"]["input.bombs"] == 40


def test_update_page_writes_the_run_into_its_section_only(tmp_path: Path) -> None:
    figures = tmp_path / "figures.json"
    run = {**security_figures.RUN, "started": "2026-11-30T08:00:00+08:00", "commit": "abc1234"}
    measured = {key: 0 for key in FIGURES if key != "input.bomb_seconds"}
    measured["input.bytes"] = 1234
    figures.write_text(json.dumps({"run": run, "figures": measured}), encoding="utf-8")
    page = tmp_path / "promises.md"
    before, after = "# 承诺\n\n前文。\n\n", "\n\n后文。\n"
    page.write_text(before + START + "\n旧数字\n" + END + after, encoding="utf-8")
    text = security_figures.update_page(page, figures)
    assert text.startswith(before) and text.endswith(after) and "旧数字" not in text
    assert figures_in(text) == {"run": run, "figures": measured}
    assert "| 随机字节作为各类文件读入 | 1,234 个 |" in text
    assert "| 拒绝一个构造文件最长用时 | （本次未测） 秒 |" in text  # not measured: said so
    assert section_of(text) == render_section(figures_in(text))


def test_render_section_names_the_run() -> None:
    data = {"run": dict(security_figures.RUN), "figures": {key: 0 for key in FIGURES}}
    section = render_section(data)
    assert data["run"]["started"] in section and data["run"]["commit"] in section
    for title, label, _ in FIGURES.values():
        assert label in section and title in section
