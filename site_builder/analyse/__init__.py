"""Analysis: progress, deadlines and warning colours computed from the records."""

from __future__ import annotations

from site_builder.analyse.progress import (
    Colour,
    LedgerStats,
    ledger_stats,
    measure_colour,
    sum_stats,
)

__all__ = ["Colour", "LedgerStats", "ledger_stats", "measure_colour", "sum_stats"]
