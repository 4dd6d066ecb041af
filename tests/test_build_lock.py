"""One build at a time: real concurrent `rectify build` processes in one output folder.

The second build waits for the first (with a message) or, past its --wait, stops with
exit 1 and H034; the site is whole at every moment and complete afterwards.
"""

from __future__ import annotations

import os
import shutil
import signal
import subprocess
import sys
import threading
import time
from collections.abc import Callable
from pathlib import Path

import pytest

from site_builder.buildlock import LOCK_FILE, build_lock

from conftest import ROOT

pytestmark = pytest.mark.slow  # runs concurrent real builds of a district

AS_OF = "2020-06-30"


@pytest.fixture(scope="module")
def district(tmp_path_factory: pytest.TempPathFactory) -> Path:
    """The sample district's first round: a build long enough for another to overlap it."""
    root = tmp_path_factory.mktemp("lock") / "repo"
    shutil.copytree(ROOT / "rounds", root / "rounds", ignore=shutil.ignore_patterns("evaluations"))
    shutil.copytree(ROOT / "ledgers" / "r1", root / "ledgers" / "r1")
    return root


class Run:
    """A real `rectify` process whose output is collected as it comes."""

    def __init__(self, *args: str) -> None:
        self.proc = subprocess.Popen(
            [sys.executable, "-m", "site_builder", *args],
            stdout=subprocess.PIPE, stderr=subprocess.PIPE, text=True,
        )  # fmt: skip
        self.out: list[str] = []
        self.err: list[str] = []
        for stream, lines in ((self.proc.stdout, self.out), (self.proc.stderr, self.err)):
            threading.Thread(target=lambda s=stream, ls=lines: ls.extend(s), daemon=True).start()

    @property
    def stderr(self) -> str:
        return "".join(self.err)

    def wait(self, timeout: float = 600) -> int:
        code = self.proc.wait(timeout=timeout)
        time.sleep(0.1)  # let the reader threads drain the pipes
        return code


def build_run(root: Path, out: Path, *extra: str) -> Run:
    return Run("build", "--root", str(root), "--out", str(out), "--as-of", AS_OF, "--keep-going",
               *extra)  # fmt: skip


def until(condition: Callable[[], bool], timeout: float = 120) -> bool:
    deadline = time.monotonic() + timeout
    while time.monotonic() < deadline:
        if condition():
            return True
        time.sleep(0.01)
    return False


def holds_lock(out: Path, run: Run) -> Callable[[], bool]:
    def check() -> bool:
        try:
            return f"pid {run.proc.pid} " in (out / LOCK_FILE).read_text()
        except OSError:
            return False

    return check


def files(site: Path) -> set[str]:
    """Every file of the site; Pagefind's, whose names hash their content, by kind only."""
    found = set()
    for path in site.rglob("*"):
        if path.is_file():
            name = path.relative_to(site).as_posix()
            if name.startswith("pagefind/") and "_" in path.name:
                name = f"{path.parent.relative_to(site).as_posix()}/*{path.suffix}"
            found.add(name)
    return found


@pytest.fixture(scope="module")
def reference(district: Path, tmp_path_factory: pytest.TempPathFactory) -> Path:
    """A site built alone, to compare with sites built side by side."""
    out = tmp_path_factory.mktemp("reference") / "out"
    assert build_run(district, out).wait() == 0
    return out / "site"


def complete(site: Path, reference: Path) -> bool:
    """The same files as the site built alone, and as many search fragments."""
    fragments = [len(list((s / "pagefind").glob("*/fragment/*"))) for s in (site, reference)]
    return files(site) == files(reference) and fragments[0] == fragments[1] > 100


def watch_site(site: Path, stop: threading.Event, gaps: list[float]) -> None:
    while not stop.is_set():
        if not (site / "index.html").exists():
            gaps.append(time.monotonic())
        time.sleep(0.005)


def test_second_build_waits_for_the_first(district, reference, tmp_path) -> None:
    out = tmp_path / "out"
    shutil.copytree(reference.parent, out)  # a folder with a built site
    stop, gaps = threading.Event(), []
    watcher = threading.Thread(target=watch_site, args=(out / "site", stop, gaps), daemon=True)
    watcher.start()

    first = build_run(district, out)
    assert until(holds_lock(out, first)), first.stderr
    # Paused while it holds the folder, so the second build surely finds it busy however
    # slowly it starts on a loaded machine; resumed once the second says it waits.
    os.kill(first.proc.pid, signal.SIGSTOP)
    try:
        second = build_run(district, out)
        assert until(lambda: "正由另一次生成使用" in second.stderr), second.stderr
        assert first.proc.poll() is None, "the second build must have waited while the first ran"
        assert f"进程 {first.proc.pid}" in second.stderr
    finally:
        os.kill(first.proc.pid, signal.SIGCONT)
    assert first.wait() == 0, first.stderr
    assert second.wait() == 0, second.stderr
    stop.set()
    watcher.join()

    assert gaps == [], "there was a moment without a site"
    assert "Traceback" not in first.stderr + second.stderr
    assert complete(out / "site", reference)
    assert "已生成站点" in second.stderr


def test_second_build_gives_up_after_its_wait(district, reference, tmp_path) -> None:
    out = tmp_path / "out"
    first = build_run(district, out)
    assert until(holds_lock(out, first)), first.stderr
    second = build_run(district, out, "--wait", "1")
    assert second.wait() == 1, second.stderr
    assert first.proc.poll() is None, "the first build must still have held the folder"
    assert "H034" in second.stderr and "已等待" in second.stderr and "--wait" in second.stderr
    assert "Traceback" not in second.stderr
    assert first.wait() == 0, first.stderr
    assert complete(out / "site", reference)


def test_a_build_and_serve_wait_for_a_held_lock(make_repo, tmp_path) -> None:
    district, out = make_repo(), tmp_path / "out"
    serve: Run | None = None
    try:
        with build_lock(out) as lock:
            assert lock.held
            refused = build_run(district, out, "--wait", "0.5")
            assert refused.wait() == 1
            assert "H034" in refused.stderr and f"进程 {os.getpid()}" in refused.stderr
            assert "Traceback" not in refused.stderr and not (out / "site").exists()

            serve = Run("serve", "--root", str(district), "--out", str(out), "--as-of", AS_OF,
                        "--keep-going", "--port", "0", "--wait", "120")  # fmt: skip
            assert until(lambda: "正由另一次生成使用" in serve.stderr), serve.stderr
            time.sleep(1)
            assert not (out / "site").exists(), "serve built while the folder was locked"
        # The lock is released: serve's build goes on and the server starts.
        assert until(lambda: any("站点已启动" in line for line in serve.out)), serve.stderr
        assert (out / "site" / "index.html").exists()
    finally:
        if serve is not None:
            serve.proc.terminate()
            serve.proc.wait(timeout=30)
