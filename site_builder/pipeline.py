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


def check_project(root: Path, timings: Timings | None = None) -> tuple[Project, list[Diagnostic]]:
    """Load every file and run every check; diagnostics sorted by file and line."""
    timings = timings or Timings()
    with timings.stage("加载"):
        project, diagnostics = load_project(root)
    with timings.stage("校验"):
        # Evidence files of closures deleted since (H006): asks git only if a file is gone.
        found = validate(project) + missing_evidence(root, project)
        diagnostics = sorted(diagnostics + found, key=sort_key)
    return project, diagnostics


def read_audit_trail(root: Path, project: Project | None = None):
    """The git history of the ledgers, with sign-off states; never fails on bad history."""
    if project is None:
        project, _ = load_project(root)
    return read_history(root, project.signers)


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
    project, diagnostics = check_project(root, timings)
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
        _build_locked(root, out, result, as_of, verbose, audience, acknowledgement, last_published)
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
) -> None:
    project, timings = result.project, result.timings
    # Stops if a previous site's commit left HEAD's history and nobody acknowledged it.
    provenance = check_provenance(root, out, str(audience), acknowledgement, last_published)
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
        history, found = read_history(root, project.signers)
        result.diagnostics = diagnostics = sorted(diagnostics + found, key=sort_key)
    # The records and the history live to the end of the build: keep the cycle
    # collector from walking them again and again while later stages allocate (it
    # made analysis grow faster than linearly).
    with frozen_objects():
        with timings.stage("分析"):
            when = as_of or project.settings.as_of or date.today()
            # A public site is made from records whose sensitive fields are already hidden.
            shown, history, shown_diagnostics = for_audience(
                audience, project, history, diagnostics
            )
            site = build_site_data(
                shown, shown_diagnostics, when, history, guides_dir=root / "docs" / "guide"
            )
            if masker := public_text(audience, project):
                # The guides are copied into the site: a name in an example is masked too.
                site.guides = [
                    dataclasses.replace(g, content=masker.mask(g.content)) for g in site.guides
                ]
            site.build = {**stamp.as_dict(), "audience_label": audience.label}
        if audience.kind is AudienceKind.INTERNAL:
            with timings.stage("月报"):
                # Past months from the history as of their end (cached in OUT); internal
                # only, as the report upward counts clues and names no one.
                from site_builder.analyse.months import monthly_series  # reads render.views

                site.months = monthly_series(root, site, out / "month-reports")
        with timings.stage("生成页面"):
            tree = render_docs(site, out / "docs")
            write_build_info(tree.docs_dir, stamp)
        site_name = f"{project.settings.district}巡察整改台账"
        # Two stages: 站点引擎 (MkDocs) and 搜索索引 (Pagefind).
        result.site_dir = build_site_engine(
            root, out, tree.nav, site_name, verbose=verbose, stage=timings.stage
        )
    result.pages = len(tree.pages)
