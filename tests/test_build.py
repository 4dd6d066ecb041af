"""The real site build: MkDocs Material on a generated docs tree."""

from __future__ import annotations

import json
import re
from datetime import date
from pathlib import Path

import pytest

from site_builder.pipeline import build

from conftest import BASE_FILES

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


def test_search_index_is_segmented_chinese(built_site: Path) -> None:
    index = json.loads((built_site / "search/search_index.json").read_text(encoding="utf-8"))
    section = next(d for d in index["docs"] if d["location"] == "units/r1/wcjd/#p02")
    assert "\u200b公务用车\u200b" in section["text"]


def test_nothing_is_loaded_from_another_host(built_site: Path) -> None:
    for path in built_site.rglob("*.html"):
        html = path.read_text(encoding="utf-8")
        # Links away are fine; what the browser fetches by itself is not.
        fetched = re.findall(r'src="(https?://[^"]+)"', html)
        fetched += re.findall(r'<link[^>]+href="(https?://[^"]+)"', html)
        for url in fetched:
            pytest.fail(f"{path.name} loads {url}")
        assert "fonts.googleapis" not in html
