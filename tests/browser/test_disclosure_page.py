"""The public notices (整改情况公开) in a real Chromium: no sideways scroll at a phone's and
a desk's width, and printing gives the notice alone. Screenshots go to build/screenshots/."""

from __future__ import annotations

from collections.abc import Iterator
from pathlib import Path
from typing import Any

import pytest

from browser.conftest import serving
from site_builder.audience import parse_audience
from site_builder.pipeline import build

from conftest import ROOT

pytestmark = pytest.mark.browser

SCREENSHOTS = ROOT / "build" / "screenshots"
SIZES = {"phone": (390, 844), "desk": (1366, 900)}

SIDEWAYS = "() => document.documentElement.scrollWidth - document.documentElement.clientWidth"
SHOWN = """(selector) => Array.from(document.querySelectorAll(selector))
  .filter(e => e.getClientRects().length > 0 && getComputedStyle(e).visibility !== 'hidden')
  .length"""


@pytest.fixture(scope="module")
def public_site(tmp_path_factory: pytest.TempPathFactory) -> Iterator[tuple[str, list[str]]]:
    out = tmp_path_factory.mktemp("public-notices")
    result = build(ROOT, out, audience=parse_audience("public"), keep_going=True)
    assert result.site_dir is not None
    pages = sorted(
        p.parent.relative_to(result.site_dir).as_posix() + "/"
        for p in (result.site_dir / "disclosure").glob("*/*/index.html")
    )
    # The longest notice stands for them all.
    site = result.site_dir
    longest = max(pages, key=lambda p: (site / p / "index.html").stat().st_size)
    with serving(result.site_dir) as url:
        yield url, ["disclosure/", longest]


def test_notice_pages_fit_phone_and_desk(public_site, chromium: Any) -> None:
    url, pages = public_site
    SCREENSHOTS.mkdir(parents=True, exist_ok=True)
    for size, (width, height) in SIZES.items():
        page = chromium.new_page(viewport={"width": width, "height": height})
        try:
            for path in pages:
                page.goto(url + path)
                assert page.evaluate(SIDEWAYS) <= 0, (size, path)
                name = "disclosure-index" if path == "disclosure/" else "disclosure-notice"
                page.screenshot(path=str(SCREENSHOTS / f"{name}-{size}.png"), full_page=True)
        finally:
            page.close()


def test_printing_gives_the_notice_alone(public_site, chromium: Any) -> None:
    url, pages = public_site
    page = chromium.new_page(viewport={"width": 1366, "height": 900})
    try:
        page.goto(url + pages[1])
        assert page.evaluate(SHOWN, ".rl-crumbs") == 1 and page.evaluate(SHOWN, ".rl-noprint") == 1
        page.emulate_media(media="print")
        assert page.evaluate(SHOWN, ".rl-notice") == 1
        assert page.evaluate(SHOWN, "article h1, .md-content h1") == 1
        for hidden in (".rl-crumbs", ".rl-noprint", ".md-header", ".md-sidebar--primary"):
            assert page.evaluate(SHOWN, hidden) == 0, hidden
        pdf = Path(SCREENSHOTS / "disclosure-notice.pdf")
        page.pdf(path=str(pdf), format="A4")
        assert pdf.stat().st_size > 10_000
    finally:
        page.close()
