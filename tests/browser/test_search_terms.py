"""The search page ranks the whole term first and filters by kind and round, in Chromium.

A small district is built with two typical cases: one that names the domain terms
(未巡先改, 问责, 销号, 三重一大), and one that holds only their characters, scattered,
and more often. Pagefind alone matches a query's characters anywhere on a page, and a
page that holds them more often would rank first; the search page ranks pages that hold
the characters side by side above those (``rectify-search.js``).
"""

from __future__ import annotations

from collections.abc import Iterator
from datetime import date
from typing import Any
from urllib.parse import urlsplit

import pytest

from browser.conftest import Tab, browsing, serving
from browser.test_site_in_chromium import open_search, result_for, search_results
from site_builder.pipeline import build

from conftest import BASE_FILES, write_files

pytestmark = pytest.mark.browser

WHOLE = "cases/2017-02-whole-terms/"
SCATTERED = "cases/2017-03-scattered/"
CASE_HEAD = """
    ---
    title: {title}
    unit: wcjd
    round: r1
    date: 2017-11-20
    category: leadership
    form: 1
    problems:
      - r1/wcjd/P01
    lesson: {lesson}
    ---
"""
CASES = {
    "rounds/cases/2017-02-whole-terms.md": CASE_HEAD.format(
        title="社区整改工作情况", lesson="整改要落到实处。"
    )
    + "社区对照共性问题清单开展未巡先改，发现的问题逐项销号，"
    "对相关人员严肃问责，落实“三重一大”决策制度。\n",
    # Every character of every term, more often than above, never side by side.
    "rounds/cases/2017-03-scattered.md": CASE_HEAD.format(
        title="街道工作记录", lesson="工作要有记录。"
    )
    + "未能及时巡查，先期改正不到位；未经审批，巡查后先行改正；未入账、未公示。"
    "问题较多，责任不清；问题突出，责任落实差；问题整改，责任到人。"
    "销售收入未入账，文号缺失；销毁票据，编号混乱；销账无据，字号不清。"
    "三人重复报销一次，大额支出；三项重点，一律大包。\n",
}
TERMS = ["未巡先改", "问责", "销号", "三重一大"]


@pytest.fixture(scope="module")
def cases_url(tmp_path_factory: pytest.TempPathFactory) -> Iterator[str]:
    root = write_files(tmp_path_factory.mktemp("terms") / "repo", {**BASE_FILES, **CASES})
    result = build(root, root.parent / "out", as_of=date(2017, 12, 1))
    assert result.site_dir is not None, [d.as_text() for d in result.diagnostics]
    with serving(result.site_dir) as url:
        yield url


def _paths(tab: Tab, links: list[str]) -> list[str]:
    """Result page paths in order, relative to the site (sections left out)."""
    base = urlsplit(tab.base_url).path
    pages = [urlsplit(link).path.removeprefix(base) for link in links if "#" not in link]
    return list(dict.fromkeys(pages))


@pytest.mark.parametrize("term", TERMS)
def test_the_whole_term_ranks_above_its_scattered_characters(
    chromium: Any, cases_url: str, term: str
) -> None:
    with browsing(chromium, cases_url) as tab:
        pages = _paths(tab, open_search(tab, term))
        # Both are found (the scattered page holds every character) …
        assert WHOLE in pages and SCATTERED in pages, pages
        # … and the page with the term itself comes first, though it holds the
        # characters fewer times.
        assert pages.index(WHOLE) < pages.index(SCATTERED), pages
        # A note says where the pages with the whole term end.
        items = tab.page.locator("#rl-search .pagefind-ui__results > li").evaluate_all(
            "lis => lis.map(li => li.classList.contains('rl-search__divider') ? li.textContent"
            " : li.querySelector('a').getAttribute('href'))"
        )
        note = f"以下结果不含完整的“{term}”，只含其中的字"
        at = {item: i for i, item in reversed(list(enumerate(items)))}
        whole, scattered = (
            next(i for i, h in enumerate(items) if h.endswith(p)) for p in (WHOLE, SCATTERED)
        )
        assert whole < at[note] < scattered, items


def test_results_filter_by_kind_and_round_from_the_keyboard(chromium: Any, cases_url: str) -> None:
    with browsing(chromium, cases_url) as tab:
        page = tab.page
        everything = _paths(tab, open_search(tab, "坞城"))
        assert any(p.startswith("units/") for p in everything), everything
        assert any(p.startswith("cases/") for p in everything), everything

        # The kind filter is a checkbox per kind: tick 典型案例 with the space bar.
        box = page.get_by_role("checkbox", name="典型案例")
        box.focus()
        page.keyboard.press("Space")
        assert box.is_checked()
        page.wait_for_function(
            "() => [...document.querySelectorAll('#rl-search .pagefind-ui__result "
            "> div > p > a')].every(a => a.getAttribute('href').includes('/cases/'))"
        )
        cases = _paths(tab, search_results(tab))
        assert cases and all(p.startswith("cases/") for p in cases), cases
        assert set(cases) < set(everything)
        # Each result says what it is and which round it belongs to.
        shown = result_for(tab, WHOLE).inner_text()
        assert "典型案例 · 区委第一轮巡察" in shown, shown

        # The round is a select, named by its label; its options are the rounds by name.
        page.keyboard.press("Space")  # untick again
        select = page.get_by_role("combobox", name="轮次", exact=True)
        options = select.locator("option").all_inner_texts()
        assert options == ["全部轮次", "区委第一轮巡察"], options
        select.select_option(label="区委第一轮巡察")
        found = _paths(tab, search_results(tab))
        assert WHOLE in found and "units/r1/wcjd/" in found, found
        assert "" not in found and "cases/" not in found, found  # these belong to no round
