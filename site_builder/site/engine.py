"""Write the engine's configuration beside the docs tree, run MkDocs and Pagefind, swap the site in.

MkDocs renders the pages; Pagefind (its extended build, which segments Chinese)
then indexes them into a chunked search index in ``site/pagefind/``, one index per
shard of pages (``site/search.py``): a browser fetches only the chunks its query
needs, not one file of every page's text, and a rebuild re-indexes only the shards
whose pages changed.

A rebuild re-renders only what changed. When the configuration, the nav, the
templates, the engine versions and the list of source files are what the current
site was built from (a fingerprint kept in ``out/site-engine.json``), the current
site is copied to the staging folder and MkDocs runs "dirty": it renders the pages
whose source is newer than their HTML (``render/tree.py`` rewrites only changed
sources). Anything else gets a full build.
"""

from __future__ import annotations

import hashlib
import json
import logging
import os
import shutil
from collections.abc import Callable
from contextlib import AbstractContextManager, nullcontext
from importlib import metadata, resources
from pathlib import Path

from site_builder.site import pages, search
from site_builder.site.escape import escape_nav, escape_text
from site_builder.site.swap import link_tree, swap_in

# Material prints a banner about MkDocs 2.0 on every build; it says nothing to our users.
os.environ.setdefault("NO_MKDOCS_2_WARNING", "1")

STATE_FILE = "site-engine.json"
SEARCH_DIR = search.SEARCH_DIR
# Bump when what a dirty build may reuse changes in a way the fingerprint does not see.
_STATE_VERSION = 1
_ENGINES = ("mkdocs", "mkdocs-material", "pagefind-bin-extended", "rectify-ledger")

_HOOKS = Path(__file__).with_name("hooks.py")

Stage = Callable[[str], AbstractContextManager[object]]


class SiteError(Exception):
    """The site could not be built; the message is for the operator, in Chinese."""


def _base_config(root: Path) -> Path:
    own = root / "mkdocs.yml"
    if own.is_file():
        return own.resolve()
    return Path(str(resources.files("site_builder.site") / "mkdocs.base.yml"))


def _overrides() -> Path:
    return Path(str(resources.files("site_builder.site") / "overrides"))


def write_config(root: Path, out: Path, nav: list[dict], site_name: str) -> Path:
    """The generated mkdocs.yml: the repository's (or the packaged) base plus what we own."""
    config = {
        "INHERIT": str(_base_config(root)),
        # Staff-typed text the theme prints unescaped (site/escape.py).
        "site_name": escape_text(site_name),
        "docs_dir": "docs",
        "site_dir": "site.new",
        "nav": escape_nav(nav),
        # The search page is reached from the header's box, not the sidebar.
        "not_in_nav": "/search.md",
        # Our template overrides (site/overrides/): an escaped <title>, the header's
        # search box, and the Pagefind UI on the search page.
        "theme": {"custom_dir": str(_overrides())},
        # No MkDocs plugins: Material's search is replaced by Pagefind (run below).
        "plugins": [],
        # Our HTML blocks skip Markdown's HTML parser (site/hooks.py).
        "hooks": [str(_HOOKS)],
        "extra_css": ["assets/rectify.css"],
        "extra_javascript": ["assets/rectify.js"],
    }
    path = out / "mkdocs.yml"
    # JSON is YAML: no YAML writer needed here, and nothing in it is reinterpreted.
    path.write_text(json.dumps(config, ensure_ascii=False, indent=2), encoding="utf-8")
    return path


def _version(name: str) -> str:
    try:
        return metadata.version(name)
    except metadata.PackageNotFoundError:
        return "-"


def fingerprint(root: Path, config_file: Path, docs_dir: Path) -> str:
    """What a page's HTML depends on besides its own source file."""
    digest = hashlib.sha256(f"v{_STATE_VERSION}".encode())
    digest.update(config_file.read_bytes())
    digest.update(_base_config(root).read_bytes())  # the file the config INHERITs
    digest.update(json.dumps([_version(name) for name in _ENGINES]).encode())
    # Our templates and hooks change the HTML of every page.
    digest.update(_HOOKS.read_bytes())
    overrides = _overrides()
    for path in sorted(overrides.rglob("*")):
        if path.is_file():
            digest.update(path.relative_to(overrides).as_posix().encode() + b"\0")
            digest.update(path.read_bytes())
    # A file added or removed changes what MkDocs links and what a dirty build would
    # leave behind: rebuild fully.
    for path in sorted(docs_dir.rglob("*")):
        digest.update(path.relative_to(docs_dir).as_posix().encode() + b"\0")
    return digest.hexdigest()


def _read_state(out: Path) -> str | None:
    try:
        return json.loads((out / STATE_FILE).read_text(encoding="utf-8"))["fingerprint"]
    except (OSError, ValueError, KeyError, TypeError):
        return None


