"""Analysis: every figure, list and judgement the outputs show, computed once.

``analyse()`` (stage.py) is the stage the pipeline runs; the modules below are its parts.
Outputs (render, export, the CLI) import the value types from here and call nothing
but ``analyse``.
"""

from __future__ import annotations

from site_builder.analyse.evaluation import Results, Scorecard, Shortfall
from site_builder.analyse.patterns import PATTERNS, Finding
from site_builder.analyse.progress import Colour, LedgerStats, ledger_stats, measure_colour
from site_builder.analyse.stage import Analysis, LedgerAnalysis, RoundAnalysis, analyse
from site_builder.analyse.trail import TrailCounts, current_closures, is_relapse, trail_counts
from site_builder.analyse.warnings import (
    DEFINITIONS,
    ClosureAlert,
    MeasureAlert,
    Warnings,
    compute_warnings,
)

__all__ = [
    "DEFINITIONS",
    "PATTERNS",
    "Analysis",
    "ClosureAlert",
    "Colour",
    "Finding",
    "LedgerAnalysis",
    "LedgerStats",
    "MeasureAlert",
    "Results",
    "RoundAnalysis",
    "Scorecard",
    "Shortfall",
    "TrailCounts",
    "Warnings",
    "analyse",
    "compute_warnings",
    "current_closures",
    "is_relapse",
    "ledger_stats",
    "measure_colour",
    "trail_counts",
]
