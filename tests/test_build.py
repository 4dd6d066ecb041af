"""The real site build: MkDocs Material on a generated docs tree."""

from __future__ import annotations

import re
import socket
import subprocess
import sys
import time
import urllib.request
from datetime import date
from pathlib import Path

import pytest

from site_builder.pipeline import build

from conftest import BASE_FILES, search_fragments

PAYLOAD = '<script>alert(1)</script> { onmouseover="alert(2)" } [x](javascript:alert(3))'


@pytest.fixture
def built_site(make_repo, tmp_path) -> Path:
    ledger = BASE_FILES["ledgers/r1/wcjd.yml"].replace(
        "title: 公务用车管理不规范", f"title: '公务用车管理不规范 {PAYLOAD}'"
    )
    root = make_repo({"ledgers/r1/wcjd.yml": ledger})
    result = build(root, tmp_path / "out", as_of=date(2017, 12, 1))
    assert result.site_dir is not None, [d.as_text() for d in result.diagnostics]
    return result.site_dir


def test_pages_exist(built_site: Path) -> None:
    for page in (
        "index.html",
        "rounds/r1/index.html",
        "units/r1/wcjd/index.html",
        "common/index.html",
        "cases/index.html",
    ):
        assert (built_site / page).is_file(), page


def test_unit_page_has_a_section_per_problem(built_site: Path) -> None:
    html = (built_site / "units/r1/wcjd/index.html").read_text(encoding="utf-8")
    assert '<h2 id="p01">' in html and '<h2 id="p02">' in html
    assert "刘志强（党工委书记）" in html


def test_staff_text_is_shown_not_executed(built_site: Path) -> None:
    html = (built_site / "units/r1/wcjd/index.html").read_text(encoding="utf-8")
    assert "<script>alert(1)" not in html
    assert not re.search(r"<[^>]+\sonmouseover=", html)
    assert 'href="javascript:' not in html


def test_search_index_holds_each_page_segmented(built_site: Path) -> None:
    fragments = search_fragments(built_site, segmented=True)
    text = fragments["/units/r1/wcjd/"]
    # Every Han character is a word of its own (site/search.py, split_han), joined with
    # U+200B, so a query's characters match whatever words Pagefind would have made.
    assert "公\u200b务\u200b用\u200b车" in text, text[:300]
    # Only the page's own content is indexed, not the sidebar every page repeats.
    assert "巡察轮次" not in text.replace("\u200b", "")
    # The search page is not a result.
    assert "/search/" not in fragments
    assert (built_site / "search/index.html").is_file()


def test_nothing_is_loaded_from_another_host(built_site: Path) -> None:
    for path in built_site.rglob("*.html"):
        html = path.read_text(encoding="utf-8")
        # Links away are fine; what the browser fetches by itself is not.
        fetched = re.findall(r'src="(https?://[^"]+)"', html)
        fetched += re.findall(r'<link[^>]+href="(https?://[^"]+)"', html)
        for url in fetched:
            pytest.fail(f"{path.name} loads {url}")
        assert "fonts.googleapis" not in html


def test_build_fails_without_pagefind(make_repo, tmp_path) -> None:
    # A None entry in sys.modules makes the import fail, as on a machine without it.
    code = (
        "import sys; sys.modules['pagefind_bin_extended'] = None\n"
        "from site_builder.cli.main import main\n"
        f"raise SystemExit(main(['build', '--root', {str(make_repo())!r}, '--out', {str(tmp_path)!r}]))"
    )
    result = subprocess.run([sys.executable, "-c", code], capture_output=True, text=True)
    assert result.returncode == 1
    assert "缺少站内搜索索引工具 Pagefind" in result.stderr
    assert "Traceback" not in result.stderr
    assert not (tmp_path / "site").exists()


def test_serve_rebuilds_when_a_ledger_changes(make_repo, tmp_path) -> None:
    root = make_repo()
    with socket.socket() as probe:
        probe.bind(("127.0.0.1", 0))
        port = probe.getsockname()[1]
    server = subprocess.Popen(
        [
            sys.executable,
            "-m",
            "site_builder",
            "serve",
            "--root",
            str(root),
            "--out",
            str(tmp_path / "out"),
            "--port",
            str(port),
        ],
        stdout=subprocess.PIPE,
        stderr=subprocess.STDOUT,
        text=True,
    )
    url = f"http://127.0.0.1:{port}/units/r1/wcjd/"
    try:
        assert "公务用车管理不规范" in _fetch_when_ready(url)
        ledger = root / "ledgers/r1/wcjd.yml"
        ledger.write_text(
            ledger.read_text(encoding="utf-8").replace("公务用车管理不规范", "公车使用登记不全"),
            encoding="utf-8",
        )
        deadline = time.monotonic() + 60
        while "公车使用登记不全" not in _fetch_when_ready(url):
            assert time.monotonic() < deadline, "site was not rebuilt"
            time.sleep(0.5)
    finally:
        server.terminate()
        server.wait(timeout=10)


def _fetch_when_ready(url: str, timeout: float = 60) -> str:
    deadline = time.monotonic() + timeout
    while True:
        try:
            with urllib.request.urlopen(url, timeout=5) as response:
                return response.read().decode("utf-8")
        except OSError:
            if time.monotonic() > deadline:
                raise
            time.sleep(0.3)
