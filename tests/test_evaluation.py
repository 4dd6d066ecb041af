"""The quantitative evaluation (八查): indicators from inline ledgers with known answers,
every E diagnostic, scorecards in real site builds, `rectify evaluate` and `rectify report`."""

from __future__ import annotations

import json
import subprocess
import sys
from datetime import datetime
from pathlib import Path

import docx
import pytest

from site_builder.analyse import analyse
from site_builder.analyse.evaluation import evaluate
from site_builder.analyse.indicators import COMPUTE
from site_builder.diagnostics import CATALOGUE
from site_builder.history import History, read_history
from site_builder.model.evaluation import INDICATORS
from site_builder.pipeline import build, check_project
from site_builder.render.docx_report import report_docx
from site_builder.render.report import build_report

from conftest import BASE_FILES, ROOT, diagnostics_of
from gitrepo import REVIEWER, STAFF, GitRepo

RUBRIC_PATH = "rounds/evaluations/rubric.yml"
RUBRIC = (ROOT / RUBRIC_PATH).read_text(encoding="utf-8")
E = "rounds/evaluations/r1/wcjd.yml"
# Evaluated 2018-01-15, after the base ledger's concentrated period (feedback 2017-07-05 + 90 days).
EVALUATION = """\
round: r1
unit: wcjd
evaluated_on: 2018-01-15
evaluators:
- 韩素琴（区委巡察办）
- 徐立军（区纪委监委）
leadership:
  leading_group: true
  personally_deploys: true
  drafts_measures: false
  holds_to_account: true
  supervises: true
  person_in_charge: 张明（党政办主任）
meetings:
- date: 2017-07-10
  title: 党工委会议专题研究整改
clues:
  clues_received: 2
  clues_closed: 1
  petitions_received: 2
  petitions_closed: 2
site_check:
  checked: 4
  confirmed: 3
satisfaction:
  satisfied: 30
  basically_satisfied: 10
  dissatisfied: 10
judgements:
- item: '2.2'
  score: 1.5
- item: '4.4'
  score: 2
"""


def district(files: dict[str, str | None] | None = None) -> dict[str, str | None]:
    """The base district of conftest plus the default rubric and one evaluation."""
    return {RUBRIC_PATH: RUBRIC, E: EVALUATION, **(files or {})}


def card_of(root: Path, history: History | None = None):
    project, _ = check_project(root)
    return evaluate(project, history).card("r1", "wcjd")


def ratios(card) -> dict[str, float | None]:
    return {key: indicator.ratio for key, indicator in card.indicators.items()}


def line_of(text: str, needle: str, nth: int = 1) -> int:
    lines = [i for i, line in enumerate(text.splitlines(), 1) if needle in line]
    return lines[nth - 1]


# --- indicators and scores --------------------------------------------------------


def test_every_indicator_is_computed() -> None:
    assert set(COMPUTE) == set(INDICATORS)


def test_base_district_indicators_and_scores(make_repo) -> None:
    card = card_of(make_repo(district()))
    assert ratios(card) == {
        "leader_coverage": 1.0,
        "ledger_completeness": 1.0,
        "on_time": 0.5,  # P01/M1 done in time; P02/M1 past its deadline, still in progress
        "closure": 0.5,
        "confirmed_closures": None,  # no git history
        "no_postponement": None,
        "clues_handled": 0.75,
        "accountability_list": 1.0,
        "leadership_accountability": 1.0,
        "substantive_evidence": 1.0,
        "site_check": 0.75,
        "mechanism_coverage": 1.0,
        "mechanism_enforcement": 0.0,  # the mechanism has no enforcement evidence
        "satisfaction": 0.7,  # (30 + 10 × 0.5) / 50
    }
    scores = {c.check.code: c.score for c in card.checks}
    # Check 3 leaves out 3.4 and 3.5 (no history): 10 of 15 points, scaled to 20.
    assert scores == {1: 13.0, 2: 2.5, 3: 13.3, 4: 12.8, 5: 12.5, 6: 8.0, 7: 0.0, 8: 7.0}
    assert card.total == 69.1 and card.grade == "一般"
    assert [s.name for s in card.shortfalls] == ["整改措施不精准", "整改推进不得力"]
    assert any("长效机制有执行佐证" in r for r in card.shortfalls[0].reasons)


def test_indicators_show_their_inputs(make_repo) -> None:
    card = card_of(make_repo(district()))
    assert card.indicators["on_time"].inputs == (
        "截至评估日 2018-01-15 到期措施 2 条，按时完成 1 条",
        "逾期未完成 1 条（P02/M1）",
    )
    assert "满意度 70.0%" in card.indicators["satisfaction"].inputs[0]
    item = card.check(2).items[0]
    assert item.earned == 1 and "2017-07-10 党工委会议专题研究整改" in item.basis


