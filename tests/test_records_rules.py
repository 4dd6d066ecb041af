"""The office's records: feedback lists (对账), time-limit kinds, postponements, authority.

Every new diagnostic is triggered from inline YAML on the base district of conftest,
at its file and line; other tests check what the rules must not report.
"""

from __future__ import annotations

import pytest

from conftest import codes, diagnostics_of

HEAD = """\
round: r1
unit: wcjd
plan:
  objective: 对照反馈意见逐项整改并建立长效机制
problems:
"""
MEASURE = """\
      - id: M1
        text: 建立公务用车使用登记台账，每月公示
        deadline: 2017-12-31
        owner: 王芳（党政办副主任）
        leader: 李建军（办事处主任）
"""
W = "ledgers/r1/wcjd.yml"
FB = "rounds/feedback/r1/wcjd.yml"
FEEDBACK = """\
round: r1
unit: wcjd
team: 第一巡察组
items:
  - id: F01
    text: 公务用车管理不规范，存在私车公养
    category: work_style
  - id: F02
    text: “三重一大”事项未经集体研究决定
    category: leadership
"""
SIGNERS = """\
reviewers:
  - name: 赵敏
    email: zhaomin@example.org
    role: discipline
    units: ["*"]
  - name: 钱进
    email: qianjin@example.org
    role: organisation
    units: [jyj]
"""


def problem(extra: str = "", measure_extra: str = "", measure: str = MEASURE) -> str:
    return (
        "  - id: P01\n    title: 公务用车管理不规范\n    category: work_style\n"
        + extra
        + "    measures:\n"
        + measure
        + measure_extra
    )


def postponed(entry: str, deadline: str = "2018-03-31") -> str:
    return problem(
        measure=MEASURE.replace("2017-12-31", deadline),
        measure_extra="        postponements:\n          - " + entry + "\n",
    )


ANSWERS = "    answers: [F01]\n"


def reviewed(*reviews: str, extra: str = "") -> str:
    """The base ledger whose plan has these reviews (one flow mapping a line, from line 6)."""
    lines = "".join(f"  - {{{r}}}\n" for r in reviews)
    return HEAD.replace("problems:\n", extra + "  reviews:\n" + lines + "problems:\n") + problem()


RETURNED = "submitted_on: 2017-07-20, reviewer: 赵敏, outcome: 退回, reviewed_on: 2017-07-25"
PASSED = "submitted_on: 2017-08-01, reviewer: 赵敏, outcome: passed, reviewed_on: 2017-08-04"
CL = "rounds/clues/r1.yml"


def clue(extra: str = "", head: str = "round: r1\n") -> str:
    return (
        head
        + "clues:\n  - id: XS01\n    unit: wcjd\n    summary: 反映公务用车私用\n"
        + "    handed_over_on: 2017-07-10\n    receiver: 区纪委监委\n"
        + extra
    )


