"""The whole flow in one screen: load → validate → analyse → render → site engine.

Each stage returns results and diagnostics; only this module strings them together.
The CLI calls these functions and prints.
"""

from __future__ import annotations

import dataclasses
import gc
import time
from collections.abc import Callable, Iterator
from contextlib import contextmanager
from dataclasses import dataclass, field
from datetime import date
from pathlib import Path

from site_builder.analyse import Analysis, analyse
from site_builder.analyse.monthly import MonthlyReport, month_bounds, report_from_records
from site_builder.analyse.months import monthly_series, trend
from site_builder.analyse.progress import district_totals
from site_builder.audience import (
    INTERNAL,
    Audience,
    AudienceKind,
    for_audience,
    public_text,
    unknown_units,
)
from site_builder.buildlock import DEFAULT_WAIT, build_lock
from site_builder.diagnostics import Diagnostic, diag, has_errors, sort_key
from site_builder.history import read_history
from site_builder.history.evidence import missing_evidence
from site_builder.history.git import Repository, opened
from site_builder.history.snapshot import checkout_as_of
from site_builder.load import load_project
from site_builder.model import Project
from site_builder.provenance import Acknowledgement, check_provenance, write_build_info
from site_builder.render import render_docs
from site_builder.render.views import build_site_data
from site_builder.site import build_site_engine
from site_builder.validate import validate


@dataclass
class Timings:
    stages: list[tuple[str, float]] = field(default_factory=list)

    @contextmanager
    def stage(self, name: str) -> Iterator[None]:
        start = time.perf_counter()
        try:
            yield
        finally:
            self.stages.append((name, time.perf_counter() - start))

    @property
    def total(self) -> float:
        return sum(seconds for _, seconds in self.stages)


@contextmanager
def frozen_objects() -> Iterator[None]:
    """Every object alive now is out of the cycle collector's reach until the block ends."""
    gc.freeze()
    try:
        yield
    finally:
        gc.unfreeze()


@dataclass
class BuildResult:
    project: Project
    diagnostics: list[Diagnostic]
    site_dir: Path | None = None
    pages: int = 0
    timings: Timings = field(default_factory=Timings)
    # Why the build stopped before the site (H030 a rewritten history, H031 an unreadable
    # published record, H034 the folder busy, H036 HEAD older than it); the CLI prints them
    # and exits 1.
    refusal: list[Diagnostic] = field(default_factory=list)


def check_project(
    root: Path, timings: Timings | None = None, repo: Repository | None = None
) -> tuple[Project, list[Diagnostic]]:
    """Load every file and run every check; diagnostics sorted by file and line.

    ``repo``, if given, is the repository at ``root`` already open (a build's).
    """
    timings = timings or Timings()
    with timings.stage("加载"):
        project, diagnostics = load_project(root)
    with timings.stage("校验"):
        # Evidence files of closures deleted since (H006): asks git only if a file is gone.
        found = validate(project) + missing_evidence(root, project, repo)
        diagnostics = sorted(diagnostics + found, key=sort_key)
    return project, diagnostics


@dataclass(frozen=True)
class Analysed:
    """A repository loaded, checked, its history read and analysed: what the CLI's
    reading commands (evaluate, report, dubian, log, history) print from."""

    project: Project
    analysis: Analysis
    diagnostics: list[Diagnostic]  # the records' (load and validate)
    trail: list[Diagnostic]  # the history's


def analyse_repository(root: Path, as_of: date | None = None) -> Analysed:
    """Load, validate, read the history and analyse it on ``as_of`` (settings, else today)."""
    project, diagnostics = check_project(root)
    return analyse_checked(root, project, diagnostics, as_of)


def analyse_checked(
    root: Path, project: Project, diagnostics: list[Diagnostic], as_of: date | None = None
) -> Analysed:
    """The history read and the analysis of a project already loaded and checked."""
    history, found = read_history(root, project.signers)
    when = as_of or project.settings.as_of or date.today()
    return Analysed(project, analyse(project, history, when), diagnostics, found)


def monthly_report(root: Path, month: str) -> tuple[MonthlyReport | None, list[Diagnostic]]:
    """The report of ``month`` from the repository's main line as it stood on its last day:
    the same analysis a site built for that day shows. None when there was no commit yet."""
    bounds = month_bounds(month)
    if bounds is None:
        raise ValueError(month)
    last = bounds[1]
    with checkout_as_of(root, last) as snapshot:
        if snapshot is None:
            return None, []
        project, diagnostics = load_project(snapshot.folder)
        diagnostics += validate(project)
        history, found = read_history(snapshot.folder, project.signers, snapshot.cache_dir)
        report = report_from_records(project, history, last, month, snapshot.commit)
        return report, diagnostics + found


