"""`rectify serve` on a real repository: it names the repository and commit it watches,
answers a path the site does not have with the site's own 404 page (status 404), and
lists no folder."""

from __future__ import annotations

import socket
import subprocess
import sys
import time
import urllib.error
import urllib.request
from pathlib import Path

from conftest import BASE_FILES
from gitrepo import GitRepo


def _free_port() -> int:
    with socket.socket() as probe:
        probe.bind(("127.0.0.1", 0))
        return probe.getsockname()[1]


def _get(url: str) -> tuple[int, str]:
    try:
        with urllib.request.urlopen(url, timeout=10) as response:
            return response.status, response.read().decode("utf-8")
    except urllib.error.HTTPError as error:
        return error.code, error.read().decode("utf-8")


def test_serve_names_its_repository_and_answers_unknown_paths_with_the_sites_404(
    tmp_path: Path,
) -> None:
    repo = GitRepo(tmp_path / "district")
    commit = repo.commit(dict(BASE_FILES), "建立台账")
    port = _free_port()
    server = subprocess.Popen(
        [sys.executable, "-m", "site_builder", "serve", "--root", str(repo.root),
         "--out", str(tmp_path / "out"), "--port", str(port)],
        stdout=subprocess.PIPE,
        stderr=subprocess.STDOUT,
        text=True,
    )  # fmt: skip
    lines: list[str] = []
    try:
        assert server.stdout is not None
        deadline = time.monotonic() + 180
        while not any("站点已启动" in line for line in lines):
            assert time.monotonic() < deadline and server.poll() is None, lines
            lines.append(server.stdout.readline())
        said = "".join(lines)
        assert f"正在监视仓库：{repo.root.resolve()}（当前提交 {commit[:10]}）" in said, said

        base = f"http://127.0.0.1:{port}/"
        status, page = _get(base + "units/r1/wcjd/")
        assert status == 200 and "公务用车管理不规范" in page
        own_404 = (tmp_path / "out" / "site" / "404.html").read_text(encoding="utf-8")
        for missing in ("no/such/page/", "units/r1/nowhere/", "units/", "downloads/x.docx"):
            status, page = _get(base + missing)
            assert status == 404, missing
            assert page == own_404, missing  # the site's page, not Python's or a listing
    finally:
        server.terminate()
        server.wait(timeout=10)
