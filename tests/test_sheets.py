"""Excel in and out: real .xlsx workbooks built with openpyxl, imported and exported.

Each workbook is laid out as an office would lay it out (title rows, merged problem
cells, dates typed every which way) and written inline in the test, so the case is
readable in one place. Bad input must give a diagnostic naming sheet, row and column
and leave the ledger file alone.
"""

from __future__ import annotations

import shutil
from datetime import date, datetime
from pathlib import Path

import pytest
from openpyxl import Workbook, load_workbook
from openpyxl.utils.datetime import to_excel

from site_builder.cli.main import main
from site_builder.load import load_project
from site_builder.sheets import import_xlsx, ledger_workbook, read_workbook
from site_builder.sheets.cells import CellError, parse_date, parse_id
from site_builder.sheets.import_xlsx import ledger_yaml

from conftest import ROOT, codes

W = "ledgers/r1/wcjd.yml"
EPOCH = datetime(1899, 12, 30)
HEADER = [
    "序号", "问题类别", "存在问题", "整改措施", "责任领导", "责任单位", "责任人", "整改时限",
    "整改进展", "佐证材料", "销号情况",
]  # fmt: skip


def make_workbook(path: Path, sheets: dict[str, list[list]], merges=None) -> Path:
    """A workbook with one sheet per entry; rows are lists of cell values."""
    wb = Workbook()
    wb.remove(wb.active)
    for name, rows in sheets.items():
        ws = wb.create_sheet(name)
        for row in rows:
            ws.append(row)
        for cells in (merges or {}).get(name, []):
            ws.merge_cells(cells)
    wb.save(path)
    return path


def serial(day: date) -> int:
    """The number Excel stores for a date, as a plain number cell."""
    return int(to_excel(datetime(day.year, day.month, day.day)))


def ledger_of(root: Path, key: str = "r1/wcjd"):
    project, diagnostics = load_project(root)
    assert not [d for d in diagnostics if d.file == W], [d.as_text() for d in diagnostics]
    return project.ledger_by_key[key]


def same(a, b) -> bool:
    # model_dump leaves out src: records compare by content, not by where they came from.
    return a.model_dump() == b.model_dump()


# --- three layouts offices use --------------------------------------------------------

# fmt: off
STANDARD = [
    ["坞城街道党工委巡察整改台账"],
    HEADER,
    [1, "作风建设", "公务用车管理不规范\n2016年以来2辆执法车有14次节假日出车没有派车单。",
     "建立公务用车使用登记台账，每月在街道公示栏公示用车情况", "李建军（办事处主任）", "党政办",
     "王芳", date(2017, 9, 30), "已完成（2017年9月20日）：台账已建立，每月公示",
     "公务用车使用登记台账\n公示栏照片（2017年9月）", "已销号（2017年11月1日）"],
    [None, None, None, "对14次无派车单出车逐次核查用途，由用车人作出书面说明",
     "李建军（办事处主任）", "纪工委", "赵敏", serial(date(2017, 10, 31)), "已完成（2017.10.25）",
     "无派车单出车核查情况报告", None],
    [2, "党的领导", "“三重一大”事项未经集体研究",
     "修订《“三重一大”决策制度实施办法》，明确议事范围和表决程序", "刘志强（党工委书记）",
     "党政办", "张明", "2017年12月31日", "推进中：初稿已完成", None, "未销号"],
    [3, "群众身边问题", "低保动态管理不到位", "对辖区全部低保户开展入户复核，不符合条件的当月停发",
     "李红梅（党工委副书记）", "民政办", "马俊峰", "2017.12.31", "正在整改", None, None],
    [None, None, None, "与派出所建立死亡人员信息每月比对机制，比对结果存档",
     "李红梅（党工委副书记）", "民政办", "马俊峰", "2017/11/30", "未开始", None, None],
    [None, None, None, "追回多发的低保资金1.27万元并上缴区财政",
     "李红梅（党工委副书记）", "财政所", "杨建华", "2017-12-15", None, None, None],
]
# fmt: on
STANDARD_MERGES = ["A1:K1"] + [f"{c}3:{c}4" for c in "ABCK"] + [f"{c}6:{c}8" for c in "ABCK"]
PLAN = [["项目", "内容"], ["整改目标", "对照反馈意见逐项整改，2017年底前全部销号，并建立长效机制"]]


