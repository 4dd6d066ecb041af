"""The versioned JSON export of the analysed data: the interface for other systems."""

from __future__ import annotations

from site_builder.export.data import (
    EXPORT_PATH,
    SCHEMA_VERSION,
    Fragments,
    export_data,
    export_json,
)
from site_builder.export.read import read_export
from site_builder.export.schema import export_schema

__all__ = [
    "EXPORT_PATH",
    "Fragments",
    "SCHEMA_VERSION",
    "export_data",
    "export_json",
    "export_schema",
    "read_export",
]
