"""The city site in a real Chromium: a unit name from one district is found by the
city-wide search with its district named, and the overview fits 390 and 1366 px
without sideways scrolling (screenshots in build/screenshots/)."""

from __future__ import annotations

from collections.abc import Iterator
from pathlib import Path
from typing import Any

import pytest
from cityrepos import OWN_UNIT, SAMPLE_OWN_UNIT, sample_district_repo, three_district_city

from browser.conftest import browsing, serving
from browser.test_site_in_chromium import open_search
from site_builder.city import build_city

pytestmark = pytest.mark.browser
SHOTS = Path(__file__).resolve().parents[2] / "build" / "screenshots"


@pytest.fixture(scope="module")
def city_url(tmp_path_factory: pytest.TempPathFactory) -> Iterator[str]:
    base = tmp_path_factory.mktemp("city-browser")
    result = build_city(three_district_city(base), base / "out")
    assert result.site_dir is not None, [d.as_text() for d in result.diagnostics]
    with serving(result.site_dir) as url:
        yield url


def test_city_search_finds_a_unit_with_its_district(chromium: Any, city_url: str) -> None:
    with browsing(chromium, city_url) as tab:
        links = open_search(tab, OWN_UNIT)
        # Broad Chinese matching also finds pages sharing its characters (街道党工委), so
        # the unit's own district is not always first: find its result, which names it.
        own = [k for k, link in enumerate(links) if "/districts/yingze/rounds/r1/" in link]
        assert own, links
        results = tab.page.locator("#rl-search .pagefind-ui__result")
        texts = results.all_inner_texts()
        mine = [t for t in texts if OWN_UNIT in t]
        assert mine and all("迎泽区" in t for t in mine), texts
        # A name all three districts share is found in each, each result naming its own.
        open_search(tab, "区教育局党委")
        titles = tab.page.locator("#rl-search .pagefind-ui__result-title").all_inner_texts()
        assert {"小店区", "迎泽区", "晋源区"} <= {t.split(" · ")[0] for t in titles}, titles


@pytest.fixture(scope="module")
def sample_city_url(tmp_path_factory: pytest.TempPathFactory) -> Iterator[str]:
    """Three districts as offices keep them: the sample district (124 units, feedback
    lists, clues, 督办 …) under three district names."""
    base = tmp_path_factory.mktemp("sample-city")
    result = build_city(three_district_city(base, sample_district_repo), base / "out")
    assert result.site_dir is not None, [d.as_text() for d in result.diagnostics]
    with serving(result.site_dir) as url:
        yield url


def test_city_of_sample_districts_finds_each_districts_units(
    chromium: Any, sample_city_url: str
) -> None:
    with browsing(chromium, sample_city_url) as tab:
        links = open_search(tab, SAMPLE_OWN_UNIT)
        assert any("/districts/yingze/" in link for link in links), links
        texts = tab.page.locator("#rl-search .pagefind-ui__result").all_inner_texts()
        mine = [t for t in texts if SAMPLE_OWN_UNIT in t]
        assert mine and all("迎泽区" in t for t in mine), texts
        # A unit every district has is found in each, each result naming its district.
        open_search(tab, "区教育局党委")
        titles = tab.page.locator("#rl-search .pagefind-ui__result-title").all_inner_texts()
        assert {"小店区", "迎泽区", "晋源区"} <= {t.split(" · ")[0] for t in titles}, titles


@pytest.mark.parametrize("width", [390, 1366])
def test_city_overview_fits_the_screen(chromium: Any, city_url: str, width: int) -> None:
    with browsing(chromium, city_url) as tab:
        tab.page.set_viewport_size({"width": width, "height": 900})
        tab.open("")
        wide = tab.page.evaluate(
            "document.documentElement.scrollWidth - document.documentElement.clientWidth"
        )
        SHOTS.mkdir(parents=True, exist_ok=True)
        tab.page.screenshot(path=str(SHOTS / f"city-overview-{width}.png"), full_page=True)
        assert wide <= 0, f"{wide} px of sideways scroll at {width} px"
