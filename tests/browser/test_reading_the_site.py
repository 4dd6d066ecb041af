"""The demo district's site as a reader sees it, at a phone's and a desk's size.

Every page kind is opened in a real Chromium at 390×844 and 1366×900 and must not
scroll sideways, must not break a date across lines and must show no English status
code; the warnings page starts with the red list; every number on the overview links
to a list that shows that many rows; axe-core finds no serious or critical problem.
Screenshots of every page kind at both sizes go to build/screenshots/ (not committed).
"""

from __future__ import annotations

import re
import subprocess
import sys
from collections.abc import Iterator
from pathlib import Path
from typing import Any

import pytest

from browser.conftest import serving

from conftest import ROOT

pytestmark = pytest.mark.browser

SCREENSHOTS = ROOT / "build" / "screenshots"
SIZES = {"phone": (390, 844), "desk": (1366, 900)}

# Page kinds with a fixed address in the demo; the rest are found in the built site.
FIXED_PAGES = {
    "overview": "",
    "warnings": "warnings/",
    "green": "warnings/green/",
    "round": "rounds/r3/",
    "unit": "units/r3/bgz/",
    "report": "reports/r3/bgz/",
    "common": "common/",
    "cases": "cases/",
    "downloads": "downloads/",
    "evaluation": "evaluation/",
    "evaluation-round": "evaluation/r3/",
    "notices": "evaluation/notices/",
    "months": "months/",
    "month": "months/2020-11/",
    "search": "search/?q=" + "%E5%9D%9E%E5%9F%8E",  # 坞城
}
FOUND_PAGES = {  # kind -> the folder whose first page stands for the kind
    "case": "cases",
    "evaluation-card": "evaluation/r3",
    "notice": "evaluation/notices",
    "bulletin": "evaluation/bulletins",
    "guide": "guide",
}

# Codes a reader must never see: statuses, sign-off states, event kinds.
ENGLISH_CODES = re.compile(
    r"\b(not_started|in_progress|done|closed|open|withdrawn|confirmed|unconfirmed|"
    r"self_approved|unknown_reviewer|bad_signature|missing_signature|created|deleted|"
    r"status_changed|completed|reopened|postponed|deadline_changed|owner_changed|"
    r"evidence_added|evidence_removed|closure_rewritten)\b"
)

# A date or id is broken when its text's boxes sit on more than one line.
DATES_THAT_WRAP = """() => {
  const wrapped = [];
  for (const t of document.querySelectorAll("td time, td .rl-id, td.rl-id")) {
    if (!t.offsetParent) continue;
    const range = document.createRange();
    range.selectNodeContents(t);
    const tops = new Set(Array.from(range.getClientRects()).filter(r => r.width > 0).map(r => Math.round(r.top)));
    if (tops.size > 1) wrapped.push(t.textContent.trim());
  }
  return wrapped;
}"""

# The rows a link's list shows: the first .rl-list table after the link's target, as
# long as no other section heading comes between them.
ROWS_SHOWN = """() => {
  const id = decodeURIComponent(location.hash.slice(1));
  const target = document.getElementById(id);
  if (!target) return {error: "no element #" + id};
  const all = Array.from(document.querySelectorAll("h2, table.rl-list"));
  const after = all.filter(el => target.compareDocumentPosition(el) & Node.DOCUMENT_POSITION_FOLLOWING);
  const first = after[0];
  if (!first || first.tagName === "H2") return {rows: 0, table: false};
  const rows = Array.from(first.tBodies[0].rows).filter(r => !r.hidden && r.offsetParent !== null);
  return {rows: rows.length, table: true};
}"""


@pytest.fixture(scope="module")
def demo_site(tmp_path_factory: pytest.TempPathFactory) -> Path:
    work = tmp_path_factory.mktemp("demo-read")
    repo, out = work / "repo", work / "out"
    run = [sys.executable, "-m", "site_builder"]
    made = subprocess.run(
        [*run, "demo", str(repo), "--source", str(ROOT)], capture_output=True, text=True
    )
    assert made.returncode == 0, made.stderr
    built = subprocess.run(
        [*run, "build", "--root", str(repo), "--out", str(out)], capture_output=True, text=True
    )
    assert built.returncode == 0, built.stderr
    return out / "site"


