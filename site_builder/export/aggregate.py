"""The city's view (上下联动): districts side by side from their data exports.

Each district builds its own site (and export) in its own process; the city reads only
the exports, never a district's history. An export that is missing, unreadable or of a
newer format is reported and left out; the others are still compared.

``district_summary`` turns one export into the frozen figures and lists the city's pages
print (computed once per export, so a city rebuild after one district changed reads
only that export); ``city_analysis`` sums the districts. Every figure is read off the
export's own figures (the district's site prints the same numbers); what the export
does not sum (red items with days overdue, common problems by title) is counted here.
"""

from __future__ import annotations

from collections import defaultdict
from dataclasses import dataclass, field
from datetime import date
from pathlib import Path
from typing import Any

from site_builder.diagnostics import Diagnostic
from site_builder.export.read import read_export
from site_builder.model.labels import MEASURE_STATUS, PROBLEM_STATUS

COLUMNS = ("问题数", "已销号", "销号率", "逾期措施", "延期次数", "销号后重新打开", "督办次数")
COLOUR_WORDS = {"done": "已完成", "green": "绿色", "watch": "关注", "yellow": "黄色",
                "red": "红色", "none": "无时限"}  # fmt: skip


@dataclass(frozen=True)
class RedItem:
    round: str
    round_name: str
    unit: str
    unit_name: str
    item: str  # P01/M1
    problem: str
    measure: str
    owner: str
    leader: str
    deadline: date | None
    days_overdue: int


@dataclass(frozen=True)
class MeasureEntry:
    id: str
    text: str
    owner: str
    leader: str
    deadline: str
    status: str  # in Chinese
    colour: str  # a Colour value, for the badge's class; printed in Chinese


@dataclass(frozen=True)
class ProblemEntry:
    id: str
    title: str
    description: str
    category: str
    status: str  # in Chinese
    measures: tuple[MeasureEntry, ...]


@dataclass(frozen=True)
class UnitEntry:
    round: str
    round_name: str
    unit: str
    name: str
    figures: dict[str, Any]
    problems: tuple[ProblemEntry, ...]


@dataclass(frozen=True)
class DistrictSummary:
    id: str
    name: str
    exported_name: str
    as_of: str
    commit: str | None
    figures: dict[str, int]
    red: tuple[RedItem, ...]
    common: dict[str, tuple[str, int, int, int]]  # title -> (category, units, problems, open)
    categories: dict[str, int]  # category label -> problems
    units: tuple[UnitEntry, ...]
    site_url: str | None = None


@dataclass(frozen=True)
class CommonAcross:
    title: str
    category: str
    districts: tuple[tuple[str, int, int, int], ...]  # (district, units, problems, open)

    @property
    def problems(self) -> int:
        return sum(d[2] for d in self.districts)

    @property
    def open(self) -> int:
        return sum(d[3] for d in self.districts)


@dataclass(frozen=True)
class CityAnalysis:
    city: str
    districts: tuple[DistrictSummary, ...]
    refused: tuple[Diagnostic, ...]
    totals: dict[str, int]
    common: tuple[CommonAcross, ...]
    categories: tuple[str, ...]


def _text(value: Any) -> str:
    return value if isinstance(value, str) else ""


def _day(text: Any) -> date | None:
    try:
        return date.fromisoformat(text) if isinstance(text, str) else None
    except ValueError:
        return None


