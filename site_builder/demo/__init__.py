"""`rectify demo DIR`: the sample district as a git repository with a plausible history."""

from __future__ import annotations

from site_builder.demo.scenario import DemoError, DemoResult, build_demo

__all__ = ["DemoError", "DemoResult", "build_demo"]
