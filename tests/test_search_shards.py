"""The sharded search index: the same pages as one index, and a rebuild re-indexes only
the shards whose pages changed (``site/search.py``). Real builds, real Pagefind."""

from __future__ import annotations

import json
import shutil
from datetime import date
from pathlib import Path

import pytest

from site_builder.pipeline import build
from site_builder.site import search
from site_builder.site.engine import STATE_FILE, index_search

from conftest import search_fragments

AS_OF = date(2017, 12, 1)
LEDGER = "ledgers/r1/wcjd.yml"


@pytest.fixture
def small_shards(monkeypatch: pytest.MonkeyPatch) -> None:
    """Shards of a few pages, so that the base district has several."""
    monkeypatch.setattr(search, "PAGES_PER_SHARD", 3)


def built(root: Path, out: Path) -> tuple[Path, dict]:
    result = build(root, out, as_of=AS_OF)
    assert result.site_dir is not None, [d.as_text() for d in result.diagnostics]
    return result.site_dir, json.loads((out / STATE_FILE).read_text(encoding="utf-8"))


def entry_inodes(site: Path) -> dict[str, int]:
    """Each shard's entry file's inode: the same inode is the same (reused) shard."""
    return {p.parent.name: p.stat().st_ino for p in (site / "pagefind").glob("*/pagefind-entry.json")}  # fmt: skip


def test_shards_hold_the_pages_one_index_holds(make_repo, tmp_path, small_shards) -> None:
    site, state = built(make_repo(), tmp_path / "out")
    assert state["search_shards"] >= 3, state
    listed = json.loads((site / "pagefind" / "shards.json").read_text(encoding="utf-8"))
    assert listed["shards"] == [f"{name}/" for name in sorted(entry_inodes(site))]
    assert (site / "pagefind" / "s00" / "pagefind.js").is_file()  # the search page loads it
    sharded = search_fragments(site)

    single = tmp_path / "single" / "site"
    shutil.copytree(site, single)
    indexed, _ = index_search(single, tmp_path / "single", shards=1)
    assert indexed.shards == 1
    assert search_fragments(single) == sharded
    # Every page once; the search page and the printable reports are not indexed.
    assert "/units/r1/wcjd/" in sharded and "/search/" not in sharded
    assert not [url for url in sharded if url.startswith("/reports/")]


def test_table_headers_stay_out_of_the_index(make_repo, tmp_path) -> None:
    """A header row's cells would run together in an excerpt ("编号问题类别来源状态…")."""
    site, _ = built(make_repo(), tmp_path / "out")
    html = (site / "units/r1/wcjd/index.html").read_text(encoding="utf-8")
    assert "<th>完成时限</th>" in html  # the page shows the header
    text = search_fragments(site)["/units/r1/wcjd/"]
    assert "完成时限" not in text and "整改措施完成时限" not in text
    assert "公务用车管理不规范" in text  # the rows are indexed


def test_every_han_character_is_a_word_and_attributes_stay_whole() -> None:
    html = '<p data-pagefind-filter="round:区委第一轮巡察" title="销号">未巡先改 P02问责</p>'
    assert search.split_han(html) == (
        '<p data-pagefind-filter="round:区委第一轮巡察" title="销号">'
        "未\u200b巡\u200b先\u200b改 P02问\u200b责</p>"
    )


def test_a_rebuild_re_indexes_only_changed_shards(make_repo, tmp_path, small_shards) -> None:
    root, out = make_repo(), tmp_path / "out"
    site, state = built(root, out)
    shards, before = state["search_shards"], entry_inodes(site)
    assert state["search_shards_reindexed"] == shards

    ledger = root / LEDGER
    ledger.write_text(
        ledger.read_text(encoding="utf-8").replace("公务用车管理不规范", "公车使用登记不全"),
        encoding="utf-8",
    )
    site, state = built(root, out)
    assert state["incremental"] is True and state["search_shards"] == shards
    after = entry_inodes(site)
    changed = sorted(name for name in after if after[name] != before[name])
    assert 1 <= state["search_shards_reindexed"] == len(changed) < shards, (state, changed)
    # The unit's page is in a re-indexed shard, and its new words are found.
    # Shards are numbered out of shard_count(pages); the ones no page fell into are absent.
    count = search.shard_count(len(search.indexed_pages(site)))
    unit_shard = f"s{search.shard_of('units/r1/wcjd/index.html', count):02d}"
    assert unit_shard in changed
    fragments = search_fragments(site)
    assert "公车" in fragments["/units/r1/wcjd/"]
    assert "公务用车管理不规范" not in "".join(fragments.values())

    # Built again with nothing changed: every shard is reused.
    site, state = built(root, out)
    assert state["search_shards_reindexed"] == 0, state
    assert entry_inodes(site) == after


def test_a_lost_manifest_re_indexes_everything(make_repo, tmp_path, small_shards) -> None:
    root, out = make_repo(), tmp_path / "out"
    site, state = built(root, out)
    (out / search.MANIFEST).unlink()
    site, state = built(root, out)
    assert state["search_shards_reindexed"] == state["search_shards"]
