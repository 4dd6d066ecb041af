"""The built site in a real Chromium: pages, Chinese search, no outside requests, no XSS.

One site is built per session from the base district, with a payload in every
free-text field of its ledger (see ``LEDGER_WITH_PAYLOADS`` in this package's
conftest), and served from 127.0.0.1. Search is Pagefind's: its UI on the generated
search page (``search/?q=``), over the chunked index the build writes to ``pagefind/``.
A second, small site (module scope) holds domain terms for the search to find.
"""

from __future__ import annotations

import re
from collections.abc import Iterator
from datetime import date
from pathlib import Path
from typing import TYPE_CHECKING, Any
from urllib.parse import parse_qs, quote, urljoin, urlsplit

import pytest

from browser.conftest import PAYLOAD_TAGS, Tab, browsing, payload, serving
from site_builder.pipeline import build

from conftest import BASE_FILES, write_files

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


# Pagefind's UI first shows a placeholder (.pagefind-ui__loading) for each result and
# fills it in when that page's fragment arrives: the search has settled when the
# message gives a count and no placeholder is left, or when it says nothing was found.
SEARCH_SETTLED = """() => {
  const box = document.getElementById("rl-search");
  const message = box && box.querySelector(".pagefind-ui__message");
  if (!message) return false;
  const text = message.textContent.trim();
  if (/^找到 \\d+ 个/.test(text))
    return box.querySelector(".pagefind-ui__result") !== null
      && box.querySelector(".pagefind-ui__loading") === null;
  return text.startsWith("没有找到");
}"""
MORE_LOADED = """(shown) => {
  const box = document.getElementById("rl-search");
  return box.querySelectorAll(".pagefind-ui__result").length > shown
    && box.querySelector(".pagefind-ui__loading") === null;
}"""
RESULT_LINKS = "#rl-search a.pagefind-ui__result-link"
SUB_RESULT_LINKS = "#rl-search .pagefind-ui__result-nested a.pagefind-ui__result-link"


def search_results(tab: Tab) -> list[str]:
    """Wait for the search page's results, load every page of them; the absolute links."""
    page = tab.page
    page.wait_for_function(SEARCH_SETTLED)
    more = page.locator("#rl-search button.pagefind-ui__button")  # "加载更多结果"
    for _ in range(50):
        if not more.is_visible():
            break
        shown = page.locator("#rl-search .pagefind-ui__result").count()
        more.click()
        page.wait_for_function(MORE_LOADED, arg=shown)
    else:
        pytest.fail("the search page keeps offering more results")
    hrefs = page.locator(RESULT_LINKS).evaluate_all("as => as.map(a => a.getAttribute('href'))")
    return [urljoin(page.url, href) for href in hrefs]


def open_search(tab: Tab, term: str) -> list[str]:
    """Open the search page with ``term`` in the URL (as the header's box does); the links."""
    tab.open("search/?q=" + quote(term))
    return search_results(tab)


def is_link_to(tab: Tab, url: str, page_path: str, fragment: str = "") -> bool:
    """Whether ``url`` is the served site's ``page_path`` (with ``fragment``)."""
    parts, expected = urlsplit(url), urlsplit(urljoin(tab.base_url, page_path))
    return (parts.netloc, parts.path, parts.fragment) == (expected.netloc, expected.path, fragment)


def result_for(tab: Tab, page_path: str) -> Locator:
    """The search result (with its sub-results) whose main link is ``page_path``."""
    results = tab.page.locator("#rl-search .pagefind-ui__result")
    for i in range(results.count()):
        href = results.nth(i).locator("a.pagefind-ui__result-link").first.get_attribute("href")
        if href and is_link_to(tab, urljoin(tab.page.url, href), page_path):
            return results.nth(i)
    raise AssertionError(f"no search result for {page_path}")


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
    assert any(is_link_to(tab, url, UNIT_PAGE, "p02") for url in links), links
    # Pagefind lists a page's best-matching sections under it: follow the one for P02.
    subs = page.locator(SUB_RESULT_LINKS)
    hrefs = subs.evaluate_all("as => as.map(a => a.href)")
    to_p02 = [i for i, url in enumerate(hrefs) if is_link_to(tab, url, UNIT_PAGE, "p02")]
    assert to_p02, f"no sub-result for P02 among {hrefs}"
    subs.nth(to_p02[0]).click()
    page.wait_for_url(re.compile(r"/units/r1/wcjd/#p02$"))
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
        "登记台账",  # two words typed as one query
    ],
    ids=["word-inside-a-sentence", "two-words-as-one-query"],
)
def test_search_finds_words_inside_chinese_sentences(tab: Tab, term: str) -> None:
    links = open_search(tab, term)
    assert any(is_link_to(tab, url, UNIT_PAGE, "p02") for url in links), links


