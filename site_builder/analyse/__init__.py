"""Analysis: progress, deadlines and warning colours computed from the records."""

from __future__ import annotations

from site_builder.analyse.patterns import PATTERNS, Finding
from site_builder.analyse.progress import (
    Colour,
    LedgerStats,
    ledger_stats,
    measure_colour,
    sum_stats,
)
from site_builder.analyse.warnings import MeasureAlert, Warnings, compute_warnings

__all__ = [
    "PATTERNS",
    "Colour",
    "Finding",
    "LedgerStats",
    "MeasureAlert",
    "Warnings",
    "compute_warnings",
    "ledger_stats",
    "measure_colour",
    "sum_stats",
]
