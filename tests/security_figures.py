"""Figures the reliability and security tests measure, and the page that states them.

Each test records what it tried and what it found with ``record``; the figures land
in ``test-artifacts/security-figures.json`` (git-ignored), stamped with the run they
came from. ``python tests/security_figures.py`` rewrites the figures section of
``docs/guide/promises.md`` from that file, so the page only ever shows measured
numbers. ``test_promises_page.py`` checks that the page's section is such a rendering.
"""

from __future__ import annotations

import fcntl
import json
import os
import platform
import re
import subprocess
import sys
import time
from collections.abc import Callable
from datetime import UTC, datetime
from pathlib import Path
from typing import Any

ROOT = Path(__file__).resolve().parent.parent
# RECTIFY_FIGURES moves the file, e.g. when two test runs share one working tree.
FIGURES_FILE = Path(
    os.environ.get("RECTIFY_FIGURES", ROOT / "test-artifacts" / "security-figures.json")
)
PAGE = ROOT / "docs" / "guide" / "promises.md"
START, END = "<!-- figures:start -->", "<!-- figures:end -->"

# key -> (section, Chinese label, unit). The page lists every key in this order.
FIGURES: dict[str, tuple[str, str, str]] = {
    "input.bytes": ("拒绝异常输入", "随机字节作为各类文件读入", "个"),
    "input.text": ("拒绝异常输入", "随机文字（含控制字符）作为 YAML 读入", "个"),
    "input.structures": ("拒绝异常输入", "随机结构（任意字段名、嵌套）作为 YAML 读入", "个"),
    "input.mutations": (
        "拒绝异常输入",
        "对示例台账的随机改动（删改字节、行、缩进、字段、取值）",
        "个",
    ),
    "input.ids": ("拒绝异常输入", "随机编号与文件名（含 ../、斜杠、控制字符、保留名）", "个"),
    "input.crashes": ("拒绝异常输入", "其中程序出错（异常）或未给出校验提示的", "个"),
    "input.bombs": ("拒绝异常输入", "别名炸弹、超大文件、海量条目、深层嵌套等构造文件", "个"),
    "input.bombs_refused": ("拒绝异常输入", "其中在限度内被拒绝的", "个"),
    "input.bomb_seconds": ("拒绝异常输入", "拒绝一个构造文件最长用时", "秒"),
    "input.bomb_peak_mb": ("拒绝异常输入", "拒绝一个构造文件最高内存占用", "MB"),
    "input.names_outside": (
        "拒绝异常输入",
        "带危险文件名和编号的站点构建写到构建目录之外的文件",
        "个",
    ),
    "input.links_refused": ("拒绝异常输入", "指向仓库之外的符号链接被拒绝", "个"),
    "injection.fields": ("页面不执行录入内容", "放入攻击内容的字段（覆盖全部文件类型）", "个"),
    "injection.payloads": ("页面不执行录入内容", "每个字段中的攻击写法", "种"),
    "injection.pages": ("页面不执行录入内容", "在 Chromium 中逐页检查的页面", "个"),
    "injection.executed": ("页面不执行录入内容", "其中被执行的脚本", "个"),
    "injection.interpreted": ("页面不执行录入内容", "其中被解释为标记、链接或属性的内容", "处"),
    "injection.not_shown": ("页面不执行录入内容", "未按原样显示的字段", "个"),
    "audience.values": ("公开版不含敏感内容", "检查的敏感取值（示例区）", "个"),
    "audience.files": ("公开版不含敏感内容", "逐字节检查的公开版输出文件", "个"),
    "audience.leaks": ("公开版不含敏感内容", "公开版中发现的敏感取值", "处"),
    "audience.internal_hits": ("公开版不含敏感内容", "对照：内部版中能找到的敏感取值", "个"),
    "tamper.rewrites_refused": ("防篡改", "改写历史后未经确认即被拒绝的构建", "次"),
    "tamper.missing_evidence": ("防篡改", "删除佐证文件后被标出的", "个"),
    "atomic.kills": ("数据不丢失", "构建中途被强行终止（SIGKILL）", "次"),
    "atomic.sites_intact": ("数据不丢失", "其后原站点逐字节完好", "次"),
    "merge.merges": ("数据不丢失", "两个分支分别销号同一台账不同问题后合并", "次"),
    "merge.conflicts": ("数据不丢失", "其中出现合并冲突", "次"),
}


def _git(*args: str) -> str:
    try:
        out = subprocess.run(["git", *args], cwd=ROOT, capture_output=True, text=True)
        return out.stdout.strip()
    except OSError:
        return ""


