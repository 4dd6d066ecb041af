"""The demo site in a real Chromium: a unit page offers its report and ledger as files
that download, the print view holds only the document, no warning is told by colour
alone, and the visible text has no doubled words or punctuation. Screenshots of the
unit page with its downloads go to build/screenshots/ (not committed)."""

from __future__ import annotations

import html
import re
import subprocess
import sys
from collections.abc import Iterator
from pathlib import Path
from typing import Any

import pytest

from browser.conftest import serving

from conftest import ROOT

SCREENSHOTS = ROOT / "build" / "screenshots"
SIZES = {"phone": (390, 844), "desk": (1366, 900)}
PAGES = [
    "", "warnings/", "warnings/green/", "rounds/r3/", "units/r3/bgz/", "reports/r3/bgz/",
    "common/", "cases/", "downloads/", "evaluation/", "evaluation/r3/", "evaluation/r3/bgz/",
    "evaluation/notices/", "evaluation/notices/GX01/", "dubian/", "audit/",
]  # fmt: skip

# Every coloured warning (badges, cards, coloured notes and numbers, chart marks) must
# say in words, or by an icon with a name, what its colour says; chart series and
# statuses differ by a dash or a hatch as well as by colour.
COLOUR_ALONE = """() => {
  const WARN = /\\brl-(red|yellow|watch|green|done|none|unconfirmed|relapse|badge|card|num-red|status-[a-z_]+|signoff-[a-z_]+|pattern-[a-z_]+)\\b/;
  const named = el => {
    const own = (el.getAttribute("aria-label") || "").trim() || (el.textContent || "").trim()
      || (el.getAttribute("title") || "").trim();
    const icon = Array.from(el.querySelectorAll("img, svg")).some(i =>
      (i.getAttribute("alt") || i.getAttribute("aria-label")
       || (i.querySelector("title") || {}).textContent || "").trim());
    return own || (icon ? "icon" : "");
  };
  const heading = el => {
    const cell = el.closest("td, th");
    const table = cell && cell.closest("table");
    const th = table && table.tHead && table.tHead.rows[0] && table.tHead.rows[0].cells[cell.cellIndex];
    return th ? th.textContent.trim() : "";
  };
  const found = [];
  let checked = 0;
  for (const el of document.querySelectorAll("article [class*='rl-']")) {
    if (typeof el.className !== "string" || !WARN.test(el.className)) continue;
    checked++;
    const text = named(el);
    if (!text) found.push("no words: " + el.outerHTML.slice(0, 120));
    // A bare number says how many, not of what: its column heading must say it.
    else if (/^[\\d\\s.,%]+$/.test(text) && !heading(el))
      found.push("a number with no heading: " + el.outerHTML.slice(0, 120));
  }
  for (const svg of document.querySelectorAll("article svg.rl-chart")) {
    checked++;
    if (!(svg.getAttribute("aria-label") || "").trim()) found.push("a chart with no name");
    const marks = Array.from(svg.querySelectorAll(
      "rect[fill], line[stroke], polyline[stroke], circle[fill], path[fill]"
    )).filter(m => !m.closest("defs") && m.getAttribute("stroke") !== "#767676");
    // Series and statuses differ by more than colour: a dash, a hatch.
    const lines = marks.filter(m => m.tagName.toLowerCase() === "polyline");
    const dashes = new Set(lines.map(m => m.getAttribute("stroke-dasharray") || "solid"));
    if (dashes.size < lines.length) found.push("chart lines told apart by colour only");
    // Bars of several plain colours must each say their kind in words beside them.
    const bars = marks.filter(m => m.tagName.toLowerCase() === "rect" && m.querySelector("title"));
    const solid = new Set(bars.map(m => m.getAttribute("fill")).filter(f => !f.startsWith("url(")));
    for (const bar of solid.size > 1 ? bars : []) {
      const next = bar.nextElementSibling;
      const words = next && next.tagName.toLowerCase() === "text" ? next.textContent : "";
      if (!/[^\\d\\s.,%]/.test(words))
        found.push("a chart bar told apart by colour only: " + bar.querySelector("title").textContent);
    }
    for (const mark of marks) {
      const title = ((mark.querySelector("title") || {}).textContent || "").trim();
      const next = mark.nextElementSibling;
      const label = next && next.tagName.toLowerCase() === "text" ? next.textContent.trim() : "";
      if (!title && !label) found.push("a chart mark with no words: " + mark.outerHTML.slice(0, 100));
    }
  }
  return {checked, found};
}"""

# Doubled punctuation, and doubled function words (的的, 了了 …); nested closing brackets
# （贺军（组织委员）） are right. Doubled longer words (问题问题) unless a compound
# reads so: 党组会议会议记录 is 党组会议 + 会议记录, 党组织组织生活 is 党组织 + 组织生活.
DOUBLED = re.compile(
    r"([，。、；：！？])\1|““|””|（（|‘‘|’’|([的了是在和及与或为将于把被从向并])\2"
    r"|([\u4e00-\u9fff]{2,4})\3"
)
COMPOUNDS = {"会议会议", "组织组织"}


