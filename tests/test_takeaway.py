"""Each unit page's documents to take away (render/takeaway.py), from real builds of a
real repository: the 整改报告 (.docx) is the file `rectify report` writes, the ledger
(.xlsx) opens as the 整改台账 workbook, the same input gives the same bytes, an unchanged
ledger's files are not rewritten, and a public or unit site's files show only what its
pages show."""

from __future__ import annotations

import html
import io
import re
import subprocess
import sys
import zipfile
from datetime import UTC, date, datetime
from pathlib import Path

import docx
import openpyxl
import pytest

from site_builder.audience import PUBLIC, parse_audience
from site_builder.pipeline import build

from conftest import BASE_FILES
from gitrepo import GitRepo

AS_OF = date(2017, 12, 1)
# A second unit with its own ledger; P02 of 坞城 names a person held accountable in its
# description, which a public site masks (孙伟 → 孙某).
FILES = {
    **BASE_FILES,
    "rounds/units.yml": BASE_FILES["rounds/units.yml"].replace(
        "kind: bureau", "kind: bureau\n            inspected_in: [r1]"
    ),
    "rounds/r1.yml": BASE_FILES["rounds/r1.yml"]
    + """
              - unit: jyj
                feedback_on: 2017-07-06
                receipt:
                  principal: {name: 钱学文, signed_on: 2017-07-06}
                  team_leader: {name: 王建国, signed_on: 2017-07-06}
                  office_director: {name: 陈丽华, signed_on: 2017-07-06}
    """,
    "ledgers/r1/wcjd.yml": BASE_FILES["ledgers/r1/wcjd.yml"].replace(
        "            title: 公务用车管理不规范\n",
        "            title: 公务用车管理不规范\n            description: 孙伟曾多次私用公务用车。\n",
    ),
    "ledgers/r1/jyj.yml": """
        round: r1
        unit: jyj
        plan:
          objective: 立行立改，年底前完成
          submitted_on: 2017-08-02
        problems:
          - id: P01
            title: 教育经费使用审批不严
            category: work_style
            measures:
              - id: M1
                text: 修订经费审批办法，实行“一支笔”审批
                deadline: 2017-11-30
                owner: 赵雪（财务科长）
                leader: 钱学文（局长）
                status: in_progress
    """,
}
LINK = re.compile(r"下载(整改报告|整改台账)（(Word|Excel)，(\d+) KB）")


@pytest.fixture(scope="module")
def district(tmp_path_factory: pytest.TempPathFactory) -> GitRepo:
    repo = GitRepo(tmp_path_factory.mktemp("takeaway") / "repo")
    repo.commit(FILES, "建立台账")
    return repo


def _built(root: Path, out: Path, **options) -> Path:
    result = build(root, out, as_of=AS_OF, **options)
    assert result.site_dir is not None, [d.as_text() for d in result.diagnostics]
    return result.site_dir


def _text(data: bytes) -> str:
    """Every XML part of an Office file, tags removed (runs may split words) and character
    references read (openpyxl writes Chinese as &#NNNNN;)."""
    with zipfile.ZipFile(io.BytesIO(data)) as archive:
        xml = b"".join(archive.read(n) for n in archive.namelist() if n.endswith(".xml"))
    return html.unescape(re.sub(r"<[^>]+>", "", xml.decode("utf-8")))