class _QuietDirtyWarning(logging.Filter):
    """MkDocs warns that a dirty build may leave navigation stale; ours rebuilds fully
    whenever the nav could change (the fingerprint), so the warning says nothing here."""

    def filter(self, record: logging.LogRecord) -> bool:
        return "'dirty' build" not in record.getMessage()


def run_mkdocs(config_file: Path, dirty: bool) -> None:
    from mkdocs.commands.build import build
    from mkdocs.config import load_config
    from mkdocs.exceptions import MkDocsException

    quiet = _QuietDirtyWarning()
    logger = logging.getLogger("mkdocs.commands.build")
    logger.addFilter(quiet)
    try:
        build(load_config(config_file=str(config_file)), dirty=dirty)
    except MkDocsException as exc:
        raise SiteError(f"站点引擎构建失败：{exc}") from exc
    finally:
        logger.removeFilter(quiet)


def pagefind_executable() -> Path:
    try:
        from pagefind_bin_extended import get_executable
    except ImportError:
        raise SiteError(
            "缺少站内搜索索引工具 Pagefind（扩展版，支持中文分词）。"
            "请运行 make setup（或 pip install 'pagefind[extended]'）后重试。"
        ) from None
    try:
        return get_executable()
    except (OSError, FileNotFoundError) as exc:
        raise SiteError(f"找不到 Pagefind 可执行文件：{exc}。请重新运行 make setup。") from None


def index_search(
    site: Path,
    out: Path,
    previous: Path | None = None,
    shards: int | None = None,
    verbose: bool = False,
    shard_key: Callable[[str], str] | None = None,
    indexed: dict[str, str] | None = None,
) -> tuple[search.Indexed, dict]:
    """Build the sharded Chinese search index of ``site`` into ``site/pagefind``
    (``site/search.py``), reusing the unchanged shards of ``previous``."""
    try:
        return search.build_index(
            site, out, pagefind_executable(), previous, shards, verbose, shard_key, indexed
        )
    except search.SearchIndexError as exc:
        raise SiteError(str(exc)) from None


def build_site_engine(
    root: Path,
    out: Path,
    nav: list[dict],
    site_name: str,
    verbose: bool = False,
    stage: Stage | None = None,
    shard_key: Callable[[str], str] | None = None,
) -> Path:
    """Run MkDocs and Pagefind on ``out/docs`` and atomically replace ``out/site``.
    ``shard_key`` chooses each page's search shard (the city: one per district)."""
    stage = stage or (lambda _name: nullcontext())
    config_file = write_config(root, out, nav, site_name)
    staging, final = out / "site.new", out / "site"
    level = logging.INFO if verbose else logging.WARNING
    logging.getLogger("mkdocs").setLevel(level)

    with stage("站点引擎"):
        shutil.rmtree(staging, ignore_errors=True)
        current = fingerprint(root, config_file, out / "docs")
        dirty = final.is_dir() and _read_state(out) == current
        if dirty:
            # The last site, hard-linked (a copy took seconds at city size: downloads
            # and the data export are hundreds of megabytes). Nothing may write into a
            # linked file, which is also the site in place: MkDocs writes in place, so
            # the hook unlinks each file it is about to write (hooks.on_files), and our
            # own steps replace files (csp.py). The search index's unchanged shards are
            # linked from the site below.
            def skip_index(folder: str, names: list[str]) -> list[str]:
                return [SEARCH_DIR] if Path(folder) == final else []

            link_tree(final, staging, ignore=skip_index)
        run_mkdocs(config_file, dirty)
    with stage("搜索索引"):
        # One read of the pages MkDocs wrote (site/pages.py: in a dirty build, the pages
        # copied from the last site are known by their size and time) for the
        # Content-Security-Policy, from the inline scripts the pages hold (site/csp.py),
        # and the search index, whose shards are re-indexed where a page's digest changed.
        scanned, policy = pages.secure(staging, out if dirty else None)
        previous = final if final.is_dir() else None
        indexed, manifest = index_search(
            staging, out, previous, verbose=verbose, shard_key=shard_key,
            indexed=scanned.searchable(),
        )  # fmt: skip
    # Swap: the previous site stays whole until the new one is complete, and is
    # replaced in one step (site/swap.py). The state is written only for a site in place.
    (out / STATE_FILE).unlink(missing_ok=True)
    search.forget_manifest(out)
    pages.forget_state(out)
    site = swap_in(staging, final)
    search.write_manifest(out, manifest)
    pages.write_state(out, scanned, policy)
    state = {
        "fingerprint": current,
        "incremental": dirty,
        "search_shards": indexed.shards,
        "search_shards_reindexed": indexed.reindexed,
        "pages_read": len(scanned.read),
    }
    (out / STATE_FILE).write_text(json.dumps(state) + "\n", encoding="utf-8")
    return site