@pytest.fixture(scope="module")
def demo_site(tmp_path_factory: pytest.TempPathFactory) -> Path:
    work = tmp_path_factory.mktemp("demo-takeaway")
    repo, out = work / "repo", work / "out"
    run = [sys.executable, "-m", "site_builder"]
    made = subprocess.run([*run, "demo", str(repo), "--source", str(ROOT)], capture_output=True)
    assert made.returncode == 0, made.stderr
    built = subprocess.run(
        [*run, "build", "--root", str(repo), "--out", str(out)], capture_output=True, text=True
    )
    assert built.returncode == 0, built.stderr
    return out / "site"


@pytest.fixture(scope="module")
def demo_url(demo_site: Path) -> Iterator[str]:
    with serving(demo_site) as url:
        yield url


@pytest.fixture(params=list(SIZES))
def sized(request: pytest.FixtureRequest, chromium: Any, demo_url: str) -> Iterator[Any]:
    width, height = SIZES[request.param]
    context = chromium.new_context(
        viewport={"width": width, "height": height}, locale="zh-CN", accept_downloads=True
    )
    context.set_default_timeout(15_000)
    page = context.new_page()
    page.size_name = request.param  # type: ignore[attr-defined]
    page.base = demo_url  # type: ignore[attr-defined]
    try:
        yield page
    finally:
        context.close()


@pytest.mark.browser
def test_unit_page_offers_its_documents_as_downloads(sized: Any) -> None:
    sized.goto(sized.base + "units/r3/bgz/", wait_until="load")
    sized.evaluate("document.fonts.ready.then(() => true)")
    SCREENSHOTS.mkdir(parents=True, exist_ok=True)
    sized.screenshot(path=str(SCREENSHOTS / f"unit-downloads-{sized.size_name}.png"))
    buttons = sized.locator(".rl-downloads a")
    texts = buttons.all_inner_texts()
    assert [re.sub(r"\d+", "N", t) for t in texts] == [
        "下载整改报告（Word，N KB）",
        "下载整改台账（Excel，N KB）",
    ]
    for index, text in enumerate(texts):
        box = buttons.nth(index).bounding_box()
        assert box and box["y"] < sized.viewport_size["height"], (text, box)  # first screen
        with sized.expect_download() as started:
            buttons.nth(index).click()
        download = started.value
        assert download.suggested_filename.startswith("北格镇党委-区委第三轮巡察-")
        data = Path(download.path()).read_bytes()
        assert data[:2] == b"PK" and f"{max(1, round(len(data) / 1024))} KB" in text
    width = sized.evaluate("document.documentElement.scrollWidth")
    assert width <= sized.evaluate("window.innerWidth")


@pytest.mark.browser
@pytest.mark.parametrize("path", ["units/r3/bgz/", "reports/r3/bgz/"])
def test_the_print_view_holds_only_the_document(chromium: Any, demo_url: str, path: str) -> None:
    context = chromium.new_context(viewport={"width": 1366, "height": 900}, locale="zh-CN")
    try:
        page = context.new_page()
        page.goto(demo_url + path, wait_until="load")
        on_screen = page.locator("article").inner_text()
        page.emulate_media(media="print")
        printed = page.locator("article").inner_text()
    finally:
        context.close()
    assert "北格镇党委" in printed and len(printed) > 2000
    assert "下载" in on_screen  # the control: the screen shows what print leaves out
    for word in ("下载", "rectify", "--", "Ctrl", "命令", "approved_by", "当前位置", "可打印"):
        assert word not in printed, (path, word)


@pytest.mark.browser
def test_colour_never_carries_a_warning_alone(sized: Any) -> None:
    problems, checked = [], 0
    for path in PAGES:
        sized.goto(sized.base + path, wait_until="load")
        result = sized.evaluate(COLOUR_ALONE)
        checked += result["checked"]
        problems += [f"{path or '/'}: {found}" for found in result["found"]]
    assert checked > 200, checked  # the badges and charts are there to check
    assert not problems, "\n".join(problems[:20])


def visible_text(page: str) -> str:
    article = re.search(r"<article\b.*?</article>", page, re.S)
    body = re.sub(r"<(script|style|template)\b.*?</\1>|<!--.*?-->", "", article.group(0) if
                  article else "", flags=re.S | re.I)  # fmt: skip
    return html.unescape(re.sub(r"<[^>]+>", "\n", body))


def test_no_doubled_words_or_punctuation_in_the_visible_text(demo_site: Path) -> None:
    found: dict[str, str] = {}
    pages = sorted(demo_site.rglob("*.html"))
    for path in pages:
        text = visible_text(path.read_text(encoding="utf-8"))
        for hit in DOUBLED.finditer(text):
            if hit.group(0) not in COMPOUNDS:
                context = text[max(0, hit.start() - 12) : hit.end() + 12].replace("\n", " ")
                found.setdefault(hit.group(0), f"{path.relative_to(demo_site)}: {context}")
    assert len(pages) > 300
    assert not found, "\n".join(f"{k} — {v}" for k, v in found.items())
    # The control: the scan sees a doubling when there is one.
    assert DOUBLED.search(visible_text("<article><p>关于对照““三会一课”的的</p></article>"))
