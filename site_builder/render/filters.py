"""Template filters: small pure functions, registered in one place.

Staff-typed text reaches Markdown, which Python-Markdown does not sanitise: raw
HTML passes through and attribute lists (``{ onclick=... }``) add attributes. So
every value printed by a template is escaped for HTML *and* has every ASCII
character Markdown treats as syntax turned into a numeric character reference.
The browser shows the text exactly as typed; Markdown sees nothing to interpret.
"""

from __future__ import annotations

import contextlib
import html
import re
from datetime import date, datetime
from decimal import Decimal
from typing import Any
from urllib.parse import urlsplit
from zoneinfo import ZoneInfo, ZoneInfoNotFoundError

from markupsafe import Markup

from site_builder.model import labels
from site_builder.model.wording import cn_date, numeral

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


def cn_day(value: date | None) -> str:
    """A date in prose, as documents write it: 2020年10月12日."""
    return cn_date(value) if value else "—"


def date_cell(value: date | None) -> Markup:
    """A date in a table: ISO, never broken across lines."""
    if not value:
        return Markup("—")
    iso = value.isoformat()
    return Markup(f'<time datetime="{iso}">{iso}</time>')


def local_time(iso: str, zone: str = "Asia/Shanghai") -> str:
    """A recorded build time in the district's time zone: 2026年11月30日 11:06."""
    try:
        moment = datetime.fromisoformat(str(iso))
    except ValueError:
        return str(iso)
    # An unknown zone name keeps the recorded offset.
    with contextlib.suppress(ZoneInfoNotFoundError, ValueError):
        moment = moment.astimezone(ZoneInfo(zone))
    return f"{cn_date(moment.date())} {moment:%H:%M}"


def percent_bar(pct: int) -> Markup:
    pct = max(0, min(100, int(pct)))
    return Markup(
        f'<span class="rl-bar" role="progressbar" aria-label="进度 {pct}%" aria-valuenow="{pct}" '
        f'aria-valuemin="0" aria-valuemax="100"><span style="width:{pct}%"></span></span>&nbsp;{pct}%'
    )


def yuan(value: Decimal | int) -> str:
    """An amount in yuan as offices print it: 21,000.00."""
    return f"{Decimal(value):,.2f}"


def quoted(value: str) -> str:
    """“value”, its own quotation marks turned single (‘’), as documents nest them:
    关于对照“‘三重一大’决策制度执行不到位”, not ““三重一大”…”."""
    return "“" + str(value).replace("“", "‘").replace("”", "’") + "”"


FILTERS = {
    "text": text,
    "safe_url": safe_url,
    "label": label,
    "day": day,
    "cn_day": cn_day,
    "date_cell": date_cell,
    "numeral": numeral,
    "local_time": local_time,
    "heading_id": heading_id,
    "percent_bar": percent_bar,
    "yuan": yuan,
    "quoted": quoted,
}