NO_MEASURES = """\
round: r1
unit: wcjd
plan:
  objective: 对照反馈意见逐项整改
problems:
  - id: P01
    title: 公务用车管理不规范
    category: work_style
"""


def test_no_measures(make_repo) -> None:
    card = card_of(make_repo(district({"ledgers/r1/wcjd.yml": NO_MEASURES})))
    found = ratios(card)
    assert found["ledger_completeness"] == 0.0  # a problem without measures is a missing item
    assert found["on_time"] is None and found["leader_coverage"] is None
    assert found["substantive_evidence"] is None and found["mechanism_coverage"] is None
    assert found["closure"] == 0.0
    assert (
        card.indicators["ledger_completeness"].inputs[-1]
        == "没有整改措施的问题 1 个（P01），按缺项计"
    )


ALL_OVERDUE = (
    NO_MEASURES
    + """\
    measures:
      - id: M1
        text: 建立公务用车使用登记台账，每月在街道公示栏公示
        deadline: 2017-09-30
        owner: 王芳（党政办副主任）
        leader: 王海燕（纪工委书记）
        status: in_progress
      - id: M2
        text: 对节假日出车情况逐次核查并形成书面报告
        deadline: 2017-10-31
        owner: 王芳（党政办副主任）
        status: not_started
"""
)


def test_all_overdue_and_no_accountability(make_repo) -> None:
    card = card_of(make_repo(district({"ledgers/r1/wcjd.yml": ALL_OVERDUE})))
    found = ratios(card)
    assert found["on_time"] == 0.0 and found["closure"] == 0.0
    assert found["ledger_completeness"] == 0.5  # M2 has no responsible leader
    assert found["leader_coverage"] == 0.0  # one by the discipline secretary, one with none
    assert found["accountability_list"] == 0.0 and found["leadership_accountability"] == 0.0
    assert card.indicators["accountability_list"].inputs == ("问责清单为空，没有任何问责记录",)
    assert card.check(4).score == round(15 * (3.75 + 2) / 15, 1)
    names = [s.name for s in card.shortfalls]
    assert "整改推进不得力" in names and "整改措施不精准" in names


def test_no_accountability_due_is_left_out(make_repo) -> None:
    evaluation = EVALUATION.replace(
        "  petitions_closed: 2\n",
        "  petitions_closed: 2\n  none_due_reason: 问题均属制度缺失，不涉及具体责任人\n",
    )
    card = card_of(make_repo(district({"ledgers/r1/wcjd.yml": ALL_OVERDUE, E: evaluation})))
    assert ratios(card)["accountability_list"] is None
    assert ratios(card)["leadership_accountability"] is None
    items = {s.item.id: s for s in card.check(4).items}
    assert not items["4.2"].applies and not items["4.3"].applies
    # 4.1 (3.75 of 5) and 4.4 (2 of 3) scaled to the check's 15 points.
    assert card.check(4).score == round(15 * 5.75 / 8, 1)


def test_unit_without_ledger_scores_zero_on_the_ledger(make_repo) -> None:
    card = card_of(make_repo(district({"ledgers/r1/wcjd.yml": None})))
    assert ratios(card)["ledger_completeness"] == 0.0
    assert card.indicators["closure"].inputs == ("没有整改台账",)
    assert card.forms == {1: 0, 2: 0, 3: 0, 4: 0}


def test_judged_and_counted_items_are_capped(make_repo) -> None:
    meetings = "".join(f"- date: 2017-07-1{i}\n  title: 第{i}次专题会议\n" for i in range(5))
    evaluation = EVALUATION.replace(
        "meetings:\n- date: 2017-07-10\n  title: 党工委会议专题研究整改\n", "meetings:\n" + meetings
    )
    card = card_of(make_repo(district({E: evaluation})))
    assert card.check(2).items[0].earned == 3  # five meetings, at most 3 points


