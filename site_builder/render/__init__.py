"""Rendering: records and analysis to a complete, engine-neutral docs tree.

The renderer writes Markdown pages, assets and a nav description into a folder;
it never imports the site engine. Templates sit in ``templates/`` and get
finished view data from ``views``.
"""

from __future__ import annotations

from site_builder.render.tree import DocsTree, render_docs

__all__ = ["DocsTree", "render_docs"]