CASES: dict[str, tuple[dict, str, int]] = {
    "F001": ({FB: FEEDBACK, W: HEAD + problem(ANSWERS)}, W, 1),
    "F002": (
        {FB: FEEDBACK, W: HEAD + problem(ANSWERS), "rounds/settings.yml": "as_of: 2017-07-20\n"},
        W,
        1,
    ),
    "F003": ({FB: FEEDBACK, W: HEAD + problem("    answers: [F01, F2]\n")}, W, 6),
    "F004": ({FB: FEEDBACK, W: HEAD + problem()}, W, 6),
    "F005": ({W: HEAD + problem(ANSWERS)}, W, 6),
    "F006": ({"rounds/feedback/r1/jyj.yml": FEEDBACK}, "rounds/feedback/r1/jyj.yml", 1),
    "F007": (
        {"rounds/feedback/r1/jyj.yml": FEEDBACK.replace("unit: wcjd", "unit: jyj")},
        "rounds/feedback/r1/jyj.yml",
        1,
    ),
    "F008": ({FB: FEEDBACK + "    team: 第二巡察组\n"}, FB, 8),
    "F009": ({FB: "round: r1\nunit: wcjd\nitems: []\n"}, FB, 1),
    "F010": ({FB: FEEDBACK, W: HEAD + problem("    source: self\n" + ANSWERS)}, W, 6),
    "F011": ({FB: FEEDBACK.replace("id: F02", "id: F01")}, FB, 8),
    "L010": (
        {
            W: HEAD
            + problem(measure_extra="        time_limit: 立行立改\n").replace(
                "2017-12-31", "2017-08-01"
            )
        },
        W,
        10,
    ),
    "P009": ({W: HEAD + problem(measure_extra="        time_limit: immediate\n")}, W, 10),
    "L011": (
        {
            W: HEAD
            + problem(
                measure_extra="        status: stage_done\n        completed_on: 2017-10-01\n"
                "        evidence: [台账]\n"
            )
        },
        W,
        10,
    ),
    "P007": ({W: HEAD + problem(measure_extra="        time_limit: 长期坚持\n")}, W, 10),
    "P008": (
        {
            W: HEAD
            + problem(
                measure_extra="        time_limit: long_term\n        stage_due: 2018-06-30\n"
            )
        },
        W,
        10,
    ),
    "P010": ({W: HEAD + problem(measure_extra="        time_limit: long_term\n")}, W, 10),
    "L012": (
        {
            W: HEAD
            + postponed(
                "{requested_on: 2017-12-01, reason: 资金未到位, old_deadline: 2017-12-31, "
                "new_deadline: 2018-03-31}"
            )
        },
        W,
        16,
    ),
    "L013": (
        {
            W: HEAD
            + postponed(
                "{requested_on: 2017-12-01, reason: 资金未到位, new_deadline: 2018-03-31, "
                "approved_by: 赵敏, approved_on: 2017-12-05}",
                deadline="2017-12-31",
            )
        },
        W,
        10,
    ),
    "D006": (
        {
            W: HEAD
            + postponed(
                "{requested_on: 2017-12-01, reason: 调整, old_deadline: 2018-06-30, "
                "new_deadline: 2018-03-31, approved_by: 赵敏, approved_on: 2017-12-05}"
            ),
            "rounds/signers.yml": SIGNERS,
        },
        W,
        16,
    ),
    "D007": (
        {
            W: HEAD
            + postponed(
                "{requested_on: 2017-12-01, reason: 资金未到位, new_deadline: 2018-03-31, "
                "approved_by: 赵敏, approved_on: 2017-11-05}"
            ),
            "rounds/signers.yml": SIGNERS,
        },
        W,
        16,
    ),
    "R013": (
        {
            W: HEAD
            + postponed(
                "{requested_on: 2017-12-01, reason: 资金未到位, new_deadline: 2018-03-31, "
                "approved_by: 李四, approved_on: 2017-12-05}"
            )
        },
        W,
        16,
    ),
    "R014": (
        {
            W: HEAD
            + postponed(
                "{requested_on: 2017-12-01, reason: 资金未到位, new_deadline: 2018-03-31, "
                "approved_by: 钱进, approved_on: 2017-12-05}"
            ),
            "rounds/signers.yml": SIGNERS,
        },
        W,
        16,
    ),
    "P011": (
        {W: reviewed(PASSED).replace("  reviews:", "  review: {outcome: passed}\n  reviews:")},
        W,
        4,
    ),
    "P012": ({W: reviewed(RETURNED, PASSED)}, W, 6),
    "P013": ({W: reviewed(RETURNED + ", failed_checks: [任务有漏项]")}, W, 6),
    "P014": ({W: reviewed(PASSED + ", failed_checks: [措施不具体]")}, W, 6),
    "D008": ({W: reviewed(RETURNED.replace("2017-07-25", "2017-07-15"))}, W, 6),
    "R015": ({"rounds/clues/r9.yml": clue()}, "rounds/clues/r9.yml", 1),
    "R016": ({CL: clue().replace("unit: wcjd", "unit: jyj")}, CL, 3),
    "R017": ({CL: clue("    problems: [r1/wcjd/P01]\n    persons: [王五]\n")}, CL, 3),
    "D009": (
        {CL: clue("    status: 了结\n    concluded_on: 2017-07-01\n    outcome: 属实\n")},
        CL,
        3,
    ),
    "L014": ({CL: clue("    status: concluded\n")}, CL, 3),
    "A002": (
        {
            W: HEAD
            + problem(
                "    accountability:\n      - {person: 周强, responsibility: leadership, form: 2, "
                "measure: 党内警告, decided_by: 单位党组织, cadre_level: 区管干部}\n"
            )
        },
        W,
        10,
    ),
    "A003": (
        {
            W: HEAD
            + problem(
                "    accountability:\n      - {person: 孙伟, responsibility: direct, form: 1, "
                "measure: 批评教育}\n"
            )
        },
        W,
        10,
    ),
}


