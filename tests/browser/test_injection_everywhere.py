"""Every free-text field of every file kind, full of hostile text, in a real Chromium.

A district is built whose settings (district name, category labels), unit names,
round (name, teams, receipts), common problems, self-checks, signers, cases (front
matter and Markdown body), evaluation records and bulletins, and ledger carry, in
each free-text field, script tags, event-handler attributes (some fire on their own:
``<details open ontoggle>``, ``<svg onload>``), attribute-list braces, ``javascript:``
and ``data:`` links, Markdown links, images and reference definitions, and HTML
comments. Every page that shows one is opened: nothing may run, nothing may become
markup, and every field must read exactly as typed.
"""

from __future__ import annotations

import re
import shutil
from collections.abc import Iterator
from datetime import date
from pathlib import Path
from typing import Any

import pytest
import security_figures

from browser.conftest import LEDGER_WITH_PAYLOADS, Tab, browsing, serving
from browser.test_site_in_chromium import (
    FIND_INJECTED_MARKUP,
    hover,
    hover_search_results,
    is_link_to,
    open_search,
)
from site_builder.pipeline import build

from conftest import ROOT
from gitrepo import REVIEWER, STAFF, GitRepo

pytestmark = pytest.mark.browser


PAYLOAD_KINDS = [
    "HTML comment", "script tag", "img onerror", "svg onload", "details ontoggle",
    "a href=javascript:", "Markdown link to javascript:", "Markdown image from data:",
    "Markdown reference link", "attribute list { }", "attribute list {: }",
    "closing </title>, </textarea>, </style> before a script",
    "Markdown emphasis, code, entities and closing tags",
]  # fmt: skip


def payload(tag: str) -> str:
    """Every way typed text could turn into markup or a link; ``tag`` names its field."""
    mark = f"window.__xss='{tag}"
    return (
        f"<!-- 注释{tag} --> <script>{mark}:script'</script> "
        f'<img src=x onerror="{mark}:img\'"> <svg/onload="{mark}:svg\'"> '
        f'<details open ontoggle="{mark}:details\'">x</details> '
        f"<a href=\"javascript:{mark}:a'\">链接</a> [点我](javascript:{mark}:md-link') "
        f"![图](data:text/html;base64,PHNjcmlwdD4=) [引用][r] "
        f'{{ onmouseover="{mark}:attr\'" }} {{: .x onclick="{mark}:attr2\'" }} '
        f"</title></textarea></style><script>{mark}:close-title'</script> "
        f"**粗体** `代码` &amp; &#60;b&#62; </td></table></p> {tag}结束"
    )


def yaml_text(tag: str) -> str:
    """The payload as a double-quoted YAML scalar."""
    return '"' + payload(tag).replace("\\", "\\\\").replace('"', '\\"') + '"'


def fill(template: str) -> str:
    return re.sub(r"XSS\(([a-z0-9-]+)\)", lambda m: yaml_text(m.group(1)), template)


def fill_quoted(template: str) -> str:
    """For templates whose XSS(tag) already sits inside a double-quoted scalar."""
    return re.sub(r"XSS\(([a-z0-9-]+)\)", lambda m: yaml_text(m.group(1))[1:-1], template)


