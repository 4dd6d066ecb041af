"""The audit trail: events, sign-offs and change checks read from git history.

Only this package talks to git (through ``history.git``).
"""

from __future__ import annotations

from site_builder.history.events import KIND_LABELS, Kind
from site_builder.history.read import read_history
from site_builder.history.signoff import STATE_LABELS, SignOff, State
from site_builder.history.values import Event, History

__all__ = [
    "KIND_LABELS",
    "STATE_LABELS",
    "Event",
    "History",
    "Kind",
    "SignOff",
    "State",
    "read_history",
]