@pytest.mark.parametrize("code", sorted(CASES))
def test_record_code_is_triggered_at_its_line(make_repo, code: str) -> None:
    files, file, line = CASES[code]
    found = [d for d in diagnostics_of(make_repo(files)) if d.code == code]
    assert found, f"{code} not reported"
    assert any(d.file == file and d.line == line for d in found), [d.as_text() for d in found]


def test_split_and_merged_items_reconcile_without_findings(make_repo) -> None:
    # F01 is split over P01 and P02; P01 also answers F02 (merged): no gap, no F code.
    ledger = (
        HEAD
        + problem("    answers: [F01, F02]\n")
        + problem("    answers: [F01]\n").replace("id: P01", "id: P02")
    )
    found = codes(make_repo({FB: FEEDBACK, W: ledger}))
    assert not [c for c in found if c.startswith("F")], found


def test_withdrawn_problem_does_not_answer(make_repo) -> None:
    withdrawn = "    answers: [F01, F02]\n    status: withdrawn\n    withdrawn_reason: 与P02合并\n"
    found = diagnostics_of(make_repo({FB: FEEDBACK, W: HEAD + problem(withdrawn)}))
    gaps = [d for d in found if d.code == "F001"]
    assert len(gaps) == 2 and "已撤销" in gaps[0].message


def test_old_ledger_without_feedback_list_gets_no_feedback_findings(make_repo) -> None:
    found = codes(make_repo())
    assert not [c for c in found if c.startswith("F") or c in ("A003", "L012")], found


def test_old_terms_are_read_as_current(make_repo) -> None:
    from site_builder.pipeline import check_project

    entry = (
        "    accountability:\n      - {person: 周强, responsibility: leadership, "
        "form: 第二种形态, measure: 诫勉谈话, decided_by: 区纪委监委, cadre_level: 区管干部}\n"
    )
    project, found = check_project(make_repo({W: HEAD + problem(entry)}))
    accountability = project.ledgers[0].problems[0].accountability[0]
    assert (accountability.form, accountability.measure) == (2, "诫勉")
    assert accountability.decided_by == "district_discipline"
    assert "A002" not in {d.code for d in found}


def test_approved_postponement_moves_the_warning_and_keeps_the_original(make_repo) -> None:
    from datetime import date

    from site_builder.analyse.progress import Colour, measure_colour
    from site_builder.model.district import Thresholds
    from site_builder.pipeline import check_project

    entries = [
        "{requested_on: 2017-12-01, reason: 设备未到货, old_deadline: 2017-12-31, "
        "new_deadline: 2018-03-31, approved_by: 赵敏, approved_on: 2017-12-05}",
        "{requested_on: 2018-03-20, reason: 再次推迟, new_deadline: 2018-06-30}",
    ]
    text = HEAD + problem(
        measure=MEASURE.replace("2017-12-31", "2018-06-30"),
        measure_extra="        postponements:\n" + "".join(f"          - {e}\n" for e in entries),
    )
    project, found = check_project(make_repo({W: text, "rounds/signers.yml": SIGNERS}))
    measure = project.ledgers[0].problems[0].measures[0]
    assert measure.original_deadline == date(2017, 12, 31)
    # The unapproved second slip does not move the warning: red from 2018-03-31 on.
    assert measure.approved_deadline == date(2018, 3, 31)
    assert measure_colour(measure, date(2018, 4, 10), Thresholds()) is Colour.RED
    assert [d.code for d in found if d.code in ("L012", "L013", "R013")] == ["L012"]


def test_feedback_lists_belong_to_the_office() -> None:
    from conftest import ROOT

    lines = (ROOT / ".github" / "CODEOWNERS").read_text(encoding="utf-8").splitlines()
    # The last matching line wins on GitHub: the feedback line comes after the catch-all.
    assert lines[-1] == "/rounds/feedback/ zhoutao@xcb.xiaodian.example"


