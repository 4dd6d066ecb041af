"""An .xlsx is a zip of XML parts: bound every part before openpyxl parses any.

A workbook comes from outside (a unit's mailbox, a USB stick), so it is read as
hostile. The file is read into memory once (it is at most ``MAX_BYTES``) and the same
bytes are checked here and handed to openpyxl, so nothing can change in between.

1. The central directory, before anything is decompressed: how many parts, their
   names (no duplicates, no paths that climb out, no control characters), encryption,
   compression methods other than stored and deflate, each part's declared size and
   compression ratio, the total, and whether two entries share their compressed data
   (the overlapping-entries zip bomb).
2. Then every part is decompressed once as a stream, a megabyte at a time, so memory
   stays bounded whatever it holds. Python's zipfile stops at the declared size and
   checks the CRC, so a part that lies about its size fails here. A part that starts
   like XML is XML, whatever its name (openpyxl follows the package's relationships,
   not file names); UTF-16 is transcoded for the scan, other encodings than UTF-8,
   ASCII and Latin-1 are refused. It must hold no DTD or entity declaration (Excel and
   WPS never write one; an entity can expand to gigabytes or read local files), and
   its cells, merged ranges with the cells they cover (openpyxl creates an object for
   every cell of a merged range, so ``A1:XFD1048576`` alone would exhaust memory) and
   hyperlinks (openpyxl compares each one with every merged range) are counted.

openpyxl itself parses through defusedxml when it is installed (it is a dependency),
which refuses DTDs a second time, inside the parser.

Figures for a crafted file are in docs/guide/promises.md (tests/test_sheet_safety.py).
"""

from __future__ import annotations

import codecs
import io
import re
import struct
import zipfile
import zlib
from dataclasses import dataclass
from pathlib import PurePosixPath

from openpyxl.utils.cell import range_boundaries

from site_builder.diagnostics import Diagnostic, diag
from site_builder.diagnostics.characters import first_refused

MAX_BYTES = 20 * 1024 * 1024  # the .xlsx file itself
MAX_PARTS = 1_000
MAX_PART_BYTES = 32 * 1024 * 1024  # one part, uncompressed
MAX_UNPACKED = 100 * 1024 * 1024  # all parts, uncompressed
MAX_RATIO = 200  # XML compresses 5-30 times; deflate's ceiling is about 1,030
RATIO_FLOOR = 1024 * 1024  # small parts may compress as well as they like
MAX_CELLS = 250_000  # cells written plus cells covered by merged ranges, whole workbook
MAX_MERGES = 10_000
MAX_HYPERLINKS = 500
CHUNK = 1024 * 1024

_LOCAL_HEADER = struct.Struct("<4sHHHHHIIIHH")
_DECLARATION = re.compile(rb"<!(?:DOCTYPE|ENTITY)", re.I)
_ENCODING = re.compile(rb"""^\s*<\?xml[^>]*encoding\s*=\s*["']([^"']*)["']""")
_CELL = re.compile(rb"<(?:\w{1,20}:)?c[\s/>]")
_MERGE = re.compile(rb"""<(?:\w{1,20}:)?mergeCell\s+ref\s*=\s*["']([^"']{1,40})["']""")
_HYPERLINK = re.compile(rb"<(?:\w{1,20}:)?hyperlink[\s/>]")
_OVERLAP = 160  # longer than any pattern above can match


@dataclass
class _Tally:
    cells: int = 0
    merges: int = 0
    hyperlinks: int = 0


def checked_workbook(raw: bytes, file: str) -> list[Diagnostic]:
    """Diagnostics for a workbook's bytes that openpyxl must not parse; [] when safe."""
    try:
        with zipfile.ZipFile(io.BytesIO(raw)) as archive:
            found = _check_directory(archive, raw, file)
            if found:
                return found
            tally = _Tally()
            for info in archive.infolist():
                found = _check_part(archive, info, file, tally)
                if found:
                    return found
    except (zipfile.BadZipFile, zipfile.LargeZipFile, zlib.error, EOFError, RuntimeError,
            NotImplementedError, ValueError) as exc:  # fmt: skip
        return [diag("X022", file, detail=f"无法解压（{type(exc).__name__}）")]
    return []