def build(
    root: Path,
    out: Path,
    *,
    as_of: date | None = None,
    keep_going: bool = False,
    verbose: bool = False,
    audience: Audience = INTERNAL,
    acknowledgement: Acknowledgement | None = None,
    last_published: str | None = None,
    wait: float = DEFAULT_WAIT,
    on_wait: Callable[[str], None] | None = None,
) -> BuildResult:
    """Build the site of the ledger repository at ``root`` into ``out/site``.

    With errors in the data the site is not built unless ``keep_going``: a site
    that silently leaves out a broken ledger would misreport progress. One build at a
    time per ``out``: another one waits up to ``wait`` seconds for the folder's lock.
    """
    timings = Timings()
    # Git is opened once: the evidence check, provenance and the history read share it.
    with opened(root) as repo:
        project, diagnostics = check_project(root, timings, repo)
        result = BuildResult(project, diagnostics, timings=timings)
        if unknown := unknown_units(audience, project):
            # Never built, even with --keep-going: a unit's site made of nothing would mislead.
            result.diagnostics = [diag("C002", "rounds/units.yml", units="、".join(unknown))]
            return result
        if has_errors(diagnostics) and not keep_going:
            return result
        with build_lock(out, wait, on_wait) as lock:
            if not lock.held:
                waited = f"{lock.waited:.0f}"
                busy = diag("H034", str(lock.path), out=out, holder=lock.holder, waited=waited)
                result.refusal = [busy]
                return result
            _build_locked(
                root, out, result, as_of, verbose, audience, acknowledgement, last_published, repo
            )
    return result


def _build_locked(
    root: Path,
    out: Path,
    result: BuildResult,
    as_of: date | None,
    verbose: bool,
    audience: Audience,
    acknowledgement: Acknowledgement | None,
    last_published: str | None,
    repo: Repository | None,
) -> None:
    project, timings = result.project, result.timings
    # Stops if a previous site's commit left HEAD's history and nobody acknowledged it.
    provenance = check_provenance(root, out, str(audience), acknowledgement, last_published, repo)
    notes = [d for d in provenance.diagnostics if not has_errors([d])]
    result.diagnostics = diagnostics = sorted(result.diagnostics + notes, key=sort_key)
    if provenance.stamp is None:
        result.refusal = [d for d in provenance.diagnostics if has_errors([d])]
        return
    stamp = provenance.stamp
    if audience.kind is not AudienceKind.INTERNAL:
        # Who acknowledged a rewrite is a login on the build machine: not for other readers.
        stamp.rewrites = [{**r, "acknowledged_by": "（不公开）"} for r in stamp.rewrites]
    with timings.stage("读取历史"):
        history, found = read_history(root, project.signers, repo=repo)
        result.diagnostics = diagnostics = sorted(diagnostics + found, key=sort_key)
    # The records and the history live to the end of the build: keep the cycle
    # collector from walking them again and again while later stages allocate (it
    # made analysis grow faster than linearly).
    with frozen_objects():
        with timings.stage("分析"):
            when = as_of or project.settings.as_of or date.today()
            # A unit's overview shows the district's figures: counted before other units go.
            district = (
                district_totals(project, when) if audience.kind is AudienceKind.UNIT else None
            )
            # Names from every version of the ledgers: before the history is redacted.
            masker = public_text(audience, project, history)
            # A public site is made from records whose sensitive fields are already hidden.
            shown, history, shown_diagnostics = for_audience(
                audience, project, history, diagnostics
            )
            analysis = analyse(shown, history, when)
            site = build_site_data(
                shown, analysis, shown_diagnostics, guides_dir=root / "docs" / "guide"
            )
            if masker is not None:
                # The guides are copied into the site: a name in an example is masked too.
                site.guides = [
                    dataclasses.replace(g, content=masker.mask(g.content)) for g in site.guides
                ]
            site.district = district
            contacts = project.settings.disclosure
            if audience.kind is AudienceKind.PUBLIC and not (
                contacts.phone or contacts.email or contacts.address
            ):
                result.diagnostics.append(diag("C010", "rounds/settings.yml"))
            site.build = {**stamp.as_dict(), "audience_label": audience.label}
        if audience.kind is AudienceKind.INTERNAL:
            with timings.stage("月报"):
                # Past months from the history as of their end (cached in OUT); internal
                # only, as the report upward counts clues and names no one.
                site.months = monthly_series(root, shown, analysis, out / "month-reports")
                site.trend = trend(site.months)
        with timings.stage("生成页面"):
            tree = render_docs(site, out / "docs")
            write_build_info(tree.docs_dir, stamp)
        site_name = f"{project.settings.district}巡察整改台账"
        # Two stages: 站点引擎 (MkDocs) and 搜索索引 (Pagefind).
        result.site_dir = build_site_engine(
            root, out, tree.nav, site_name, verbose=verbose, stage=timings.stage
        )
    result.pages = len(tree.pages)
