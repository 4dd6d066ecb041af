"""Spreadsheets and YAML files as hostile input: crafted workbooks, formulas, control
characters, and diagnostics that cannot smuggle control characters out.

Every hostile .xlsx is built here, from a real workbook openpyxl writes, with zipfile:
a part of hundreds of megabytes of one repeated byte compressed to a few hundred
kilobytes, overlapping entries, a part that lies about its size, a billion-laughs DTD,
a merged range over a whole sheet. The bombs run in a child process under an address
space limit, so a regression fails the test instead of exhausting the machine, and the
child reports its own peak memory.
"""

from __future__ import annotations

import json
import os
import struct
import subprocess
import sys
import zipfile
from pathlib import Path

import pytest
from test_sheets import GOOD_ROW, HEADER, W, make_workbook, office_book, refused

from site_builder.sheets import import_xlsx
from site_builder.sheets.safety import MAX_CELLS, MAX_HYPERLINKS, MAX_PARTS

from conftest import BASE_FILES, ROOT, write_files

SHEET = "xl/worksheets/sheet1.xml"
MB = 1024 * 1024
# A bomb must be refused within these, importing Python, openpyxl and the project
# included; a normal import of a one-problem workbook stays well inside them too.
BOMB_SECONDS = 10.0
BOMB_PEAK_MB = 200
ADDRESS_SPACE = 2048 * MB  # the child's limit: a regression dies here, not the machine


@pytest.fixture
def repo(make_repo) -> Path:
    return make_repo({W: None})


# --- building hostile workbooks ---------------------------------------------------------


def rewritten(book: Path, out: Path, parts: dict[str, bytes | None], level: int = 6) -> Path:
    """A copy of ``book`` with ``parts`` replaced, added, or (None) left out."""
    with zipfile.ZipFile(book) as src, zipfile.ZipFile(out, "w", zipfile.ZIP_DEFLATED) as dst:
        for info in src.infolist():
            if info.filename not in parts:
                dst.writestr(info.filename, src.read(info), compresslevel=level)
        for name, data in parts.items():
            if data is not None:
                dst.writestr(name, data, compresslevel=level)
    return out


def part_of(book: Path, name: str) -> bytes:
    with zipfile.ZipFile(book) as archive:
        return archive.read(name)


def bomb(book: Path, out: Path, megabytes: int) -> Path:
    """The sheet replaced by a valid worksheet padded with ``megabytes`` MB of spaces,
    streamed through deflate so neither the test nor the file holds it whole."""
    head = part_of(book, SHEET).split(b"<sheetData>")[0] + b"<sheetData>"
    deflate = {"compression": zipfile.ZIP_DEFLATED, "compresslevel": 9}
    with zipfile.ZipFile(book) as src, zipfile.ZipFile(out, "w", **deflate) as dst:
        for info in src.infolist():
            if info.filename != SHEET:
                dst.writestr(info.filename, src.read(info))
        with dst.open(SHEET, "w", force_zip64=True) as stream:
            stream.write(head)
            block = b" " * MB
            for _ in range(megabytes):
                stream.write(block)
            stream.write(b"</sheetData></worksheet>")
    return out


def with_overlapping_entry(raw: bytes) -> bytes:
    """A second central-directory entry pointing at the first entry's data."""
    end = raw.rindex(b"PK\x05\x06")
    sig, disk, start, on_disk, total, size, offset, _ = struct.unpack(
        "<4sHHHHIIH", raw[end : end + 22]
    )
    directory = raw[offset : offset + size]
    name_length, extra_length, comment_length = struct.unpack("<HHH", directory[28:34])
    entry = directory[: 46 + name_length + extra_length + comment_length]
    twin = entry[:46] + b"z" + entry[47:]  # same data, another name of the same length
    directory += twin
    record = struct.pack(
        "<4sHHHHIIH", sig, disk, start, on_disk + 1, total + 1, len(directory), offset, 0
    )
    return raw[:offset] + directory + record


def with_declared_size(raw: bytes, name: bytes, size: int) -> bytes:
    """The central directory says ``name`` unpacks to ``size`` bytes (a lie)."""
    at = raw.index(b"PK\x01\x02")
    while raw[at + 46 : at + 46 + len(name)] != name:
        at = raw.index(b"PK\x01\x02", at + 4)
    return raw[: at + 24] + struct.pack("<I", size) + raw[at + 28 :]


