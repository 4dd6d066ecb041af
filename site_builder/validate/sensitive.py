"""The settings' sensitive_fields must name real fields: a typo would publish the field."""

from __future__ import annotations

from collections.abc import Iterator

from site_builder.diagnostics import Diagnostic, diag
from site_builder.model import Project
from site_builder.model.fieldpaths import resolve


def sensitive_fields(project: Project) -> Iterator[Diagnostic]:
    src = project.settings.src
    for text in project.settings.sensitive_fields:
        found = resolve(text)
        if isinstance(found, str):
            yield diag("S010", src.file, src.line, src.col, path=text, problem=found)
