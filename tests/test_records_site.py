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


def test_warnings_page_shows_the_original_deadline_beside_the_approved_one(make_repo, tmp_path):
    from site_builder.analyse.warnings import compute_warnings

    ledger = (
        HEAD
        + problem("    answers: [F01, F02]\n", measure=POSTPONED)
        + problem().replace("id: P01", "id: P02").replace("2017-12-31", "2018-04-01")
    )
    project, diagnostics = check_project(make_repo({W: ledger, "rounds/signers.yml": SIGNERS}))
    warnings = compute_warnings(project, History(), date(2018, 4, 10))
    alerts = {a.item: a for a in warnings.red}
    assert alerts["P01/M1"].deadline_note == (
        "（原定2017年12月31日，已批准延期；申请延期至2018年6月30日，未经批准）"
    )
    assert alerts["P02/M1"].deadline_note == ""  # never postponed: the deadline alone
    site = build_site_data(project, analyse(project, History(), date(2018, 4, 10)), diagnostics)
    render_docs(site, tmp_path / "docs")
    page = (tmp_path / "docs" / "warnings" / "index.md").read_text(encoding="utf-8")
    assert '<time datetime="2018-03-31">2018-03-31</time><br><small' in page
    assert "原定2017年12月31日，已批准延期" in page


def test_units_not_yet_inspected_are_due_to_self_check(make_repo, tmp_path):
    """GX01 is named in r1: wcjd (inspected in r1) is not due; jyj (in the registry, never
    inspected) and ypjd (added, never inspected) are; jyj's self-check counts as done."""
    registry = (
        "units:\n  - {id: wcjd, name: 坞城街道党工委, kind: street, inspected_in: [r1]}\n"
        "  - {id: jyj, name: 区教育局党委, kind: bureau}\n"
        "  - {id: ypc, name: 北格镇营盘村党支部, kind: village}\n"
    )
    checks = (
        "self_checks:\n  - {unit: jyj, code: GX01, checked_on: 2017-09-01, result: found, "
        "note: 补建“三重一大”事项会议记录, rectified_on: 2017-09-20}\n"
    )
    root = make_repo({"rounds/units.yml": registry, "rounds/self_checks.yml": checks})
    project, diagnostics = check_project(root)
    assert not [d for d in diagnostics if d.code.startswith("R")], diagnostics
    site = build_site_data(project, analyse(project, History(), date(2018, 4, 10)), diagnostics)
    view = next(c for c in site.common if c.item.code == "GX01")
    assert (view.self_checked, view.self_check_due) == (1, 2)
    assert view.notice is not None
    assert [(r.unit.id, r.result) for r in view.notice.rows] == [
        ("jyj", "发现问题"),
        ("ypc", "未报送自查"),
    ]
    assert site.inspected_units == 1  # the rounds' total counts inspected units only
    render_docs(site, tmp_path / "docs")
    common = (tmp_path / "docs" / "common" / "index.md").read_text(encoding="utf-8")
    assert ">1 / 2</a>" in common
