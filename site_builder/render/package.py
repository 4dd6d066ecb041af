"""Office files (.docx, .xlsx) that are the same bytes for the same content.

Both are zip packages. python-docx and openpyxl stamp every zip entry with the time
of saving and write the save time (or a template's date) as the document's dates, so
a rebuild would change every download although nothing in it changed. Here every
entry carries one fixed zip date and the core properties carry the time the caller
gives (the time the ledger last changed).
"""

from __future__ import annotations

import io
import re
import zipfile
from collections.abc import Iterable
from datetime import UTC, datetime

CORE = "docProps/core.xml"
ZIP_DATE = (1980, 1, 1, 0, 0, 0)  # the earliest date a zip entry can hold
_DATES = re.compile(rb"(<dcterms:(created|modified)\b[^>]*>)[^<]*(</dcterms:\2>)")


def utc_naive(when: datetime) -> datetime:
    """``when`` in UTC, to the second, without a zone (as the writers want it)."""
    if when.tzinfo is not None:
        when = when.astimezone(UTC).replace(tzinfo=None)
    return when.replace(microsecond=0)


def core_stamp(when: datetime) -> bytes:
    """``when`` as the core properties write it: UTC, to the second."""
    return utc_naive(when).strftime("%Y-%m-%dT%H:%M:%SZ").encode()


def pin_core(core_xml: bytes, when: datetime) -> bytes:
    """The core properties with ``when`` as the created and modified date."""
    stamp = core_stamp(when)
    return _DATES.sub(lambda m: m.group(1) + stamp + m.group(3), core_xml)


def _entry(name: str) -> zipfile.ZipInfo:
    entry = zipfile.ZipInfo(name, date_time=ZIP_DATE)
    entry.compress_type = zipfile.ZIP_DEFLATED
    entry.external_attr = 0o644 << 16
    entry.create_system = 0
    return entry


def add_parts(package: bytes, parts: Iterable[tuple[str, bytes]]) -> bytes:
    """``package`` with ``parts`` appended (only new parts are compressed: the base's
    entries are copied as they are)."""
    buffer = io.BytesIO(package)
    buffer.seek(0, io.SEEK_END)
    with zipfile.ZipFile(buffer, "a") as archive:
        for name, data in parts:
            archive.writestr(_entry(name), data)
    return buffer.getvalue()


def write_package(parts: Iterable[tuple[str, bytes]]) -> bytes:
    return add_parts(empty_zip(), parts)


def empty_zip() -> bytes:
    buffer = io.BytesIO()
    with zipfile.ZipFile(buffer, "w"):
        pass
    return buffer.getvalue()


class FixedZip(zipfile.ZipFile):
    """A zip file whose every entry gets the fixed date, for writers that save through
    ``writestr``/``write`` (openpyxl's ``ExcelWriter``)."""

    def writestr(self, zinfo_or_arcname, data, *args, **kwargs) -> None:
        if not isinstance(zinfo_or_arcname, zipfile.ZipInfo):
            zinfo_or_arcname = _entry(zinfo_or_arcname)
        super().writestr(zinfo_or_arcname, data, *args, **kwargs)

    def write(self, filename, arcname=None, *args, **kwargs) -> None:
        with open(filename, "rb") as handle:
            self.writestr(arcname or str(filename), handle.read())
