"""Template filters: small pure functions, registered in one place.

Staff-typed text reaches Markdown, which Python-Markdown does not sanitise: raw
HTML passes through and attribute lists (``{ onclick=... }``) add attributes. So
every value printed by a template is escaped for HTML *and* has every ASCII
character Markdown treats as syntax turned into a numeric character reference.
The browser shows the text exactly as typed; Markdown sees nothing to interpret.
"""

from __future__ import annotations

import html
import re
from datetime import date
from typing import Any
from urllib.parse import urlsplit

from markupsafe import Markup

from site_builder.model import labels

# Markdown and attr_list syntax, plus what html.escape already covers.
_MARKDOWN_CHARS = "\\`*_{}[]()#!|~<>&\"'"
_TABLE = {ord(c): f"&#{ord(c)};" for c in _MARKDOWN_CHARS}
_SAFE_SCHEMES = {"http", "https", "mailto", ""}


def text(value: Any) -> Markup:
    """Escape anything for a Markdown page; newlines become <br>."""
    if value is None:
        return Markup("")
    if isinstance(value, Markup):
        return value
    if isinstance(value, date):
        value = value.isoformat()
    lines = str(value).replace("\r\n", "\n").split("\n")
    return Markup("<br>".join(line.translate(_TABLE) for line in lines))


def safe_url(value: str) -> str:
    """Only http(s), mailto and relative links; anything else becomes '#'."""
    candidate = "".join(ch for ch in str(value) if ch.isprintable() and not ch.isspace())
    scheme = urlsplit(candidate).scheme.lower()
    if scheme not in _SAFE_SCHEMES:
        return "#"
    return html.escape(candidate, quote=True)


def label(value: Any, table: str) -> str:
    """A code's display label from model.labels, e.g. label(status, 'PROBLEM_STATUS')."""
    mapping = getattr(labels, table)
    return mapping.get(value, value)


def heading_id(value: str) -> Markup:
    """An attribute-list id for a Markdown heading; ids are validated ASCII already."""
    slug = re.sub(r"[^a-z0-9_-]", "-", str(value).lower())
    return Markup("{#" + slug + "}")


def day(value: date | None) -> str:
    return value.isoformat() if value else "—"


def percent_bar(pct: int) -> Markup:
    pct = max(0, min(100, int(pct)))
    return Markup(
        f'<span class="rl-bar" role="progressbar" aria-valuenow="{pct}" aria-valuemin="0" '
        f'aria-valuemax="100"><span style="width:{pct}%"></span></span>&nbsp;{pct}%'
    )


FILTERS = {
    "text": text,
    "safe_url": safe_url,
    "label": label,
    "day": day,
    "heading_id": heading_id,
    "percent_bar": percent_bar,
}
