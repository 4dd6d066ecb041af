"""Write the docs tree: one function lists every page kind in order."""

from __future__ import annotations

import posixpath
from dataclasses import dataclass, field
from importlib import resources
from pathlib import Path

from site_builder.export import EXPORT_PATH, Fragments, export_json
from site_builder.render import (
    audit,
    disclosure,
    downloads,
    evaluation,
    supervision_view,
    takeaway,
    views,
)
from site_builder.render.env import render
from site_builder.render.fingerprint import PageCache, unit_page_cache, unit_page_key

ASSETS = ("rectify.css", "rectify.js", "rectify-search.js")
# With more rounds than this, the sidebar links one page listing them all: the sidebar
# is on every page, so its size multiplies by the number of pages (a city of 80
# rounds made it a third of every page's HTML).
NAV_ROUNDS = 12
FRAGMENTS_FILE = "export-fragments.json"  # in OUT, beside render-fingerprints.json


@dataclass
class DocsTree:
    """What the renderer produced: the folder, its pages, and the nav to show."""

    docs_dir: Path
    pages: list[str] = field(default_factory=list)
    nav: list[dict] = field(default_factory=list)
    written: set[str] = field(default_factory=set, repr=False)
    # Which fingerprinted pages were rendered and which kept (render/fingerprint.py).
    fingerprints: PageCache | None = field(default=None, repr=False)

    def write(self, rel: str, content: str | bytes) -> bool:
        """Write ``rel`` unless a file of that name was written already; False if so."""
        target = (self.docs_dir / rel).resolve()
        # Ids are validated, but a page path must never leave the docs folder.
        if not target.is_relative_to(self.docs_dir.resolve()):
            raise ValueError(f"refusing to write outside the docs folder: {rel}")
        # Nor replace a file already written (`index` as a case id, `A` and `a` on a
        # case-insensitive disk): the validator reports it (R012); the first one stays.
        if rel.casefold() in self.written:
            return False
        self.written.add(rel.casefold())
        data = content if isinstance(content, bytes) else content.encode("utf-8")
        # An unchanged file keeps its modification time: the site engine re-renders
        # only pages whose source is newer than the last site's (site/engine.py).
        if not _same_content(target, data):
            target.parent.mkdir(parents=True, exist_ok=True)
            target.write_bytes(data)
        if rel.endswith(".md"):
            self.pages.append(rel)
        return True

    def keep(self, rel: str) -> bool:
        """Count ``rel`` as written, unchanged, without reading it; False if already taken.
        Nothing is written: the path is checked by its text, not resolved on the disk."""
        normal = posixpath.normpath(rel)
        if normal.startswith(("/", "../")) or normal in ("..", ".") or "\\" in rel:
            raise ValueError(f"refusing to keep a file outside the docs folder: {rel}")
        if rel.casefold() in self.written:
            return False
        self.written.add(rel.casefold())
        if rel.endswith(".md"):
            self.pages.append(rel)
        return True

    def remove_stale(self) -> None:
        """Delete what an earlier render left that this one did not write."""
        root = self.docs_dir
        for path in sorted(root.rglob("*"), reverse=True):
            rel = path.relative_to(root).as_posix()
            if path.is_dir() and not path.is_symlink():
                if not any(path.iterdir()):
                    path.rmdir()
            elif rel.casefold() not in self.written:
                path.unlink()


def _same_content(target: Path, data: bytes) -> bool:
    try:
        if target.is_symlink() or target.stat().st_size != len(data):
            return False
        return target.read_bytes() == data
    except OSError:
        return False


