"""Text we hand the site engine outside the pages: the site name and nav titles.

Material prints ``config.site_name`` and nav titles into HTML unescaped (in the
header, the nav and attributes such as ``aria-label``), and MkDocs' Jinja has no
autoescape. They come from staff-typed fields (the district name, round names,
guide titles), so they are HTML-escaped before they reach the engine.
"""

from __future__ import annotations

import html
from typing import Any


def escape_text(text: str) -> str:
    return html.escape(str(text), quote=True)


def escape_nav(nav: Any) -> Any:
    """The nav with every title escaped; page paths are left as they are."""
    if isinstance(nav, list):
        return [escape_nav(item) for item in nav]
    if isinstance(nav, dict):
        return {escape_text(title): escape_nav(target) for title, target in nav.items()}
    return nav