@pytest.fixture
def standard_workbook(tmp_path: Path) -> Path:
    return make_workbook(
        tmp_path / "坞城街道整改台账.xlsx",
        {"台账": STANDARD, "整改方案": PLAN},
        {"台账": STANDARD_MERGES},
    )


def test_standard_layout_writes_a_ledger_that_validates(make_repo, standard_workbook) -> None:
    root = make_repo({W: None})
    # No --round / --unit: the title names the unit, which was inspected in one round.
    result = import_xlsx(root, standard_workbook)
    assert result.written and result.target == W
    assert [d.as_text() for d in result.diagnostics] == []
    assert [c for c in codes(root)] == []
    assert main(["validate", "--root", str(root)]) == 0

    ledger = ledger_of(root)
    assert ledger.plan.objective.startswith("对照反馈意见")
    p1, p2, p3 = ledger.problems
    assert (p1.id, p1.category, p1.title) == ("P01", "work_style", "公务用车管理不规范")
    assert p1.description == "2016年以来2辆执法车有14次节假日出车没有派车单。"
    assert (p1.status, p1.closed_on) == ("closed", date(2017, 11, 1))
    m1, m2 = p1.measures
    assert (m1.id, m1.owner, m1.deadline) == ("M1", "王芳（党政办）", date(2017, 9, 30))
    assert (m1.status, m1.completed_on, m1.progress) == (
        "done",
        date(2017, 9, 20),
        "台账已建立，每月公示",
    )
    assert [e.title for e in m1.evidence] == ["公务用车使用登记台账", "公示栏照片（2017年9月）"]
    assert (m2.deadline, m2.completed_on) == (date(2017, 10, 31), date(2017, 10, 25))
    assert (p2.status, p2.measures[0].status, p2.measures[0].progress) == (
        "open",
        "in_progress",
        "初稿已完成",
    )
    assert p2.measures[0].deadline == date(2017, 12, 31)
    assert [(m.id, m.deadline, m.status) for m in p3.measures] == [
        ("M1", date(2017, 12, 31), "in_progress"),
        ("M2", date(2017, 11, 30), "not_started"),
        ("M3", date(2017, 12, 15), "not_started"),
    ]


def test_title_rows_two_row_header_sections_and_text_dates(make_repo, tmp_path) -> None:
    # Three title rows, 责任主体 over three sub-columns, no 序号 and no 问题类别 column:
    # the section rows say the category; the problem cell is left blank below itself.
    rows = [
        ["附件2"],
        ["区委第一巡察组反馈问题整改落实情况表"],
        ["填报日期：2017年10月8日"],
        ["问题描述", "整改措施", "责任主体", None, None, "完成时限", "完成情况", "完成时间", "佐证材料"],
        [None, None, "责任领导", "责任部门", "具体责任人"],
        ["一、作风建设方面"],
        [
            "公务用车管理不规范", "建立公务用车使用登记台账，每月公示用车情况",
            "李建军（办事处主任）", "党政办", "王芳", "2017年9月30日", "已完成", "2017.9.20",
            "公务用车使用登记台账",
        ],
        [
            None, "对无派车单出车逐次核查用途并书面说明", "李建军（办事处主任）", "纪工委",
            "赵敏", "2017年10月底", "已整改，核查报告已报纪工委", date(2017, 10, 25),
            "核查情况报告",
        ],
        ["二、全面从严治党方面"],
        [
            "纪工委监督执纪问责不到位", "纪工委每季度对1至2个社区财务开展专项检查",
            "赵卫东（党工委书记）", "纪工委", "王海燕", "2017/12/31", "持续推进，已检查3个社区",
        ],
        ["填表人：张三　　审核人：李四"],
        ["这一行在签名之后，不是台账内容"],
    ]  # fmt: skip
    merges = ["A2:I2", "C4:E4", "A6:I6", "A9:I9"]
    book = make_workbook(tmp_path / "反馈问题整改.xlsx", {"Sheet1": rows}, {"Sheet1": merges})
    root = make_repo()
    result = import_xlsx(root, book, round_id="r1", unit_id="wcjd", force=True)
    assert result.written, [d.as_text() for d in result.diagnostics]
    ledger = ledger_of(root)
    p1, p2 = ledger.problems
    assert (p1.id, p1.category, len(p1.measures)) == ("P01", "work_style", 2)
    assert (p2.id, p2.category) == ("P02", "strict_governance")
    m1, m2 = p1.measures
    assert (m1.deadline, m1.completed_on, m1.status) == (
        date(2017, 9, 30),
        date(2017, 9, 20),
        "done",
    )
    assert (m2.deadline, m2.completed_on, m2.owner) == (
        date(2017, 10, 31),
        date(2017, 10, 25),
        "赵敏（纪工委）",
    )
    assert m2.progress == "核查报告已报纪工委"
    # “持续推进” says more than 推进中, so the words stay in the progress text.
    assert (p2.measures[0].status, p2.measures[0].progress) == (
        "in_progress",
        "持续推进，已检查3个社区",
    )
    # The plan objective is not in this workbook: the validator says so (P005), as for YAML.
    assert "P005" in [d.code for d in result.diagnostics]