SETTINGS = """
district: XSS(district)
categories:
  - {code: leadership, label: XSS(category-label)}
  - {code: work_style, label: 作风建设}
  - {code: strict_governance, label: 全面从严治党}
"""
UNITS = """
units:
  - {id: wcjd, name: XSS(unit-name), kind: street, inspected_in: [r1]}
  - {id: jyj, name: XSS(unit-name-2), kind: bureau}
"""
ROUND = """
id: r1
name: XSS(round-name)
start: 2017-04-10
end: 2017-06-09
teams:
  - name: XSS(team-name)
    leader: XSS(team-leader)
    members: [XSS(team-member)]
    units:
      - unit: wcjd
        feedback_on: 2017-07-05
        receipt:
          principal: {name: XSS(receipt-principal), signed_on: 2017-07-05}
          team_leader: {name: XSS(receipt-team-leader), signed_on: 2017-07-05}
          office_director: {name: XSS(receipt-office-director), signed_on: 2017-07-05}
"""
COMMON = """
common_problems:
  - code: GX01
    title: XSS(common-title)
    description: XSS(common-description)
    category: leadership
    named_in: [r1]
    self_check_points: [XSS(common-point)]
"""
SELF_CHECKS = """
self_checks:
  - {unit: jyj, code: GX01, checked_on: 2017-05-01, result: found, note: XSS(selfcheck-note)}
"""
SIGNERS = f"""
reviewers:
  - name: XSS(signer-name)
    email: {REVIEWER[1]}
    role: discipline
    units: ['*']
"""
CASE_FRONT = """---
title: XSS(case-title)
unit: wcjd
round: r1
date: 2018-03-01
category: leadership
form: 1
problems: [r1/wcjd/P01]
lesson: XSS(case-lesson)
---
"""
CASE_BODY = (
    "## 基本案情 {{: onclick=\"window.__xss='case-body:heading'\" }}\n\n"
    + "PAYLOAD_BODY\n\n"
    + "<script>window.__xss='case-body:raw-script'</script>\n\n"
    + "[r]: javascript:window.__xss='case-body:refdef'\n"
)
EVALUATION = """
round: r1
unit: wcjd
evaluated_on: 2017-12-01
evaluators: [XSS(eval-evaluator)]
leadership:
  leading_group: true
  person_in_charge: XSS(eval-person-in-charge)
  note: XSS(eval-leadership-note)
meetings:
  - {date: 2017-07-10, title: XSS(eval-meeting-title), minutes: XSS(eval-meeting-minutes)}
clues:
  clues_received: 1
  clues_closed: 1
  note: XSS(eval-clues-note)
site_check:
  checked: 2
  confirmed: 1
  problems_found: [XSS(eval-site-problem)]
innovations:
  - {title: XSS(eval-innovation-title), detail: XSS(eval-innovation-detail)}
satisfaction: {held_on: 2017-11-20, participants: XSS(eval-participants), satisfied: 10}
conclusion: XSS(eval-conclusion)
"""
BULLETINS = """
bulletins:
  - id: 2018-01
    title: XSS(bulletin-title)
    number: XSS(bulletin-number)
    issuer: XSS(bulletin-issuer)
    issued_on: 2018-04-01
    intro: XSS(bulletin-intro)
    cases: [2018-01-car]
    requirements: [XSS(bulletin-requirement)]
"""
LEDGER = LEDGER_WITH_PAYLOADS.replace(
    "      submitted_on: 2017-08-01\n",
    '      submitted_on: 2017-08-01\n      leading_group: "XSS(plan-leading-group)"\n',
).replace(
    "      submitted_on: 2017-11-20\n",
    '      submitted_on: 2017-11-20\n      summary: "XSS(report-summary)"\n',
)

FILES = {
    "rounds/settings.yml": SETTINGS,
    "rounds/units.yml": UNITS,
    "rounds/r1.yml": ROUND,
    "rounds/common_problems.yml": COMMON,
    "rounds/self_checks.yml": SELF_CHECKS,
    "rounds/evaluations/r1/wcjd.yml": EVALUATION,
    "rounds/evaluations/bulletins.yml": BULLETINS,
}
ALL_TEXT = "".join([*FILES.values(), SIGNERS, CASE_FRONT, LEDGER])
TAGS = sorted(set(re.findall(r"XSS\(([a-z0-9-]+)\)", ALL_TEXT)) | {"case-body"})
# Fields a reader must find on the site; the others (a self-check's note, ...) may be unshown.
MUST_SHOW = {
    "district", "category-label", "unit-name", "round-name", "team-name", "team-leader",
    "receipt-principal", "common-title", "common-description", "common-point",
    "case-title", "case-lesson", "case-body", "plan-objective", "p01-title", "p01-person",
    "p02-measure", "p02-owner", "report-reviewer",
}  # fmt: skip


@pytest.fixture(scope="module")
def site_everywhere(tmp_path_factory: pytest.TempPathFactory) -> Path:
    repo = GitRepo(tmp_path_factory.mktemp("everywhere") / "repo")
    files = {rel: fill(text) for rel, text in FILES.items()}
    files["rounds/signers.yml"] = fill(SIGNERS)
    files["rounds/cases/2018-01-car.md"] = fill(CASE_FRONT) + CASE_BODY.replace(
        "PAYLOAD_BODY", payload("case-body")
    )
    files["ledgers/r1/wcjd.yml"] = fill_quoted(LEDGER)
    rubric = ROOT / "rounds/evaluations/rubric.yml"
    if rubric.exists():
        (repo.root / "rounds/evaluations").mkdir(parents=True, exist_ok=True)
        shutil.copy(rubric, repo.root / "rounds/evaluations/rubric.yml")
    ledger = files.pop("ledgers/r1/wcjd.yml")
    repo.commit(files, "建立台账", who=STAFF)
    repo.branch("update")
    repo.commit({"ledgers/r1/wcjd.yml": ledger}, "更新整改进展")
    repo.merge("update", who=REVIEWER)
    out = repo.root.parent / "out"
    result = build(repo.root, out, as_of=date(2017, 12, 1), keep_going=True)
    assert result.site_dir is not None, [d.as_text() for d in result.diagnostics]
    broken = [d.as_text() for d in result.diagnostics if d.severity == "error" and "evaluations" not in d.file]  # fmt: skip
    assert broken == [], broken  # only the evaluation schema may have moved on
    return result.site_dir


@pytest.fixture(scope="module")
def everywhere_url(site_everywhere: Path) -> Iterator[str]:
    with serving(site_everywhere) as url:
        yield url


@pytest.fixture
def etab(chromium: Any, everywhere_url: str) -> Iterator[Tab]:
    with browsing(chromium, everywhere_url) as opened:
        yield opened


