"""The site under its own Content-Security-Policy, served by `rectify serve`'s handler:
every page type loads, the search works, and the browser reports no violation."""

from __future__ import annotations

import functools
import threading
import urllib.request
from collections.abc import Iterator
from pathlib import Path
from typing import Any

import pytest

from site_builder.cli.serve import _QuietHandler
from site_builder.site.csp import read_headers

from .conftest import browsing
from .test_site_in_chromium import open_search

pytestmark = pytest.mark.browser

RECORD_VIOLATIONS = """
window.__csp = [];
document.addEventListener("securitypolicyviolation",
  e => window.__csp.push(`${e.violatedDirective} ${e.blockedURI} ${e.sourceFile}:${e.lineNumber}`));
"""


@pytest.fixture(scope="module")
def served_by_rectify(site_with_payloads: Path) -> Iterator[str]:
    from http.server import ThreadingHTTPServer

    handler = functools.partial(_QuietHandler, directory=str(site_with_payloads))
    server = ThreadingHTTPServer(("127.0.0.1", 0), handler)
    server.daemon_threads = True
    thread = threading.Thread(target=server.serve_forever, daemon=True)
    thread.start()
    try:
        yield f"http://127.0.0.1:{server.server_address[1]}/"
    finally:
        server.shutdown()
        server.server_close()


def test_serve_sends_the_policy_the_build_wrote(served_by_rectify: str, site_with_payloads) -> None:
    with urllib.request.urlopen(served_by_rectify + "units/r1/wcjd/") as response:
        policy = response.headers["Content-Security-Policy"]
        page = response.read().decode("utf-8")
    assert policy == read_headers(site_with_payloads)["Content-Security-Policy"]
    assert "'sha256-" in policy and "'unsafe-inline'" not in policy.split("style-src")[0]
    assert "frame-ancestors 'none'" in policy
    assert '<meta http-equiv="Content-Security-Policy"' in page


def test_pages_and_search_run_with_no_violation(chromium: Any, served_by_rectify: str) -> None:
    with browsing(chromium, served_by_rectify) as tab:
        console: list[str] = []
        tab.page.on("console", lambda m: console.append(m.text))
        tab.page.add_init_script(RECORD_VIOLATIONS)
        violations: list[str] = []
        for path in ("", "units/r1/wcjd/", "rounds/r1/", "common/", "cases/", "warnings/"):
            tab.open(path)
            tab.page.wait_for_timeout(200)
            violations += tab.page.evaluate("window.__csp")
        links = open_search(tab, "公务用车")
        violations += tab.page.evaluate("window.__csp")
        # The theme's own scripts ran: Material marks the page once its bundle started.
        assert tab.page.evaluate("document.documentElement.classList.contains('js')")
    assert any(link.endswith("units/r1/wcjd/#p02") for link in links), links
    assert violations == [], violations
    assert not [m for m in console if "Content Security Policy" in m], console


def test_an_injected_inline_script_is_blocked(chromium: Any, served_by_rectify: str) -> None:
    """Control: the policy is enforced, so a script not in the build would be refused."""
    with browsing(chromium, served_by_rectify) as tab:
        tab.page.add_init_script(RECORD_VIOLATIONS)
        tab.open("units/r1/wcjd/")
        tab.page.evaluate(
            "() => { const s = document.createElement('script');"
            " s.textContent = 'window.__ran = 1'; document.body.append(s); }"
        )
        tab.page.wait_for_timeout(200)
        assert tab.page.evaluate("window.__ran") is None
        assert any("script-src" in v for v in tab.page.evaluate("window.__csp"))
