"""One read of every built page: what the security policy and the search index need of it.

After MkDocs, two steps look at every HTML page: the Content-Security-Policy (the hashes
of its inline scripts, ``site/csp.py``) and the search index (whether Pagefind indexes
it, and a digest of what it would index, ``site/search.py``). At city size that was two
reads of some 4,000 pages (270 MB) in every build, a rebuild included, where MkDocs had
rewritten a handful.

``scan`` reads each page once and records its facts. A rebuild starts from a copy of the
last site (``shutil.copytree`` keeps modification times) and MkDocs rewrites only changed
pages, so a page whose size and modification time (in nanoseconds) are what the last
build recorded in ``out/site-pages.json`` is not read again: its facts are the recorded
ones. Anything in doubt is read: a missing or unreadable record, another size or time.
"""

from __future__ import annotations

import json
import os
from dataclasses import dataclass
from pathlib import Path

from site_builder.site import csp
from site_builder.site.search import SEARCH_DIR, search_digest

STATE_FILE = "site-pages.json"
_VERSION = 1


@dataclass(frozen=True)
class PageFacts:
    size: int
    mtime_ns: int
    scripts: tuple[str, ...]  # the inline scripts' CSP hashes
    search: str  # digest of what Pagefind indexes of the page; "" for a page it skips

    def as_list(self) -> list:
        return [self.size, self.mtime_ns, list(self.scripts), self.search]


@dataclass
class SiteScan:
    pages: dict[str, PageFacts]  # by path in the site
    read: set[str]  # the pages read in this scan (the others kept their recorded facts)
    policy: str  # the policy the last build put in its pages ("" when unknown)

    def searchable(self) -> dict[str, str]:
        """The pages Pagefind indexes and their digests (``search.build_index``)."""
        return {rel: f.search for rel, f in self.pages.items() if f.search}

    def scripts(self) -> set[str]:
        return {h for f in self.pages.values() for h in f.scripts}


def _stat(path: Path) -> tuple[int, int] | None:
    try:
        found = path.lstat()
    except OSError:
        return None
    return found.st_size, found.st_mtime_ns


def facts_of(text: str, stat: tuple[int, int]) -> PageFacts:
    return PageFacts(
        stat[0], stat[1], tuple(sorted(csp.inline_script_hashes(text))), search_digest(text)
    )


def read_state(out: Path) -> tuple[str, dict[str, PageFacts]]:
    """The policy and the page facts the last build recorded; nothing when unreadable."""
    try:
        state = json.loads((out / STATE_FILE).read_text(encoding="utf-8"))
        if state.get("version") != _VERSION:
            return "", {}
        pages = {
            rel: PageFacts(int(e[0]), int(e[1]), tuple(str(h) for h in e[2]), str(e[3]))
            for rel, e in state["pages"].items()
        }
        return str(state["policy"]), pages
    except (OSError, ValueError, KeyError, TypeError, IndexError, AttributeError):
        return "", {}


def forget_state(out: Path) -> None:
    """Before the site is swapped: the record must describe the site in place."""
    (out / STATE_FILE).unlink(missing_ok=True)


def write_state(out: Path, scan: SiteScan, policy: str) -> None:
    state = {
        "version": _VERSION,
        "policy": policy,
        "pages": {rel: f.as_list() for rel, f in sorted(scan.pages.items())},
    }
    temporary = out / (STATE_FILE + ".tmp")
    temporary.write_text(json.dumps(state, ensure_ascii=False), encoding="utf-8")
    os.replace(temporary, out / STATE_FILE)


def scan(site: Path, out: Path | None = None) -> SiteScan:
    """Every HTML page of ``site`` (the search index's own folder aside), read only where
    the record in ``out`` does not already describe it."""
    policy, known = read_state(out) if out is not None else ("", {})
    pages: dict[str, PageFacts] = {}
    read: set[str] = set()
    for path in sorted(site.rglob("*.html")):
        rel = path.relative_to(site).as_posix()
        if rel.split("/", 1)[0] == SEARCH_DIR:
            continue
        stat = _stat(path)
        if stat is None:
            continue
        before = known.get(rel)
        if before is not None and (before.size, before.mtime_ns) == stat:
            pages[rel] = before
            continue
        pages[rel] = facts_of(path.read_text(encoding="utf-8"), stat)
        read.add(rel)
    return SiteScan(pages, read, policy)


def restat(site: Path, scan: SiteScan, rels: list[str]) -> None:
    """Record the new size and time of pages rewritten since the scan (the policy put in)."""
    for rel in rels:
        stat = _stat(site / rel)
        if stat is not None:
            before = scan.pages[rel]
            scan.pages[rel] = PageFacts(stat[0], stat[1], before.scripts, before.search)


def secure(site: Path, out: Path | None) -> tuple[SiteScan, str]:
    """Scan ``site`` (with the record in ``out``, if given: a dirty build's copy of the
    last site) and put the Content-Security-Policy in its pages: in the pages read, or in
    every page when the policy changed (a page brought a new inline script). Returns the
    scan and the policy, for ``write_state`` once the site is in place."""
    scanned = scan(site, out)
    hashes = scanned.scripts()
    policy = csp.meta_policy(hashes)
    changed = scanned.read if policy == scanned.policy else scanned.pages
    restat(site, scanned, csp.put_policy(site, sorted(changed), hashes))
    csp.write_header_files(site, hashes)
    return scanned, policy
