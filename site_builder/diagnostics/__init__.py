"""Diagnostics are data: a stable code, a severity, a Chinese message, and where."""

from __future__ import annotations

from site_builder.diagnostics.catalogue import CATALOGUE, Entry
from site_builder.diagnostics.core import Diagnostic, Severity, diag, has_errors, sort_key

__all__ = ["CATALOGUE", "Diagnostic", "Entry", "Severity", "diag", "has_errors", "sort_key"]