def test_postponement_and_confirmed_closure_from_git(tmp_path) -> None:
    repo = GitRepo(tmp_path / "repo", start=datetime(2018, 1, 11))
    signers = (
        "reviewers:\n"
        f"  - name: {REVIEWER[0]}\n    email: {REVIEWER[1]}\n    role: discipline\n    units: ['*']\n"
    )
    base = {**BASE_FILES, "rounds/signers.yml": signers}
    repo.commit(base, "建立台账", who=STAFF)
    repo.branch("progress")
    closed = (
        BASE_FILES["ledgers/r1/wcjd.yml"]
        .replace(
            "            title: 公务用车管理不规范\n            category: work_style\n",
            "            title: 公务用车管理不规范\n            category: work_style\n"
            "            status: closed\n            closed_on: 2018-01-10\n",
        )
        .replace(
            "                deadline: 2017-12-31\n",
            "                deadline: 2018-01-31\n",
        )
        .replace(
            "                status: in_progress\n",
            "                status: done\n                completed_on: 2018-01-08\n"
            "                evidence:\n                  - 公务用车登记台账\n",
        )
    )
    repo.commit({"ledgers/r1/wcjd.yml": closed}, "P02 延期后销号", who=STAFF)
    repo.merge("progress", who=REVIEWER)
    repo.commit({RUBRIC_PATH: RUBRIC, E: EVALUATION}, "录入评估记录", who=STAFF)
    project, _ = check_project(repo.root)
    history, _ = read_history(repo.root, project.signers)
    card = evaluate(project, history).card("r1", "wcjd")
    found = ratios(card)
    # The evaluation is dated 2018-01-15; git dates these commits 2018-01-11.
    assert found["no_postponement"] == 0.5  # P02/M1 moved from 2017-12-31 to 2018-01-31
    assert found["confirmed_closures"] == 0.5  # P01 closed by a direct commit, P02 by a merge
    assert "未经审批 1 个" in card.indicators["confirmed_closures"].inputs
    assert (
        "P02/M1：2017-12-31 → 2018-01-31（推迟 31 天）" in card.indicators["no_postponement"].inputs
    )


def test_change_since_the_previous_evaluation_and_ranking() -> None:
    project, _ = check_project(ROOT)
    results = evaluate(project, History())
    later, earlier = results.card("r5", "wcjd"), results.card("r1", "wcjd")
    assert later.previous is earlier and earlier.previous is None
    assert later.change == round(later.total - earlier.total, 1) < 0
    r2 = results.by_round["r2"]
    assert [c.rank for c in r2] == [1, 2, 3]
    assert r2[-1].unit == "ypjd" and r2[-1].shortfalls[0].name == "整改责任不落实"
    pilots = {u.id for u in project.units if u.pilot}
    assert pilots <= {c.unit for cards in results.by_round.values() for c in cards}


# --- diagnostics --------------------------------------------------------------------


def _rubric(old: str, new: str, count: int = 1) -> str:
    assert old in RUBRIC
    return RUBRIC.replace(old, new, count)


def _evaluation(old: str, new: str) -> str:
    assert old in EVALUATION
    return EVALUATION.replace(old, new, 1)


R, W = RUBRIC_PATH, E
CASES: dict[str, tuple[dict, str, int | str | tuple[str, int]]] = {
    # code: (files, file, where): a line, the text of the line, or (text, its nth occurrence)
    "E001": (
        {
            R: _rubric("  weight: 10\n", "  weight: 12\n").replace(
                "    points: 10\n", "    points: 12\n"
            )
        },
        R,
        "name: 小店区巡察整改量化检查评估细则",
    ),
    "E002": ({R: _rubric("- code: 8\n", "- code: 9\n")}, R, "- code: 9"),
    "E003": ({R: _rubric("- code: 2\n", "- code: 1\n")}, R, ("- code: 1", 2)),
    "E004": ({R: _rubric("    points: 3\n", "    points: 4\n")}, R, "- code: 1"),
    "E005": ({R: _rubric("indicator: on_time", "indicator: ontime")}, R, "- id: '3.2'"),
    "E006": ({R: _rubric("  min: 0\n", "  min: 10\n")}, R, "- name: 差"),
    "E007": (
        {"rounds/evaluations/r1/jyj.yml": EVALUATION.replace("unit: wcjd", "unit: jyj")},
        "rounds/evaluations/r1/jyj.yml",
        1,
    ),
    "E008": (
        {W: None, "rounds/evaluations/r1/wcjd-2.yml": EVALUATION},
        "rounds/evaluations/r1/wcjd-2.yml",
        1,
    ),
    "E009": ({W: _evaluation("  score: 1.5\n", "  score: 3\n")}, W, "- item: '2.2'"),
    "E010": ({W: _evaluation("- item: '2.2'\n", "- item: '3.1'\n")}, W, "- item: '3.1'"),
    "E011": ({W: _evaluation("  dissatisfied: 10\n", "  dissatisfied: -3\n")}, W, "satisfied: 30"),
    "E012": ({W: _evaluation("  clues_closed: 1\n", "  clues_closed: 5\n")}, W, "clues_received"),
    "E013": ({W: _evaluation("evaluated_on: 2018-01-15", "evaluated_on: 2017-09-01")}, W, 1),
    "E014": (
        {W: _evaluation("evaluators:\n- 韩素琴（区委巡察办）\n- 徐立军（区纪委监委）\n", "")},
        W,
        1,
    ),
    "E015": ({W: _evaluation("- item: '4.4'\n  score: 2\n", "")}, W, 1),
    "E016": ({W: EVALUATION + "- item: '2.2'\n  score: 1\n"}, W, ("- item: '2.2'", 2)),
    "E017": ({R: None}, W, 0),
    "E018": (
        {
            W: _evaluation(
                "  satisfied: 30\n  basically_satisfied: 10\n  dissatisfied: 10\n",
                "  held_on: 2018-01-12\n",
            )
        },
        W,
        "held_on",
    ),
    "E019": (
        {
            "rounds/evaluations/bulletins.yml": "bulletins:\n- id: b1\n  title: 通报\n  issuer: 区委巡察办\n  issued_on: 2018-02-01\n  cases: [nope]\n"
        },
        "rounds/evaluations/bulletins.yml",
        2,
    ),
}


