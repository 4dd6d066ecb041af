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
from site_builder.analyse.trail import TrailCounts, current_closures, trail_counts
from site_builder.analyse.warnings import (
    DEFINITIONS,
    ClosureAlert,
    MeasureAlert,
    Warnings,
    compute_warnings,
    is_relapse,
)

__all__ = [
    "DEFINITIONS",
    "ClosureAlert",
    "PATTERNS",
    "Colour",
    "Finding",
    "LedgerStats",
    "MeasureAlert",
    "TrailCounts",
    "Warnings",
    "compute_warnings",
    "is_relapse",
    "current_closures",
    "ledger_stats",
    "measure_colour",
    "sum_stats",
    "trail_counts",
]
