"""Each ledger's documents to take away: its 整改报告 (.docx) and its 整改台账 (.xlsx).

They are the documents `rectify report ROUND UNIT` and `rectify export-xlsx ROUND UNIT`
write, made from the records the site shows: those are already shaped for the
audience (audience.py), so a public site's files mask names as its pages do and a
unit's site has only its own units' files. They go into the docs tree
(``downloads/<round>-<unit>.docx`` and ``.xlsx``), so the engine copies them and the
site swap carries them.

The same input gives the same bytes: every file is dated by the time its ledger last
changed (the latest change the history records), not by the build. Making 250 files
costs seconds, so a file whose inputs are unchanged since the last build (a
fingerprint per file in ``OUT/downloads-cache.json``) is kept as it is.
"""

from __future__ import annotations

import hashlib
import json
import os
import sys
from collections.abc import Callable
from dataclasses import dataclass
from datetime import datetime
from functools import partial
from importlib.metadata import version
from io import BytesIO
from pathlib import Path
from typing import Any
from zipfile import ZIP_DEFLATED

from openpyxl.writer.excel import ExcelWriter

from site_builder.model import Ledger
from site_builder.render import docx_report, package, report
from site_builder.render.fingerprint import file_state
from site_builder.render.pool import make_all
from site_builder.render.report import RectificationReport, build_report
from site_builder.render.views import SiteData
from site_builder.sheets import layout
from site_builder.sheets.export_xlsx import ledger_workbook

CACHE_NAME = "downloads-cache.json"
KINDS = {".docx": "Word", ".xlsx": "Excel"}


@dataclass(frozen=True)
class Download:
    """One file a unit page offers."""

    path: str  # in the docs tree: downloads/r1-wcjd.docx
    title: str  # 整改报告, 整改台账
    size: int  # bytes
    filename: str  # the name the browser saves it under

    @property
    def kind(self) -> str:
        return KINDS[Path(self.path).suffix]

    @property
    def size_text(self) -> str:
        if self.size >= 1024 * 1024:
            return f"{self.size / (1024 * 1024):.1f} MB"
        return f"{max(1, round(self.size / 1024))} KB"

    @property
    def link_text(self) -> str:
        return f"下载{self.title}（{self.kind}，{self.size_text}）"


def _code() -> str:
    """A digest of the code and libraries that shape the files: a kept file is only as
    good as the code that made it."""
    digest = hashlib.sha256()
    exporter = sys.modules[ledger_workbook.__module__]
    for module in (report, docx_report, package, exporter, layout, sys.modules[__name__]):
        digest.update(Path(str(module.__file__)).read_bytes())
    for folder in ("sheets", "model"):  # columns, cells, labels …
        for path in sorted((Path(str(exporter.__file__)).parents[1] / folder).glob("*.py")):
            digest.update(path.read_bytes())
    digest.update(f"{version('python-docx')} {version('openpyxl')}".encode())
    return digest.hexdigest()


class _Kept:
    """The fingerprints of the files the last build wrote, and this build's."""

    def __init__(self, path: Path) -> None:
        self.path = path
        try:
            self.before = json.loads(path.read_text(encoding="utf-8"))
        except (OSError, ValueError):
            self.before = {}
        self.after: dict[str, dict[str, Any]] = {}
        self.code = _code()

    def unchanged(self, docs: Path, rel: str, key: str) -> int | None:
        """The size of ``rel`` if the last build wrote it from the same input, else None.
        A file of the size and modification time recorded is not read again."""
        entry = self.before.get(rel)
        if not isinstance(entry, dict) or entry.get("key") != key:
            return None
        state = file_state(docs / rel)
        if state is not None and state == entry.get("stat"):
            self.after[rel] = entry
            return state[0]
        try:
            data = (docs / rel).read_bytes()
        except OSError:
            return None
        if hashlib.sha256(data).hexdigest() != entry.get("sha256"):
            return None
        self.after[rel] = {**entry, "stat": state}
        return len(data)

    def record(self, docs: Path, rel: str, key: str, data: bytes) -> None:
        digest = hashlib.sha256(data).hexdigest()
        self.after[rel] = {"key": key, "sha256": digest, "stat": file_state(docs / rel)}

    def save(self) -> None:
        temporary = self.path.with_name(self.path.name + ".tmp")
        text = json.dumps(self.after, ensure_ascii=False, indent=0, sort_keys=True)
        temporary.write_text(text, encoding="utf-8")
        os.replace(temporary, self.path)


