"""Loading: find the project's files, read them strictly, and build typed records.

Only this package imports the YAML parser.
"""

from __future__ import annotations

from site_builder.load.project import load_project
from site_builder.load.yaml_strict import ParsedYaml, parse_yaml

__all__ = ["ParsedYaml", "load_project", "parse_yaml"]
