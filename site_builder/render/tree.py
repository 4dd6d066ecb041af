"""Write the docs tree: one function lists every page kind in order."""

from __future__ import annotations

import shutil
from dataclasses import dataclass, field
from importlib import resources
from pathlib import Path

from site_builder.render import downloads, evaluation, views
from site_builder.render.env import render

ASSETS = ("rectify.css", "rectify.js")


@dataclass
class DocsTree:
    """What the renderer produced: the folder, its pages, and the nav to show."""

    docs_dir: Path
    pages: list[str] = field(default_factory=list)
    nav: list[dict] = field(default_factory=list)
    written: set[str] = field(default_factory=set, repr=False)

    def write(self, rel: str, content: str | bytes) -> None:
        target = (self.docs_dir / rel).resolve()
        # Ids are validated, but a page path must never leave the docs folder.
        if not target.is_relative_to(self.docs_dir.resolve()):
            raise ValueError(f"refusing to write outside the docs folder: {rel}")
        # Nor replace a file already written (`index` as a case id, `A` and `a` on a
        # case-insensitive disk): the validator reports it (R012); the first one stays.
        if rel.casefold() in self.written:
            return
        self.written.add(rel.casefold())
        target.parent.mkdir(parents=True, exist_ok=True)
        if isinstance(content, bytes):
            target.write_bytes(content)
        else:
            target.write_text(content, encoding="utf-8")
        if rel.endswith(".md"):
            self.pages.append(rel)


def write_downloads(tree: DocsTree, site: views.SiteData) -> None:
    project = site.project
    ledgers = sorted(project.ledgers, key=lambda led: (led.round, led.unit))
    tree.write("downloads/index.md", render("downloads.md.j2", site=site))
    rows = []
    for ledger in ledgers:
        own = downloads.ledger_rows(project, ledger)
        rows += own
        name = f"downloads/{ledger.round}-{ledger.unit}"
        tree.write(f"{name}.csv", downloads.to_csv(own))
        tree.write(f"{name}.json", downloads.to_json([ledger]))
    tree.write("downloads/ledger.csv", downloads.to_csv(rows))
    tree.write("downloads/ledger.json", downloads.to_json(ledgers))


def render_docs(site: views.SiteData, docs_dir: Path) -> DocsTree:
    """Render every page of the site into ``docs_dir`` (emptied first)."""
    if docs_dir.exists():
        shutil.rmtree(docs_dir)
    docs_dir.mkdir(parents=True)
    tree = DocsTree(docs_dir)

    tree.write("index.md", render("overview.md.j2", site=site))
    tree.write("warnings/index.md", render("warnings.md.j2", site=site))
    for round_view in site.rounds:
        tree.write(f"rounds/{round_view.id}.md", render("round.md.j2", site=site, r=round_view))
        for unit_view in round_view.units:
            tree.write(
                f"units/{round_view.id}/{unit_view.unit.id}.md",
                render("unit.md.j2", site=site, r=round_view, u=unit_view),
            )
    tree.write("common/index.md", render("common.md.j2", site=site))
    tree.write("cases/index.md", render("cases.md.j2", site=site))
    for case in site.cases:
        tree.write(f"cases/{case.case.id}.md", render("case.md.j2", site=site, c=case))
    write_downloads(tree, site)
    for guide in site.guides:
        tree.write(f"guide/{guide.name}", guide.content)

    assets = resources.files("site_builder.render") / "assets"
    for name in ASSETS:
        tree.write(f"assets/{name}", (assets / name).read_bytes())

    tree.nav = [
        {"概览": "index.md"},
        {"预警": "warnings/index.md"},
        {"巡察轮次": [{r.name: f"rounds/{r.id}.md"} for r in site.rounds]},
        {"共性问题": "common/index.md"},
        {"典型案例": "cases/index.md"},
        {"下载": "downloads/index.md"},
    ]
    tree.nav.append({"量化评估": evaluation.write_pages(tree, site)})
    if site.guides:
        tree.nav.append({"使用指南": [{g.title: f"guide/{g.name}"} for g in site.guides]})
    return tree