def page_kinds(site: Path) -> dict[str, str]:
    pages = dict(FIXED_PAGES)
    for kind, folder in FOUND_PAGES.items():
        found = sorted(p for p in (site / folder).glob("*/index.html"))
        assert found, f"no {kind} page under {folder}/"
        pages[kind] = found[0].parent.relative_to(site).as_posix() + "/"
    return pages


@pytest.fixture(scope="module")
def demo_url(demo_site: Path) -> Iterator[str]:
    with serving(demo_site) as url:
        yield url


@pytest.fixture(scope="module", params=list(SIZES))
def sized(request: pytest.FixtureRequest, chromium: Any, demo_url: str) -> Iterator[Any]:
    width, height = SIZES[request.param]
    context = chromium.new_context(viewport={"width": width, "height": height}, locale="zh-CN")
    context.set_default_timeout(15_000)
    page = context.new_page()
    page.size_name = request.param  # type: ignore[attr-defined]
    page.base = demo_url  # type: ignore[attr-defined]
    try:
        yield page
    finally:
        context.close()


def test_every_page_kind_fits_the_screen_and_speaks_chinese(sized: Any, demo_site: Path) -> None:
    SCREENSHOTS.mkdir(parents=True, exist_ok=True)
    problems: list[str] = []
    for kind, path in page_kinds(demo_site).items():
        sized.goto(sized.base + path, wait_until="load")
        sized.evaluate("document.fonts.ready.then(() => true)")
        if kind == "search":
            sized.wait_for_selector("#rl-search .pagefind-ui__result", timeout=15_000)
        sized.screenshot(path=str(SCREENSHOTS / f"{kind}-{sized.size_name}.png"))
        width = sized.evaluate("document.documentElement.scrollWidth")
        inner = sized.evaluate("window.innerWidth")
        if width > inner:
            problems.append(f"{kind}: page is {width} px wide in a {inner} px window")
        wrapped = sized.evaluate(DATES_THAT_WRAP)
        if wrapped:
            problems.append(f"{kind}: dates or ids broken across lines: {wrapped[:5]}")
        if kind != "guide":  # the staff guide documents the codes staff type in YAML
            text = sized.locator("article").inner_text()
            codes = sorted(set(ENGLISH_CODES.findall(text)))
            if codes:
                problems.append(f"{kind}: English codes in the text: {codes}")
    assert not problems, "\n".join(problems)


def test_the_red_list_starts_in_the_first_screen(sized: Any) -> None:
    sized.goto(sized.base + "warnings/", wait_until="load")
    first = sized.locator("#red-list tbody tr").first
    box = first.bounding_box()
    height = sized.viewport_size["height"]
    assert box is not None and box["y"] + 40 < height, (box, height)
    assert "逾期" in sized.locator("h2").first.inner_text()


def _numbered_links(page: Any) -> list[tuple[int, str]]:
    found = page.locator("a.rl-count").evaluate_all(
        "as => as.map(a => [(a.querySelector('strong') || a).textContent, a.href])"
    )
    links = []
    for text, href in found:
        number = re.search(r"\d+", text)
        assert number, f"a counted link without a number: {text!r} → {href}"
        links.append((int(number.group()), href))
    return links


@pytest.mark.parametrize("path", ["", "rounds/r3/", "units/r3/bgz/"])
def test_every_number_links_to_a_list_with_that_many_rows(
    chromium: Any, demo_url: str, path: str
) -> None:
    context = chromium.new_context(viewport={"width": 1366, "height": 900}, locale="zh-CN")
    try:
        page = context.new_page()
        page.goto(demo_url + path, wait_until="load")
        links = _numbered_links(page)
        assert len(links) >= (6 if path == "" else 2), links
        wrong = []
        for number, href in links:
            page.goto(href, wait_until="load")
            shown = page.evaluate(ROWS_SHOWN)
            if shown.get("error") or shown["rows"] != number:
                wrong.append(f"{href}: says {number}, list shows {shown}")
        assert not wrong, "\n".join(wrong)
    finally:
        context.close()


