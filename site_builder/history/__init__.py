"""The audit trail: events, sign-offs and change checks read from git history.

Only this package talks to git (through ``history.git``).
"""

from __future__ import annotations

from site_builder.history.events import KIND_LABELS, Kind
from site_builder.history.read import Event, History, read_history
from site_builder.history.signoff import STATE_LABELS, SignOff, State

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
