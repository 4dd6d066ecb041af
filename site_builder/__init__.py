"""Rectification ledger as code: load, validate, audit and render 巡察整改台账."""

from __future__ import annotations

__version__ = "0.1.0"