def test_measures_numbered_category_merged_and_a_status_column(make_repo, tmp_path) -> None:
    # 序号 counts measures, 问题类别 is merged over two problems, 整改状态 is its own column,
    # a section heading sits unmerged in the first column, and a footer note ends the table.
    rows = [
        ["序号", "问题类别", "存在的问题", "整改措施", "责任领导", "责任人", "时限", "整改状态",
         "进展情况", "佐证材料", "备注"],
        ["一、作风建设方面"],
        [1, "作风建设", "公务用车管理不规范", "建立公务用车使用登记台账，每月公示用车情况",
         "李建军（办事处主任）", "王芳（党政办副主任）", "2017-09-30", "已完成",
         "9月起每月公示", "登记台账", "无"],
        [2, None, None, "对无派车单出车逐次核查用途并书面说明", None, "赵敏", "2017-10-31",
         "推进中", None, None, None],
        [3, None, "公务接待没有做到“一函一单一票”", "建立公务接待审核制度，无公函一律不予报销",
         "孙立新（办事处主任）", "韩磊", "2017-08-15", "未开始", None, None, None],
        [4, None, None, "接待清单每季度在机关公示", "孙立新（办事处主任）", "韩磊",
         "2017-09-30", "未开始", None, None, None],
        ["注：本表由党政办汇总"],
    ]  # fmt: skip
    merges = ["B3:B6", "C3:C4", "C5:C6", "E3:E4"]
    book = make_workbook(tmp_path / "整改.xlsx", {"整改清单": rows}, {"整改清单": merges})
    root = make_repo()
    result = import_xlsx(root, book, round_id="r1", unit_id="wcjd", force=True)
    assert result.written, [d.as_text() for d in result.diagnostics]
    assert [d.code for d in result.diagnostics if d.code.startswith("X")] == ["X014"]
    ledger = ledger_of(root)
    p1, p2 = ledger.problems
    assert [p.category for p in (p1, p2)] == ["work_style", "work_style"]
    assert [(m.id, m.status) for m in p1.measures] == [("M1", "done"), ("M2", "in_progress")]
    assert [m.leader for m in p1.measures] == ["李建军（办事处主任）"] * 2  # merged over both
    assert p1.measures[0].progress == "9月起每月公示"
    assert p1.measures[0].owner == "王芳（党政办副主任）"
    assert [m.status for m in p2.measures] == ["not_started", "not_started"]
    # Done without a completion date: the validator's own L005, pointing at the YAML.
    assert "L005" in [d.code for d in result.diagnostics if d.file == W]


def test_incomplete_sheet_is_written_and_the_validator_names_what_is_missing(
    make_repo, tmp_path
) -> None:
    rows = [HEADER, [1, "作风建设", "公务用车管理不规范", "建立公务用车使用登记台账，每月公示",
                     "李建军（办事处主任）", "党政办", "王芳", None, "推进中", None, None]]  # fmt: skip
    book = make_workbook(tmp_path / "t.xlsx", {"台账": rows})
    root = make_repo({W: None})
    result = import_xlsx(root, book, round_id="r1", unit_id="wcjd")
    assert result.written
    p002 = [d for d in result.diagnostics if d.code == "P002"]
    assert p002 and p002[0].file == W and p002[0].line > 0
    assert "P002" in codes(root)


# --- cells ------------------------------------------------------------------------------