def _check_directory(archive: zipfile.ZipFile, raw: bytes, file: str) -> list[Diagnostic]:
    infos = archive.infolist()
    if len(infos) > MAX_PARTS:
        return [diag("X020", file, count=len(infos), limit=MAX_PARTS)]
    seen: set[str] = set()
    total = 0
    for info in infos:
        name = info.filename
        if (problem := _bad_name(name, seen)) is not None:
            return [diag("X022", file, detail=problem)]
        seen.add(name.casefold())
        if info.flag_bits & 0x1:
            return [diag("X022", file, detail=f"部件“{name}”被加密")]
        if info.compress_type not in (zipfile.ZIP_STORED, zipfile.ZIP_DEFLATED):
            return [diag("X022", file, detail=f"部件“{name}”使用了不常见的压缩方法")]
        if info.compress_type == zipfile.ZIP_STORED and info.file_size != info.compress_size:
            return [diag("X022", file, detail=f"部件“{name}”记录的大小前后矛盾")]
        if info.file_size > MAX_PART_BYTES:
            return [diag("X018", file, part=name, size=info.file_size, limit=MAX_PART_BYTES)]
        if info.file_size > RATIO_FLOOR and info.file_size > MAX_RATIO * info.compress_size:
            ratio = info.file_size // max(info.compress_size, 1)
            return [diag("X019", file, part=name, ratio=ratio, limit=MAX_RATIO)]
        total += info.file_size
    if total > MAX_UNPACKED:
        return [diag("X021", file, size=total, limit=MAX_UNPACKED)]
    if (problem := _overlapping(infos, raw, archive.start_dir)) is not None:
        return [diag("X022", file, detail=problem)]
    return []


def _bad_name(name: str, seen: set[str]) -> str | None:
    if name.casefold() in seen:
        return f"部件名称“{name}”重复出现（两个同名部件，不同程序会读到不同的内容）"
    path = PurePosixPath(name)
    if name.startswith("/") or "\\" in name or ".." in path.parts or len(name) > 255:
        return f"部件名称“{name}”不是正常的路径"
    control = next((i for i, c in enumerate(name) if c < " "), None)
    if (hit := first_refused(name)) is not None or control is not None:
        index = min(i for i in (control, hit and hit[0]) if i is not None)
        return f"部件名称“{name}”含有控制字符（第 {index + 1} 个字符）"
    return None


def _overlapping(infos: list[zipfile.ZipInfo], raw: bytes, directory: int) -> str | None:
    """Two entries whose compressed data overlap: one kernel unpacked many times."""
    spans = []
    for info in sorted(infos, key=lambda i: i.header_offset):
        start = info.header_offset
        header = raw[start : start + _LOCAL_HEADER.size]
        if len(header) < _LOCAL_HEADER.size or header[:4] != b"PK\x03\x04":
            return f"部件“{info.filename}”的位置记录有误"
        *_, name_length, extra_length = _LOCAL_HEADER.unpack(header)
        end = start + _LOCAL_HEADER.size + name_length + extra_length + info.compress_size
        spans.append((start, end, info.filename))
    for (_, end, name), (next_start, _, other) in zip(spans, spans[1:], strict=False):
        if end > next_start:
            return f"部件“{name}”与“{other}”共用同一段压缩数据"
    if spans and spans[-1][1] > directory:
        return f"部件“{spans[-1][2]}”的数据延伸到了压缩包目录中"
    return None


