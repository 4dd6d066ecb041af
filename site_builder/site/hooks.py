"""MkDocs hooks (``hooks:`` in the generated config): pass our HTML blocks through unparsed.

The renderer writes pages that are mostly HTML blocks it has already escaped (tables
of problems, measures, events). Python-Markdown passes a raw HTML block through
verbatim, but only after finding where it ends by running Python's ``html.parser``
over it, and MkDocs runs that parser over the whole page once more to collect anchor
ids: together about 80 % of the site engine's time. These hooks set each complete
top-level HTML block aside before Markdown runs (a placeholder comment in its place)
and put it back, byte for byte, into the HTML Markdown produced. The output is the
same page (``tests/test_rebuild.py`` builds with and without the hooks and compares).

A block is taken only when it is unambiguous: it starts at the beginning of a line
after a blank line with one of ``BLOCK_TAGS``, its tag is balanced, nothing follows
the closing tag on its line, and a blank line, the end of the page or another such
block follows. Anything else is left to Markdown.
"""

from __future__ import annotations

import os
import re
import secrets
from typing import Any

BLOCK_TAGS = ("table", "div", "p", "details", "ul", "ol", "dl", "section", "figure", "blockquote")
_START = re.compile(r"<(" + "|".join(BLOCK_TAGS) + r")[\s>]")
_FENCE = re.compile(r"^(```|~~~)")

_STASH = "rectify_html_blocks"


def split_blocks(markdown: str, marker: str) -> tuple[str, list[str]]:
    """``markdown`` with its complete HTML blocks replaced by ``<!--marker-N-->``."""
    lines = markdown.split("\n")
    out: list[str] = []
    blocks: list[str] = []
    i, fenced = 0, False
    while i < len(lines):
        line = lines[i]
        if _FENCE.match(line):
            fenced = not fenced
        start = None if fenced else _START.match(line)
        if start and (i == 0 or not lines[i - 1].strip()):
            end = _block_end(lines, i, start.group(1))
            if end is not None:
                blocks.append("\n".join(lines[i:end]))
                out.append(f"<!--{marker}-{len(blocks) - 1}-->")
                i = end
                continue
        out.append(line)
        i += 1
    return "\n".join(out), blocks


def _block_end(lines: list[str], first: int, tag: str) -> int | None:
    """The index after the block's last line, or None when the block is not clear-cut.

    Blocks that follow one another line by line (``<p>…</p>`` then ``<table>``) are
    taken together, up to the blank line after the last.
    """
    i = first
    while True:
        end = _one_block(lines, i, tag)
        if end is None:
            return None
        if end == len(lines) or not lines[end].strip():
            return end
        following = _START.match(lines[end])
        if not following:
            return None
        i, tag = end, following.group(1)


def _one_block(lines: list[str], first: int, tag: str) -> int | None:
    opening = re.compile(rf"<{tag}[\s>]")
    closing = f"</{tag}>"
    depth = 0
    for i in range(first, len(lines)):
        depth += len(opening.findall(lines[i])) - lines[i].count(closing)
        if depth <= 0:
            # Balanced, and nothing after the closing tag on its line.
            return i + 1 if depth == 0 and lines[i].rstrip().endswith(closing) else None
    return None


def _unlink_shared(path: str) -> None:
    """Remove ``path`` if it is a hard link (the site in place shares it): MkDocs then
    writes a new file instead of writing into the one the site in place is showing."""
    try:
        if os.lstat(path).st_nlink > 1:
            os.unlink(path)
    except OSError:
        pass


def on_files(files: Any, config: Any, **_: Any) -> Any:
    """A dirty build starts from the last site hard-linked (``site/engine.py``): unlink
    each file MkDocs is about to write (a changed page or static file, the theme's 404
    page and sitemap, which it writes every time)."""
    for file in files:
        if file.abs_dest_path and os.path.exists(file.abs_dest_path) and file.is_modified():
            _unlink_shared(file.abs_dest_path)
    for name in config.theme.static_templates:
        for written in (name, f"{name}.gz"):
            _unlink_shared(os.path.join(config.site_dir, written))
    return files


def on_env(env: Any, **_: Any) -> Any:
    """The theme's templates compiled once, not in every build (``render/env.py``)."""
    from site_builder.render.env import kept_templates

    env.bytecode_cache = kept_templates()
    return env


def on_page_markdown(markdown: str, page: Any, **_: Any) -> str:
    marker = f"rl-html-{secrets.token_hex(6)}"
    text, blocks = split_blocks(markdown, marker)
    setattr(page, _STASH, (marker, blocks))
    return text


def on_page_content(html: str, page: Any, **_: Any) -> str:
    marker, blocks = getattr(page, _STASH, (None, []))
    if not blocks:
        return html
    delattr(page, _STASH)
    return re.sub(rf"<!--{marker}-(\d+)-->", lambda m: blocks[int(m.group(1))], html)
