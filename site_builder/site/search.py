"""The search index: one Pagefind index per shard of pages, merged by the search page.

Pagefind's extended build (it segments Chinese) indexes what the templates mark
``data-pagefind-body``. A city's site has thousands of such pages and indexing them all
took half of a rebuild, so the pages are split into shards by a hash of their path
(``shard_of``): each shard is its own Pagefind bundle in ``site/pagefind/sNN/``, and the
search page loads the first and merges the others (Pagefind's ``mergeIndex``), reading
their names from ``site/pagefind/shards.json``. Pagefind scores a page with its shard's
statistics (page lengths, word frequencies); the search page ranks by what the page itself
holds instead, so the merged results come in the order a single index gives.

Every Han character is indexed as a word of its own (``split_han``: a zero-width space
between adjacent Han characters, in the copies Pagefind reads, not in the site): Pagefind's
index segments with its own dictionary and the browser splits a query with
``Intl.Segmenter``, and the two disagree (销号 indexed whole, queried as 销 + 号, found
nothing). The search page splits a query the same way and ranks a page that holds the
query's characters side by side (the whole term: 未巡先改) above one where they are
scattered, from the match positions Pagefind returns (``rectify-search.js``).

A rebuild re-indexes only the shards whose pages changed: ``out/search-shards.json``
records the content hash of every indexed page per shard, with the options and the
Pagefind version; a shard whose record matches is hard-linked from the current site
(its files are never written in place: a changed shard is indexed into a fresh folder).
"""

from __future__ import annotations

import hashlib
import json
import os
import re
import shutil
import subprocess
import tempfile
from collections.abc import Callable
from dataclasses import dataclass
from functools import partial
from importlib import metadata
from pathlib import Path
from typing import IO

from site_builder.site.swap import link_tree

SEARCH_DIR = "pagefind"
MANIFEST = "search-shards.json"
SHARDS_FILE = "shards.json"

# About this many pages per shard; the count is a power of two so that it changes rarely
# as a district grows (a new count re-indexes every shard once). Each shard costs a first
# search its WebAssembly, entry and metadata (about 80 KB): at most 8 keeps a city's
# first search under 2 MB.
PAGES_PER_SHARD = 250
MAX_SHARDS = 8
_VERSION = 3
# The attribute Pagefind looks for, in a tag (not in text: staff text cannot hold "<").
_BODY = re.compile(r"<[A-Za-z][^<>]*\sdata-pagefind-body[\s=>/]")
_TITLE = re.compile(r"<title>[^<]*</title>")
# Where the page's content ends (Material's article); what follows is theme, not content.
_CONTENT_END = "</article>"
# Not indexed, and not part of a page's hash: the overview's line saying when and from
# which commit the site was built changes on every build (render/templates/overview.md.j2).
# Table headers are not indexed either: Pagefind runs a header row's cells together into
# one line of an excerpt ("问题被问责人干部管理层级责任类型…"), and no one searches for them;
# nor the breadcrumbs (区 → 轮次 → 单位, on every page and above every problem), which
# filled excerpts. Their round filter is still read (data-pagefind-filter, _crumbs.md.j2).
UNINDEXED = (".headerlink", ".rl-build", "thead", ".rl-crumbs", ".rl-crumbs-inline")
_BUILD_LINE = re.compile(r'<p class="[^"]*\brl-build\b[^"]*">.*?</p>', re.S)


class SearchIndexError(Exception):
    """Pagefind failed; the message is for the operator, in Chinese."""


@dataclass(frozen=True)
class Indexed:
    shards: int
    reindexed: int  # how many shards were indexed afresh (the others were reused)
    pages: int


def shard_count(pages: int) -> int:
    count = 1
    while count < MAX_SHARDS and pages > count * PAGES_PER_SHARD:
        count *= 2
    return count


def shard_of(path: str, count: int) -> int:
    """The shard of a page, from its path in the site (stable across builds)."""
    return int.from_bytes(hashlib.sha256(path.encode()).digest()[:4], "big") % count


