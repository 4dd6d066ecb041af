"""Sharded search finds what one index finds, ranked the same, in a real Chromium.

The sample district at the repository root is built once; its pages are indexed twice,
as one Pagefind index and as shards merged by the search page (``site/search.py``,
``rectify-search.js``). The same queries run on both sites: the result pages must be the
same list in the same order: the search page ranks by what a page itself holds (the
query's unit name, its characters side by side, how many of them), not by the statistics
Pagefind keeps per shard.
"""

from __future__ import annotations

import shutil
from collections.abc import Iterator
from typing import Any
from urllib.parse import urlsplit

import pytest

from browser.conftest import browsing, serving
from browser.test_site_in_chromium import open_search
from site_builder.pipeline import build
from site_builder.site.engine import index_search

from conftest import ROOT

pytestmark = pytest.mark.browser

# The sample's indexed pages in three shards of about 60: smaller than the shards the
# build makes (125 to 250 pages, search.shard_count), so no kinder to the merged ranking.
SHARDS = 3
QUERIES = [
    "公务用车",
    "三重一大",
    "整改",
    "问责",
    "销号",
    "坞城街道",
    "津补贴",
    "集体研究",
    "登记台账",
    "巡察组",
]


@pytest.fixture(scope="module")
def two_sites(tmp_path_factory: pytest.TempPathFactory) -> Iterator[tuple[str, str]]:
    """(single-index URL, four-shard URL) of the sample district."""
    work = tmp_path_factory.mktemp("shards")
    result = build(ROOT, work / "out", keep_going=True)
    assert result.site_dir is not None, [d.as_text() for d in result.diagnostics[:5]]
    sites = {}
    for name, shards in (("single", 1), ("sharded", SHARDS)):
        site = work / name / "site"
        shutil.copytree(result.site_dir, site)
        indexed, _ = index_search(site, work / name, shards=shards)
        assert indexed.shards == shards and indexed.reindexed == shards
        sites[name] = site
    with serving(sites["single"]) as single, serving(sites["sharded"]) as sharded:
        yield single, sharded


def _paths(links: list[str]) -> list[str]:
    return [urlsplit(link).path + ("#" + urlsplit(link).fragment if "#" in link else "")
            for link in links]  # fmt: skip


@pytest.mark.parametrize("term", QUERIES)
def test_sharded_search_finds_what_one_index_finds(
    chromium: Any, two_sites: tuple[str, str], term: str
) -> None:
    found = []
    for url in two_sites:
        with browsing(chromium, url) as tab:
            found.append(_paths(open_search(tab, term)))
            # The merged shards were all asked: each one's entry file was fetched.
            entries = [u for u in tab.requests if urlsplit(u).path.endswith("/pagefind-entry.json")]
            assert len(entries) == (1 if url == two_sites[0] else SHARDS), entries
    single, sharded = found
    assert single, f"nothing found for {term}"
    # Every result and section link, in order: the merged shards rank as one index.
    assert sharded == single, (single[:8], sharded[:8])
