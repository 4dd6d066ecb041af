"""督办: the records' checks (V codes), the rules of `rectify dubian`, its 督办通知 .docx,
on small inline districts and on the demo repository."""

from __future__ import annotations

import json
import subprocess
import sys
from datetime import date

import pytest
from docx import Document

from site_builder.analyse.supervision import due_for_supervision
from site_builder.history import History, read_history
from site_builder.load import load_project

from conftest import ROOT, diagnostics_of
from gitrepo import GitRepo

S = "rounds/supervision/r1.yml"
RECORD = """\
round: r1
records:
- unit: wcjd
  date: 2017-11-01
  kind: notice
  number: 区巡办督〔2017〕1号
  by: 区委巡察办
  items: [P02/M1]
  response_due: 2017-11-10
"""


def _with(text: str) -> dict[str, str]:
    return {S: text}


CASES = {
    # code: (files, file, line)
    "V001": (
        {"rounds/supervision/r9.yml": RECORD.replace("r1", "r9")},
        "rounds/supervision/r9.yml",
        1,
    ),
    "V002": ({"rounds/supervision/first.yml": RECORD}, "rounds/supervision/first.yml", 1),
    "V003": (_with(RECORD.replace("unit: wcjd", "unit: jyj")), S, 3),
    "V004": (_with(RECORD.replace("[P02/M1]", "[P02/M1, P09]")), S, 3),
    "V005": (_with(RECORD.replace("response_due: 2017-11-10", "response_due: 2017-10-10")), S, 3),
    "V006": (_with(RECORD + RECORD.split("records:\n")[1].replace("11-01", "11-20")), S, 10),
    "V007": (_with(RECORD.replace("  number: 区巡办督〔2017〕1号\n", "")), S, 3),
    "V008": (_with(RECORD.replace("  response_due: 2017-11-10\n", "")), S, 3),
}


@pytest.mark.parametrize("code", sorted(CASES))
def test_supervision_code_is_reported_at_its_line(make_repo, code: str) -> None:
    files, file, line = CASES[code]
    found = [d for d in diagnostics_of(make_repo(files)) if d.code == code]
    assert found, f"{code} not reported"
    assert any(d.file == file and d.line == line for d in found), [d.as_text() for d in found]


def test_a_good_record_passes(make_repo) -> None:
    assert not [d for d in diagnostics_of(make_repo(_with(RECORD))) if d.code.startswith("V")]


# --- the rules, on the inline district ------------------------------------------------
# Base district: r1 feedback 2017-07-05, rectification_days 90 (period ends 2017-10-03);
# wcjd's plan submitted 2017-08-01, no report; P02/M1 due 2017-12-31, in progress.


def _rules(root, as_of: date, history: History | None = None) -> dict[str, list[str]]:
    project, _ = load_project(root)
    due = due_for_supervision(project, history or History(), "r1", as_of)
    return {u.unit: [f"{r.rule}:{r.item}" for r in u.reasons] for u in due}


def test_rules_fire_on_their_days(make_repo) -> None:
    root = make_repo(_with(RECORD))
    assert _rules(root, date(2017, 10, 3)) == {}
    assert _rules(root, date(2017, 10, 4)) == {"wcjd": ["report_late:report"]}
    # The 督办通知 of 11-01 wanted a reply by 11-10: the day after, it is overdue.
    assert _rules(root, date(2017, 11, 11))["wcjd"] == [
        "report_late:report",
        "no_response:区巡办督〔2017〕1号",
    ]
    assert _rules(root, date(2018, 1, 1))["wcjd"][0] == "overdue:P02/M1"


def test_a_reply_and_a_filed_report_clear_their_rules(make_repo) -> None:
    root = make_repo(_with(RECORD + "  response_received: 2017-11-09\n"))
    text = (root / "ledgers/r1/wcjd.yml").read_text(encoding="utf-8")
    (root / "ledgers/r1/wcjd.yml").write_text(
        text + "report:\n  submitted_on: 2017-10-02\n", encoding="utf-8"
    )
    assert _rules(root, date(2017, 11, 11)) == {}


def test_a_late_plan_is_flagged_until_it_comes(make_repo) -> None:
    root = make_repo()
    path = root / "ledgers/r1/wcjd.yml"
    path.write_text(
        path.read_text(encoding="utf-8").replace("2017-08-01", "2017-08-20"), encoding="utf-8"
    )
    # Due 30 days after feedback (2017-08-04); submitted 08-20.
    assert _rules(root, date(2017, 8, 4)) == {}
    assert _rules(root, date(2017, 8, 5)) == {"wcjd": ["plan_late:plan"]}
    assert _rules(root, date(2017, 8, 20)) == {}


LEDGER = """\
round: r1
unit: wcjd
plan:
  objective: 对照反馈意见逐项整改
  submitted_on: 2017-08-01
report:
  submitted_on: 2017-10-01
problems:
- id: P01
  title: 公务用车管理不规范
  category: work_style
  measures:
  - id: M1
    text: 建立公务用车使用登记台账，每月在街道公示栏公示
    deadline: {deadline}
    owner: 王芳（党政办副主任）
    leader: 李建军（办事处主任）
    status: in_progress
"""