def write_downloads(
    tree: DocsTree,
    site: views.SiteData,
    takeaways: dict[str, list[takeaway.Download]],
    cache: PageCache | None = None,
) -> None:
    """The downloads page, each ledger's CSV and JSON and the whole district's.

    With ``cache`` (the unit pages' fingerprints) a ledger's files are kept when the
    ledger, its unit's name and its category labels are unchanged; the district's files
    are those files' rows joined, so they are put together from the kept files."""
    project = site.project
    ledgers = sorted(project.ledgers, key=lambda led: (led.round, led.unit))
    tree.write("downloads/index.md", render("downloads.md.j2", site=site, takeaways=takeaways))
    csv_parts, json_parts = [], []
    for ledger in ledgers:
        name = f"downloads/{ledger.round}-{ledger.unit}"
        unit = project.unit_by_id.get(ledger.unit)
        labels = [project.category_label(p.category) for p in ledger.problems]
        key = cache.key("downloads", ledger, unit.name if unit else "", labels) if cache else ""
        rows = csv_text = json_text = None
        if cache is not None and cache.reuse(tree, f"{name}.csv", key):
            csv_text = downloads.csv_rows_of(_read(tree, f"{name}.csv"))
        if csv_text is None:
            rows = downloads.ledger_rows(project, ledger)
            csv_text = downloads.csv_rows(rows)
            if tree.write(f"{name}.csv", downloads.CSV_HEAD + csv_text) and cache is not None:
                cache.wrote(f"{name}.csv", key)
        if cache is not None and cache.reuse(tree, f"{name}.json", key):
            json_text = downloads.json_items_of(_read(tree, f"{name}.json"))
        if json_text is None:
            json_text = downloads.json_item(ledger)
            if tree.write(f"{name}.json", b"[" + json_text + b"]") and cache is not None:
                cache.wrote(f"{name}.json", key)
        csv_parts.append(csv_text)
        json_parts.append(json_text)
    tree.write("downloads/ledger.csv", downloads.CSV_HEAD + b"".join(csv_parts))
    tree.write("downloads/ledger.json", b"[" + b",".join(json_parts) + b"]")


def _read(tree: DocsTree, rel: str) -> bytes | None:
    try:
        return (tree.docs_dir / rel).read_bytes()
    except OSError:
        return None


def write_dubian(tree: DocsTree, site: views.SiteData, dubian: dict) -> None:
    due = [d for d in dubian.values() if d.reasons]
    records = sorted(
        ((d, r) for d in dubian.values() for r in d.records),
        key=lambda pair: (pair[1].date, pair[0].round, pair[0].unit),
        reverse=True,
    )
    tree.write("dubian/index.md", render("dubian.md.j2", site=site, due=due, records=records))


def write_months(tree: DocsTree, site: views.SiteData) -> None:
    """月报: a page per month (analyse.months) and the trend over months. A month page
    whose report and neighbours are unchanged is neither rendered nor rewritten (a past
    month's report never changes: a rebuild renders the current month's page)."""
    # analyse.monthly reads render.views: imported here, not at the top, to keep one way.
    from site_builder.render import months_view

    if not site.months:
        return
    pages = months_view.month_pages(site.months)
    chart = months_view.trend_chart(site.trend)
    tree.write("months/index.md", render("months.md.j2", site=site, pages=pages, chart=chart))
    fingerprints = months_view.month_page_cache(site, tree.docs_dir)
    for page in pages:
        rel = f"months/{page.month}.md"
        key = fingerprints.page_key(page)
        if key is not None and fingerprints.reuse(tree, rel, key):
            continue
        written = tree.write(
            rel,
            render("month.md.j2", site=site, p=page, columns=months_view.COLUMNS,
                   cells=months_view.cells),
        )  # fmt: skip
        if written and key is not None:
            fingerprints.wrote(rel, key)
    fingerprints.save(tree)


