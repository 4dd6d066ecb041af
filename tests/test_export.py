"""The data export (data/export.json): written by every build, valid against the committed
JSON Schema, public builds export what public pages show, newer versions are refused."""

from __future__ import annotations

import html
import json
import re
import subprocess
import sys
from datetime import date
from pathlib import Path

import pytest

from site_builder.audience import parse_audience
from site_builder.export import SCHEMA_VERSION, read_export
from site_builder.pipeline import build

from conftest import ROOT
from gitrepo import GitRepo

CHECK_JSONSCHEMA = Path(sys.executable).parent / "check-jsonschema"
SCHEMA = ROOT / "schemas" / "export.schema.json"
DUBIAN = """\
round: r1
records:
- unit: wcjd
  date: 2017-11-01
  kind: talk
  by: 区纪委副书记 冀文涛
  items: [P02/M1]
  response_due: 2017-11-10
"""


def schema_check(*files: Path) -> subprocess.CompletedProcess:
    assert CHECK_JSONSCHEMA.exists(), "check-jsonschema is in the test extra"
    return subprocess.run(
        [str(CHECK_JSONSCHEMA), "--schemafile", str(SCHEMA), *map(str, files)],
        capture_output=True,
        text=True,
        timeout=300,
    )


@pytest.fixture(scope="module")
def built(tmp_path_factory) -> dict[str, Path]:
    """The base district with a 督办 record in git, built for both audiences."""
    from conftest import BASE_FILES, write_files

    base = tmp_path_factory.mktemp("export")
    root = write_files(base / "repo", {**BASE_FILES, "rounds/supervision/r1.yml": DUBIAN})
    GitRepo(root).commit({}, "建立台账")
    exports = {}
    for audience in ("internal", "public"):
        result = build(
            root, base / audience, as_of=date(2017, 12, 1), audience=parse_audience(audience)
        )
        assert result.site_dir is not None, [d.as_text() for d in result.diagnostics]
        exports[audience] = result.site_dir / "data" / "export.json"
    return exports


def page_text(path: Path) -> str:
    return html.unescape(re.sub(r"<[^>]+>", " ", path.read_text(encoding="utf-8")))


def test_the_internal_site_shows_the_dubian_page_and_the_units_history(built) -> None:
    site = built["internal"].parent.parent
    page = page_text(site / "dubian" / "index.html")
    # On 2017-12-01 the talk's reply (due 11-10) is overdue, and the report is late
    # (feedback 2017-07-05 + 90 days = 2017-10-03).
    assert "整改报告至今未报送（逾期 59 天）" in page
    assert "约谈" in page and "区纪委副书记 冀文涛" in page and "逾期未回复" in page
    unit = page_text(site / "units" / "r1" / "wcjd" / "index.html")
    assert "截至 2017-12-01 需要督办" in unit and "区纪委副书记 冀文涛" in unit


def test_the_public_site_has_no_dubian(built) -> None:
    site = built["public"].parent.parent
    assert not (site / "dubian").exists()
    texts = [p.read_text(encoding="utf-8", errors="replace") for p in site.rglob("*.html")]
    assert texts and not any("冀文涛" in t for t in texts)


def test_every_build_writes_an_export_valid_against_the_schema(built) -> None:
    data = json.loads(built["internal"].read_text(encoding="utf-8"))
    assert data["schema_version"] == SCHEMA_VERSION == 1
    assert data["as_of"] == "2017-12-01"
    ledger = next(e for e in data["ledgers"] if e["unit"] == "wcjd")
    assert ledger["figures"]["problems"] == 2 and ledger["figures"]["closed"] == 1
    assert ledger["colours"] == {"P01/M1": "done", "P02/M1": "green"}
    assert ledger["ledger"]["problems"][0]["accountability"][0]["person"] == "孙伟"
    assert data["events"] and data["events"][0]["signoff"]["state"]
    assert data["supervision"][0]["by"] == "区纪委副书记 冀文涛"
    result = schema_check(*built.values())
    assert result.returncode == 0, result.stdout + result.stderr


def test_the_schema_refuses_a_broken_export(built, tmp_path) -> None:
    data = json.loads(built["internal"].read_text(encoding="utf-8"))
    cases = {
        "count": lambda d: d["figures"].update(closed=-1),
        "colour": lambda d: d["ledgers"][0]["colours"].update({"P01/M1": "purple"}),
        "extra": lambda d: d["ledgers"][0]["ledger"]["problems"][0].update(owner="x"),
        "version": lambda d: d.update(schema_version=2),
    }
    for name, breaks in cases.items():
        broken = json.loads(json.dumps(data))
        breaks(broken)
        path = tmp_path / f"{name}.json"
        path.write_text(json.dumps(broken, ensure_ascii=False), encoding="utf-8")
        assert schema_check(path).returncode == 1, name


def test_a_public_export_holds_no_hidden_value(built) -> None:
    text = built["public"].read_text(encoding="utf-8")
    data = json.loads(text)
    assert data["audience"] == "public" and data["supervision"] == []
    for value in ("孙伟", "周强", "原财务负责人", "冀文涛"):
        assert value not in text, value
    assert "孙伟" in built["internal"].read_text(encoding="utf-8")


def test_a_newer_export_is_refused_in_chinese(built, tmp_path) -> None:
    data, found = read_export(built["internal"])
    assert data is not None and not found
    newer = json.loads(built["internal"].read_text(encoding="utf-8"))
    newer["schema_version"] = SCHEMA_VERSION + 1
    path = tmp_path / "newer.json"
    path.write_text(json.dumps(newer), encoding="utf-8")
    data, found = read_export(path)
    assert data is None and [d.code for d in found] == ["V020"]
    assert f"格式版本为 {SCHEMA_VERSION + 1}" in found[0].message
    assert "请升级 rectify" in found[0].message


@pytest.mark.parametrize(
    ("content", "detail"),
    [("{not json", "第 1 行不是有效的 JSON"), ('{"district": "x"}', "缺少格式版本")],
)
def test_what_is_not_an_export_is_v021(tmp_path, content: str, detail: str) -> None:
    path = tmp_path / "export.json"
    path.write_text(content, encoding="utf-8")
    data, found = read_export(path)
    assert data is None and [d.code for d in found] == ["V021"]
    assert detail in found[0].message


def test_aggregate_compares_districts_and_reports_what_it_cannot_read(built, tmp_path) -> None:
    other = json.loads(built["internal"].read_text(encoding="utf-8"))
    other["district"] = "迎泽区"
    newer = dict(other, schema_version=SCHEMA_VERSION + 1)
    (tmp_path / "yz.json").write_text(json.dumps(other, ensure_ascii=False), encoding="utf-8")
    (tmp_path / "new.json").write_text(json.dumps(newer), encoding="utf-8")
    paths = [built["internal"], tmp_path / "yz.json", tmp_path / "new.json", tmp_path / "gone.json"]
    result = subprocess.run(
        [sys.executable, "-m", "site_builder", "aggregate", *map(str, paths), "--json"],
        capture_output=True, text=True, timeout=300,
    )  # fmt: skip
    assert result.returncode == 1 and "Traceback" not in result.stderr
    out = json.loads(result.stdout)
    rows = out["districts"]
    assert [r["district"] for r in rows] == ["示例区", "迎泽区"]
    assert rows[0]["问题数"] == 2 and rows[0]["已销号"] == 1 and rows[0]["督办次数"] == 1
    refused = {d["code"]: d["message"] for d in out["refused"]}
    assert "格式版本为 2" in refused["V020"] and "文件不存在" in refused["V021"]