@pytest.mark.parametrize("code", sorted(CASES))
def test_code_is_triggered_at_its_line(make_repo, code: str) -> None:
    files, file, where = CASES[code]
    root = make_repo(district(files))
    if isinstance(where, str):
        where = (where, 1)
    if isinstance(where, tuple):
        where = line_of((root / file).read_text(encoding="utf-8"), *where)
    found = [d for d in diagnostics_of(root) if d.code == code]
    assert found, f"{code} not reported"
    assert any(d.file == file and d.line == where for d in found), [d.as_text() for d in found]


def test_every_e_code_has_a_case() -> None:
    assert set(CASES) == {code for code in CATALOGUE if code.startswith("E")}


def test_base_evaluation_is_clean(make_repo) -> None:
    codes = {d.code for d in diagnostics_of(make_repo(district()))}
    assert not {c for c in codes if c.startswith("E")}, codes


def test_round_rubric_overrides_the_default(make_repo) -> None:
    lighter = RUBRIC.replace("name: 小店区巡察整改量化检查评估细则（试行）", "name: 第一轮细则")
    lighter = lighter.replace("  - name: 好\n    min: 90\n", "")
    root = make_repo(district({"rounds/evaluations/r1/rubric.yml": lighter}))
    card = card_of(root)
    assert card.rubric.name == "第一轮细则"
    bad = make_repo(district({"rounds/evaluations/r9/rubric.yml": RUBRIC}))
    assert "R002" in {d.code for d in diagnostics_of(bad)}


def test_misplaced_file_under_evaluations_is_y011(make_repo) -> None:
    root = make_repo(district({"rounds/evaluations/r1/notes.txt": "会议纪要\n"}))
    assert ("Y011", "rounds/evaluations/r1/notes.txt") in {
        (d.code, d.file) for d in diagnostics_of(root)
    }


# --- the site, the CLI and the report ---------------------------------------------------


@pytest.fixture(scope="module")
def sample_site(tmp_path_factory) -> Path:
    result = build(ROOT, tmp_path_factory.mktemp("sample") / "out")
    assert result.site_dir is not None, [d.as_text() for d in result.diagnostics]
    return result.site_dir


@pytest.mark.slow
def test_pilot_scorecards_and_rankings_are_in_the_sample_site(sample_site: Path) -> None:
    project, _ = check_project(ROOT)
    index = (sample_site / "evaluation/index.html").read_text(encoding="utf-8")
    assert "<svg" in index and "量化检查评估得分" in index
    for unit in (u for u in project.units if u.pilot):
        evaluation = next(e for e in project.evaluations if e.unit == unit.id)
        page = sample_site / f"evaluation/{evaluation.round}/{unit.id}/index.html"
        html = page.read_text(encoding="utf-8")
        assert unit.name in html and "八查得分" in html and "八查 " in html
        ranking = (sample_site / f"evaluation/{evaluation.round}/index.html").read_text(
            encoding="utf-8"
        )
        assert unit.name in ranking and "<svg" in ranking
        assert unit.name in index
    later = (sample_site / "evaluation/r5/wcjd/index.html").read_text(encoding="utf-8")
    assert "上次评估" in later and "−" in later


