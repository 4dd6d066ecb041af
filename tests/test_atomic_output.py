"""A build killed part-way (a real SIGKILL) leaves the previous site whole, byte for byte."""

from __future__ import annotations

import hashlib
import shutil
import signal
import subprocess
import sys
import time
from collections.abc import Callable
from pathlib import Path

import pytest
import security_figures

from site_builder.site.swap import recover, swap_in

from conftest import ROOT

pytestmark = pytest.mark.slow  # kills real builds of a district part-way, repeatedly


def snapshot(site: Path) -> dict[str, str]:
    return {
        p.relative_to(site).as_posix(): hashlib.sha256(p.read_bytes()).hexdigest()
        for p in sorted(site.rglob("*"))
        if p.is_file()
    }


def start_build(root: Path, out: Path, as_of: str) -> subprocess.Popen:
    return subprocess.Popen(
        [sys.executable, "-m", "site_builder", "build", "--root", str(root), "--out", str(out),
         "--as-of", as_of, "--keep-going"],
        stdout=subprocess.DEVNULL, stderr=subprocess.PIPE,
    )  # fmt: skip


def wait_for(condition: Callable[[], bool], proc: subprocess.Popen, timeout: float = 120) -> bool:
    deadline = time.monotonic() + timeout
    while time.monotonic() < deadline:
        if condition():
            return True
        if proc.poll() is not None:
            return False
        time.sleep(0.01)
    return False


@pytest.fixture(scope="module")
def district(tmp_path_factory: pytest.TempPathFactory) -> Path:
    """The sample district with the first round's ledgers: hundreds of files, seconds to build."""
    root = tmp_path_factory.mktemp("atomic") / "repo"
    shutil.copytree(ROOT / "rounds", root / "rounds", ignore=shutil.ignore_patterns("evaluations"))
    for round_id in ("r1",):
        shutil.copytree(ROOT / "ledgers" / round_id, root / "ledgers" / round_id)
    return root


def test_killed_builds_leave_the_previous_site_whole(district: Path, tmp_path: Path) -> None:
    out = tmp_path / "out"
    first = start_build(district, out, "2020-06-30")
    assert first.wait(timeout=600) == 0, first.stderr.read().decode()[-2000:]
    before = snapshot(out / "site")
    assert len(before) > 100

    # Kill points: while loading and rendering pages; once the engine starts writing the
    # new site; and when it has written half of it. (The swap itself is one system call,
    # renameat2 RENAME_EXCHANGE: there is no moment without a whole site to kill in.)
    def files_in_staging() -> int:
        try:
            return sum(1 for p in (out / "site.new").rglob("*") if p.is_file())
        except FileNotFoundError:  # the build empties a leftover staging folder first
            return 0

    def rendering_since(start: float) -> bool:
        """A page of the docs tree rewritten by this build (only changed ones are)."""
        for page in (out / "docs").rglob("*.md"):
            try:
                if page.stat().st_mtime >= start:
                    return True
            except FileNotFoundError:  # removed as stale while we looked
                continue
        return False

    points: list[tuple[str, Callable[[float], bool]]] = [
        ("pages", rendering_since),
        ("engine", lambda _: (out / "site.new" / "assets").exists()),
        ("engine-half", lambda _: files_in_staging() > len(before) // 2),
    ]
    kills = intact = 0
    for name, reached in points:
        start = time.time()
        proc = start_build(district, out, "2020-12-31")
        if not wait_for(lambda reached=reached, start=start: reached(start), proc):
            proc.kill()
            pytest.fail(f"the build never reached {name}: {proc.stderr.read().decode()[-2000:]}")
        proc.send_signal(signal.SIGKILL)
        proc.wait(timeout=30)
        assert proc.returncode == -signal.SIGKILL, f"{name}: the build finished before the kill"
        kills += 1
        assert snapshot(out / "site") == before, f"killed at {name}: the previous site changed"
        intact += 1
    security_figures.record(atomic__kills=kills, atomic__sites_intact=intact)

    # The next build after the kills completes and replaces the site.
    last = start_build(district, out, "2020-12-31")
    assert last.wait(timeout=600) == 0, last.stderr.read().decode()[-2000:]
    after = snapshot(out / "site")
    assert after != before and not (out / "site.new").exists()


def test_swap_without_exchange_is_recovered(tmp_path: Path) -> None:
    """Where the two-rename fallback stopped half-way, the old site comes back first."""
    final, old, staging = tmp_path / "site", tmp_path / "site.old", tmp_path / "site.new"
    old.mkdir()
    (old / "index.html").write_text("旧站点", encoding="utf-8")
    recover(final)
    assert (final / "index.html").read_text(encoding="utf-8") == "旧站点" and not old.exists()
    staging.mkdir()
    (staging / "index.html").write_text("新站点", encoding="utf-8")
    swap_in(staging, final)
    assert (final / "index.html").read_text(encoding="utf-8") == "新站点"
    assert not staging.exists() and not old.exists()