def _check_part(
    archive: zipfile.ZipFile, info: zipfile.ZipInfo, file: str, tally: _Tally
) -> list[Diagnostic]:
    # openpyxl finds its parts through the package's relationships, whatever their
    # names, so what is XML is decided by content: every part that starts like XML.
    name = info.filename
    carry = b""
    xml: bool | None = None
    utf16 = None
    with archive.open(info) as stream:
        while chunk := stream.read(CHUNK):
            if xml is None:
                if chunk.startswith(b"PK\x03\x04") and not name.startswith("xl/embeddings/"):
                    return [diag("X022", file, detail=f"部件“{name}”本身又是一个压缩包")]
                # UTF-16 XML (customXml from document systems) is scanned as UTF-8.
                if (codec := _utf16(chunk)) is not None:
                    utf16 = codecs.getincrementaldecoder(codec)(errors="replace")
                    chunk = utf16.decode(chunk).encode("utf-8")
                xml = chunk.removeprefix(b"\xef\xbb\xbf").lstrip().startswith(b"<")
                if xml and (problem := _odd_encoding(chunk, name, utf16 is not None)):
                    return [diag("X022", file, detail=problem)]
            elif utf16 is not None:
                chunk = utf16.decode(chunk).encode("utf-8")
            if not xml:
                continue
            buffer = carry + chunk
            settled = max(len(buffer) - _OVERLAP, 0)
            if _DECLARATION.search(buffer):
                return [diag("X023", file, part=name)]
            if found := _count(buffer, settled, name, file, tally):
                return found
            carry = buffer[settled:]
    if xml and (found := _count(carry, len(carry), name, file, tally)):
        return found
    return []


def _utf16(head: bytes) -> str | None:
    """The codec of UTF-16 XML (with or without its byte-order mark), which expat reads
    and a byte scan would miss. Binary parts (images, printer settings) do not start
    with a '<' between zero bytes."""
    if head[:2] in (b"\xfe\xff", b"\xff\xfe"):
        return "utf-16"
    if head[:256].lstrip(b" \t\r\n\x00").startswith(b"<") and b"\x00" in head[:256]:
        return "utf-16-be" if head[0] == 0 else "utf-16-le"
    return None


# Encodings whose markup is ASCII, so the byte scan sees it (UTF-16 is transcoded first).
# A single-byte encoding such as EBCDIC, which expat accepts through Python's codecs,
# would hide it.
_SCANNABLE = {b"utf-8", b"utf8", b"us-ascii", b"ascii", b"iso-8859-1", b"latin-1", b"latin1"}


def _odd_encoding(head: bytes, name: str, utf16: bool) -> str | None:
    encoding = _ENCODING.match(head.removeprefix(b"\xef\xbb\xbf"))
    if encoding is None:
        return None
    declared = encoding[1].lower().replace(b"_", b"-")
    if declared in _SCANNABLE or (utf16 and declared.startswith(b"utf-16")):
        return None
    return f"部件“{name}”使用了不常见的字符编码（{encoding[1].decode('ascii', 'replace')}）"


def _count(buffer: bytes, settled: int, name: str, file: str, tally: _Tally) -> list[Diagnostic]:
    """Count what starts before ``settled``; the rest is counted with the next chunk."""
    tally.cells += sum(1 for m in _CELL.finditer(buffer) if m.start() < settled)
    tally.hyperlinks += sum(1 for m in _HYPERLINK.finditer(buffer) if m.start() < settled)
    for match in _MERGE.finditer(buffer):
        if match.start() >= settled:
            continue
        tally.merges += 1
        try:
            low_col, low_row, high_col, high_row = range_boundaries(match[1].decode("ascii"))
        except (ValueError, TypeError, UnicodeDecodeError):
            continue  # openpyxl refuses it too, as a bad file
        if (
            low_col is not None
            and low_row is not None
            and high_col is not None
            and high_row is not None
        ):
            tally.cells += (high_col - low_col + 1) * (high_row - low_row + 1)
        else:
            tally.cells += MAX_CELLS + 1  # a whole row or column
    for what, count, limit in (
        ("单元格（含合并单元格覆盖的单元格）", tally.cells, MAX_CELLS),
        ("合并单元格", tally.merges, MAX_MERGES),
        ("超链接", tally.hyperlinks, MAX_HYPERLINKS),
    ):
        if count > limit:
            return [diag("X024", file, part=name, count=count, what=what, limit=limit)]
    return []


__all__ = ["MAX_BYTES", "checked_workbook"]
