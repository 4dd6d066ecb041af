"""The one Jinja environment: every printed value is escaped unless it is Markup."""

from __future__ import annotations

from contextlib import suppress
from functools import cache

from jinja2 import (
    BytecodeCache,
    Environment,
    FileSystemBytecodeCache,
    PackageLoader,
    StrictUndefined,
)
from jinja2.bccache import Bucket

from site_builder.render.filters import FILTERS, text
from site_builder.render.reconcile import reconciliation
from site_builder.render.views import approval_text, timeline_row


class _KeptTemplates(FileSystemBytecodeCache):
    """Compiled templates kept between builds, in Jinja's folder for this user in the
    temporary directory (created mode 0700 and refused otherwise). Compiling the site's
    and the theme's templates took about 0.4 s of every build. A compiled template is
    used only for the same source (Jinja checks the source's hash and its own version);
    a folder that cannot be written or a damaged file means compiling, as without it."""

    def load_bytecode(self, bucket: Bucket) -> None:
        try:
            super().load_bytecode(bucket)
        except (OSError, EOFError, ValueError, TypeError):
            bucket.reset()

    def dump_bytecode(self, bucket: Bucket) -> None:
        with suppress(OSError):
            super().dump_bytecode(bucket)


@cache
def kept_templates() -> BytecodeCache | None:
    """The bytecode cache for our environment and MkDocs' (``site/hooks.py``)."""
    try:
        return _KeptTemplates()
    except (OSError, RuntimeError):  # no safe folder for this user
        return None


@cache
def environment() -> Environment:
    env = Environment(
        bytecode_cache=kept_templates(),
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