@pytest.mark.parametrize(
    ("value", "expected"),
    [
        ("2020年9月30日", date(2020, 9, 30)),
        ("2020.9.30", date(2020, 9, 30)),
        ("2020/9/30", date(2020, 9, 30)),
        ("2020-09-30", date(2020, 9, 30)),
        ("２０２０年９月３０日", date(2020, 9, 30)),
        ("2020年9月30日前", date(2020, 9, 30)),
        ("2020年9月底前", date(2020, 9, 30)),
        ("2020年2月", date(2020, 2, 29)),
        ("2020.9", date(2020, 9, 30)),
        ("2020年底", date(2020, 12, 31)),
        ("20200930", date(2020, 9, 30)),
        (44104, date(2020, 9, 30)),
        (datetime(2020, 9, 30), date(2020, 9, 30)),
        (None, None),
    ],
)
def test_dates_offices_write(value, expected) -> None:
    assert parse_date(value, EPOCH) == expected


@pytest.mark.parametrize(
    "value", ["2020年13月1日", "九月底", "2020年9月30日、12月31日", 2020.9, 123]
)
def test_dates_that_are_not_dates(value) -> None:
    with pytest.raises(CellError) as caught:
        parse_date(value, EPOCH)
    assert caught.value.code == "X006"


@pytest.mark.parametrize(
    ("value", "expected"),
    [(3, "P03"), ("3", "P03"), ("3.", "P03"), ("（3）", "P03"), ("三", "P03"), ("十二", "P12"),
     ("P07", "P07"), ("GX-1", "GX-1")],
)  # fmt: skip
def test_serial_numbers_become_ids(value, expected) -> None:
    assert parse_id(value, "P") == expected


# --- round trip -------------------------------------------------------------------------


@pytest.mark.parametrize("key", ["r1/wcjd", "r2/ypjd", "r5/wcjd"])
def test_export_then_import_gives_back_the_sample_ledger(key, tmp_path) -> None:
    project, _ = load_project(ROOT)
    ledger = project.ledger_by_key[key]
    path = tmp_path / "out.xlsx"
    ledger_workbook(ledger, project).save(path)
    back, diagnostics = read_workbook(path, project)
    assert back is not None, [d.as_text() for d in diagnostics]
    assert same(back, ledger)


UNUSUAL = """\
round: r1
unit: wcjd
plan:
  objective: 对照反馈意见逐项整改
  review:
    outcome: pending
problems:
  - id: P01
    title: =SUM(A1) 开头像公式的问题
    description: "第一行说明\\n第二行说明"
    category: work_style
    source: self
    status: withdrawn
    withdrawn_reason: 经核实不属于本单位职责
    measures:
      - id: M1
        text: 建立公务用车使用登记台账，每月公示
        owner: 王芳
        status: withdrawn
        withdrawn_reason: 与M3合并
        progress: 已召开专题会
        evidence:
          - 会议纪要
          - title: 登记台账
            file: evidence/2017/台账.pdf
      - id: M3
        text: 核查无派车单出车情况并书面说明
        owner: 赵敏 （纪工委）
        deadline: 2017-12-31
        status: not_started
        progress: 已排出核查计划
  - id: X-9
    title: 问题编号不是 P 加数字
    category: party_building
    leadership_exempt_reason: 经查没有领导责任
  - id: P03
    title: 没有措施也没有问责
    category: rectification
report: {}
"""


def test_round_trip_keeps_unusual_values(make_repo, tmp_path) -> None:
    root = make_repo({W: UNUSUAL})
    ledger = ledger_of(root)
    project, _ = load_project(root)
    path = tmp_path / "unusual.xlsx"
    ledger_workbook(ledger, project).save(path)
    back, diagnostics = read_workbook(path, project)
    assert back is not None, [d.as_text() for d in diagnostics]
    assert same(back, ledger)
    # The YAML import writes reads back as the same ledger (ledger_yaml checks, or raises).
    assert "withdrawn_reason: 与M3合并" in ledger_yaml(back, path.name, W)
    ws = load_workbook(path)["整改台账"]
    assert "措施编号" in [c.value for c in ws[3]]  # M1, M3 are not numbered in order


def test_cli_round_trip(make_repo, tmp_path, monkeypatch) -> None:
    root = make_repo()
    before = ledger_of(root)
    out = tmp_path / "wcjd.xlsx"
    assert main(["export-xlsx", "r1", "wcjd", "--root", str(root), "--out", str(out)]) == 0
    # Exporting again over the file needs --force: the file may hold someone's edits.
    assert main(["export-xlsx", "r1", "wcjd", "--root", str(root), "--out", str(out)]) == 1
    (root / W).unlink()
    assert main(["import-xlsx", str(out), "--root", str(root)]) == 0
    assert same(ledger_of(root), before)
    monkeypatch.chdir(tmp_path)
    assert main(["export-xlsx", "--all", "--root", str(root), "--out", "all"]) == 0
    assert (tmp_path / "all/r1/wcjd.xlsx").is_file()