def test_supplementary_item_is_due_thirty_days_after_it_was_handed_over(make_repo) -> None:
    late = FEEDBACK + "    added_on: 2017-12-20\n"  # F02, handed over after the meeting
    settings = {"rounds/settings.yml": "as_of: 2017-12-31\n"}
    found = codes(make_repo({FB: late, W: HEAD + problem(ANSWERS), **settings}))
    assert "F002" in found and "F001" not in found
    settings = {"rounds/settings.yml": "as_of: 2018-01-20\n"}
    found = codes(make_repo({FB: late, W: HEAD + problem(ANSWERS), **settings}))
    assert "F001" in found and "F002" not in found


def test_plan_sent_back_and_resubmitted_reads_as_two_reviews(make_repo) -> None:
    from site_builder.pipeline import check_project

    returned = RETURNED + ", failed_checks: [任务有漏项, 措施不具体], resubmit_by: 2017-08-05"
    project, found = check_project(make_repo({W: reviewed(returned, PASSED)}))
    plan = project.ledgers[0].plan
    assert [r.outcome for r in plan.history] == ["returned", "passed"]
    assert plan.history[0].failed_checks == ["missing_tasks", "vague_measures"]
    assert plan.current_review.outcome == "passed"
    assert not {"P011", "P012", "P013", "P014", "D008"} & {d.code for d in found}


def test_returned_plan_moves_the_gap_deadline(make_repo) -> None:
    returned = RETURNED + ", failed_checks: [任务有漏项], resubmit_by: 2017-09-30"
    text = reviewed(returned).replace(
        "    category: work_style\n", "    category: work_style\n" + ANSWERS, 1
    )
    settings = {"rounds/settings.yml": "as_of: 2017-09-01\n"}
    found = codes(make_repo({FB: FEEDBACK, W: text, **settings}))
    assert "F002" in found and "F001" not in found  # due again on 2017-09-30


def test_validator_findings_can_be_recorded_as_the_review(make_repo) -> None:
    from site_builder.pipeline import check_project
    from site_builder.validate.plan_reviews import suggested_review

    vague = problem(measure=MEASURE.replace("建立公务用车使用登记台账，每月公示", "进一步加强管理"))
    project, found = check_project(make_repo({FB: FEEDBACK, W: HEAD + vague}))
    review = suggested_review(found, project.ledgers[0])
    assert review["outcome"] == "returned"
    assert review["failed_checks"] == ["missing_tasks", "vague_measures"]
    assert any(f.startswith("P004") for f in review["findings"])


def test_plan_review_command_writes_a_review_the_ledger_accepts(make_repo) -> None:
    import subprocess
    import sys

    vague = problem(measure=MEASURE.replace("建立公务用车使用登记台账，每月公示", "进一步加强管理"))
    head = HEAD.replace("problems:\n", "  submitted_on: 2017-07-20\nproblems:\n")
    root = make_repo({FB: FEEDBACK, W: head + vague})
    run = [sys.executable, "-m", "site_builder", "plan-review", "r1", "wcjd", "--root", str(root)]
    result = subprocess.run(
        [*run, "--reviewer", "赵敏", "--on", "2017-07-25"], capture_output=True, text=True
    )
    assert result.returncode == 0, result.stderr
    assert "拟退回修改" in result.stdout and "- submitted_on: 2017-07-20" in result.stdout
    assert "任务有漏项" in result.stdout and "措施不具体" in result.stdout
    # Recorded as printed (indented under plan.reviews), the review is the plan's history.
    entry = "".join(f"  {line}\n" for line in result.stdout.splitlines() if line[:1] != "#")
    recorded = head.replace("problems:\n", "  reviews:\n" + entry + "problems:\n")
    (root / W).write_text(recorded + vague, encoding="utf-8")
    from site_builder.pipeline import check_project

    project, found = check_project(root)
    review = project.ledgers[0].plan.reviews[0]
    assert (review.outcome, review.reviewer, str(review.reviewed_on)) == (
        "returned",
        "赵敏",
        "2017-07-25",
    )
    assert review.failed_checks == ["missing_tasks", "vague_measures"]
    assert not {"P012", "P014", "D008"} & {d.code for d in found}
    # A passing plan, and a unit without a ledger.
    import textwrap

    from conftest import BASE_FILES

    (root / FB).unlink()
    (root / W).write_text(textwrap.dedent(BASE_FILES[W]), encoding="utf-8")
    clean = subprocess.run(run, capture_output=True, text=True)
    assert clean.returncode == 0 and "拟通过" in clean.stdout, clean.stderr
    missing = subprocess.run(
        [*run[:-3], "jyj", "--root", str(root)], capture_output=True, text=True
    )
    assert (
        missing.returncode == 1 and "找不到" in missing.stderr and "Traceback" not in missing.stderr
    )