def test_filters_narrow_the_lists_and_without_script_every_row_is_there(
    chromium: Any, demo_url: str, demo_site: Path
) -> None:
    html = (demo_site / "warnings" / "index.html").read_text(encoding="utf-8")
    red_table = html.split('id="red-list"')[1].split("</table>")[0]
    served_rows = len(re.findall(r"<tr data-round", red_table))
    context = chromium.new_context(viewport={"width": 1366, "height": 900}, locale="zh-CN")
    try:
        page = context.new_page()
        page.goto(demo_url + "warnings/", wait_until="load")
        rows = page.locator("#red-list tbody tr")
        assert rows.count() == served_rows > 1
        page.select_option('select[data-filter="round"]', "r3")
        visible = rows.evaluate_all("rs => rs.filter(r => !r.hidden).map(r => r.dataset.round)")
        assert visible and set(visible) == {"r3"} and len(visible) < served_rows
        page.locator("#red-list thead th").nth(6).click()  # days overdue, ascending
        days = rows.evaluate_all(
            "rs => rs.filter(r => !r.hidden).map(r => +r.cells[6].dataset.sort)"
        )
        assert days == sorted(days)
    finally:
        context.close()
    nojs = chromium.new_context(java_script_enabled=False, viewport={"width": 390, "height": 844})
    try:
        page = nojs.new_page()
        page.goto(demo_url + "warnings/", wait_until="load")
        assert page.locator("#red-list tbody tr").count() == served_rows
        assert not page.locator(".rl-filters-box").is_visible()  # useless without script
        days = page.locator("#red-list tbody tr").evaluate_all(
            "rs => rs.map(r => +r.cells[6].dataset.sort)"
        )
        assert days == sorted(days, reverse=True)  # the most overdue first
    finally:
        nojs.close()


def test_no_serious_accessibility_violation_on_any_page_kind(
    chromium: Any, demo_url: str, demo_site: Path
) -> None:
    from axe_playwright_python.sync_playwright import Axe

    axe = Axe()
    context = chromium.new_context(viewport={"width": 1366, "height": 900}, locale="zh-CN")
    found = []
    try:
        page = context.new_page()
        for kind, path in page_kinds(demo_site).items():
            page.goto(demo_url + path, wait_until="load")
            if kind == "search":
                page.wait_for_selector("#rl-search .pagefind-ui__result", timeout=15_000)
            result = axe.run(page)
            for v in result.response["violations"]:
                if v["impact"] in ("serious", "critical"):
                    targets = [n["target"] for n in v["nodes"][:3]]
                    found.append(f"{kind}: {v['id']} ({v['impact']}) {v['help']} {targets}")
    finally:
        context.close()
    assert not found, "\n".join(found)


@pytest.mark.parametrize("term", ["坞城街道党工委", "坞城街道", "坞城"])
def test_a_units_name_finds_its_ledger_among_the_first_three(
    chromium: Any, demo_url: str, term: str
) -> None:
    context = chromium.new_context(viewport={"width": 1366, "height": 900}, locale="zh-CN")
    try:
        page = context.new_page()
        page.goto(demo_url + "search/?q=" + term, wait_until="load")
        page.wait_for_selector("#rl-search .pagefind-ui__result-link")
        page.wait_for_function("() => !document.querySelector('#rl-search .pagefind-ui__loading')")
        pages = page.locator("#rl-search .pagefind-ui__result").evaluate_all(
            "rs => rs.map(r => r.querySelector('a.pagefind-ui__result-link').getAttribute('href'))"
        )
        assert any("/units/" in href and "/wcjd/" in href for href in pages[:3]), pages[:5]
    finally:
        context.close()