def test_export_is_readable(tmp_path) -> None:
    project, _ = load_project(ROOT)
    ledger = project.ledger_by_key["r1/wcjd"]
    path = tmp_path / "wcjd.xlsx"
    ledger_workbook(ledger, project).save(path)
    wb = load_workbook(path)
    assert wb.sheetnames == ["整改台账", "整改方案", "长效机制", "问责清单", "整改报告"]
    ws = wb["整改台账"]
    assert ws["A1"].value == "坞城街道党工委区委第一轮巡察整改台账"
    header = [c.value for c in ws[3]]
    assert header[:5] == ["序号", "问题类别", "问题来源", "共性问题编号", "存在问题"]
    assert ws.freeze_panes == "A4"
    assert ws["A3"].font.b and ws["A3"].fill.fgColor.rgb.endswith("DDEBF7")
    assert ws.column_dimensions["E"].width >= 30
    # P01 has three measures: its problem cells are merged across their three rows.
    merged = {str(r) for r in ws.merged_cells.ranges}
    assert {"A4:A6", "B4:B6", "E4:E6"} <= merged
    assert ws["A4"].value == 1 and ws["E4"].alignment.wrap_text
    deadline = ws.cell(4, header.index("整改时限") + 1)
    assert isinstance(deadline.value, datetime) and deadline.number_format == "yyyy-mm-dd"
    assert ws.cell(4, header.index("整改进展") + 1).value == "已完成"


def test_export_keeps_formula_like_text_as_text(make_repo, tmp_path) -> None:
    root = make_repo({W: UNUSUAL})
    project, _ = load_project(root)
    path = tmp_path / "u.xlsx"
    ledger_workbook(project.ledger_by_key["r1/wcjd"], project).save(path)
    cell = load_workbook(path)["整改台账"]["E4"]
    assert cell.data_type == "s" and cell.value.startswith("=SUM(A1)")


# --- bad input: a diagnostic with sheet, row and column, and nothing written -------------


def office_book(tmp_path: Path, rows: list[list], merges=(), header=HEADER) -> Path:
    return make_workbook(
        tmp_path / "bad.xlsx", {"台账": [["坞城街道党工委巡察整改台账"], header, *rows]},
        {"台账": list(merges)},
    )  # fmt: skip


GOOD_ROW = [1, "作风建设", "公务用车管理不规范", "建立公务用车使用登记台账，每月公示用车情况",
            "李建军（办事处主任）", "党政办", "王芳", "2017-09-30", "推进中", None, None]  # fmt: skip


def row(**changes) -> list:
    values = list(GOOD_ROW)
    for name, value in changes.items():
        values[HEADER.index(name)] = value
    return values


def refused(root: Path, book: Path, code: str, **kwargs):
    """Import ``book``; expect ``code`` and the ledger file exactly as it was."""
    before = (root / W).read_bytes() if (root / W).exists() else None
    result = import_xlsx(root, book, **kwargs)
    found = [d for d in result.diagnostics if d.code == code]
    assert found, [d.as_text() for d in result.diagnostics]
    assert not result.written
    after = (root / W).read_bytes() if (root / W).exists() else None
    assert after == before
    return found[0]


@pytest.fixture
def repo(make_repo) -> Path:
    return make_repo({W: None})


def test_missing_required_column(repo, tmp_path) -> None:
    header = [h for h in HEADER if h != "整改时限"]
    rows = [[v for h, v in zip(HEADER, GOOD_ROW, strict=True) if h != "整改时限"]]
    d = refused(repo, office_book(tmp_path, rows, header=header), "X004")
    assert "工作表“台账”第 2 行" in d.message and "“整改时限”" in d.message
    assert "完成时限" in d.message  # the synonyms are listed


def test_missing_column_leaves_an_existing_ledger_alone_even_with_force(make_repo, tmp_path):
    root = make_repo()
    header = [h for h in HEADER if h != "整改措施"]
    rows = [[v for h, v in zip(HEADER, GOOD_ROW, strict=True) if h != "整改措施"]]
    refused(root, office_book(tmp_path, rows, header=header), "X004", force=True)