def test_repeated_postponements_call_for_supervision(make_repo, tmp_path) -> None:
    root = make_repo({"ledgers/r1/wcjd.yml": LEDGER.format(deadline="2018-03-31")})
    repo = GitRepo(root)
    repo.commit({}, "建立台账")
    repo.commit({"ledgers/r1/wcjd.yml": LEDGER.format(deadline="2018-06-30")}, "延期")
    project, _ = load_project(root)
    history, _ = read_history(root, project.signers)
    assert _rules(root, date(2018, 3, 1), history) == {}
    repo.commit({"ledgers/r1/wcjd.yml": LEDGER.format(deadline="2018-09-30")}, "再次延期")
    history, _ = read_history(root, project.signers)
    # Both postponements landed on 2018-02-01 (the test repository's clock).
    assert _rules(root, date(2018, 1, 31), history) == {}
    assert _rules(root, date(2018, 3, 1), history) == {"wcjd": ["postponed:"]}


# --- the demo repository --------------------------------------------------------------


@pytest.fixture(scope="module")
def demo_repo(tmp_path_factory):
    path = tmp_path_factory.mktemp("demo") / "repo"
    result = subprocess.run(
        [sys.executable, "-m", "site_builder", "demo", str(path), "--source", str(ROOT)],
        capture_output=True,
        text=True,
        timeout=900,
    )
    assert result.returncode == 0, result.stderr
    return path


def rectify(*args: str, cwd=None) -> subprocess.CompletedProcess:
    return subprocess.run(
        [sys.executable, "-m", "site_builder", *args],
        capture_output=True,
        text=True,
        timeout=900,
        cwd=cwd,
    )


@pytest.mark.slow
def test_dubian_list_on_the_demo_matches_the_hand_checked_items(demo_repo, tmp_path) -> None:
    # Checked by hand in ledgers/r5 and rounds/supervision/r5.yml for 2020-12-01:
    # rlgs P02/M1 due 2020-10-18 (in progress): 44 days late, reminded and noticed already;
    # wcnsq P01/M2 due 2020-11-01 (not started): 30 days; 区巡办督〔2020〕7号 wanted a
    # reply by 11-26 and none came; xdjd P01/M1 due 11-28: 3 days; xdsq three measures.
    # No r5 report was due yet (feedback 09-15 at the earliest, 90 days).
    out = tmp_path / "notices"
    result = rectify(
        "dubian",
        "r5",
        "--root",
        str(demo_repo),
        "--as-of",
        "2020-12-01",
        "--json",
        "--out",
        str(out),
    )
    assert result.returncode == 0, result.stderr
    listed = {u["unit"]: u for u in json.loads(result.stdout)}
    assert len(listed) == 13
    assert [(r["rule"], r["item"]) for r in listed["rlgs"]["reasons"]] == [("overdue", "P02/M1")]
    assert "已逾期 44 天" in listed["rlgs"]["reasons"][0]["text"]
    assert [r["number"] for r in listed["rlgs"]["records"]] == [None, "区巡办督〔2020〕5号"]
    assert [(r["rule"], r["item"]) for r in listed["wcnsq"]["reasons"]] == [
        ("overdue", "P01/M2"),
        ("no_response", "区巡办督〔2020〕7号"),
    ]
    assert [r["item"] for r in listed["xdsq"]["reasons"]] == ["P01/M1", "P03/M1", "P03/M2"]
    assert "wcjd" not in listed  # nothing of wcjd's was late yet
    assert not any(r["rule"] == "report_late" for u in listed.values() for r in u["reasons"])

    # One 督办通知 per listed unit, numbered after 区巡办督〔2020〕7号, the last on record.
    assert len(list(out.glob("*.docx"))) == 13
    text = "\n".join(p.text for p in Document(out / "r5-wcnsq-督办通知.docx").paragraphs)
    assert "中共小店区委巡察工作领导小组办公室" in text
    assert "坞城街道坞城南社区党支部：" in text
    assert "P01/M2 建立党组织届次台账" in text and "已逾期 30 天" in text
    assert "区巡办督〔2020〕7号督办通知（2020年11月16日）要求2020年11月26日前回复" in text
    assert "2020年12月11日" in text  # reply within the default 10 days
    assert text.rstrip().endswith("2020年12月1日")
    numbers = {
        next(p.text for p in Document(path).paragraphs if "〔2020〕" in p.text)
        for path in out.glob("*.docx")
    }
    assert numbers == {f"区巡办督〔2020〕{n}号" for n in range(8, 21)}


@pytest.mark.slow
def test_dubian_for_an_unknown_round_says_which_exist(demo_repo) -> None:
    result = rectify("dubian", "r9", "--root", str(demo_repo))
    assert result.returncode == 2
    assert "轮次“r9”不存在" in result.stderr and "r5" in result.stderr
    assert "Traceback" not in result.stderr