def search_source(html: str) -> str | None:
    """What Pagefind needs of a page: its title and its content from the
    ``data-pagefind-body`` element on, in a bare document (a third of the page: the
    header, the sidebar and the footer every page repeats are left out, so Pagefind and
    ``split_han`` read less). None for a page without the element: Pagefind skips the
    other pages of a site where any page has one, and each shard must skip them too."""
    body = _BODY.search(html)
    if body is None:
        return None
    end = html.find(_CONTENT_END, body.start())
    title = _TITLE.search(html, 0, body.start())
    return (
        '<!DOCTYPE html>\n<html lang="zh"><head><meta charset="utf-8">'
        + (title.group() if title else "")
        + "</head><body>"
        + html[body.start() : end if end >= 0 else len(html)]
        + "</body></html>\n"
    )


def search_digest(html: str) -> str:
    """A digest of what Pagefind indexes of a page (the build line aside: it changes on
    every build); "" for a page it skips."""
    source = search_source(html)
    if source is None:
        return ""
    return hashlib.sha256(_BUILD_LINE.sub("", source).encode("utf-8")).hexdigest()


def indexed_pages(site: Path) -> dict[str, str]:
    """The pages Pagefind indexes and their digests (``search_digest``), by path in the
    site. A build takes them from ``site/pages.py``'s scan, which reads each page once."""
    pages = {}
    for path in sorted(site.rglob("*.html")):
        rel = path.relative_to(site)
        if rel.parts[0] == SEARCH_DIR:
            continue
        digest = search_digest(path.read_text(encoding="utf-8"))
        if digest:
            pages[rel.as_posix()] = digest
    return pages


def pagefind_command(executable: Path, source: Path, output: Path, verbose: bool) -> list[str]:
    return [
        str(executable),
        "--site",
        str(source),
        "--output-path",
        str(output),
        # Every page is Chinese; Material marks the HTML lang="zh" anyway.
        "--force-language",
        "zh",
        # The ¶ permalinks beside headings are not words; the build line is not content.
        *(arg for selector in UNINDEXED for arg in ("--exclude-selectors", selector)),
        *([] if verbose else ["--silent"]),
    ]


def _hashed_shard(path: str, count: int) -> str:
    return f"s{shard_of(path, count):02d}"


def _options(count: int | str) -> str:
    try:
        version = metadata.version("pagefind-bin-extended")
    except metadata.PackageNotFoundError:
        version = "-"
    flags = pagefind_command(Path("pagefind"), Path("."), Path("."), False)
    return json.dumps([_VERSION, version, count, flags[5:]])


def _read_manifest(out: Path) -> dict:
    try:
        data = json.loads((out / MANIFEST).read_text(encoding="utf-8"))
        return data if isinstance(data, dict) else {}
    except (OSError, ValueError):
        return {}


def forget_manifest(out: Path) -> None:
    """Before the site is swapped: a manifest must describe the site in place."""
    (out / MANIFEST).unlink(missing_ok=True)


# Han characters (CJK unified ideographs and extension A, compatibility ideographs).
_HAN = "\u3400-\u4dbf\u4e00-\u9fff\uf900-\ufaff"
# A tag (left as it is: attribute values such as filters and metadata stay as written), or
# a run of two or more Han characters in text. One pass: this runs on every indexed page.
_TAG_OR_HAN_RUN = re.compile(f"<[^>]*>|[{_HAN}]{{2,}}")
ZWSP = "\u200b"


def _split_run(match: re.Match[str]) -> str:
    found = match.group()
    return found if found[0] == "<" else ZWSP.join(found)


def split_han(html: str) -> str:
    """``html`` with a zero-width space between adjacent Han characters in its text (not
    inside tags), so that Pagefind indexes every Han character as a word and positions
    count characters."""
    return _TAG_OR_HAN_RUN.sub(_split_run, html)


def _stage_sources(site: Path, pages: list[str], folder: Path) -> None:
    """A folder holding only ``pages`` at their paths in the site, Han split apart."""
    shutil.rmtree(folder, ignore_errors=True)
    for rel in pages:
        target = folder / rel
        target.parent.mkdir(parents=True, exist_ok=True)
        source = search_source((site / rel).read_text(encoding="utf-8"))
        target.write_text(split_han(source or ""), encoding="utf-8")