@dataclass(frozen=True)
class Drafted:
    """A ledger's draft report, made once a build for its page and its .docx."""

    report: RectificationReport | None
    text: str  # its repr: what the report page's and the .docx's fingerprints read


def draft_reports(site: SiteData) -> dict[str, Drafted]:
    """Every ledger's draft report (None where it has none), by ledger key."""
    found = {}
    for ledger in site.project.ledgers:
        drafted = build_report(site.project, site.analysis, ledger.round, ledger.unit)
        found[ledger.key] = Drafted(drafted, repr(drafted))
    return found


@dataclass(frozen=True)
class _File:
    rel: str
    key: str
    make: Callable[[], bytes]
    title: str
    filename: str
    size: int | None  # of the file the last build wrote from the same input


def write_takeaways(
    tree,
    site: SiteData,
    reports: dict[str, Drafted] | None = None,
    digest: Callable[[object], str] | None = None,
) -> dict[str, list[Download]]:
    """Write every ledger's report and workbook into ``tree``; ledger key -> downloads.

    ``reports`` are the draft reports (``draft_reports``) and ``digest`` a content digest
    of a record (render/fingerprint.py's), both shared with the pages; made here if not
    given. The files to make are made on every core (render/pool.py)."""
    kept = _Kept(tree.docs_dir.parent / CACHE_NAME)
    project = site.project
    reports = draft_reports(site) if reports is None else reports
    dump: Callable[[Any], str] = digest or Ledger.model_dump_json
    planned: dict[str, list[_File]] = {}
    for ledger in sorted(project.ledgers, key=lambda led: (led.round, led.unit)):
        when = site.analysis.changed_at(ledger.key)
        unit = project.unit_by_id.get(ledger.unit)
        round_ = project.round_by_id.get(ledger.round)
        name = f"{unit.name if unit else ledger.unit}-{round_.name if round_ else ledger.round}"
        stem = f"downloads/{ledger.round}-{ledger.unit}"
        files = []
        drafted = reports.get(ledger.key)
        if drafted is not None and drafted.report is not None:
            make = partial(docx_report.report_docx, drafted.report, when)
            key = _key(kept.code, when, drafted.text)
            rel, saved = f"{stem}.docx", f"{name}-整改报告（草稿）.docx"
            files.append(_plan(tree, kept, rel, key, make, "整改报告", saved))
        make = partial(_workbook, ledger, site, when)
        key = _key(kept.code, when, dump(ledger), name, _labels(site, ledger))
        rel, saved = f"{stem}.xlsx", f"{name}-整改台账.xlsx"
        files.append(_plan(tree, kept, rel, key, make, "整改台账", saved))
        planned[ledger.key] = files
    pending = [f for files in planned.values() for f in files if f.size is None]
    made = dict(zip((f.rel for f in pending), make_all([f.make for f in pending]), strict=True))
    found = {key: [_write(tree, kept, f, made) for f in files] for key, files in planned.items()}
    kept.save()
    return found


def _key(*parts: object) -> str:
    return hashlib.sha256("\x00".join(map(str, parts)).encode("utf-8")).hexdigest()


def _labels(site: SiteData, ledger: Ledger) -> str:
    return "|".join(site.project.category_label(p.category) for p in ledger.problems)


def _plan(
    tree, kept: _Kept, rel: str, key: str, make: Callable[[], bytes], title: str, filename: str
) -> _File:
    return _File(rel, key, make, title, filename, kept.unchanged(tree.docs_dir, rel, key))


def _write(tree, kept: _Kept, file: _File, made: dict[str, bytes]) -> Download:
    if file.size is not None and tree.keep(file.rel):
        return Download(file.rel, file.title, file.size, file.filename)
    data = made[file.rel] if file.rel in made else file.make()
    tree.write(file.rel, data)
    kept.record(tree.docs_dir, file.rel, file.key, data)
    return Download(file.rel, file.title, len(data), file.filename)


def _workbook(ledger: Ledger, site: SiteData, when: datetime) -> bytes:
    """The workbook `rectify export-xlsx` writes, dated ``when`` throughout."""
    workbook = ledger_workbook(ledger, site.project)
    stamp = package.utc_naive(when)
    workbook.properties.created = workbook.properties.modified = stamp
    buffer = BytesIO()
    with package.FixedZip(buffer, "w", ZIP_DEFLATED) as archive:
        ExcelWriter(workbook, archive).write_data()
    return buffer.getvalue()
