"""A first step of the city's view (上下联动): districts side by side from their data exports.

Each district builds its own site (and export) in its own process; the city reads only
the exports, never a district's history. An export that is missing, unreadable or of a
newer format is reported and left out; the others are still compared.
"""

from __future__ import annotations

from dataclasses import dataclass, field
from pathlib import Path

from site_builder.diagnostics import Diagnostic
from site_builder.export.read import read_export

COLUMNS = ("问题数", "已销号", "销号率", "逾期措施", "延期次数", "销号后重新打开", "督办次数")


@dataclass(frozen=True)
class DistrictRow:
    district: str
    as_of: str
    source: str
    values: tuple[int | str, ...]


@dataclass
class CityView:
    rows: list[DistrictRow] = field(default_factory=list)
    diagnostics: list[Diagnostic] = field(default_factory=list)


def aggregate(paths: list[Path]) -> CityView:
    view = CityView()
    for path in paths:
        data, found = read_export(path)
        view.diagnostics += found
        if data is None:
            continue
        f = data["figures"]
        values = (
            f["problems"] - f["withdrawn"],
            f["closed"],
            f"{f['closed_pct']}%",
            f["overdue"],
            f["postponements"],
            f["reopened"],
            len(data.get("supervision", [])),
        )
        view.rows.append(DistrictRow(data["district"], data["as_of"], str(path), values))
    return view