def build_index(
    site: Path,
    out: Path,
    executable: Path,
    previous: Path | None = None,
    shards: int | None = None,
    verbose: bool = False,
    shard_key: Callable[[str], str] | None = None,
    pages: dict[str, str] | None = None,
) -> tuple[Indexed, dict]:
    """Index ``site`` into ``site/pagefind/``; reuse the shards of ``previous`` (the site in
    place) that the manifest in ``out`` shows unchanged. ``shard_key`` names the shard of a
    page path (a folder name); by default a hash of the path (``shard_of``) chooses it. Returns the figures and the new
    manifest, which the caller writes with ``write_manifest`` once the site is in place.
    ``pages`` are the indexed pages and their digests if the caller has read them."""
    pages = indexed_pages(site) if pages is None else pages
    count: int | str = "keyed"
    if shard_key is None:
        count = shards or shard_count(len(pages))
        shard_key = partial(_hashed_shard, count=count)
    wanted: dict[str, dict[str, str]] = {}
    for rel, digest in pages.items():
        wanted.setdefault(shard_key(rel), {})[rel] = digest
    names = sorted(wanted)

    old = _read_manifest(out)
    same_options = old.get("options") == _options(count)
    old_shards = old.get("shards", {}) if same_options else {}
    bundle = site / SEARCH_DIR
    shutil.rmtree(bundle, ignore_errors=True)
    bundle.mkdir(parents=True)
    todo = []
    for name in names:
        kept = previous / SEARCH_DIR / name if previous else None
        if kept and kept.is_dir() and old_shards.get(name) == wanted[name]:
            link_tree(kept, bundle / name)
        else:
            todo.append(name)
    sources = out / "search-sources"
    try:
        _run_all(
            [
                (partial(_stage_sources, site, sorted(wanted[name]), sources / name),
                 pagefind_command(executable, sources / name, bundle / name, verbose))
                for name in todo
            ],
            verbose,
        )  # fmt: skip
    finally:
        shutil.rmtree(sources, ignore_errors=True)
    (bundle / SHARDS_FILE).write_text(
        json.dumps({"shards": [f"{name}/" for name in names]}) + "\n", encoding="utf-8"
    )
    manifest = {"options": _options(count), "shards": wanted}
    return Indexed(shards=len(names), reindexed=len(todo), pages=len(pages)), manifest


def write_manifest(out: Path, manifest: dict) -> None:
    (out / MANIFEST).write_text(json.dumps(manifest) + "\n", encoding="utf-8")


def _run_all(jobs: list[tuple[Callable[[], None], list[str]]], verbose: bool) -> None:
    """Run the Pagefind commands, as many at a time as there are cores."""
    limit = max(1, os.cpu_count() or 1)
    running: list[tuple[subprocess.Popen, IO[bytes]]] = []
    failures: list[str] = []

    def reap(process: subprocess.Popen, log: IO[bytes]) -> None:
        process.wait()
        log.seek(0)
        text = log.read().decode("utf-8", "replace")
        log.close()
        if verbose and text:
            print(text, end="")
        if process.returncode != 0:
            failures.extend(text.strip().splitlines()[-3:])

    try:
        for prepare, command in jobs:
            while len(running) >= limit:
                reap(*running.pop(0))
            prepare()
            log: IO[bytes] = tempfile.TemporaryFile()  # noqa: SIM115 (closed in reap)
            try:
                process = subprocess.Popen(command, stdout=log, stderr=subprocess.STDOUT)
            except OSError as exc:
                log.close()
                raise SearchIndexError(f"无法运行 Pagefind 建立搜索索引：{exc}") from None
            running.append((process, log))
        while running:
            reap(*running.pop(0))
    finally:
        for process, log in running:
            process.kill()
            process.wait()
            log.close()
    if failures:
        raise SearchIndexError("建立站内搜索索引失败（Pagefind）：" + " / ".join(failures))
