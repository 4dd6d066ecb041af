"""`rectify aggregate --city`: the city's site from three districts' exports, a broken or
newer district reported with the rest still built, and a rebuild after one district
changed reading only that district's export and re-indexing only its search shard."""

from __future__ import annotations

import html
import json
import re
import shutil
from pathlib import Path

import pytest
from cityrepos import OWN_UNIT, three_district_city

from site_builder.city import build_city
from site_builder.cli.main import main
from site_builder.export.city import load_city

from gitrepo import GitRepo


def text_of(page: Path) -> str:
    return html.unescape(re.sub(r"<[^>]+>", " ", page.read_text(encoding="utf-8")))


@pytest.fixture(scope="module")
def city(tmp_path_factory) -> tuple[Path, Path]:
    """(city.yml, the built city's out folder)."""
    base = tmp_path_factory.mktemp("city")
    settings = three_district_city(base)
    result = build_city(settings, base / "city-out")
    assert result.site_dir is not None, [d.as_text() for d in result.diagnostics]
    assert not result.diagnostics, [d.as_text() for d in result.diagnostics]
    assert sorted(result.reread) == ["jinyuan", "xiaodian", "yingze"]
    return settings, base / "city-out"


def test_the_overview_puts_the_districts_side_by_side(city) -> None:
    site = city[1] / "site"
    page = text_of(site / "index.html")
    for name in ("小店区", "迎泽区", "晋源区"):
        assert name in page
    # Each district: 2 problems, 1 closed (50%), 1 red; city: 6 problems, 3 closed, 3 red.
    row = re.search(r"迎泽区\s+2\s+1\s+50%\s+(\d+)\s+(\d+)\s+1\s+0\s+1\s+2018-03-01", page)
    assert row, page
    assert re.search(r"6\s+问题\s+3\s+已销号（50%）", page)
    assert "晋阳市巡察整改情况汇总" in page
    # The built districts' search shards, one each, and the city's own pages.
    shards = json.loads((site / "pagefind" / "shards.json").read_text())["shards"]
    assert shards == ["city/", "d-jinyuan/", "d-xiaodian/", "d-yingze/"]


def test_red_items_name_district_unit_people_and_days_overdue(city) -> None:
    page = text_of(city[1] / "site" / "districts" / "yingze" / "red" / "index.html")
    row = re.sub(r"\s+", " ", page)
    assert (
        f"迎泽区 {OWN_UNIT} 区委第一轮巡察 公务用车管理不规范 "
        "建立公务用车使用登记台账，每月在街道公示栏公示 王芳（党政办副主任） "
        "李建军（办事处主任） 2017-12-31 60"
    ) in row, row


def test_common_problems_are_counted_across_districts(city) -> None:
    page = re.sub(r"\s+", " ", text_of(city[1] / "site" / "common" / "index.html"))
    assert "“三重一大”决策制度执行不到位 党的领导 3 3 0" in page, page
    assert "小店区 1 个单位；迎泽区 1 个单位；晋源区 1 个单位" in page


def test_pages_show_no_english_status_codes(city) -> None:
    for page in (city[1] / "site").rglob("*.html"):
        if "pagefind" in page.parts:
            continue
        body = text_of(page).split("当前位置", 1)[-1]
        for code in ("in_progress", "closed", "open", "work_style", "leadership", "red"):
            assert not re.search(rf"\b{code}\b", body), (page, code)


def test_a_broken_or_newer_district_is_reported_and_the_rest_builds(city, tmp_path) -> None:
    settings, _ = city
    (tmp_path / "broken.json").write_text('{"schema_version": 1, "district"', encoding="utf-8")
    (tmp_path / "newer.json").write_text('{"schema_version": 99}', encoding="utf-8")
    extra = (
        settings.read_text(encoding="utf-8")
        + f"""\
  - id: missing
    name: 杏花岭区
    path: {tmp_path / "nowhere"}
  - id: broken
    name: 万柏林区
    export: {tmp_path / "broken.json"}
  - id: newer
    name: 尖草坪区
    export: {tmp_path / "newer.json"}
"""
    )
    (broken := settings.with_name("city-broken.yml")).write_text(extra, encoding="utf-8")
    out = tmp_path / "out"
    result = build_city(broken, out)
    found = [(d.code, d.line) for d in result.diagnostics]
    assert found == [("V030", 12), ("V031", 15), ("V032", 18)], found
    assert "杏花岭区的数据来源" in result.diagnostics[0].message
    assert "第 1 行不是有效的 JSON" in result.diagnostics[1].message
    assert "格式版本为 99" in result.diagnostics[2].message
    assert result.site_dir is not None and result.analysis is not None
    assert [d.name for d in result.analysis.districts] == ["小店区", "迎泽区", "晋源区"]
    page = text_of(out / "site" / "index.html")
    assert "以下 3 项未能汇总" in page and "尖草坪区的数据导出" in page
    # The command prints file:line: code and exits 1.
    assert main(["aggregate", "--city", str(broken), "--out", str(out)]) == 1