def test_the_header_search_box_opens_the_search_page(tab: Tab) -> None:
    page = tab.page
    tab.open(UNIT_PAGE)
    box = page.locator("form.rl-header-search input#rl-header-q")
    box.fill("公务用车")
    box.press("Enter")
    page.wait_for_url(re.compile(r"/search/\?q="))
    parts = urlsplit(page.url)
    assert parts.path == urlsplit(urljoin(tab.base_url, "search/")).path, page.url
    assert parse_qs(parts.query) == {"q": ["公务用车"]}, page.url
    links = search_results(tab)
    assert any(is_link_to(tab, url, UNIT_PAGE, "p02") for url in links), links
    assert "公务用车" in page.locator("#rl-search .pagefind-ui__message").inner_text()
    # The search page keeps the term in both boxes.
    assert page.locator("#rl-header-q").input_value() == "公务用车"
    assert page.locator("#rl-search input.pagefind-ui__search-input").input_value() == "公务用车"


# Domain terms that jieba split (未巡 / 先改, 对账 / 销号) until a user dictionary kept
# them whole. A district whose P02 is titled with both.
DOMAIN_TITLE = "未巡先改工作未开展，对账销号不及时"


@pytest.fixture(scope="module")
def domain_terms_url(tmp_path_factory: pytest.TempPathFactory) -> Iterator[str]:
    ledger = BASE_FILES["ledgers/r1/wcjd.yml"].replace(
        "title: 公务用车管理不规范", f"title: {DOMAIN_TITLE}"
    )
    assert DOMAIN_TITLE in ledger
    root = write_files(
        tmp_path_factory.mktemp("domain-terms") / "repo",
        {**BASE_FILES, "ledgers/r1/wcjd.yml": ledger},
    )
    result = build(root, root.parent / "out", as_of=date(2017, 12, 1))
    assert result.site_dir is not None, [d.as_text() for d in result.diagnostics]
    with serving(result.site_dir) as url:
        yield url


@pytest.mark.parametrize("term", ["未巡先改", "对账销号"])
def test_search_finds_domain_terms(chromium: Any, domain_terms_url: str, term: str) -> None:
    with browsing(chromium, domain_terms_url) as dtab:
        links = open_search(dtab, term)
        assert any(is_link_to(dtab, url, UNIT_PAGE) for url in links), links
        # Found for P02's title, not for a word of the term elsewhere on the page
        # (销号 alone is on every unit page).
        shown = result_for(dtab, UNIT_PAGE).inner_text()
        assert DOMAIN_TITLE in shown, shown


# --- Offline -------------------------------------------------------------------------


def test_nothing_is_requested_from_another_host(tab: Tab) -> None:
    for path in ("", "rounds/r1/", UNIT_PAGE):
        tab.open(path)
        tab.page.wait_for_load_state("networkidle")
    open_search(tab, "公务用车")
    tab.page.wait_for_load_state("networkidle")

    # The recorder sees Pagefind's fetches of its index (its worker's too), so it
    # would see any other.
    pagefind = urljoin(tab.base_url, "pagefind/")
    fetched = {
        urlsplit(url).path.rsplit("/", 1)[-1] for url in tab.requests if url.startswith(pagefind)
    }
    for name in ("pagefind-entry.json", "pagefind.js", "wasm.unknown.pagefind"):
        assert name in fetched, sorted(fetched)
    for suffix in (".pf_meta", ".pf_index", ".pf_fragment"):
        assert any(name.endswith(suffix) for name in fetched), sorted(fetched)
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

        # Collapsed sections (the catalogue's unit lists) are shown as typed once opened.
        page.evaluate("document.querySelectorAll('details').forEach(d => { d.open = true; })")
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


def hover_search_results(page: Page, limit: int = 100) -> int:
    """Move the mouse over each result, sub-result and excerpt; how many it reached."""
    parts = page.locator(
        "#rl-search .pagefind-ui__result-title, #rl-search .pagefind-ui__result-excerpt"
    )
    count = min(parts.count(), limit)
    for i in range(count):
        hover(page, parts.nth(i))
    page.mouse.move(0, 0)
    return count


def test_payloads_in_search_results_are_shown_not_run(tab: Tab) -> None:
    links = open_search(tab, "公务用车")
    assert any(is_link_to(tab, url, UNIT_PAGE, "p02") for url in links), links
    page = tab.page
    results = page.locator("#rl-search .pagefind-ui__results").inner_text()
    # P02's heading, payload and all, is the title of its sub-result.
    assert f"P02 公务用车管理不规范 {payload('p02-title')}" in results, results
    assert hover_search_results(page) > 0
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