def test_unparseable_date(repo, tmp_path) -> None:
    book = office_book(tmp_path, [GOOD_ROW, row(序号=2, 整改时限="2017年13月1日")])
    d = refused(repo, book, "X006")
    assert (d.file, d.line, d.col) == (str(book), 4, 8)
    assert d.message.startswith("工作表“台账”第 4 行第 H 列（整改时限）：日期“2017年13月1日”")


def test_open_ended_deadline(repo, tmp_path) -> None:
    # 长期坚持 and 立行立改 are time-limit kinds now (test_records_sheets.py); 限期整改 needs a date.
    d = refused(repo, office_book(tmp_path, [row(整改时限="限期整改")]), "X007")
    assert "第 3 行第 H 列" in d.message and "限期整改" in d.message


def test_empty_problem(repo, tmp_path) -> None:
    book = office_book(tmp_path, [GOOD_ROW, row(序号=2, 存在问题=None)])
    d = refused(repo, book, "X008")
    assert d.message.startswith("工作表“台账”第 4 行第 C 列（存在问题）：问题为空")


def test_measure_before_any_problem(repo, tmp_path) -> None:
    book = office_book(tmp_path, [row(序号=None, 问题类别=None, 存在问题=None), GOOD_ROW])
    d = refused(repo, book, "X008")
    assert "第 3 行第 C 列" in d.message


def test_problem_cell_merged_over_two_problems(repo, tmp_path) -> None:
    rows = [GOOD_ROW, row(序号=None, 问题类别=None, 存在问题=None), row(序号=2, 存在问题=None)]
    book = office_book(tmp_path, rows, merges=["C3:C5", "B3:B5"])
    d = refused(repo, book, "X009")
    assert "第 3 行第 C 列（存在问题）" in d.message and "C3:C5" in d.message


def test_merged_category_that_stops_inside_a_problem(repo, tmp_path) -> None:
    rows = [GOOD_ROW, row(序号=None, 问题类别=None, 存在问题=None),
            row(序号=None, 问题类别=None, 存在问题=None)]  # fmt: skip
    d = refused(repo, office_book(tmp_path, rows, merges=["A3:A5", "C3:C5", "B3:B4"]), "X009")
    assert "B3:B4" in d.message and "没有对齐" in d.message


def test_measure_merged_across_columns(repo, tmp_path) -> None:
    d = refused(repo, office_book(tmp_path, [GOOD_ROW], merges=["D3:E3"]), "X009")
    assert "第 3 行第 D 列" in d.message and "横向" in d.message


def test_one_measure_cell_over_two_rows(repo, tmp_path) -> None:
    rows = [GOOD_ROW, row(序号=None, 问题类别=None, 存在问题=None, 整改措施=None)]
    d = refused(repo, office_book(tmp_path, rows, merges=["A3:A4", "C3:C4", "D3:D4"]), "X009")
    assert "D3:D4" in d.message


def test_unknown_category(repo, tmp_path) -> None:
    d = refused(repo, office_book(tmp_path, [row(问题类别="财务")]), "X010")
    assert "第 3 行第 B 列" in d.message and "作风建设" in d.message


def test_empty_category(repo, tmp_path) -> None:
    d = refused(repo, office_book(tmp_path, [row(问题类别=None)]), "X011")
    assert "第 3 行第 B 列（问题类别）" in d.message


def test_progress_without_a_status_word_is_a_warning(repo, tmp_path) -> None:
    result = import_xlsx(repo, office_book(tmp_path, [row(整改进展="已召开专题会议研究")]))
    assert result.written
    d = next(d for d in result.diagnostics if d.code == "X012")
    assert "第 3 行第 I 列" in d.message and "推进中" in d.message
    assert ledger_of(repo).problems[0].measures[0].progress == "已召开专题会议研究"


def test_unreadable_serial_number(repo, tmp_path) -> None:
    d = refused(repo, office_book(tmp_path, [row(序号="第一项")]), "X013")
    assert "第 3 行第 A 列（序号）" in d.message


def test_unknown_column_is_a_warning(repo, tmp_path) -> None:
    book = office_book(tmp_path, [[*GOOD_ROW, "无"]], header=[*HEADER, "备注"])
    result = import_xlsx(repo, book)
    assert result.written
    assert "“备注”" in next(d for d in result.diagnostics if d.code == "X014").message