# The import runs in a grandchild started by a bare interpreter (-S, nothing imported
# but subprocess): Linux carries a process's peak RSS across fork and exec, so a child
# of pytest itself would report pytest's own peak. The launcher's RUSAGE_CHILDREN is
# the import's peak (at least the launcher's few MB).
LAUNCHER = """
import resource, subprocess, sys
done = subprocess.run(sys.argv[1:], capture_output=True)
sys.stdout.buffer.write(done.stdout)
sys.stderr.buffer.write(done.stderr)
peak = resource.getrusage(resource.RUSAGE_CHILDREN).ru_maxrss / 1024
print(f"PEAK {peak}", file=sys.stderr)
"""
IMPORT = f"""
import resource, sys, time
resource.setrlimit(resource.RLIMIT_AS, ({ADDRESS_SPACE}, {ADDRESS_SPACE}))
start = time.process_time()  # CPU seconds: a loaded machine does not move the figure
from site_builder.cli.main import main
status = main(["import-xlsx", sys.argv[1], "--root", sys.argv[2], "--format", "json"])
print(f"STATUS {{status}} {{time.process_time() - start}}", file=sys.stderr)
"""


def import_in_child(root: Path, book: Path) -> tuple[int, list[dict], float, float]:
    """``rectify import-xlsx --format json`` in a separate process under an address-space
    limit: exit code, diagnostics, CPU seconds (imports included) and peak RSS in MB."""
    done = subprocess.run(
        [sys.executable, "-S", "-c", LAUNCHER, sys.executable, "-c", IMPORT, str(book), str(root)],
        capture_output=True,
        text=True,
        timeout=120,
        cwd=ROOT,
        env={**os.environ, "PYTHONPATH": str(ROOT)},
    )
    status = [line.split() for line in done.stderr.splitlines() if line.startswith("STATUS ")]
    peak = [line.split() for line in done.stderr.splitlines() if line.startswith("PEAK ")]
    assert status and peak, done.stderr[-2000:]
    code, seconds = status[-1][1:]
    return int(code), json.loads(done.stdout or "[]"), float(seconds), float(peak[-1][1])


# --- zip bombs and crafted archives: refused before openpyxl parses anything -------------


@pytest.fixture(scope="module")
def normal_import_figures(tmp_path_factory) -> tuple[float, float]:
    """Seconds and peak MB of importing a normal one-problem workbook in a child."""
    tmp = tmp_path_factory.mktemp("normal")
    root = write_files(tmp / "repo", {k: v for k, v in BASE_FILES.items() if k != W})
    _, found, seconds, peak = import_in_child(root, office_book(tmp, [GOOD_ROW]))
    # Written (the one-problem ledger lacks a plan, so the validator has its say).
    assert (root / W).exists(), found
    return seconds, peak


@pytest.mark.parametrize(
    ("megabytes", "code"),
    [(300, "X018"), (30, "X019")],
    ids=["300MB-part", "30MB-part-ratio-1000"],
)
def test_zip_bomb_is_refused_in_bounded_time_and_memory(
    repo, tmp_path, normal_import_figures, megabytes, code
) -> None:
    book = bomb(office_book(tmp_path, [GOOD_ROW]), tmp_path / "炸弹.xlsx", megabytes)
    assert book.stat().st_size < megabytes * MB / 500  # hundreds of MB in a few hundred KB
    status, found, seconds, peak = import_in_child(repo, book)
    assert status == 1 and [d["code"] for d in found] == [code], found
    assert found[0]["file"] == str(book) and SHEET in found[0]["message"]
    assert seconds < BOMB_SECONDS and peak < BOMB_PEAK_MB, (seconds, peak)
    # Refusing costs no more than reading a normal workbook (the interpreter and imports).
    assert peak < normal_import_figures[1] + 16, (peak, normal_import_figures)
    assert not (repo / W).exists()
    print(f"{code}: {book.stat().st_size} bytes, {seconds:.2f} s, peak {peak:.0f} MB", end=" ")
    print(f"(a normal import: {normal_import_figures[0]:.2f} s, {normal_import_figures[1]:.0f} MB)")


