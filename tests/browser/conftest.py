"""Browser fixtures: one site build, one local server and one Chromium per session.

Browser tests carry ``pytest.mark.browser``. Without Playwright or a Chromium they
are skipped with the reason, unless ``RECTIFY_REQUIRE_BROWSER=1`` (set in CI): then
each fails with that reason, so a run without a browser cannot pass silently.
"""

from __future__ import annotations

import functools
import importlib.util
import os
import re
import shutil
import threading
from collections.abc import Iterator
from contextlib import contextmanager
from dataclasses import dataclass, field
from datetime import date
from http.server import SimpleHTTPRequestHandler, ThreadingHTTPServer
from pathlib import Path
from typing import Any

import pytest

from site_builder.pipeline import build

# tests/conftest.py is importable as `conftest` (tests/ is on sys.path, as for
# test_build.py); this file is the package module `browser.conftest`, so no clash.
from conftest import BASE_FILES
from gitrepo import REVIEWER, GitRepo

REQUIRE_ENV = "RECTIFY_REQUIRE_BROWSER"
ARTIFACTS = Path(__file__).resolve().parents[2] / "test-artifacts"
CHROMIUM_ARGS = [
    "--no-sandbox",
    "--disable-gpu",
    "--disable-background-networking",
    "--disable-component-update",
    "--disable-sync",
    "--no-first-run",
    "--disable-quic",
]


# --- Skip, or fail when a browser is required ---------------------------------------


def chromium_executable() -> str | None:
    return shutil.which("chromium") or shutil.which("chromium-browser")


@functools.cache
def missing_browser_reason() -> str | None:
    """Why browser tests cannot run here, or None when they can."""
    if importlib.util.find_spec("playwright") is None:
        return "Playwright for Python is not installed (pip install -e '.[test]')"
    if chromium_executable() is None:
        return "no Chromium on PATH (apt-get install chromium fonts-noto-cjk)"
    return None


class MissingBrowser(pytest.Item):
    """Stands in for a browser test when a browser is required but absent."""

    def __init__(self, *, reason: str, **kwargs: Any) -> None:
        super().__init__(**kwargs)
        self.reason = reason

    def runtest(self) -> None:
        pytest.fail(f"{REQUIRE_ENV}=1 but {self.reason}", pytrace=False)

    def reportinfo(self) -> tuple[Path, None, str]:
        return self.path, None, self.name


def pytest_collection_modifyitems(config: pytest.Config, items: list[pytest.Item]) -> None:
    reason = missing_browser_reason()
    if reason is None:
        return
    required = os.environ.get(REQUIRE_ENV) == "1"
    for index, item in enumerate(items):
        if item.get_closest_marker("browser") is None:
            continue
        if not required:
            item.add_marker(pytest.mark.skip(reason=f"browser test skipped: {reason}"))
            continue
        # Fail in the call phase (reported FAILED, not a setup ERROR), and without
        # building a site that no browser will open.
        stand_in = MissingBrowser.from_parent(item.parent, name=item.name, reason=reason)
        stand_in.own_markers.extend(item.iter_markers())  # keeps `-m browser` working
        items[index] = stand_in


# --- The district under test: every free-text field carries a payload ---------------


def payload(tag: str) -> str:
    """Each way staff text could turn into markup; ``tag`` names the field it sits in."""
    return (
        "<!-- 注释 --> "
        f"<script>window.__xss='{tag}:script'</script> "
        f"<img src=x onerror=\"window.__xss='{tag}:img'\"> "
        f"[点我](javascript:window.__xss='{tag}:link') "
        f"![x](data:text/html,<script>window.__xss='{tag}:data'</script>) "
        f"{{ onmouseover=\"window.__xss='{tag}:attr'\" }}"
    )


# XSS(tag) inside a double-quoted YAML value becomes payload(tag).
LEDGER_WITH_PAYLOADS = """
    round: r1
    unit: wcjd
    plan:
      objective: "对照反馈意见逐项整改 XSS(plan-objective)"
      submitted_on: 2017-08-01
      review:
        outcome: passed
        reviewer: "陈丽华 XSS(plan-reviewer)"
        reviewed_on: 2017-08-10
        findings:
          - "整改措施要具体可检查 XSS(plan-finding)"
    problems:
      - id: P01
        title: "“三重一大”事项未经集体研究 XSS(p01-title)"
        description: "重大事项会议记录不完整 XSS(p01-description)"
        category: leadership
        source: common
        common_code: GX01
        status: closed
        closed_on: 2017-10-10
        measures:
          - id: M1
            text: "修订《“三重一大”决策制度实施办法》 XSS(p01-measure)"
            deadline: 2017-09-30
            owner: "张明（党政办主任） XSS(p01-owner)"
            leader: "刘志强（党工委书记） XSS(p01-leader)"
            status: done
            completed_on: 2017-09-20
            progress: "已印发执行 XSS(p01-progress)"
            evidence:
              - "《关于修订决策制度的通知》 XSS(p01-evidence)"
        mechanisms:
          - title: "决策制度实施办法 XSS(p01-mechanism)"
            document: "坞办发〔2017〕12号 XSS(p01-mechanism-document)"
            issued_on: 2017-09-20
            enforcement:
              - "2017年第三季度会议记录 XSS(p01-enforcement)"
        accountability:
          - person: "孙伟 XSS(p01-person)"
            post: "原财务负责人 XSS(p01-post)"
            responsibility: direct
            form: 1
            measure: "批评教育 XSS(p01-accountability)"
          - person: 周强
            post: 分管副主任
            responsibility: leadership
            form: 1
            measure: 诫勉谈话
      - id: P02
        title: "公务用车管理不规范 XSS(p02-title)"
        description: "部分车辆未按规定停放，加油卡管理混乱。XSS(p02-description)"
        category: work_style
        measures:
          - id: M1
            text: "建立公务用车使用登记台账，每月在街道公示栏公示 XSS(p02-measure)"
            deadline: 2017-12-31
            owner: "王芳（党政办副主任） XSS(p02-owner)"
            leader: "李建军（办事处主任） XSS(p02-leader)"
            status: in_progress
            progress: "登记台账已建立 XSS(p02-progress)"
    report:
      submitted_on: 2017-11-20
      reviewers:
        - {name: "赵敏 XSS(report-reviewer)", department: discipline, signed_on: 2017-11-21}
        - {name: 钱进, department: organisation, signed_on: 2017-11-21}
        - {name: 陈丽华, department: inspection_office, signed_on: 2017-11-22}
"""