def district_summary(data: dict[str, Any], id: str, name: str, site_url: str | None = None):
    """The figures, red items, common problems and search text of one district's export."""
    f = data["figures"]
    as_of = _day(data.get("as_of")) or date.today()
    rounds = {r["id"]: r["name"] for r in data.get("rounds", [])}
    units = {u["id"]: u["name"] for u in data.get("units", [])}
    labels: dict[str, str] = data.get("categories") or {}
    catalogue = {c["code"]: c for c in data.get("common_problems") or []}
    red: list[RedItem] = []
    common: dict[str, list] = {}
    categories: dict[str, int] = defaultdict(int)
    entries: list[UnitEntry] = []
    for entry in data.get("ledgers", []):
        ledger = entry.get("ledger") or {}
        colours, deadlines = entry.get("colours", {}), entry.get("deadlines") or {}
        round_name = rounds.get(entry["round"], entry["round"])
        unit_name = units.get(entry["unit"], entry["unit"])
        problems = []
        for p in ledger.get("problems", []):
            category = labels.get(p.get("category"), p.get("category") or "")
            categories[category] += 1
            code = p.get("common_code")
            if code:
                known = catalogue.get(code, {})
                title = known.get("title") or code
                kind = labels.get(known.get("category"), known.get("category")) or category
                row = common.setdefault(title, [kind, set(), 0, 0])
                row[1].add((entry["round"], entry["unit"]))
                row[2] += 1
                row[3] += p.get("status") == "open"
            measures = []
            for m in p.get("measures", []):
                item = f"{p['id']}/{m['id']}"
                colour = colours.get(item, "none")
                due = deadlines.get(item) or m.get("deadline")
                measures.append(MeasureEntry(
                    m["id"], _text(m.get("text")), _text(m.get("owner")), _text(m.get("leader")),
                    _text(due), MEASURE_STATUS.get(m.get("status"), ""), colour,
                ))  # fmt: skip
                if colour == "red":
                    deadline = _day(due)
                    red.append(RedItem(
                        entry["round"], round_name, entry["unit"], unit_name, item,
                        _text(p.get("title")), _text(m.get("text")), _text(m.get("owner")),
                        _text(m.get("leader")), deadline,
                        (as_of - deadline).days if deadline else 0,
                    ))  # fmt: skip
            problems.append(ProblemEntry(
                p["id"], _text(p.get("title")), _text(p.get("description")), category,
                PROBLEM_STATUS.get(p.get("status"), ""), tuple(measures),
            ))  # fmt: skip
        entries.append(UnitEntry(entry["round"], round_name, entry["unit"], unit_name,
                                 entry.get("figures", {}), tuple(problems)))  # fmt: skip
    colours = f.get("colours", {})
    figures = {
        "problems": f["problems"] - f["withdrawn"],
        "closed": f["closed"],
        "closed_pct": f["closed_pct"],
        "confirmed": f["confirmed_closures"],
        # Closed problems whose latest closure no listed approver signed off.
        "unconfirmed": max(0, f["closed"] - f["confirmed_closures"]),
        "red": colours.get("red", 0),
        "yellow": colours.get("yellow", 0),
        "overdue": f["overdue"],
        "postponements": f["postponements"],
        "reopened": f["reopened"],
        "dubian": len(data.get("supervision", [])),
        "units": len(entries),
    }
    red.sort(key=lambda r: (-r.days_overdue, r.round, r.unit, r.item))
    return DistrictSummary(
        id=id,
        name=name,
        exported_name=_text(data.get("district")),
        as_of=as_of.isoformat(),
        commit=data.get("commit"),
        figures=figures,
        red=tuple(red),
        common={t: (k, len(u), n, o) for t, (k, u, n, o) in common.items()},
        categories=dict(categories),
        units=tuple(entries),
        site_url=site_url,
    )


def city_analysis(
    city: str, districts: list[DistrictSummary], refused: list[Diagnostic]
) -> CityAnalysis:
    totals: dict[str, int] = defaultdict(int)
    for d in districts:
        for key, value in d.figures.items():
            totals[key] += value
    active = totals["problems"]
    totals["closed_pct"] = round(100 * totals["closed"] / active) if active else 100
    by_title: dict[str, list] = {}
    for d in districts:
        for title, (category, units, problems, open_) in d.common.items():
            row = by_title.setdefault(title, [category, []])
            row[1].append((d.name, units, problems, open_))
    common = sorted(
        (CommonAcross(t, c, tuple(rows)) for t, (c, rows) in by_title.items()),
        key=lambda c: (-len(c.districts), -c.problems, c.title),
    )
    categories = sorted({c for d in districts for c in d.categories},
                        key=lambda c: -sum(d.categories.get(c, 0) for d in districts))  # fmt: skip
    return CityAnalysis(city, tuple(districts), tuple(refused), dict(totals), tuple(common),
                        tuple(categories))  # fmt: skip


# --- The first form: `rectify aggregate EXPORT...` prints districts side by side ------


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
