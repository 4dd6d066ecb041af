"""The city site's docs tree: overview, red items, common problems, a page per district
and per district and round (the units' problems, which the city-wide search indexes).

Every figure comes from ``export/aggregate.py`` (``CityAnalysis``); templates only
format it. A district's pages sit under ``districts/<id>/``, which is also its search
shard (``search_shard``), so a city rebuild after one district changed rewrites and
re-indexes that district's pages only (plus the overview, red and common pages).
"""

from __future__ import annotations

from importlib import resources
from pathlib import Path

from site_builder.export.aggregate import COLOUR_WORDS, CityAnalysis, DistrictSummary
from site_builder.render.env import render
from site_builder.render.tree import ASSETS, DocsTree


def search_shard(path: str) -> str:
    """The search index a built page goes to: one per district, one for the city pages."""
    parts = path.split("/")
    return f"d-{parts[1]}" if parts[0] == "districts" and len(parts) > 2 else "city"


def _common_as_of(city: CityAnalysis) -> str:
    days = {d.as_of for d in city.districts}
    return days.pop() if len(days) == 1 else ""


def _district_pages(tree: DocsTree, city: CityAnalysis, d: DistrictSummary) -> None:
    base = f"districts/{d.id}"
    tree.write(f"{base}/index.md", render("city_district.md.j2", city=city, d=d))
    tree.write(f"{base}/red.md", render("city_district_red.md.j2", city=city, d=d))
    rounds: dict[str, list] = {}
    for unit in d.units:
        rounds.setdefault(unit.round, []).append(unit)
    for round_id, units in rounds.items():
        tree.write(
            f"{base}/rounds/{round_id}.md",
            render("city_round.md.j2", city=city, d=d, units=units,
                   round_name=units[0].round_name, colour_words=COLOUR_WORDS),
        )  # fmt: skip


def render_city(city: CityAnalysis, docs_dir: Path) -> DocsTree:
    """Write every page of the city site into ``docs_dir``; the tree holds the nav."""
    docs_dir.mkdir(parents=True, exist_ok=True)
    tree = DocsTree(docs_dir)
    as_of = _common_as_of(city)
    totals = city.totals
    tree.write("index.md", render("city_overview.md.j2", city=city, t=totals, as_of=as_of))
    tree.write("red/index.md", render("city_red.md.j2", city=city))
    tree.write("common/index.md", render("city_common.md.j2", city=city))
    for district in city.districts:
        _district_pages(tree, city, district)
    tree.write("search.md", render("search.md.j2"))
    assets = resources.files("site_builder.render") / "assets"
    for name in ASSETS:
        tree.write(f"assets/{name}", (assets / name).read_bytes())
    tree.remove_stale()
    tree.nav = [
        {"全市概况": "index.md"},
        {"红色预警": "red/index.md"},
        {"共性问题": "common/index.md"},
        {"各区": [{d.name: f"districts/{d.id}/index.md"} for d in city.districts]},
    ]
    return tree
