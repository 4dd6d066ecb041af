"""Typed, immutable records for every file kind, and their display labels."""

from __future__ import annotations

from site_builder.model.district import (
    Case,
    Catalogue,
    CommonProblem,
    Registry,
    Round,
    SelfCheck,
    SelfChecks,
    Settings,
    Unit,
)
from site_builder.model.ledger import Ledger, Measure, Problem
from site_builder.model.project import Project
from site_builder.model.source import Source

__all__ = [
    "Case",
    "Catalogue",
    "CommonProblem",
    "Ledger",
    "Measure",
    "Problem",
    "Project",
    "Registry",
    "Round",
    "SelfCheck",
    "SelfChecks",
    "Settings",
    "Source",
    "Unit",
]
