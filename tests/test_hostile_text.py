"""Formulas and control characters, from a spreadsheet or a YAML file, and output that
never passes a control character on.

A formula's cached result is what Excel last computed, perhaps from hidden cells or
never recomputed: it is reported, never imported as if typed. A bidirectional override
or a terminal escape sequence in any text is refused with its place, and diagnostics
printed for a terminal or for GitHub Actions show such characters escaped.
"""

from __future__ import annotations

import json
import re
import zipfile
from pathlib import Path

import pytest
from openpyxl import load_workbook
from openpyxl.worksheet.formula import ArrayFormula
from test_sheets import GOOD_ROW, HEADER, W, make_workbook, office_book, refused, row

from site_builder.cli.main import main
from site_builder.diagnostics import Diagnostic, Severity
from site_builder.diagnostics.core import dumps_json
from site_builder.sheets import import_xlsx

from conftest import BASE_FILES, diagnostics_of

SHEET = "xl/worksheets/sheet1.xml"


@pytest.fixture
def repo(make_repo) -> Path:
    return make_repo({W: None})


def with_cached_value(book: Path, cell: str, value: str) -> Path:
    """Give ``cell``'s formula the cached result Excel would have saved with it."""
    with zipfile.ZipFile(book) as archive:
        parts = {info.filename: archive.read(info) for info in archive.infolist()}
    pattern = rb'(<c r="%s"[^>]*>\s*<f[^>]*>[^<]*</f>)\s*(?:<v\s*/>|<v>[^<]*</v>)?' % cell.encode()
    parts[SHEET], count = re.subn(pattern, rb"\1<v>%s</v>" % value.encode(), parts[SHEET])
    assert count == 1
    out = book.with_name("cached.xlsx")
    with zipfile.ZipFile(out, "w", zipfile.ZIP_DEFLATED) as archive:
        for name, data in parts.items():
            archive.writestr(name, data)
    return out


# --- formulas --------------------------------------------------------------------------


@pytest.mark.parametrize("kind", ["plain", "array"])
def test_formula_cell_is_reported_not_its_cached_result(repo, tmp_path, kind) -> None:
    book = office_book(tmp_path, [row(整改时限="=DATE(2017,9,30)")])
    if kind == "array":
        wb = load_workbook(book)
        wb.active["H3"] = ArrayFormula("H3", "=DATE(2017,9,30)")
        wb.save(book)
    # Excel saved 42643 (2016-09-30 would be 42643 too if a hidden cell said so).
    cached = with_cached_value(book, "H3", "42643")
    assert load_workbook(cached, data_only=True).active["H3"].value == 42643
    d = refused(repo, cached, "X025")
    assert (d.line, d.col) == (3, 8)
    assert "工作表“台账”第 3 行第 H 列：单元格是公式（=DATE(2017,9,30)）" in d.message
    assert "粘贴" in d.message and "数值" in d.message


def test_every_formula_is_listed_up_to_a_limit_then_counted(repo, tmp_path) -> None:
    # 序号 as =ROW()-2 is common in office sheets; it is a formula all the same.
    rows = [row(序号="=ROW()-2", 存在问题=f"问题{i}") for i in range(25)]
    result = import_xlsx(repo, office_book(tmp_path, rows))
    found = [d.code for d in result.diagnostics]
    assert found.count("X025") == 20 and found.count("X028") == 1, found
    more = next(d for d in result.diagnostics if d.code == "X028")
    assert "另有 5 个单元格" in more.message and "公式" in more.message
    assert result.ledger is None and not (repo / W).exists()


# --- control characters in cells and sheet names ----------------------------------------


@pytest.mark.parametrize(
    ("column", "value", "index", "shown"),
    [
        ("存在问题", "公务用车\u202e管理不规范", 5, "U+202E（从右至左强制）"),
        # Excel writes a control character as _x001B_ in the file; openpyxl keeps the text.
        ("整改措施", "建立台账_x001B_[2J", 5, "U+001B（ESC"),
        ("责任人", "王\x9b31m芳", 2, "U+009B（CSI"),
        ("佐证材料", "台账\u2067照片\u2069", 3, "U+2067（从右至左隔离）"),
        ("整改进展", "推进中\u2028已印发", 4, "U+2028（行分隔符）"),
    ],
)
def test_control_character_in_a_cell_is_refused_with_its_place(
    repo, tmp_path, column, value, index, shown
) -> None:
    d = refused(repo, office_book(tmp_path, [row(**{column: value})]), "X026")
    col = HEADER.index(column) + 1
    assert (d.line, d.col) == (3, col)
    letter = "ABCDEFGHIJK"[col - 1]
    assert f"工作表“台账”第 3 行第 {letter} 列：第 {index} 个字符是不可见的控制字符 {shown}" in (
        d.message
    )


def test_control_character_in_the_title_row_is_refused(repo, tmp_path) -> None:
    title = "坞城街道\u202d党工委巡察整改台账"
    book = make_workbook(tmp_path / "t.xlsx", {"台账": [[title], HEADER, GOOD_ROW]})
    d = refused(repo, book, "X026")
    assert (d.line, d.col) == (1, 1)


def test_control_character_in_a_sheet_name_is_refused(repo, tmp_path) -> None:
    book = make_workbook(
        tmp_path / "s.xlsx", {"台账\u202e": [["坞城街道党工委"], HEADER, GOOD_ROW]}
    )
    d = refused(repo, book, "X027")
    assert "第 3 个字符是不可见的控制字符 U+202E" in d.message