PAYLOAD_TAGS = re.findall(r"XSS\(([a-z0-9-]+)\)", LEDGER_WITH_PAYLOADS)


def with_payloads(yaml_text: str) -> str:
    def escaped(match: re.Match[str]) -> str:
        return payload(match.group(1)).replace("\\", "\\\\").replace('"', '\\"')

    return re.sub(r"XSS\(([a-z0-9-]+)\)", escaped, yaml_text)


@pytest.fixture(scope="session")
def site_with_payloads(tmp_path_factory: pytest.TempPathFactory) -> Path:
    """The built site (out/site) of the base district whose ledger is full of payloads."""
    # A real history: the office commits the district, staff change the ledger on a
    # branch, a listed reviewer merges it. Unit pages then show real timelines.
    repo = GitRepo(tmp_path_factory.mktemp("district") / "repo")
    signers = (
        f"reviewers:\n  - name: {REVIEWER[0]}\n    email: {REVIEWER[1]}\n"
        "    role: discipline\n    units: ['*']\n"
    )
    repo.commit({**BASE_FILES, "rounds/signers.yml": signers}, "建立台账")
    repo.branch("update-wcjd")
    repo.commit({"ledgers/r1/wcjd.yml": with_payloads(LEDGER_WITH_PAYLOADS)}, "更新整改进展")
    repo.merge("update-wcjd", who=REVIEWER)
    root = repo.root
    result = build(root, root.parent / "out", as_of=date(2017, 12, 1))
    assert result.site_dir is not None, [d.as_text() for d in result.diagnostics]
    return result.site_dir


class _QuietHandler(SimpleHTTPRequestHandler):
    def log_message(self, format: str, *args: object) -> None:  # noqa: A002
        pass


@contextmanager
def serving(site: Path) -> Iterator[str]:
    """Serve ``site`` over HTTP on 127.0.0.1; yields the base URL with a trailing slash."""
    handler = functools.partial(_QuietHandler, directory=str(site))
    server = ThreadingHTTPServer(("127.0.0.1", 0), handler)
    server.daemon_threads = True
    thread = threading.Thread(target=server.serve_forever, name="site-server", daemon=True)
    thread.start()
    try:
        yield f"http://127.0.0.1:{server.server_address[1]}/"
    finally:
        server.shutdown()
        server.server_close()
        thread.join(timeout=5)


@pytest.fixture(scope="session")
def served_site(site_with_payloads: Path) -> Iterator[str]:
    """Base URL (with a trailing slash) of the site served over HTTP on 127.0.0.1."""
    with serving(site_with_payloads) as url:
        yield url


# --- One Chromium per session; a fresh context per test ------------------------------


@pytest.fixture(scope="session")
def chromium() -> Iterator[Any]:
    from playwright.sync_api import sync_playwright

    with sync_playwright() as p:
        browser = p.chromium.launch(
            executable_path=chromium_executable(), headless=True, args=CHROMIUM_ARGS
        )
        try:
            yield browser
        finally:
            browser.close()


@dataclass
class Tab:
    """A page with every request it made and every dialog it tried to open."""

    page: Any
    base_url: str
    requests: list[str] = field(default_factory=list)
    dialogs: list[str] = field(default_factory=list)

    def open(self, path: str = "") -> None:
        self.page.goto(self.base_url + path, wait_until="load")


@contextmanager
def browsing(chromium: Any, base_url: str) -> Iterator[Tab]:
    """A fresh browser context on ``base_url`` recording every request and dialog."""
    context = chromium.new_context(viewport={"width": 1280, "height": 900}, locale="zh-CN")
    context.set_default_timeout(15_000)
    page = context.new_page()
    tab = Tab(page, base_url)
    # On the context, not the page: that also sees workers' and service workers' requests.
    context.on("request", lambda request: tab.requests.append(request.url))

    def record_dialog(dialog: Any) -> None:
        tab.dialogs.append(f"{dialog.type}: {dialog.message}")
        dialog.dismiss()

    page.on("dialog", record_dialog)
    try:
        yield tab
    finally:
        context.close()


@pytest.fixture
def tab(chromium: Any, served_site: str) -> Iterator[Tab]:
    with browsing(chromium, served_site) as opened:
        yield opened


@pytest.fixture(scope="session")
def artifacts_dir() -> Path:
    ARTIFACTS.mkdir(parents=True, exist_ok=True)
    return ARTIFACTS