FIRE_EVENTS = """() => {
  for (const el of document.querySelectorAll("body *")) {
    if (!el.textContent.includes("结束")) continue;
    for (const type of ["mouseover", "mouseenter", "focus", "pointerover"])
      el.dispatchEvent(new Event(type, {bubbles: false}));
  }
}"""


def pages_with_payloads(site: Path) -> list[str]:
    return sorted(
        html.relative_to(site).as_posix().removesuffix("index.html")
        for html in site.rglob("*.html")
        if re.search(r"(__|&#95;&#95;)xss", html.read_text(encoding="utf-8"))
    )


def inert(tab: Tab) -> list[str]:
    page = tab.page
    found = list(page.evaluate(FIND_INJECTED_MARKUP))
    found += [f"img/ref definition became a link: {h}" for h in page.evaluate(
        "() => [...document.querySelectorAll('article a[href], article img[src]')]"
        ".map(e => e.getAttribute('href') || e.getAttribute('src'))"
        ".filter(u => /^(javascript|data):/i.test(u.trim()))")]  # fmt: skip
    found += [f"comment kept as markup: {c}" for c in page.evaluate(
        "() => { const w = document.createTreeWalker(document.body, NodeFilter.SHOW_COMMENT);"
        " const out = []; while (w.nextNode()) if (w.currentNode.data.includes('注释')) out.push(w.currentNode.data); return out; }")]  # fmt: skip
    found += [f"x-class element: {n}" for n in [page.evaluate("document.querySelectorAll('article .x').length")] if n]  # fmt: skip
    if page.evaluate("typeof window.__xss") != "undefined":
        found.append(f"ran: window.__xss = {page.evaluate('String(window.__xss)')}")
    found += [f"dialog: {d}" for d in tab.dialogs]
    return found


def test_no_field_of_any_file_runs_or_becomes_markup(etab: Tab, site_everywhere: Path) -> None:
    page = etab.page
    pages = pages_with_payloads(site_everywhere)
    seen: set[str] = set()
    executed = interpreted = 0
    problems: list[str] = []
    not_as_typed: set[str] = set()
    for path in pages:
        etab.open(path)
        page.wait_for_load_state("networkidle")
        page.wait_for_timeout(50)  # <details ontoggle> fires on a task after load
        # Attribute payloads fire on hover or focus: every element showing a payload gets
        # those events, and the first few the real mouse.
        page.evaluate(FIRE_EVENTS)
        holders = page.locator("article").locator("h1, h2, td, li, p").filter(has_text="结束")
        for i in range(min(holders.count(), 8)):
            if holders.nth(i).is_visible():
                hover(page, holders.nth(i))
        found = inert(etab)
        executed += sum(f.startswith("ran") for f in found)
        interpreted += sum(not f.startswith(("ran", "dialog")) for f in found)
        problems += [f"{path}: {f}" for f in found]
        shown = re.sub(r"\s+", " ", page.locator("body").inner_text())
        title = page.title()
        for tag in TAGS:
            if f"{tag}结束" in shown or f"{tag}结束" in title:
                seen.add(tag)
                typed = re.sub(r"\s+", " ", payload(tag))
                if typed not in shown and typed not in title:
                    not_as_typed.add(f"{path}: {tag}")
    security_figures.record(
        injection__fields=len(TAGS),
        injection__payloads=len(PAYLOAD_KINDS),
        injection__pages=len(pages),
        injection__executed=executed,
        injection__interpreted=interpreted,
        injection__not_shown=len(not_as_typed) + len(MUST_SHOW - seen),
    )
    assert problems == []
    assert seen >= MUST_SHOW, f"fields not found on any page: {sorted(MUST_SHOW - seen)}"
    assert not_as_typed == set(), sorted(not_as_typed)


def test_titles_nav_and_search_show_payloads_as_text(etab: Tab) -> None:
    page = etab.page
    etab.open("rounds/r1/")
    page.wait_for_load_state("networkidle")
    nav = page.locator(".md-nav").first.inner_text()
    assert "round-name结束" in nav and "<script>" in nav
    assert "district结束" in page.title() and "<script>" in page.title()
    header = page.locator(".md-header__topic").first.inner_text()
    assert "district结束" in header
    # Pagefind's UI shows page titles, section headings and excerpts of staff text.
    links = open_search(etab, "结束")
    assert any(is_link_to(etab, url, "rounds/r1/") for url in links), links
    assert any(is_link_to(etab, url, "units/r1/wcjd/", "p02") for url in links), links
    assert hover_search_results(page) > 0
    page.evaluate(FIRE_EVENTS)
    assert inert(etab) == []
    results = re.sub(r"\s+", " ", page.locator("#rl-search .pagefind-ui__results").inner_text())
    assert "<script>" in results
    # P02's heading, the title of a sub-result, reads as typed up to the character
    # references: Pagefind's index decodes typed "&amp;" once more, to "&" (as text).
    typed = re.sub(r"\s+", " ", payload("p02-title")).split(" &amp;")[0]
    assert "P02 公务用车管理不规范 " + typed in results, results