def test_unit_page_offers_its_report_and_ledger_that_open(district: GitRepo, tmp_path) -> None:
    site = _built(district.root, tmp_path / "out")
    page = (site / "units/r1/wcjd/index.html").read_text(encoding="utf-8")
    links = re.findall(r'<a class="md-button" href="([^"]+)" download="([^"]+)">([^<]+)</a>', page)
    assert [LINK.fullmatch(text).group(1) for _, _, text in links] == ["整改报告", "整改台账"]
    for href, _, text in links:
        data = (site / "units/r1/wcjd" / href).resolve().read_bytes()
        assert int(LINK.fullmatch(text).group(3)) == max(1, round(len(data) / 1024)), text
    report = docx.Document(str(site / "downloads/r1-wcjd.docx"))
    paragraphs = "\n".join(p.text for p in report.paragraphs)
    assert paragraphs.startswith("坞城街道党工委关于区委第一轮巡察反馈意见整改情况的报告（草稿）")
    assert "（二）P02 公务用车管理不规范（整改中）" in paragraphs
    book = openpyxl.load_workbook(site / "downloads/r1-wcjd.xlsx")
    cells = [c.value for row in book.worksheets[0].iter_rows() for c in row]
    assert "坞城街道党工委区委第一轮巡察整改台账" in cells
    assert any(isinstance(v, str) and "建立公务用车使用登记台账" in v for v in cells)
    # The downloads page lists them too, with type and size.
    listing = (site / "downloads/index.html").read_text(encoding="utf-8")
    assert 'href="../downloads/r1-jyj.xlsx"' in listing and re.search(r"Word（\d+ KB）", listing)

    # `rectify report` writes the very same file.
    out = tmp_path / "report.docx"
    done = subprocess.run(
        [sys.executable, "-m", "site_builder", "report", "r1", "wcjd", "--root",
         str(district.root), "--as-of", AS_OF.isoformat(), "--out", str(out)],
        capture_output=True, text=True,
    )  # fmt: skip
    assert done.returncode == 0, done.stderr
    assert out.read_bytes() == (site / "downloads/r1-wcjd.docx").read_bytes()


def test_same_input_same_bytes_and_unchanged_files_are_kept(district: GitRepo, tmp_path) -> None:
    names = ("r1-wcjd.docx", "r1-wcjd.xlsx", "r1-jyj.docx", "r1-jyj.xlsx")
    first = _built(district.root, tmp_path / "a")
    other = _built(district.root, tmp_path / "b")
    for name in names:
        assert (first / "downloads" / name).read_bytes() == (
            other / "downloads" / name
        ).read_bytes()
    # Dated by the ledger's last change, not by the build.
    core = docx.Document(str(first / "downloads/r1-jyj.docx")).core_properties
    landed = datetime.fromisoformat(district.git("log", "-1", "--format=%cI", "--", "ledgers"))
    assert core.modified == core.created == landed.astimezone(UTC)

    docs = tmp_path / "a" / "docs" / "downloads"
    stamps = {name: (docs / name).stat().st_mtime_ns for name in names}
    _built(district.root, tmp_path / "a")
    assert {name: (docs / name).stat().st_mtime_ns for name in names} == stamps

    # A change to one ledger rewrites that ledger's files only.
    ledger = district.root / "ledgers/r1/jyj.yml"
    changed = ledger.read_text(encoding="utf-8").replace("赵雪（财务科长）", "孙丽（财务科长）")
    district.commit({"ledgers/r1/jyj.yml": changed}, "更新整改进展")
    site = _built(district.root, tmp_path / "a")
    after = {name: (docs / name).stat().st_mtime_ns for name in names}
    assert after["r1-wcjd.docx"] == stamps["r1-wcjd.docx"]
    assert after["r1-wcjd.xlsx"] == stamps["r1-wcjd.xlsx"]
    assert after["r1-jyj.docx"] != stamps["r1-jyj.docx"]
    assert after["r1-jyj.xlsx"] != stamps["r1-jyj.xlsx"]
    assert "孙丽" in _text((site / "downloads/r1-jyj.xlsx").read_bytes())


def test_public_and_unit_sites_take_away_only_what_their_pages_show(
    district: GitRepo, tmp_path
) -> None:
    public = _built(district.root, tmp_path / "public", audience=PUBLIC)
    for name in ("r1-wcjd.docx", "r1-wcjd.xlsx"):
        text = _text((public / "downloads" / name).read_bytes())
        assert "孙某曾多次私用公务用车" in text, name  # masked as the page masks it
        assert "孙伟" not in text and "周强" not in text, name
    page = (public / "units/r1/wcjd/index.html").read_text(encoding="utf-8")
    assert "孙某曾多次私用公务用车" in page and "孙伟" not in page

    unit = _built(district.root, tmp_path / "unit", audience=parse_audience("unit:jyj"))
    offered = sorted(p.name for p in (unit / "downloads").glob("*.docx"))
    offered += sorted(p.name for p in (unit / "downloads").glob("*.xlsx"))
    assert offered == ["r1-jyj.docx", "r1-jyj.xlsx"]
    assert "坞城" not in _text((unit / "downloads/r1-jyj.docx").read_bytes())
