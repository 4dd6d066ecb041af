"""The whole flow in one screen: load → validate → analyse → render → site engine.

Each stage returns results and diagnostics; only this module strings them together.
The CLI calls these functions and prints.
"""

from __future__ import annotations

import gc
import time
from collections.abc import Iterator
from contextlib import contextmanager
from dataclasses import dataclass, field
from datetime import date
from pathlib import Path

from site_builder.audience import for_audience
from site_builder.diagnostics import Diagnostic, has_errors, sort_key
from site_builder.history import read_history
from site_builder.history.evidence import missing_evidence
from site_builder.load import load_project
from site_builder.model import Project
from site_builder.provenance import stamp_build, write_build_info
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
    audience: str = "internal",
    acknowledge_rewrite: bool = False,
) -> BuildResult:
    """Build the site of the ledger repository at ``root`` into ``out/site``.

    With errors in the data the site is not built unless ``keep_going``: a site
    that silently leaves out a broken ledger would misreport progress.
    """
    timings = Timings()
    project, diagnostics = check_project(root, timings)
    result = BuildResult(project, diagnostics, timings=timings)
    if has_errors(diagnostics) and not keep_going:
        return result
    out.mkdir(parents=True, exist_ok=True)
    # Stops (HistoryRewritten) if the last site's commit left HEAD's history unacknowledged.
    stamp = stamp_build(root, out, audience, acknowledge_rewrite)
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
            site.build = stamp.as_dict()
        with timings.stage("生成页面"):
            tree = render_docs(site, out / "docs")
            write_build_info(tree.docs_dir, stamp)
        site_name = f"{project.settings.district}巡察整改台账"
        # Two stages: 站点引擎 (MkDocs) and 搜索索引 (Pagefind).
        result.site_dir = build_site_engine(
            root, out, tree.nav, site_name, verbose=verbose, stage=timings.stage
        )
    result.pages = len(tree.pages)
    return result
