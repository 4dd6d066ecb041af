"""Public disclosure (整改情况公开): a notice per unit and round, as a page and a .docx, with
the site's own figures; and a unit's overview with the district's figures, numbers only."""

from __future__ import annotations

import io
import re
import zipfile
from datetime import date
from pathlib import Path

import pytest
from test_audience import find_values

from site_builder.analyse.disclosure import disclosure_notice
from site_builder.analyse.progress import district_totals
from site_builder.audience import parse_audience
from site_builder.pipeline import build, check_project

from conftest import BASE_FILES

AS_OF = date(2017, 12, 1)
SETTINGS = """
    district: 示例区
    disclosure:
      phone: 0351-7012388
      email: xcb@shiliqu.example.cn
      address: 示例区迎泽路12号区委大院3号楼
"""
JYJ_IN_R1 = (
    BASE_FILES["rounds/r1.yml"].rstrip()
    + "\n"
    + (
        "          - name: 第二巡察组\n"
        "            leader: 郭志明\n"
        "            units:\n"
        "              - unit: jyj\n"
        "                feedback_on: 2017-07-06\n"
        "                receipt:\n"
        "                  principal: {name: 孟庆林, signed_on: 2017-07-06}\n"
        "                  team_leader: {name: 郭志明, signed_on: 2017-07-06}\n"
        "                  office_director: {name: 陈丽华, signed_on: 2017-07-06}\n"
    )
)
UNITS = BASE_FILES["rounds/units.yml"].replace(
    "kind: bureau", "kind: bureau\n            inspected_in: [r1]"
)
JYJ = """
    round: r1
    unit: jyj
    plan:
      objective: 2017年底前完成全部反馈问题整改，建立校舍维修资金管理制度
      submitted_on: 2017-08-02
    problems:
      - id: P01
        title: 校舍维修资金拨付滞后
        category: finance_assets
        measures:
          - id: M1
            text: 清理2016年以来校舍维修项目，逐项核对资金拨付进度并建立台账
            deadline: 2017-10-31
            owner: 高建华（计财科科长）
            leader: 孟庆林（局长）
"""


def page_text(path: Path) -> str:
    return re.sub(r"<[^>]+>|\s", "", path.read_text(encoding="utf-8"))


def row_cells(html: str, label: str) -> list[str]:
    row = re.search(rf"<th scope=\"row\">{label}</th>(.*?)</tr>", html)
    assert row is not None, label
    return re.findall(r"<td>([^<]*)</td>", row.group(1))


@pytest.fixture(scope="module")
def district(tmp_path_factory: pytest.TempPathFactory) -> Path:
    from conftest import write_files

    files = {
        **BASE_FILES,
        "rounds/settings.yml": SETTINGS,
        "rounds/r1.yml": JYJ_IN_R1,
        "rounds/units.yml": UNITS,
        "ledgers/r1/jyj.yml": JYJ,
    }
    return write_files(tmp_path_factory.mktemp("district") / "repo", files)


@pytest.fixture(scope="module")
def sites(district: Path) -> dict[str, Path]:
    built = {}
    for audience in ("public", "internal", "unit:wcjd"):
        out = district.parent / audience.replace(":", "-")
        result = build(district, out, as_of=AS_OF, audience=parse_audience(audience))
        assert result.site_dir is not None, [str(d) for d in result.diagnostics]
        built[audience] = result.site_dir
    return built


