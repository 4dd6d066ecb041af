"""Write the engine's configuration beside the docs tree, run MkDocs, swap the site in."""

from __future__ import annotations

import json
import logging
import os
import shutil
from importlib import resources
from pathlib import Path

from site_builder.site.escape import escape_nav, escape_text
from site_builder.site.swap import swap_in

# Material prints a banner about MkDocs 2.0 on every build; it says nothing to our users.
os.environ.setdefault("NO_MKDOCS_2_WARNING", "1")

SEARCH_SEPARATOR = r"[\s\u200b\u3000\-、。，．？！；：（）《》“”]+"


class SiteError(Exception):
    """The site could not be built; the message is for the operator, in Chinese."""


def _base_config(root: Path) -> Path:
    own = root / "mkdocs.yml"
    if own.is_file():
        return own.resolve()
    return Path(str(resources.files("site_builder.site") / "mkdocs.base.yml"))


def write_config(root: Path, out: Path, nav: list[dict], site_name: str) -> Path:
    """The generated mkdocs.yml: the repository's (or the packaged) base plus what we own."""
    try:
        import jieba  # noqa: F401  (Material segments Chinese only when it can import jieba)
    except ImportError:
        raise SiteError(
            "缺少中文分词库 jieba，站内搜索将无法检索中文。请运行 make setup（或 pip install jieba）后重试。"
        ) from None
    userdict = out / "userdict.txt"
    userdict.write_bytes((resources.files("site_builder.site") / "userdict.txt").read_bytes())
    config = {
        "INHERIT": str(_base_config(root)),
        # Staff-typed text the theme prints unescaped (site/escape.py).
        "site_name": escape_text(site_name),
        "docs_dir": "docs",
        "site_dir": "site.new",
        "nav": escape_nav(nav),
        # Our template overrides (site/overrides/main.html): an escaped <title>.
        "theme": {"custom_dir": str(resources.files("site_builder.site") / "overrides")},
        "plugins": [
            {"search": {"separator": SEARCH_SEPARATOR, "jieba_dict_user": str(userdict.resolve())}}
        ],
        "extra_css": ["assets/rectify.css"],
        "extra_javascript": ["assets/rectify.js"],
    }
    path = out / "mkdocs.yml"
    # JSON is YAML: no YAML writer needed here, and nothing in it is reinterpreted.
    path.write_text(json.dumps(config, ensure_ascii=False, indent=2), encoding="utf-8")
    return path


def build_site_engine(
    root: Path, out: Path, nav: list[dict], site_name: str, verbose: bool = False
) -> Path:
    """Run MkDocs on ``out/docs`` and atomically replace ``out/site``; return the site path."""
    from mkdocs.commands.build import build
    from mkdocs.config import load_config
    from mkdocs.exceptions import MkDocsException

    config_file = write_config(root, out, nav, site_name)
    staging, final = out / "site.new", out / "site"
    shutil.rmtree(staging, ignore_errors=True)
    level = logging.INFO if verbose else logging.WARNING
    for name in ("mkdocs", "jieba"):
        logging.getLogger(name).setLevel(level)
    import jieba

    jieba.setLogLevel(level)
    try:
        config = load_config(config_file=str(config_file))
        build(config)
    except MkDocsException as exc:
        raise SiteError(f"站点引擎构建失败：{exc}") from exc
    # Swap: the previous site stays whole until the new one is complete, and is
    # replaced in one step (site/swap.py).
    return swap_in(staging, final)
