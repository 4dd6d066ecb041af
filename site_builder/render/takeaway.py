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
from zipfile import ZIP_DEFLATED

from openpyxl.writer.excel import ExcelWriter

from site_builder.model import Ledger
from site_builder.render import docx_report, package, report
from site_builder.render.report import build_report
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
        self.after: dict[str, dict[str, str]] = {}
        self.code = _code()

    def unchanged(self, docs: Path, rel: str, key: str) -> int | None:
        """The size of ``rel`` if the last build wrote it from the same input, else None."""
        entry = self.before.get(rel)
        if not isinstance(entry, dict) or entry.get("key") != key:
            return None
        try:
            data = (docs / rel).read_bytes()
        except OSError:
            return None
        if hashlib.sha256(data).hexdigest() != entry.get("sha256"):
            return None
        self.after[rel] = entry
        return len(data)

    def record(self, rel: str, key: str, data: bytes) -> None:
        self.after[rel] = {"key": key, "sha256": hashlib.sha256(data).hexdigest()}

    def save(self) -> None:
        temporary = self.path.with_name(self.path.name + ".tmp")
        text = json.dumps(self.after, ensure_ascii=False, indent=0, sort_keys=True)
        temporary.write_text(text, encoding="utf-8")
        os.replace(temporary, self.path)


def write_takeaways(tree, site: SiteData) -> dict[str, list[Download]]:
    """Write every ledger's report and workbook into ``tree``; ledger key -> downloads."""
    kept = _Kept(tree.docs_dir.parent / CACHE_NAME)
    project = site.project
    found: dict[str, list[Download]] = {}
    for ledger in sorted(project.ledgers, key=lambda led: (led.round, led.unit)):
        when = site.analysis.changed_at(ledger.key)
        unit = project.unit_by_id.get(ledger.unit)
        round_ = project.round_by_id.get(ledger.round)
        name = f"{unit.name if unit else ledger.unit}-{round_.name if round_ else ledger.round}"
        stem = f"downloads/{ledger.round}-{ledger.unit}"
        files = []
        drafted = build_report(project, site.analysis, ledger.round, ledger.unit)
        if drafted is not None:
            make = partial(docx_report.report_docx, drafted, when)
            key = _key(kept.code, when, repr(drafted))
            rel, saved = f"{stem}.docx", f"{name}-整改报告（草稿）.docx"
            files.append(_write(tree, kept, rel, key, make, "整改报告", saved))
        make = partial(_workbook, ledger, site, when)
        key = _key(kept.code, when, ledger.model_dump_json(), name, _labels(site, ledger))
        rel, saved = f"{stem}.xlsx", f"{name}-整改台账.xlsx"
        files.append(_write(tree, kept, rel, key, make, "整改台账", saved))
        found[ledger.key] = files
    kept.save()
    return found


def _key(*parts: object) -> str:
    return hashlib.sha256("\x00".join(map(str, parts)).encode("utf-8")).hexdigest()


def _labels(site: SiteData, ledger: Ledger) -> str:
    return "|".join(site.project.category_label(p.category) for p in ledger.problems)


def _write(
    tree, kept: _Kept, rel: str, key: str, make: Callable[[], bytes], title: str, filename: str
) -> Download:
    size = kept.unchanged(tree.docs_dir, rel, key)
    if size is not None and tree.keep(rel):
        return Download(rel, title, size, filename)
    data = make()
    tree.write(rel, data)
    kept.record(rel, key, data)
    return Download(rel, title, len(data), filename)


def _workbook(ledger: Ledger, site: SiteData, when: datetime) -> bytes:
    """The workbook `rectify export-xlsx` writes, dated ``when`` throughout."""
    workbook = ledger_workbook(ledger, site.project)
    stamp = package.utc_naive(when)
    workbook.properties.created = workbook.properties.modified = stamp
    buffer = BytesIO()
    with package.FixedZip(buffer, "w", ZIP_DEFLATED) as archive:
        ExcelWriter(workbook, archive).write_data()
    return buffer.getvalue()