def test_header_without_rows(repo, tmp_path) -> None:
    d = refused(repo, office_book(tmp_path, []), "X015")
    assert "第 2 行" in d.message


def test_round_and_unit_not_in_the_title(repo, tmp_path) -> None:
    book = make_workbook(tmp_path / "台账.xlsx", {"台账": [HEADER, GOOD_ROW]})
    refused(repo, book, "X016")
    messages = [d.message for d in import_xlsx(repo, book).diagnostics if d.code == "X016"]
    assert any("--round r5" in m for m in messages) and any("--unit wcjd" in m for m in messages)
    assert import_xlsx(repo, book, round_id="r1", unit_id="wcjd").written


def test_existing_ledger_needs_force(make_repo, tmp_path) -> None:
    root = make_repo()
    d = refused(root, office_book(tmp_path, [GOOD_ROW]), "X017")
    assert W in d.message
    assert import_xlsx(root, office_book(tmp_path, [GOOD_ROW]), force=True).written


def test_not_a_workbook(repo, tmp_path) -> None:
    fake = tmp_path / "台账.xlsx"
    fake.write_text("序号,存在问题\n", encoding="utf-8")
    refused(repo, fake, "X001")
    refused(repo, tmp_path / "missing.xlsx", "X001")
    import zipfile

    with zipfile.ZipFile(tmp_path / "other.xlsx", "w") as archive:
        archive.writestr("word/document.xml", "<w:document/>")  # a zip, but not a workbook
    refused(repo, tmp_path / "other.xlsx", "X001")


def test_sheet_not_found(repo, tmp_path) -> None:
    d = refused(repo, office_book(tmp_path, [GOOD_ROW]), "X002", sheet="问题清单")
    assert "“台账”" in d.message


def test_no_header(repo, tmp_path) -> None:
    book = make_workbook(tmp_path / "t.xlsx", {"说明": [["本表用于登记整改情况"], ["无"]]})
    d = refused(repo, book, "X003")
    assert "“说明”" in d.message


def test_two_columns_for_one_field(repo, tmp_path) -> None:
    book = office_book(tmp_path, [[*GOOD_ROW, "2017-10-31"]], header=[*HEADER, "完成时限"])
    d = refused(repo, book, "X005")
    assert "第 2 行第 L 列" in d.message and "第 H 列都表示“整改时限”" in d.message


def test_cli_prints_sheet_row_and_column(repo, tmp_path, capsys) -> None:
    book = office_book(tmp_path, [row(整改时限="2017年13月1日")])
    assert main(["import-xlsx", str(book), "--root", str(repo)]) == 1
    out, err = capsys.readouterr()
    assert f"{book}:3:8: X006 工作表“台账”第 3 行第 H 列（整改时限）" in out
    assert "未写入台账" in err
    assert not (repo / W).exists()


def test_dry_run_writes_nothing(repo, tmp_path) -> None:
    result = import_xlsx(repo, office_book(tmp_path, [GOOD_ROW]), dry_run=True)
    assert result.ledger is not None and not result.written
    assert not (repo / W).exists()


def test_sample_workbook_from_the_demo_district_imports_into_a_copy(tmp_path) -> None:
    # The whole sample district: rounds/ copied, one ledger exported and imported back.
    root = tmp_path / "district"
    shutil.copytree(ROOT / "rounds", root / "rounds")
    book = tmp_path / "r5-wcjd.xlsx"
    assert main(["export-xlsx", "r5", "wcjd", "--root", str(ROOT), "--out", str(book)]) == 0
    assert main(["import-xlsx", str(book), "--root", str(root)]) == 0
    assert (root / "ledgers/r5/wcjd.yml").is_file()


def test_guide_lists_every_column_name_and_status_word() -> None:
    from site_builder.sheets.cells import MEASURE_WORDS, OPEN_ENDED
    from site_builder.sheets.columns import LEDGER

    page = (ROOT / "docs/guide/excel.md").read_text(encoding="utf-8")
    for column in LEDGER.columns:
        assert "、".join(column.names) in page, column.key
    for word in MEASURE_WORDS:
        assert word.isascii() or word in page, word
    assert all(word in page for word in ("长期坚持", "立行立改", "常态化")) and OPEN_ENDED
