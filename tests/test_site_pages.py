"""Every page kind of the site, built from the demo repository (sample data + history)."""

from __future__ import annotations

import csv
import html
import io
import json
import subprocess
import sys
from datetime import date
from pathlib import Path

import pytest

from site_builder.pipeline import build
from site_builder.render.tree import NAV_ROUNDS

from conftest import BASE_FILES, ROOT

pytestmark = pytest.mark.slow  # builds the demo site


@pytest.fixture(scope="module")
def demo_site(tmp_path_factory) -> Path:
    work = tmp_path_factory.mktemp("demo-site")
    repo, out = work / "repo", work / "out"
    run = [sys.executable, "-m", "site_builder"]
    made = subprocess.run(
        [*run, "demo", str(repo), "--source", str(ROOT)],
        capture_output=True,
        text=True,
        timeout=600,
    )
    assert made.returncode == 0, made.stderr
    built = subprocess.run(
        [*run, "build", "--root", str(repo), "--out", str(out), "--timings"],
        capture_output=True,
        text=True,
        timeout=600,
    )
    assert built.returncode == 0, built.stderr
    for stage in ("加载", "校验", "读取历史", "生成页面", "站点引擎", "合计"):
        assert stage in built.stderr
    return out / "site"


def page(site: Path, rel: str) -> str:
    # Attribute values are compared as the browser reads them (character references decoded).
    return html.unescape((site / rel / "index.html").read_text(encoding="utf-8"))


def test_overview_has_round_figures_and_charts(demo_site) -> None:
    text = page(demo_site, ".")
    assert text.count('class="rl-chart"') == 2
    for heading in (
        "确认销号",
        "未确认销号",
        "逾期",
        "延期",
        "改后又犯",
        "需要处理的事项",
        "口径说明",
    ):
        assert heading in text
    assert "区委第五轮巡察" in text


def test_warnings_page_names_each_failure_pattern_with_evidence(demo_site) -> None:
    text = page(demo_site, "warnings")
    expected = {
        "虎头蛇尾": "北格镇党委",
        "过关心态": "区民政局党组",
        "不全面": "区人民医院党委",
        "问责偏软": "区城市建设投资有限公司党支部",
        "标本兼治不够": "区第一中学党总支",
        "主体责任不强": "营盘街道党工委",
        "改后又犯": "坞城街道党工委",
    }
    rows = text.split("<tr>")
    for pattern, unit in expected.items():
        assert any(pattern in row and unit in row for row in rows), (pattern, unit)
    for state in ("自我审批", "审批人不在名单", "签名无效", "缺少签名", "未经审批"):
        assert state in text, state
    assert "推迟 90 天" in text


def test_unit_page_has_lists_timeline_and_patterns(demo_site) -> None:
    text = page(demo_site, "units/r3/bgz")
    for heading in ("问题清单", "任务清单", "责任清单", "签字背书", "修改时间线"):
        assert heading in text
    assert "重新打开" in text and "已确认 · " in text
    assert "虎头蛇尾" in text


def test_common_catalogue_shows_rounds_repeats_and_self_checks(demo_site) -> None:
    text = page(demo_site, "common")
    assert "回头看：重复发现" in text and "坞城街道党工委" in text
    # Counts on the catalogue; each unit's self-check on the notice page it links to.
    assert "未巡先改：已自查 / 应自查" in text and "../evaluation/notices/GX01/" in text
    assert "自查情况" in page(demo_site, "evaluation/notices/GX01")


def test_cases_are_filterable_and_linked_both_ways(demo_site) -> None:
    text = page(demo_site, "cases")
    assert 'data-filter="year"' in text and 'data-filter="form"' in text
    assert 'data-filter="category"' in text and "data-year=" in text
    case = page(demo_site, "cases/2018-01-mzj-car")
    assert "../../units/r2/mzj/#" in case
    unit = page(demo_site, "units/r2/mzj")
    assert "../../../cases/2018-01-mzj-car/" in unit


def test_downloads_for_the_district_and_each_unit(demo_site) -> None:
    folder = demo_site / "downloads"
    raw = (folder / "ledger.csv").read_bytes()
    assert raw.startswith(b"\xef\xbb\xbf")
    rows = list(csv.reader(io.StringIO(raw.decode("utf-8-sig"))))
    assert rows[0][:4] == ["轮次", "单位编号", "单位", "问题编号"] and len(rows) > 1000
    data = json.loads((folder / "ledger.json").read_text(encoding="utf-8"))
    assert len(data) == 126
    assert json.loads((folder / "r1-wcjd.json").read_text(encoding="utf-8"))[0]["unit"] == "wcjd"
    assert (folder / "r1-wcjd.csv").is_file()
    assert "r1-wcjd.csv" in page(demo_site, "downloads")


def test_spreadsheet_formulas_are_not_evaluated(make_repo, tmp_path) -> None:
    from site_builder.pipeline import build

    from conftest import BASE_FILES

    ledger = BASE_FILES["ledgers/r1/wcjd.yml"].replace(
        "title: 公务用车管理不规范", 'title: \'=HYPERLINK("http://x","点我")\''
    )
    result = build(make_repo({"ledgers/r1/wcjd.yml": ledger}), tmp_path / "out")
    text = (result.site_dir / "downloads/ledger.csv").read_text(encoding="utf-8-sig")
    assert "'=HYPERLINK" in text


def test_many_rounds_are_one_sidebar_entry(make_repo, tmp_path) -> None:
    """Past NAV_ROUNDS rounds the sidebar links one page listing them, not each round."""
    count = NAV_ROUNDS + 2
    files: dict[str, str] = {}
    for i in range(2, count + 1):
        files[f"rounds/r{i}.yml"] = (
            BASE_FILES["rounds/r1.yml"]
            .replace("id: r1", f"id: r{i}")
            .replace("区委第一轮巡察", f"区委第{i}轮巡察")
        )
    rounds = ", ".join(f"r{i}" for i in range(1, count + 1))
    files["rounds/units.yml"] = BASE_FILES["rounds/units.yml"].replace(
        "inspected_in: [r1]", f"inspected_in: [{rounds}]", 1
    )
    result = build(make_repo(files), tmp_path / "out", as_of=date(2017, 12, 1), keep_going=True)
    assert result.site_dir is not None
    listing = (result.site_dir / "rounds/index.html").read_text(encoding="utf-8")
    unit_page = (result.site_dir / "units/r1/wcjd/index.html").read_text(encoding="utf-8")
    for i in range(2, count + 1):
        assert f'href="r{i}/"' in listing, i
        assert f"区委第{i}轮巡察" not in unit_page  # not in the sidebar
        assert (result.site_dir / f"rounds/r{i}/index.html").is_file()


def test_audit_page_shows_governance_changes_and_a_list_that_did_not_take_effect(
    demo_site,
) -> None:
    text = page(demo_site, "audit")
    assert "治理文件变更" in text and "rounds/signers.yml" in text
    assert "未生效" in text and "审批人不在名单" in text  # the epilogue's organisation approval
    assert "H007" in text
    assert 'href="audit/"' in page(demo_site, ".")  # in the sidebar