def test_zero_width_space_and_line_breaks_stay_allowed(repo, tmp_path) -> None:
    # U+200B comes with text copied from web pages and segmenters; Alt+Enter gives LF.
    book = office_book(tmp_path, [row(存在问题="公务用车\u200b管理不规范\n2辆车无派车单")])
    result = import_xlsx(repo, book)
    assert result.written, [d.as_text() for d in result.diagnostics]
    assert result.ledger.problems[0].title.startswith("公务用车\u200b管理不规范")


# --- control characters in YAML files ----------------------------------------------------


def _ledger(old: str, new: str) -> str:
    text = BASE_FILES[W]
    assert old in text
    return text.replace(old, new, 1)


def _place(root: Path, rel: str, needle: str) -> tuple[int, int]:
    """1-based line and column of ``needle`` in the file as written."""
    text = (root / rel).read_text(encoding="utf-8")
    index = text.index(needle)
    return text.count("\n", 0, index) + 1, index - (text.rfind("\n", 0, index) + 1) + 1


@pytest.mark.parametrize(
    ("old", "new", "needle", "code"),
    [
        ("事项未经集体研究", "事项未经\u202e究研体集", "\u202e", "Y014"),
        ("title: “三重一大”事项未经集体研究", 'title: "\\e[2J“三重一大”事项"', "\\e", "Y015"),
        ("owner: 张明（党政办主任）", 'owner: "张明\\u202e"', "\\u202e", "Y015"),
        ("round: r1", "round: r1  # 第一轮\u2066 ", "\u2066", "Y014"),
        ("unit: wcjd", 'unit: "wcjd\\x1b]0;title\\x07"', "\\x1b", "Y015"),
    ],
    ids=["bidi-in-title", "esc-escape-in-title", "bidi-escape", "isolate-in-comment", "osc"],
)
def test_control_character_in_yaml_is_refused_at_its_position(
    make_repo, old, new, needle, code
) -> None:
    root = make_repo({W: _ledger(old, new)})
    found = [d for d in diagnostics_of(root) if d.file == W]
    assert [d.code for d in found] == [code], [d.as_text() for d in found]
    assert (found[0].line, found[0].col) == _place(root, W, needle)


def test_control_character_in_a_case_body_is_refused(make_repo) -> None:
    case = (
        "---\ntitle: 违规使用公务用车\nunit: wcjd\ndate: 2018-03-01\ncategory: work_style\n"
        "form: 1\nlesson: 公车姓公。\n---\n某街道干部公车私用。\n\n处理\u202e结果见附件。\n"
    )
    root = make_repo({"rounds/cases/gcsy.md": case})
    found = [d for d in diagnostics_of(root) if d.file == "rounds/cases/gcsy.md"]
    assert [(d.code, d.line, d.col) for d in found] == [("Y014", 11, 3)]


def test_validate_refuses_with_exit_1_and_prints_no_control_character(make_repo, capsys) -> None:
    root = make_repo({W: _ledger("事项未经集体研究", "事项\x1b[2J未经集体研究")})
    assert main(["validate", "--root", str(root)]) == 1
    out = capsys.readouterr().out
    line, col = _place(root, W, "\x1b")
    assert f"{W}:{line}:{col}: Y014 " in out and "U+001B" in out and "\x1b" not in out


# --- diagnostics output -------------------------------------------------------------------

HOSTILE = "值“a\nb%0A::error::伪造\r\x1b[31m\u202e\x85”"


def test_github_annotation_stays_one_line_and_escaped() -> None:
    d = Diagnostic("X010", Severity.ERROR, HOSTILE, "台账:1,2\n.xlsx", 3, 2)
    out = d.as_github()
    assert not re.search(r"[\x00-\x1f\x7f-\x9f\u202a-\u202e\u2066-\u2069]", out), repr(out)
    assert out.startswith("::error file=台账%3A1%2C2\\n.xlsx,line=3,col=2,title=X010::")
    message = out.split("title=X010::", 1)[1]
    assert message == "值“a\\nb%250A::error::伪造\\r\\x1b[31m\\u202e\\x85”"


def test_text_output_stays_one_line_and_escaped() -> None:
    out = Diagnostic("X010", Severity.ERROR, HOSTILE, "a\x1b.xlsx", 3, 2).as_text()
    assert out == "a\\x1b.xlsx:3:2: X010 值“a\\nb%0A::error::伪造\\r\\x1b[31m\\u202e\\x85”"


def test_import_with_github_format_prints_one_annotation_per_line(repo, tmp_path, capsys) -> None:
    # A category is quoted back in X010: newlines and percent signs must not forge lines.
    hostile = "作风\n::error file=x.yml::伪造 100%"
    book = office_book(tmp_path, [row(问题类别=hostile)])
    assert main(["import-xlsx", str(book), "--root", str(repo), "--format", "github"]) == 1
    lines = capsys.readouterr().out.splitlines()
    assert lines and all(re.match(r"::(error|warning) file=", line) for line in lines), lines
    x010 = next(line for line in lines if "title=X010::" in line)
    assert "作风\\n::error file=x.yml::伪造 100%25" in x010


def test_json_output_escapes_what_json_would_pass_raw() -> None:
    # json escapes C0 itself; C1 (U+009B opens a terminal sequence) and bidi it would not.
    d = Diagnostic("X010", Severity.ERROR, HOSTILE, "f\x85.xlsx")
    out = dumps_json([d])
    assert not re.search(r"[\x00-\x09\x0b-\x1f\x7f-\x9f\u202a-\u202e\u2066-\u2069]", out)
    assert json.loads(out)[0]["message"] == HOSTILE  # the same text, only written escaped
