"""The built site in a real Chromium: pages, Chinese search, no outside requests, no XSS.

One site is built per session from the base district, with a payload in every
free-text field of its ledger (see ``LEDGER_WITH_PAYLOADS`` in this package's
conftest), and served from 127.0.0.1.
"""

from __future__ import annotations

import re
from pathlib import Path
from typing import TYPE_CHECKING
from urllib.parse import quote, urljoin, urlsplit

import pytest

from browser.conftest import PAYLOAD_TAGS, Tab, payload

if TYPE_CHECKING:  # Playwright may be absent: the tests then skip rather than fail to import
    from playwright.sync_api import Locator, Page

pytestmark = pytest.mark.browser

UNIT_PAGE = "units/r1/wcjd/"

# What the page would contain if a payload had run or had become markup.
FIND_INJECTED_MARKUP = """() => {
  const found = [];
  const describe = (el) => el.tagName.toLowerCase() + (el.id ? "#" + el.id : "");
  for (const el of document.querySelectorAll("*")) {
    for (const attr of el.attributes) {
      const name = attr.name.toLowerCase();
      if (name.startsWith("on") && attr.value.includes("__xss"))
        found.push(`${describe(el)} has ${name}="${attr.value}"`);
    }
  }
  for (const a of document.querySelectorAll("a[href]")) {
    if (/^\\s*(javascript|data|vbscript):/i.test(a.getAttribute("href")))
      found.push(`a has href="${a.getAttribute("href")}"`);
  }
  for (const el of document.querySelectorAll("[src]")) {
    if (/^\\s*(javascript|data:text)/i.test(el.getAttribute("src")) || el.getAttribute("src") === "x")
      found.push(`${describe(el)} has src="${el.getAttribute("src")}"`);
  }
  for (const s of document.scripts) {
    if (s.textContent.includes("__xss")) found.push(`script element: ${s.outerHTML.slice(0, 120)}`);
  }
  for (const el of document.querySelectorAll("iframe, object, embed"))
    found.push(`${describe(el)} element`);
  return found;
}"""


def open_search(tab: Tab, term: str) -> list[str]:
    """Open Material's search with ``term`` from the URL; the absolute result links."""
    tab.open("?q=" + quote(term))
    tab.page.locator(".md-search-result__item").first.wait_for(state="attached")
    links = tab.page.locator("a.md-search-result__link")
    return [
        urljoin(tab.page.url, href)
        for href in links.evaluate_all("as => as.map(a => a.getAttribute('href'))")
    ]


def is_link_to(url: str, page_path: str, fragment: str) -> bool:
    # search.highlight adds ?h=<term>, so compare the path and the fragment only.
    parts = urlsplit(url)
    return parts.path.endswith("/" + page_path) and parts.fragment == fragment


def pages_showing_payloads(site: Path) -> list[str]:
    """Site paths (as URLs) of every built page whose HTML carries a payload."""
    pages = []
    for html in sorted(site.rglob("*.html")):
        source = html.read_text(encoding="utf-8")
        if re.search(r"(__|&#95;&#95;)xss", source):
            rel = html.relative_to(site).as_posix()
            pages.append(rel.removesuffix("index.html"))
    return pages


# --- Pages ---------------------------------------------------------------------------


def test_overview_shows_rounds_and_a_chart(tab: Tab) -> None:
    tab.open()
    page = tab.page
    assert "巡察整改台账" in page.title()
    assert "巡察整改台账" in page.locator("article h1").inner_text()
    round_link = page.locator("article table.rl-table a", has_text="区委第一轮巡察")
    assert round_link.get_attribute("href") == "rounds/r1/"
    assert round_link.is_visible()
    assert page.locator("article table.rl-table tr.rl-total").is_visible()
    # Inline SVG charts, no chart library: the overview draws at least one.
    assert page.locator("svg.rl-chart").count() >= 1, (
        "no inline <svg class='rl-chart'> on the overview"
    )


def test_unit_page_shows_each_problem_and_a_timeline(tab: Tab) -> None:
    tab.open(UNIT_PAGE)
    page = tab.page
    assert "坞城街道党工委" in page.locator("article h1").inner_text()
    for problem in ("p01", "p02"):
        heading = page.locator(f"article h2#{problem}")
        assert heading.is_visible(), problem
        assert heading.inner_text().startswith(problem.upper())
    assert page.locator(".rl-timeline").count() >= 1, "no .rl-timeline element on the unit page"
    timeline = page.locator("#p02 ~ .rl-problem table.rl-timeline").first
    assert "已确认 · 赵敏" in timeline.inner_text()


# --- Chinese search ------------------------------------------------------------------


def test_search_finds_a_chinese_word_and_opens_its_problem(tab: Tab) -> None:
    page = tab.page
    links = open_search(tab, "公务用车")
    assert any(is_link_to(url, UNIT_PAGE, "p02") for url in links), links
    # Material folds a page's further sections under "more"; open it when needed.
    result = page.locator("a.md-search-result__link[href$='#p02']").first
    if not result.is_visible():
        page.locator(".md-search-result__more > summary").first.click()
    result.click()
    page.wait_for_url(re.compile(r"/units/r1/wcjd/.*#p02$"))
    heading = page.locator("article h2#p02")
    assert heading.inner_text().startswith("P02 公务用车管理不规范")
    heading.wait_for(state="visible")
    assert heading.evaluate(
        "h => { const r = h.getBoundingClientRect(); return r.top >= 0 && r.top < innerHeight; }"
    ), "the P02 heading is not in view after following the search result"


