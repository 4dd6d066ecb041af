"""The unit page's 对账 view, postponements and deciding bodies, rendered from inline YAML."""

from __future__ import annotations

from datetime import date

from test_records_rules import FB, FEEDBACK, HEAD, MEASURE, SIGNERS, W, problem

from site_builder.analyse import analyse
from site_builder.history import History
from site_builder.pipeline import check_project
from site_builder.render.tree import render_docs
from site_builder.render.views import build_site_data

POSTPONED = MEASURE.replace("2017-12-31", "2018-06-30") + (
    "        postponements:\n"
    "          - {requested_on: 2017-12-01, reason: 设备未到货, old_deadline: 2017-12-31, "
    "new_deadline: 2018-03-31, approved_by: 赵敏, approved_on: 2017-12-05}\n"
    "          - {requested_on: 2018-03-20, reason: 施工队伍调整, new_deadline: 2018-06-30}\n"
)
ACCOUNTABILITY = (
    "    accountability:\n"
    "      - {person: 周强, post: 分管副主任, responsibility: leadership, form: 2, "
    "measure: 党内警告, decided_by: 区纪委监委, cadre_level: 区管干部}\n"
)
FEEDBACK_3 = FEEDBACK + "  - id: F03\n    text: 机关食堂账目不清\n    category: finance_assets\n"


def unit_page(make_repo, tmp_path, files: dict[str, str]) -> str:
    project, diagnostics = check_project(make_repo(files))
    site = build_site_data(project, analyse(project, History(), date(2018, 4, 10)), diagnostics)
    render_docs(site, tmp_path / "docs")
    return (tmp_path / "docs" / "units" / "r1" / "wcjd.md").read_text(encoding="utf-8")


def test_reconcile_view_shows_split_merge_gap_postponements_and_bodies(make_repo, tmp_path):
    ledger = (
        HEAD
        + problem("    answers: [F01, F02]\n" + ACCOUNTABILITY, measure=POSTPONED)
        + problem("    answers: [F01]\n").replace("id: P01", "id: P02")
        + problem("    source: self\n").replace("id: P01", "id: P03")
    )
    text = unit_page(
        make_repo, tmp_path, {FB: FEEDBACK_3, W: ledger, "rounds/signers.yml": SIGNERS}
    )
    view = text[text.index("## 对账") :]
    assert "未对应 1 项（任务有漏项）" in view
    gap = next(line for line in view.splitlines() if "rl-gap" in line)
    assert "F03" in gap and "rl-red" in gap
    assert "分 2 个问题整改" in view  # F01 split over P01 and P02
    assert "与 F02 合并整改" in view  # P01 answers F01 and F02
    assert "自查（不在反馈问题清单中）" in view
    assert "已批准</span> 赵敏" in view and "未经批准" in view
    # The unapproved slip leaves the warning at the approved 2018-03-31.
    row = next(line for line in view.splitlines() if "施工队伍调整" in line)
    assert "2017-12-31" in row and row.endswith("<td>2018-03-31</td></tr>")
    assert "区纪委监委" in view and "第二种形态" in view and "区管干部" in view


def test_old_ledger_has_no_reconcile_section(make_repo, tmp_path):
    text = unit_page(make_repo, tmp_path, {})
    assert "## 对账" not in text
    assert "## 问责与决定机关" in text  # the base ledger's accountability, with bodies


def test_red_warning_counts_from_the_approved_deadline_and_keeps_the_original(make_repo):
    from site_builder.analyse.warnings import compute_warnings

    ledger = HEAD + problem("    answers: [F01, F02]\n", measure=POSTPONED)
    project, _ = check_project(make_repo({W: ledger, "rounds/signers.yml": SIGNERS}))
    warnings = compute_warnings(project, History(), date(2018, 4, 10))
    alert = next(a for a in warnings.red if a.item == "P01/M1")
    assert (alert.deadline, alert.original, alert.days) == (
        date(2018, 3, 31),
        date(2017, 12, 31),
        10,
    )
