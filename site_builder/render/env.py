"""The one Jinja environment: every printed value is escaped unless it is Markup."""

from __future__ import annotations

from functools import cache

from jinja2 import Environment, PackageLoader, StrictUndefined

from site_builder.render.filters import FILTERS, text
from site_builder.render.reconcile import reconciliation
from site_builder.render.views import approval_text, timeline_row


@cache
def environment() -> Environment:
    env = Environment(
        loader=PackageLoader("site_builder.render", "templates"),
        autoescape=False,  # Markdown, not HTML: `text` escapes for both, below
        finalize=text,
        undefined=StrictUndefined,
        trim_blocks=True,
        lstrip_blocks=True,
        keep_trailing_newline=True,
    )
    env.filters.update(FILTERS)
    env.globals["timeline_row"] = timeline_row
    env.globals["approval_text"] = approval_text
    env.globals["reconciliation"] = reconciliation
    return env


def render(template: str, **context: object) -> str:
    return environment().get_template(template).render(**context)