# One run of the suite: every module that records shares this stamp. Parallel workers
# (pytest-xdist) are processes of one run: they share xdist's run id, and the lock
# below makes their read-add-write of the file one step each.
RUN = {
    "id": os.environ.get("PYTEST_XDIST_TESTRUNUID") or f"{os.getpid()}-{time.time_ns()}",
    "started": datetime.now(UTC).astimezone().isoformat(timespec="seconds"),
    "commit": _git("rev-parse", "--short=10", "HEAD") or "（无）",
    # Uncommitted changes to the code, tests or docs the run used (not test artefacts).
    "dirty": bool(
        _git("status", "--porcelain", "--", "site_builder", "tests", "docs", "pyproject.toml")
    ),
    "python": platform.python_version(),
    "machine": f"{platform.system()} {platform.machine()}, {os.cpu_count()} CPU",
}


def _load(path: Path) -> dict[str, Any]:
    try:
        data = json.loads(path.read_text(encoding="utf-8"))
    except (OSError, ValueError):
        data = {}
    if data.get("run", {}).get("id") != RUN["id"]:
        data = {"run": RUN, "figures": {}}  # a new run starts a new record
    return data


def _update(
    combine: Callable[[float | None, float], float],
    figures: dict[str, float],
    path: Path | None = None,
) -> None:
    """Read the run's figures, combine each new value with the stored one, write back.

    Under an exclusive lock, so parallel workers of one run never lose each other's counts.
    """
    path = path or FIGURES_FILE
    path.parent.mkdir(parents=True, exist_ok=True)
    with open(path.with_suffix(".lock"), "a") as lock:
        fcntl.flock(lock, fcntl.LOCK_EX)
        data = _load(path)
        for key, value in figures.items():
            name = key.replace("__", ".")
            assert name in FIGURES, f"unknown figure {name}: add it to FIGURES"
            data["figures"][name] = combine(data["figures"].get(name), value)
        tmp = path.with_suffix(f".{os.getpid()}.tmp")
        tmp.write_text(json.dumps(data, ensure_ascii=False, indent=2), encoding="utf-8")
        tmp.replace(path)


def record(**figures: float) -> None:
    """Store figures of this run (keys from FIGURES, with '.' written as '__')."""
    _update(lambda _old, new: new, figures)


def add(**figures: float) -> None:
    """Add to counting figures of this run."""
    _update(lambda old, new: (old or 0) + new, figures)


def maximum(**figures: float) -> None:
    """Keep the largest value seen in this run."""
    _update(lambda old, new: max(old or 0, new), figures)


# --- The page section -----------------------------------------------------------------


def _number(value: int | float | None) -> str:
    if value is None:
        return "（本次未测）"
    if isinstance(value, float) and not value.is_integer():
        return f"{value:.2f}"
    return f"{int(value):,}"


def render_section(data: dict[str, Any]) -> str:
    """The figures section of the promises page, from a figures file's content."""
    run, figures = data["run"], data["figures"]
    lines = [
        START,
        "",
        f"以下数字由测试在运行时自动统计，来自 {run['started']} 在提交 `{run['commit']}`"
        f"{'（及尚未提交的修改）' if run.get('dirty') else ''}上的一次"
        f"完整测试运行（{run['machine']}，Python {run['python']}），"
        "由 `python tests/security_figures.py` 写入本页，请勿手工修改。",
        "",
    ]
    section = None
    for key, (title, label, unit) in FIGURES.items():
        if title != section:
            section = title
            lines += ["", f"**{title}**", "", "| 项目 | 数量 |", "| --- | --- |"]
        lines.append(f"| {label} | {_number(figures.get(key))} {unit} |")
    # The raw figures, so a test can check the table is a rendering of them.
    raw = json.dumps({"run": run, "figures": figures}, ensure_ascii=False, sort_keys=True)
    lines += ["", f"<!-- figures-json: {raw} -->", "", END]
    return "\n".join(lines)


def section_of(page: str) -> str:
    match = re.search(re.escape(START) + ".*?" + re.escape(END), page, re.S)
    return match.group(0) if match else ""


def figures_in(page: str) -> dict[str, Any] | None:
    match = re.search(r"<!-- figures-json: (\{.*?\}) -->", section_of(page))
    return json.loads(match.group(1)) if match else None


def update_page(page_path: Path = PAGE, figures_path: Path = FIGURES_FILE) -> str:
    data = json.loads(figures_path.read_text(encoding="utf-8"))
    page = page_path.read_text(encoding="utf-8")
    if not section_of(page):
        raise SystemExit(f"{page_path} has no {START} … {END} section")
    page = page.replace(section_of(page), render_section(data))
    page_path.write_text(page, encoding="utf-8")
    return page


def main() -> int:
    if not FIGURES_FILE.exists():
        print(f"{FIGURES_FILE} is missing: run the whole test suite first", file=sys.stderr)
        return 1
    data = json.loads(FIGURES_FILE.read_text(encoding="utf-8"))
    missing = [key for key in FIGURES if key not in data["figures"]]
    if missing:
        print(f"figures missing from the run (run the whole suite): {missing}", file=sys.stderr)
        return 1
    update_page()
    print(f"updated {PAGE.relative_to(ROOT)} from the run of {data['run']['started']}")
    return 0


if __name__ == "__main__":
    raise SystemExit(main())