def render_docs(site: views.SiteData, docs_dir: Path) -> DocsTree:
    """Render every page of the site into ``docs_dir``.

    Files whose content is unchanged are not rewritten, and files of an earlier render
    that this one does not produce are removed at the end (``DocsTree.remove_stale``).
    """
    if docs_dir.is_symlink() or (docs_dir.exists() and not docs_dir.is_dir()):
        docs_dir.unlink()
    docs_dir.mkdir(parents=True, exist_ok=True)
    tree = DocsTree(docs_dir)

    # 督办 names officials: shown on the internal site only.
    internal = site.build.get("audience", "internal") == "internal"
    dubian = supervision_view.dubian_views(site) if internal else {}
    tree.write("index.md", render("overview.md.j2", site=site))
    tree.write("warnings/index.md", render("warnings.md.j2", site=site))
    tree.write("warnings/green.md", render("warnings_green.md.j2", site=site))
    # Each ledger's report (.docx) and workbook (.xlsx): first, as unit pages give sizes.
    # A page whose inputs are unchanged is neither rendered nor rewritten: unit pages,
    # reports, scorecards, each ledger's CSV and JSON (render/fingerprint.py).
    fingerprints = unit_page_cache(site, docs_dir)
    # Each ledger's draft report, once: for its .docx and its page.
    reports = takeaway.draft_reports(site)
    takeaways = takeaway.write_takeaways(tree, site, reports, fingerprints.digester.digest)
    for round_view in site.rounds:
        tree.write(f"rounds/{round_view.id}.md", render("round.md.j2", site=site, r=round_view))
        for unit_view in round_view.units:
            rel = f"units/{round_view.id}/{unit_view.unit.id}.md"
            # What the template gets besides ``site``; all of it is in the page's key.
            page = {
                "r": round_view,
                "u": unit_view,
                "dubian": dubian.get(unit_view.key),
                "takeaway": takeaways.get(unit_view.key, []),
            }
            key = unit_page_key(fingerprints, site, page)
            reused = fingerprints.reuse(tree, rel, key)
            if not reused and tree.write(rel, render("unit.md.j2", site=site, **page)):
                fingerprints.wrote(rel, key)
    tree.write("common/index.md", render("common.md.j2", site=site))
    tree.write("cases/index.md", render("cases.md.j2", site=site))
    for case in site.cases:
        tree.write(f"cases/{case.case.id}.md", render("case.md.j2", site=site, c=case))
    write_downloads(tree, site, takeaways, fingerprints)
    if internal:  # who changed the rules and who approved: for the office only
        rows = audit.governance_rows(site.history.governance)
        notices = [d for d in site.diagnostics if d.code in audit.AUDIT_CODES]
        tree.write("audit/index.md", render("audit.md.j2", site=site, rows=rows, notices=notices))
    # The data export, from the same analysis (a public site's: from the redacted records).
    audience, commit = site.build.get("audience", "internal"), site.build.get("commit")
    # Each ledger's entry is kept as the last build serialised it while its inputs are.
    fragments = Fragments(docs_dir.parent / FRAGMENTS_FILE, fingerprints.key)
    tree.write(EXPORT_PATH, export_json(site.project, site.analysis, audience, commit, fragments))
    fragments.save()
    tree.write("search.md", render("search.md.j2"))
    if internal:
        write_dubian(tree, site, dubian)
        write_months(tree, site)
    for guide in site.guides:
        tree.write(f"guide/{guide.name}", guide.content)

    assets = resources.files("site_builder.render") / "assets"
    for name in ASSETS:
        tree.write(f"assets/{name}", (assets / name).read_bytes())

    rounds_nav: str | list[dict] = [{r.name: f"rounds/{r.id}.md"} for r in site.rounds]
    if len(site.rounds) > NAV_ROUNDS:
        tree.write("rounds/index.md", render("rounds.md.j2", site=site))
        rounds_nav = "rounds/index.md"
    tree.nav = [
        {"概览": "index.md"},
        {"预警": "warnings/index.md"},
        {"巡察轮次": rounds_nav},
        {"共性问题": "common/index.md"},
        {"典型案例": "cases/index.md"},
        {"下载": "downloads/index.md"},
    ]
    if site.build.get("audience") == "public":  # the notices offices publish, first
        tree.nav.insert(1, {"整改情况公开": disclosure.write_pages(tree, site)})
    if internal:
        tree.nav.append({"签字与治理": "audit/index.md"})
        tree.nav.insert(2, {"督办": "dubian/index.md"})
        if site.months:
            tree.nav.insert(3, {"月报": "months/index.md"})
    scored = evaluation.write_pages(tree, site, NAV_ROUNDS, takeaways, reports, fingerprints)
    tree.nav.append({"量化评估": scored})
    if site.guides:
        tree.nav.append({"使用指南": [{g.title: f"guide/{g.name}"} for g in site.guides]})
    tree.remove_stale()
    fingerprints.save(tree)
    tree.fingerprints = fingerprints
    return tree
