"""C001: free text that names a person held accountable, so staff can reword it.

The public build masks such names (``masking.py``), but the internal and unit sites
show the text as typed, and a name in a measure or an evidence title is seldom needed.
"""

from __future__ import annotations

from collections.abc import Iterator

from site_builder.diagnostics import Diagnostic, diag
from site_builder.masking import masked, mentions
from site_builder.model import Project


def names_in_free_text(project: Project) -> Iterator[Diagnostic]:
    seen: set[tuple[str, int, str, str]] = set()
    for m in mentions(project):  # the public build's masker
        key = (m.file, m.line, m.field, m.name)
        if key not in seen:
            seen.add(key)
            yield diag(
                "C001", m.file, m.line, m.col, field=m.field, name=m.name, masked=masked(m.name)
            )
