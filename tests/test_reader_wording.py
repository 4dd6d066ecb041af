"""What a reader sees: Chinese words for every history event, dates as documents write
them, sign-off on each problem's badge, and one number per figure on every page."""

from __future__ import annotations

import html
import re
import subprocess
import sys
from datetime import date

import pytest

from site_builder.model.wording import change_text, cn_date, numeral
from site_builder.pipeline import build
from site_builder.render.filters import local_time

from conftest import BASE_FILES
from gitrepo import REVIEWER, STAFF, GitRepo

ENGLISH_CODES = re.compile(
    r"\b(not_started|in_progress|done|closed|open|withdrawn|confirmed|unconfirmed|"
    r"self_approved|unknown_reviewer|bad_signature|missing_signature|status_changed|"
    r"deadline_changed|owner_changed|evidence_added|closure_rewritten)\b"
)
SIGNERS = (
    f"reviewers:\n  - name: {REVIEWER[0]}\n    email: {REVIEWER[1]}\n"
    "    role: discipline\n    units: ['*']\n"
)
LEDGER = BASE_FILES["ledgers/r1/wcjd.yml"]
# P02/M1 postponed by three months, then done, and P02 closed: on a branch a reviewer merges.
POSTPONED = LEDGER.replace("deadline: 2017-12-31", "deadline: 2018-03-31")
PAD_MEASURE, PAD_PROBLEM = " " * 16, " " * 12
CLOSED = POSTPONED.replace(
    "status: in_progress\n",
    f"status: done\n{PAD_MEASURE}completed_on: 2018-01-20\n"
    f"{PAD_MEASURE}evidence:\n{PAD_MEASURE}  - 公务用车使用登记台账（2018年1月）\n",
).replace(
    "category: work_style\n",
    f"category: work_style\n{PAD_PROBLEM}status: closed\n{PAD_PROBLEM}closed_on: 2018-01-25\n",
)


def test_events_read_as_words_not_codes() -> None:
    assert change_text("completed", "r1/u/P01/M1", "not_started", "done", None) == "完成"
    assert change_text("closed", "r1/u/P01", "open", "closed", None) == "销号"
    assert change_text("reopened", "r1/u/P01", "closed", "open", None) == "重新打开"
    assert change_text("created", "r1/u/P01", None, "公车私用", None) == "新增问题：公车私用"
    assert change_text("created", "r1/u/P01/M1", None, "建立台账", None) == "新增措施：建立台账"
    assert (
        change_text("postponed", "r1/u/P01/M1", "2020-06-30", "2020-09-30", 92)
        == "延期（2020年6月30日 → 2020年9月30日，推迟 92 天）"
    )
    assert (
        change_text("status_changed", "r1/u/P01/M1", "not_started", "in_progress", None)
        == "状态变更：未开始 → 推进中"
    )


def test_dates_numerals_and_build_time_as_people_write_them() -> None:
    assert cn_date(date(2020, 10, 12)) == "2020年10月12日"
    assert cn_date("2017-07-05") == "2017年7月5日"
    assert (numeral(1), numeral(4), numeral(8)) == ("一", "四", "八")
    # A build recorded in UTC at 03:06 is 11:06 in Shanghai, the same day.
    assert local_time("2026-11-30T03:06:00+00:00") == "2026年11月30日 11:06"
    assert local_time("2026-11-30T20:00:00+00:00", "Asia/Shanghai") == "2026年12月1日 04:00"
    assert local_time("2026-11-30T03:06:00+00:00", "Europe/Berlin") == "2026年11月30日 04:06"


@pytest.fixture(scope="module")
def closed_and_postponed(tmp_path_factory: pytest.TempPathFactory) -> GitRepo:
    repo = GitRepo(tmp_path_factory.mktemp("wording") / "repo")
    repo.commit({**BASE_FILES, "rounds/signers.yml": SIGNERS}, "建立台账", who=STAFF)
    repo.branch("postpone")
    repo.commit({"ledgers/r1/wcjd.yml": POSTPONED}, "P02 申请延期", who=STAFF)
    repo.merge("postpone", who=REVIEWER)
    repo.branch("close")
    repo.commit({"ledgers/r1/wcjd.yml": CLOSED}, "P02 整改完成，申请销号", who=STAFF)
    repo.merge("close", who=REVIEWER)
    return repo


def test_log_and_history_print_no_english_codes(closed_and_postponed: GitRepo) -> None:
    run = [sys.executable, "-m", "site_builder"]
    root = str(closed_and_postponed.root)
    for args in (["log", "r1/wcjd/P02"], ["history"]):
        done = subprocess.run([*run, *args, "--root", root], capture_output=True, text=True)
        assert done.returncode == 0, done.stderr
        assert "延期（2017年12月31日 → 2018年3月31日，推迟 90 天）" in done.stdout
        assert "销号" in done.stdout and "完成" in done.stdout
        assert not ENGLISH_CODES.findall(done.stdout), done.stdout


def test_badges_and_figures_agree_on_every_page(closed_and_postponed: GitRepo) -> None:
    root = closed_and_postponed.root
    result = build(root, root.parent / "out", as_of=date(2018, 2, 1))
    assert result.site_dir is not None, [d.as_text() for d in result.diagnostics]
    site = result.site_dir

    def read(rel: str) -> str:
        return html.unescape((site / rel / "index.html").read_text(encoding="utf-8"))

    unit = read("units/r1/wcjd")
    # The title comes from the h1, which must stay the page's first block.
    assert "<title>坞城街道党工委 · 区委第一轮巡察 - " in unit
    # P02 was closed through a listed reviewer's merge: the badge names her and the day.
    assert re.search(r"已销号 · 已确认 · 赵敏 · 20\d\d年\d+月\d+日", unit)
    # P01 was closed in the office's first commit, with no reviewer: not confirmed.
    assert "已销号 · 未经审批" in unit
    assert "延期（2017年12月31日 → 2018年3月31日，推迟 90 天）" in unit
    assert not re.search(r"(not_started|in_progress) →|→ (done|closed)", unit)
    overview, warnings = read("."), read("warnings")
    # One closure unconfirmed: the card, the round table and the warnings list all say 1.
    card = re.search(r'href="warnings/#signoff"><strong>(\d+)</strong>', overview)
    assert card and card.group(1) == "1"
    assert re.search(r"未确认销号（1）", warnings)
    listed = warnings.split('id="signoff-list"')[1].split("</table>")[0]
    assert listed.count("<tr data-round") == 1 and "P01" in listed


def test_platform_commit_subjects_read_in_chinese() -> None:
    from site_builder.model.wording import commit_subject

    assert commit_subject("Merge pull request #909 from wcjd/p03-close") == (
        "合并请求 #909（分支 wcjd/p03-close）"
    )
    assert commit_subject("Merge pull request #12 from a/b\n\n补充佐证") == (
        "合并请求 #12（分支 a/b）：补充佐证"
    )
    assert commit_subject("Merge branch 'r1-wcjd' into main") == "合并分支 r1-wcjd 到 main"
    assert commit_subject('Revert "r1 坞城街道：P03 销号"') == "撤回提交“r1 坞城街道：P03 销号”"
    # What people wrote stays as written.
    assert commit_subject("r1 坞城街道：P03 销号") == "r1 坞城街道：P03 销号"