@pytest.mark.parametrize(
    "term",
    [
        "停放",  # mid-sentence in P02's description: found only if the index is segmented
        "登记台账",  # two dictionary words typed as one query
    ],
    ids=["word-inside-a-sentence", "two-words-as-one-query"],
)
def test_search_finds_words_inside_chinese_sentences(tab: Tab, term: str) -> None:
    links = open_search(tab, term)
    assert any(is_link_to(url, UNIT_PAGE, "p02") for url in links), links


# --- Offline -------------------------------------------------------------------------


def test_nothing_is_requested_from_another_host(tab: Tab) -> None:
    for path in ("", "rounds/r1/", UNIT_PAGE):
        tab.open(path)
        tab.page.wait_for_load_state("networkidle")
    open_search(tab, "公务用车")
    tab.page.wait_for_load_state("networkidle")

    # The recorder sees the search worker's fetch, so it would see any other.
    assert any(url.endswith("/search/search_index.json") for url in tab.requests), tab.requests
    outside = [
        url
        for url in tab.requests
        if urlsplit(url).scheme not in ("data", "blob")
        and urlsplit(url).hostname not in ("127.0.0.1", "localhost")
    ]
    assert outside == []


# --- Staff text is shown, never run --------------------------------------------------


# A point of the element that the mouse reaches: inside the viewport and not under
# another element (a wide table can run under the table-of-contents sidebar).
UNCOVERED_POINT = """el => {
  const r = el.getBoundingClientRect();
  for (const fy of [0.5, 0.25, 0.75]) {
    for (const fx of [0.5, 0.25, 0.1, 0.75, 0.9]) {
      const x = r.left + r.width * fx, y = r.top + r.height * fy;
      if (x < 0 || y < 0 || x >= innerWidth || y >= innerHeight) continue;
      const top = document.elementFromPoint(x, y);
      if (top && (top === el || el.contains(top))) return {x, y};
    }
  }
  return null;
}"""


def hover(page: Page, element: Locator) -> None:
    """Move the real mouse over ``element``; if no part of it can be reached, send the event."""
    element.scroll_into_view_if_needed()
    point = element.evaluate(UNCOVERED_POINT)
    if point:
        page.mouse.move(point["x"], point["y"])
    else:
        element.dispatch_event("mouseover")
        element.dispatch_event("mouseenter")


def assert_payloads_inert(tab: Tab, where: str) -> None:
    page = tab.page
    found = page.evaluate(FIND_INJECTED_MARKUP)
    assert found == [], f"{where}: payload became markup: {found}"
    assert page.evaluate("typeof window.__xss") == "undefined", (
        f"{where}: a payload ran: window.__xss = {page.evaluate('String(window.__xss)')}"
    )
    assert tab.dialogs == [], f"{where}: dialogs opened: {tab.dialogs}"


def test_payloads_are_shown_as_typed_and_never_run(tab: Tab, site_with_payloads: Path) -> None:
    page = tab.page
    pages = pages_showing_payloads(site_with_payloads)
    assert UNIT_PAGE in pages and "common/" in pages, pages
    for path in pages:
        tab.open(path)
        page.wait_for_load_state("networkidle")
        assert_payloads_inert(tab, path)

        source = page.content()
        shown = page.locator("body").inner_text()
        tags = [tag for tag in PAYLOAD_TAGS if f"{tag}:script" in source]
        if path == UNIT_PAGE:
            assert tags == PAYLOAD_TAGS, "the unit page leaves out a field of the ledger"
        for tag in tags:
            assert payload(tag) in shown, f"{path}: field {tag} is not shown as typed"

        # An attribute-list payload would only fire on hover: hover over every
        # heading, cell and paragraph that shows one.
        holders = (
            page.locator("article").locator("h1, h2, h3, th, td, li, p").filter(has_text="__xss")
        )
        assert holders.count() > 0
        for i in range(holders.count()):
            hover(page, holders.nth(i))
        page.mouse.move(0, 0)
        assert_payloads_inert(tab, f"{path} after hovering")


def test_payloads_in_search_results_are_shown_not_run(tab: Tab) -> None:
    open_search(tab, "公务用车")
    page = tab.page
    results = page.locator(".md-search-result")
    assert "<script>window.__xss='p02-title:script'</script>" in results.inner_text()
    for i in range(page.locator(".md-search-result__item").count()):
        page.locator(".md-search-result__item").nth(i).hover()
    assert_payloads_inert(tab, "search results")


# --- Artefacts -----------------------------------------------------------------------


@pytest.mark.parametrize(
    ("path", "name"), [("", "overview"), (UNIT_PAGE, "unit-r1-wcjd")], ids=["overview", "unit"]
)
def test_screenshot(tab: Tab, artifacts_dir: Path, path: str, name: str) -> None:
    tab.open(path)
    tab.page.evaluate("document.fonts.ready.then(() => true)")
    target = artifacts_dir / f"{name}.png"
    tab.page.screenshot(path=str(target), full_page=True)
    assert target.stat().st_size > 10_000