def test_a_rebuild_after_one_district_changed_rereads_only_it(city, tmp_path) -> None:
    settings, built = city
    out = tmp_path / "out"
    shutil.copytree(built, out, symlinks=True)
    # 迎泽区 closes its open problem; its build folder gets a new export.
    base = settings.parent
    repo = base / "yingze" / "repo"
    ledger = (repo / "ledgers/r1/wcjd.yml").read_text(encoding="utf-8")
    done = re.sub(
        r"( +)status: in_progress",
        r"\1status: done\n\1completed_on: 2018-01-20\n\1evidence: [公务用车使用登记台账]",
        ledger,
    )
    GitRepo(repo).commit({"ledgers/r1/wcjd.yml": done}, "完成公务用车整改措施")
    from cityrepos import AS_OF

    from site_builder.pipeline import build

    assert build(repo, base / "yingze" / "out", as_of=AS_OF).site_dir is not None
    result = build_city(settings, out)
    assert result.reread == ["yingze"], result.reread
    state = json.loads((out / "site-engine.json").read_text())
    assert state["incremental"] and state["search_shards_reindexed"] == 2  # city, d-yingze
    page = text_of(out / "site" / "districts" / "yingze" / "red" / "index.html")
    assert "没有逾期未完成的措施" in page


def test_city_settings_mistakes_name_the_line(tmp_path) -> None:
    path = tmp_path / "city.yml"
    path.write_text(
        """\
city: 晋阳市
districts:
  - id: a
    name: 甲区
    path: a
    export: a.json
  - id: b
    name: 乙区
    path: b
  - id: b
    name: 丙区
    path: c
  - id: d
    name: 丁区
    paht: d
""",
        encoding="utf-8",
    )
    settings, found = load_city(path)
    assert settings is None
    codes = [(d.code, d.line) for d in found]
    assert codes and codes[0][1] == 15 and codes[0][0].startswith("S"), codes
    path.write_text(path.read_text(encoding="utf-8").replace("paht", "path"), encoding="utf-8")
    settings, found = load_city(path)
    assert settings is not None and [s.id for s in settings.districts] == ["b", "d"]
    assert [(d.code, d.line) for d in found] == [("V037", 3), ("V036", 10)]
    assert "写了 2 个数据来源" in found[0].message and "与第 7 行重复" in found[1].message


def test_unreachable_sources_and_odd_exports_are_reported(city, tmp_path) -> None:
    settings, _ = city
    export = settings.parent / "xiaodian" / "out" / "site" / "data" / "export.json"
    data = json.loads(export.read_text(encoding="utf-8"))
    data.update(district="小店区（旧名）", as_of="2018-02-01")
    (odd := tmp_path / "odd.json").write_text(json.dumps(data, ensure_ascii=False), "utf-8")
    broken_repo = tmp_path / "repo"
    (broken_repo / "rounds").mkdir(parents=True)
    (broken_repo / "rounds" / "units.yml").write_text("units: [", encoding="utf-8")
    extra = (
        settings.read_text(encoding="utf-8")
        + f"""\
  - id: odd
    name: 清徐县
    export: {odd}
  - id: badrepo
    name: 阳曲县
    path: {broken_repo}
  - id: nogit
    name: 娄烦县
    git: {tmp_path / "no-such-repo.git"}
  - id: offline
    name: 古交市
    export: http://127.0.0.1:9/data/export.json
"""
    )
    (path := settings.with_name("city-odd.yml")).write_text(extra, encoding="utf-8")
    result = build_city(path, tmp_path / "out")
    found = sorted((d.code, d.line) for d in result.diagnostics)
    assert found == [("V033", 15), ("V034", 18), ("V035", 21), ("V038", 12), ("V039", 12)]
    assert result.site_dir is not None and result.analysis is not None
    assert len(result.analysis.districts) == 4