def test_merged_range_over_a_whole_sheet_is_refused_in_bounded_memory(repo, tmp_path) -> None:
    # openpyxl creates an object for every cell a merged range covers: 17 billion here.
    book = make_workbook(
        tmp_path / "a.xlsx",
        {"台账": [["坞城街道党工委巡察整改台账"], HEADER, GOOD_ROW]},
        {"台账": ["A10:B11"]},
    )
    sheet = part_of(book, SHEET).replace(b'ref="A10:B11"', b'ref="A10:XFD1048576"')
    crafted = rewritten(book, tmp_path / "merged.xlsx", {SHEET: sheet})
    status, found, seconds, peak = import_in_child(repo, crafted)
    assert status == 1 and [d["code"] for d in found] == ["X024"], found
    assert "合并单元格覆盖" in found[0]["message"] and SHEET in found[0]["message"]
    assert seconds < BOMB_SECONDS and peak < BOMB_PEAK_MB, (seconds, peak)


@pytest.mark.parametrize(
    ("what", "element", "limit"),
    [
        ("cells", b'<c r="Z%d"/>', MAX_CELLS),
        ("hyperlinks", b'<hyperlink ref="A%d" display="x"/>', MAX_HYPERLINKS),
    ],
)
def test_flood_of_cells_or_hyperlinks_is_refused(repo, tmp_path, what, element, limit) -> None:
    book = office_book(tmp_path, [GOOD_ROW])
    flood = b"".join(element % (i % 1000 + 10) for i in range(limit + 1))
    sheet = part_of(book, SHEET)
    if what == "cells":
        sheet = sheet.replace(b"</sheetData>", b'<row r="9">' + flood + b"</row></sheetData>")
    else:
        sheet = sheet.replace(
            b"</worksheet>", b"<hyperlinks>" + flood + b"</hyperlinks></worksheet>"
        )
    d = refused(repo, rewritten(book, tmp_path / "flood.xlsx", {SHEET: sheet}), "X024")
    assert f"上限 {limit} 个" in d.message


def _laughs(book: Path) -> bytes:
    """The sheet behind a billion-laughs DTD, one cell expanding its last entity."""
    entities = b"".join(
        b'<!ENTITY lol%d "%s">' % (i, (b"&lol%d;" % (i - 1)) * 10) for i in range(1, 10)
    )
    dtd = b'<?xml version="1.0" encoding="UTF-8"?>\n<!DOCTYPE worksheet [<!ENTITY lol0 "lol">'
    sheet = part_of(book, SHEET).replace(b"<t>", b"<t>&lol9;", 1)
    return dtd + entities + b"]>" + sheet


CRAFTED = {
    # name: (how the archive is made from a good workbook's bytes and path, code, words)
    "too-many-parts": (
        lambda raw, book, tmp: rewritten(
            book, tmp / "x.xlsx", {f"customXml/item{i}.xml": b"<a/>" for i in range(MAX_PARTS)}
        ),
        "X020",
        f"上限 {MAX_PARTS} 个",
    ),
    "duplicate-name": (
        lambda raw, book, tmp: _duplicate(book, tmp),
        "X022",
        "重复出现",
    ),
    "climbing-name": (
        lambda raw, book, tmp: rewritten(book, tmp / "x.xlsx", {"../../evil.xml": b"<a/>"}),
        "X022",
        "不是正常的路径",
    ),
    "overlapping-entries": (
        lambda raw, book, tmp: _write(tmp, with_overlapping_entry(raw)),
        "X022",
        "共用同一段压缩数据",
    ),
    "size-that-lies": (
        lambda raw, book, tmp: _write(tmp, with_declared_size(raw, SHEET.encode(), 100)),
        "X022",
        "无法解压",
    ),
    "lzma-part": (lambda raw, book, tmp: _lzma(book, tmp), "X022", "不常见的压缩方法"),
    "nested-zip": (
        lambda raw, book, tmp: rewritten(book, tmp / "x.xlsx", {"xl/extra.bin": raw}),
        "X022",
        "本身又是一个压缩包",
    ),
    # UTF-16 is read by expat: the scan transcodes it rather than miss the declaration.
    "utf16-billion-laughs": (
        lambda raw, book, tmp: rewritten(book, tmp / "x.xlsx", {SHEET: _utf16(_laughs(book))}),
        "X023",
        SHEET,
    ),
    # EBCDIC is too (through Python's codecs), and would hide markup from a byte scan.
    "ebcdic-part": (
        lambda raw, book, tmp: rewritten(
            book,
            tmp / "x.xlsx",
            {"customXml/item1.xml": b'<?xml version="1.0" encoding="cp037"?>' + "<x/>".encode("cp037")},
        ),
        "X022",
        "不常见的字符编码（cp037）",
    ),
    "billion-laughs": (
        lambda raw, book, tmp: rewritten(book, tmp / "x.xlsx", {SHEET: _laughs(book)}),
        "X023",
        SHEET,
    ),
    # openpyxl follows relationships, not names: XML under any name is scanned.
    "entity-in-an-odd-name": (
        lambda raw, book, tmp: rewritten(
            book, tmp / "x.xlsx", {"customXml/item1.dat": b'  <!DOCTYPE x [<!ENTITY e SYSTEM "file:///etc/passwd">]><x>&e;</x>'}
        ),
        "X023",
        "customXml/item1.dat",
    ),
}  # fmt: skip