@pytest.mark.slow
def test_report_notice_and_bulletin_pages(sample_site: Path) -> None:
    report = (sample_site / "reports/r3/bgz/index.html").read_text(encoding="utf-8")
    for heading in (
        "一、整改工作总体情况",
        "五、尚未完成的整改事项及下一步计划",
        "六、审核签字情况",
    ):
        assert heading in report
    assert "村集体“三资”管理混乱" in report
    notices = (sample_site / "evaluation/notices/index.html").read_text(encoding="utf-8")
    assert "GX10" in notices
    # The hospital reported "nothing found" on procurement in 2019; its inspection found it.
    notice = (sample_site / "evaluation/notices/GX10/index.html").read_text(encoding="utf-8")
    assert "自查要点" in notice and "区人民医院党委" in notice and "自查未发现、巡察发现" in notice
    bulletin = (sample_site / "evaluation/bulletins/2020-01/index.html").read_text(encoding="utf-8")
    assert (
        "关于巡察整改不力典型问题的通报" in bulletin
        and "坞城街道违规发放津贴补贴问题改后又犯" in bulletin
    )


def test_built_tmp_district_has_the_scorecard(make_repo, tmp_path) -> None:
    title = "公务用车管理不规范 <script>alert(1)</script>"
    evaluation = EVALUATION + "conclusion: '" + title + "'\n"
    root = make_repo(district({E: evaluation}))
    result = build(root, tmp_path / "out")
    assert result.site_dir is not None, [d.as_text() for d in result.diagnostics]
    html = (result.site_dir / "evaluation/r1/wcjd/index.html").read_text(encoding="utf-8")
    assert "69.1" in html and "一般" in html and "整改措施不精准" in html
    assert "<script>alert(1)" not in html


def rectify(*args: str) -> subprocess.CompletedProcess:
    return subprocess.run(
        [sys.executable, "-m", "site_builder", *args],
        capture_output=True,
        text=True,
        timeout=300,
    )


def test_evaluate_r1_json() -> None:
    result = rectify("evaluate", "r1", "--json", "--root", str(ROOT))
    assert result.returncode == 0, result.stderr
    data = json.loads(result.stdout)
    assert data["round"] == "r1"
    units = data["units"]
    assert [u["unit"] for u in units] == ["wcjd", "jyj"]
    assert [u["rank"] for u in units] == [1, 2]
    first = units[0]
    assert first["name"] == "坞城街道党工委" and first["grade"] in ("好", "较好")
    assert len(first["checks"]) == 8 and sum(c["weight"] for c in first["checks"]) == 100
    assert first["total"] == round(sum(c["score"] for c in first["checks"]), 1)


def test_evaluate_prints_the_ranking_and_refuses_unknown_rounds() -> None:
    result = rectify("evaluate", "r2", "--root", str(ROOT))
    assert result.returncode == 0, result.stderr
    assert "营盘街道党工委" in result.stdout
    assert "营盘街道党工委（r2）整改责任不落实" in result.stdout
    assert rectify("evaluate", "r9", "--root", str(ROOT)).returncode == 2


def test_report_docx_for_every_pilot_unit(tmp_path) -> None:
    project, _ = check_project(ROOT)
    analysis = analyse(project, History(), project.settings.as_of)
    pilots = {u.id for u in project.units if u.pilot}
    for ledger in (led for led in project.ledgers if led.unit in pilots):
        report = build_report(project, analysis, ledger.round, ledger.unit)
        path = tmp_path / f"{ledger.key.replace('/', '-')}.docx"
        path.write_bytes(report_docx(report))
        document = docx.Document(str(path))
        text = "\n".join(p.text for p in document.paragraphs)
        cells = "\n".join(c.text for t in document.tables for row in t.rows for c in row.cells)
        assert text.startswith(report.title)
        for heading in (
            "一、整改工作总体情况",
            "二、问题整改情况",
            "三、长效机制建设情况",
            "四、责任追究情况",
            "五、尚未完成的整改事项及下一步计划",
            "六、审核签字情况",
        ):
            assert heading in text, (ledger.key, heading)
        for problem in ledger.problems:
            assert f"{problem.id} {problem.title}" in text, (ledger.key, problem.id)
            for measure in problem.measures:
                assert (measure.text or "") in cells
        assert "区纪委监委" in cells and "区委组织部" in cells


def test_report_command_writes_a_docx(tmp_path) -> None:
    out = tmp_path / "wcjd.docx"
    result = rectify("report", "r5", "wcjd", "--root", str(ROOT), "--out", str(out))
    assert result.returncode == 0, result.stderr
    text = "\n".join(p.text for p in docx.Document(str(out)).paragraphs)
    assert "坞城街道党工委关于区委第五轮巡察" in text and "P08 老旧小区改造项目资料不全" in text
    missing = rectify("report", "r1", "nowhere", "--root", str(ROOT), "--out", str(out))
    assert missing.returncode == 1 and "没有找到台账" in missing.stderr
