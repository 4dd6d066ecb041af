"""The city's build in one screen: settings → each district's export → analysis → pages →
site engine. ``rectify aggregate --city city.yml --out OUT`` calls ``build_city``.

The city reads exports, never a district's history (``export/sources.py`` says where an
export comes from). Each district's summary is kept in ``OUT/cache/<id>.pickle`` with
the export file's content hash: a rebuild after one district changed
parses that district's export only, rewrites only its pages (``render/tree.py`` keeps
unchanged files, so MkDocs re-renders only those) and re-indexes only its search shard
(one Pagefind index per district, merged by the search page).
"""

from __future__ import annotations

import hashlib
import pickle
from collections import Counter
from dataclasses import dataclass, field, replace
from pathlib import Path

from site_builder.buildlock import DEFAULT_WAIT, build_lock
from site_builder.diagnostics import Diagnostic, diag, has_errors
from site_builder.export.aggregate import (
    CityAnalysis,
    DistrictSummary,
    city_analysis,
    district_summary,
)
from site_builder.export.city import DistrictSource, load_city
from site_builder.export.read import read_export
from site_builder.export.sources import locate_export
from site_builder.pipeline import Timings
from site_builder.render.city import render_city, search_shard
from site_builder.site import build_site_engine

_CACHE_VERSION = 1


@dataclass
class CityResult:
    diagnostics: list[Diagnostic] = field(default_factory=list)
    analysis: CityAnalysis | None = None
    site_dir: Path | None = None
    reread: list[str] = field(default_factory=list)  # districts whose export was parsed
    timings: Timings = field(default_factory=Timings)


def _cache_key(source: DistrictSource, export: Path) -> tuple:
    # The content, not the modification time: a repository the city builds rewrites its
    # site (and export) on every build, usually with the same bytes.
    digest = hashlib.sha256(export.read_bytes()).hexdigest()
    return (_CACHE_VERSION, digest, source.id, source.name, source.site_url)


def _cached(path: Path, key: tuple) -> DistrictSummary | None:
    try:
        with path.open("rb") as handle:
            stored_key, summary = pickle.load(handle)  # our own output folder's file
    except (OSError, pickle.UnpicklingError, EOFError, ValueError, AttributeError):
        return None
    return summary if stored_key == key else None


def _read_district(source: DistrictSource, out: Path, result: CityResult) -> DistrictSummary | None:
    export, found = locate_export(source, out / "districts" / source.id)
    result.diagnostics += found
    if export is None:
        return None
    cache = out / "cache" / f"{source.id}.pickle"
    key = _cache_key(source, export)
    if (summary := _cached(cache, key)) is not None:
        return summary
    data, found = read_export(export)
    if data is None:
        refusal = found[0]
        if refusal.code == "V020":
            version = _version_of(refusal.message)
            result.diagnostics.append(diag("V032", source.file, source.line,
                district=source.name, source=source.location, found=version[0],
                supported=version[1]))  # fmt: skip
        else:
            detail = refusal.message.split("：", 1)[-1].split("。", 1)[0]
            result.diagnostics.append(diag("V031", source.file, source.line,
                district=source.name, source=source.location, detail=detail))  # fmt: skip
        return None
    try:
        summary = district_summary(data, source.id, source.name, source.site_url)
    except (KeyError, TypeError, AttributeError) as exc:
        result.diagnostics.append(diag("V031", source.file, source.line, district=source.name,
            source=source.location, detail=f"缺少或写错了字段 {exc}"))  # fmt: skip
        return None
    result.reread.append(source.id)
    cache.parent.mkdir(parents=True, exist_ok=True)
    with cache.open("wb") as handle:
        pickle.dump((key, summary), handle, protocol=pickle.HIGHEST_PROTOCOL)
    return summary


def _version_of(message: str) -> tuple[str, str]:
    from site_builder.export.data import SCHEMA_VERSION

    found = message.split("格式版本为 ", 1)[-1].split("，", 1)[0]
    return found, str(SCHEMA_VERSION)


def _notes(settings_file: str, sources: dict[str, DistrictSource],
           districts: list[DistrictSummary]) -> list[Diagnostic]:  # fmt: skip
    notes = []
    for d in districts:
        source = sources[d.id]
        if d.exported_name and d.exported_name != d.name:
            notes.append(diag("V038", settings_file, source.line, name=d.name,
                              exported=d.exported_name))  # fmt: skip
    if districts:
        common, _ = Counter(d.as_of for d in districts).most_common(1)[0]
        for d in districts:
            if d.as_of != common:
                notes.append(diag("V039", settings_file, sources[d.id].line, district=d.name,
                                  as_of=d.as_of, common=common))  # fmt: skip
    return notes


def build_city(
    settings_path: Path,
    out: Path,
    verbose: bool = False,
    wait: float = DEFAULT_WAIT,
    exports_dir: Path | None = None,
) -> CityResult:
    """Build the city site of ``settings_path`` into ``out/site``. A district that cannot
    be read is reported (V030–V035) and left out; the others are still built.
    ``exports_dir`` (CI: the district jobs' artifacts) replaces every district's source
    with ``exports_dir/<id>/export.json``."""
    result = CityResult()
    settings, found = load_city(settings_path)
    result.diagnostics += found
    if settings is None or has_errors(found) and not settings.districts:
        return result
    if exports_dir is not None:
        moved = []
        for s in settings.districts:
            export = exports_dir / s.id / "export.json"
            moved.append(replace(s, kind="export", location=str(export),
                                 resolved=str(export.resolve())))  # fmt: skip
        settings = replace(settings, districts=tuple(moved))
    with build_lock(out, wait) as lock:
        if not lock.held:
            result.diagnostics.append(diag("H034", str(lock.path), out=out, holder=lock.holder,
                                           waited=f"{lock.waited:.0f}"))  # fmt: skip
            return result
        with result.timings.stage("读取各区数据"):
            districts = [
                summary
                for source in settings.districts
                if (summary := _read_district(source, out, result)) is not None
            ]
        sources = {s.id: s for s in settings.districts}
        result.diagnostics += _notes(str(settings_path), sources, districts)
        refused = [d for d in result.diagnostics if has_errors([d])]
        with result.timings.stage("汇总分析"):
            analysis = city_analysis(settings.city, districts, refused)
        result.analysis = analysis
        with result.timings.stage("生成页面"):
            tree = render_city(analysis, out / "docs")
        # The settings' folder may hold the city's own mkdocs.yml (theme, colours).
        result.site_dir = build_site_engine(
            settings_path.parent.resolve(), out, tree.nav, f"{settings.city}巡察整改汇总",
            verbose=verbose, stage=result.timings.stage, shard_key=search_shard,
        )  # fmt: skip
    return result