def _utf16(xml: bytes) -> bytes:
    return xml.replace(b'encoding="UTF-8"', b'encoding="UTF-16"').decode().encode("utf-16")


def _write(tmp: Path, raw: bytes) -> Path:
    (tmp / "x.xlsx").write_bytes(raw)
    return tmp / "x.xlsx"


def _duplicate(book: Path, tmp: Path) -> Path:
    out = tmp / "dup.xlsx"
    with zipfile.ZipFile(book) as src, zipfile.ZipFile(out, "w") as dst:
        for info in src.infolist():
            dst.writestr(info, src.read(info))
        with pytest.warns(UserWarning, match="Duplicate name"):
            dst.writestr(SHEET, src.read(SHEET).replace("推进中".encode(), "已完成".encode()))
    return out


def _lzma(book: Path, tmp: Path) -> Path:
    out = tmp / "lzma.xlsx"
    with zipfile.ZipFile(book) as src, zipfile.ZipFile(out, "w", zipfile.ZIP_LZMA) as dst:
        for info in src.infolist():
            dst.writestr(info.filename, src.read(info))
    return out


@pytest.mark.parametrize("name", sorted(CRAFTED))
def test_crafted_archive_is_refused_before_parsing(repo, tmp_path, name) -> None:
    make, code, words = CRAFTED[name]
    book = office_book(tmp_path, [GOOD_ROW])
    crafted = make(book.read_bytes(), book, tmp_path)
    d = refused(repo, crafted, code)
    assert words in d.message, d.message
    assert d.file == str(crafted)


def test_total_unpacked_size_is_bounded(repo, tmp_path) -> None:
    # Four parts of 30 MB, each under the part limit and compressing about 100 times.
    book = office_book(tmp_path, [GOOD_ROW])
    chunk = os.urandom(8 * 1024) + bytes(MB - 8 * 1024)
    parts = {f"xl/media/image{i}.bin": chunk * 30 for i in range(4)}
    d = refused(repo, rewritten(book, tmp_path / "big.xlsx", parts, level=1), "X021")
    assert "合计" in d.message


def test_the_second_lock_holds_when_the_first_is_open(repo, tmp_path, monkeypatch) -> None:
    """With safety.py's check switched off, openpyxl still parses through defusedxml:
    a billion-laughs sheet is refused as X023 by the import, never expanded."""
    # The module, not the function of the same name that site_builder.sheets exports.
    importer = sys.modules["site_builder.sheets.import_xlsx"]
    monkeypatch.setattr(importer, "checked_workbook", lambda raw, file: [])
    good = office_book(tmp_path, [GOOD_ROW])
    book = rewritten(good, tmp_path / "laughs.xlsx", {SHEET: _laughs(good)})
    found = refused(repo, book, "X023")
    assert found.file == str(book) or found.file.endswith("laughs.xlsx"), found


def test_normal_workbook_still_imports(repo, tmp_path) -> None:
    # A UTF-16 custom XML part (document systems write them) is no reason to refuse.
    item = '<?xml version="1.0" encoding="utf-16"?><root><a>公文</a></root>'.encode("utf-16")
    book = rewritten(
        office_book(tmp_path, [GOOD_ROW]), tmp_path / "ok.xlsx", {"customXml/item1.xml": item}
    )
    result = import_xlsx(repo, book)
    assert result.written, [d.as_text() for d in result.diagnostics]