def test_data_model_guide_documents_every_new_field() -> None:
    from site_builder.model.clues import Clue, ClueLedger
    from site_builder.model.feedback import FeedbackItem, FeedbackList
    from site_builder.model.ledger import Accountability, Measure, PlanReview, Postponement
    from site_builder.model.money import Amount

    from conftest import ROOT

    page = (ROOT / "docs/guide/data-model.md").read_text(encoding="utf-8")
    models = (FeedbackList, FeedbackItem, Postponement, Measure, Accountability, PlanReview)
    for model in (*models, ClueLedger, Clue, Amount):
        for name in model.model_fields:
            if name != "src":
                assert f"`{name}`" in page, f"{model.__name__}.{name}"
    assert "rounds/feedback/" in page and "`stage_done`" in page and "`village`" in page


def test_new_ledger_writes_one_problem_per_feedback_item(make_repo) -> None:
    from site_builder.editor.scaffold import new_ledger

    root = make_repo({FB: FEEDBACK, W: None})
    scaffold = new_ledger(root, "r1", "wcjd")
    assert "answers: [F01]" in scaffold.text and "answers: [F02]" in scaffold.text
    found = codes(root)
    # Reconciled from the start: no gap; the validator asks for the measures' details.
    assert not [c for c in found if c.startswith("F")], found
    assert "P002" in found and "P003" in found


def test_clue_links_problems_and_persons_and_is_hidden_in_public(make_repo) -> None:
    from site_builder.audience import PUBLIC, for_audience, parse_audience, sensitive_values
    from site_builder.history import History
    from site_builder.pipeline import check_project

    linked = "    status: 立案\n    problems: [r1/wcjd/P01]\n    persons: [孙伟, 周强]\n"
    project, found = check_project(make_repo({CL: clue(linked)}))
    assert not {"R008", "R016", "R017", "L014"} & {d.code for d in found}
    assert [(c.round, c.status, c.receiver) for c in project.clues] == [
        ("r1", "filed", "discipline")
    ]
    # Clues are internal: public and unit sites keep none (their text is still known as
    # sensitive, so the public site's pages are checked against it).
    public, _, _ = for_audience(PUBLIC, project, History(), found)
    unit, _, _ = for_audience(parse_audience("unit:wcjd"), project, History(), found)
    assert public.clues == [] and unit.clues == []
    assert "反映公务用车私用" in sensitive_values(project)


def test_money_is_read_from_text_and_summed_per_unit_round_and_district(make_repo) -> None:
    from decimal import Decimal

    from site_builder.analyse.money import money_totals
    from site_builder.pipeline import check_project

    money = (
        "        money:\n"
        "          - {kind: 清退, amount: 2.1万元, on: 2017-09-01}\n"
        "          - {kind: recovered, amount: '1,360.50'}\n"
    )
    project, found = check_project(make_repo({W: HEAD + problem(measure_extra=money)}))
    totals = money_totals(project)
    assert totals.units["r1/wcjd"].by_kind == {
        "refund": Decimal("21000.00"),
        "recovered": Decimal("1360.50"),
    }
    assert totals.rounds["r1"].total == totals.district.total == Decimal("22360.50")
    bad = money.replace("2.1万元", "两万元")
    found = diagnostics_of(make_repo({W: HEAD + problem(measure_extra=bad)}))
    s009 = [d for d in found if d.code == "S009"]
    assert s009 and "2.1万元" in s009[0].message and s009[0].line == 16