def test_notice_prints_the_sites_figures_and_the_offices_contacts(district, sites) -> None:
    project, _ = check_project(district)
    notice = disclosure_notice(project, project.ledger_by_key["r1/wcjd"], AS_OF)
    assert (notice.problems, notice.stats.closed, notice.stats.open) == (2, 1, 1)
    text = page_text(sites["public"] / "disclosure/r1/wcjd/index.html")
    assert "坞城街道党工委关于区委第一轮巡察整改进展情况的通报" in text
    assert (
        "纳入整改的问题2个（其中巡察反馈问题1个，共性问题、上级新要求和自查发现问题1个），"
        "已完成整改1个，正在整改1个，整改完成率50%"
    ) in text
    assert "区委第一巡察组于2017年4月10日至2017年6月9日对坞城街道党工委开展了巡察" in text
    assert "关于“‘三重一大’事项未经集体研究”问题（已完成整改）" in text
    # The round table on the same site says the same.
    round_page = page_text(sites["public"] / "rounds/r1/index.html")
    assert "坞城街道党工委" in round_page
    # Main measures (started ones), the mechanism, accountability by count, no names.
    assert "修订《“三重一大”决策制度实施办法》" in text
    assert "《“三重一大”决策制度实施办法》（2017年9月印发）" in text
    assert "对相关责任人问责2人次，其中运用第一种形态2人次" in text
    assert "诫勉1人次" in text and "批评教育1人次" in text
    assert "监督电话：0351-7012388" in text and "xcb@shiliqu.example.cn" in text
    assert "示例区迎泽路12号区委大院3号楼" in text and "2017年12月1日" in text
    for name in ("孙伟", "周强", "孙某", "周某", "原财务负责人"):
        assert name not in text


def test_notice_as_word_says_the_same(sites) -> None:
    raw = (sites["public"] / "disclosure/r1/wcjd.docx").read_bytes()
    with zipfile.ZipFile(io.BytesIO(raw)) as docx:
        xml = docx.read("word/document.xml").decode("utf-8")
        styles = docx.read("word/styles.xml").decode("utf-8")
    text = re.sub(r"<[^>]+>", "", xml)
    assert "坞城街道党工委关于区委第一轮巡察整改进展情况的通报" in text
    assert "已完成整改1个" in text and "监督电话：0351-7012388" in text
    assert "一、整改总体情况" in text and "四、责任追究情况" in text
    assert "2017年12月1日" in text and "仿宋" in styles and "方正小标宋简体" in xml
    assert "孙伟" not in text and "周强" not in text


def test_public_overview_and_nav_lead_to_the_notices(sites) -> None:
    overview = (sites["public"] / "index.html").read_text(encoding="utf-8")
    assert 'href="disclosure/"' in overview
    index = page_text(sites["public"] / "disclosure/index.html")
    assert "坞城街道党工委" in index and "区教育局党委" in index
    page = (sites["public"] / "disclosure/r1/wcjd/index.html").read_text(encoding="utf-8")
    assert 'href="../wcjd.docx"' in page
    # Not on the office's own site, nor a unit's.
    assert not (sites["internal"] / "disclosure").exists()
    assert not (sites["unit:wcjd"] / "disclosure").exists()


def test_unit_overview_shows_district_totals_and_nothing_else(district, sites) -> None:
    project, _ = check_project(district)
    totals = district_totals(project, AS_OF)
    assert (totals.units, totals.stats.problems, totals.stats.open) == (2, 3, 2)
    html = (sites["unit:wcjd"] / "index.html").read_text(encoding="utf-8")
    assert row_cells(html, "全区")[:3] == ["3", "1", "2"]
    assert row_cells(html, "本单位")[:3] == ["2", "1", "1"]
    leaks, _ = find_values(sites["unit:wcjd"], ["区教育局党委", "校舍维修资金", "高建华"])
    assert leaks == {}, leaks
    assert "本单位与全区" not in page_text(sites["internal"] / "index.html")


def test_public_build_without_contacts_is_warned(make_repo, tmp_path, sites) -> None:
    result = build(make_repo(), tmp_path / "out", as_of=AS_OF, audience=parse_audience("public"))
    assert result.site_dir is not None
    assert [d.file for d in result.diagnostics if d.code == "C010"] == ["rounds/settings.yml"]
    page = page_text(result.site_dir / "disclosure/r1/wcjd/index.html")
    assert "请向区委巡察办反映。坞城街道党工委" in page  # no empty 监督电话 line
