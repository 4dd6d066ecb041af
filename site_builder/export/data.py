"""The data export (data/export.json on every built site), made from the site's analysis.

What other systems read (a city's aggregate, a 数据大屏, an 信息化平台): the units, every
ledger as recorded (problems, measures, accountability, plan, report) with each
measure's warning colour, the figures of every ledger, round and the district (the
same LedgerStats and TrailCounts the pages print), the item events of the audit trail
with their sign-offs, and the 督办 records. A public build exports the records its
pages show: the pipeline passes the records with sensitive fields already hidden, and
the 督办 records, which name officials, are left out.

``schema_version`` counts incompatible changes; a reader refuses a newer one.
"""

from __future__ import annotations

import json
from typing import Any

from site_builder.analyse import LedgerStats, TrailCounts, measure_colour
from site_builder.render.views import SiteData

SCHEMA_VERSION = 1
EXPORT_PATH = "data/export.json"


def figures(stats: LedgerStats, trail: TrailCounts) -> dict[str, Any]:
    return {
        "problems": stats.problems,
        "closed": stats.closed,
        "withdrawn": stats.withdrawn,
        "open": stats.open,
        "closed_pct": stats.closed_pct,
        "measures": stats.measures,
        "done": stats.done,
        "overdue": stats.overdue,
        "colours": dict(stats.colours),
        "confirmed_closures": trail.confirmed,
        "postponements": trail.postponed,
        "reopened": trail.reopened,
    }


def _ledger(site: SiteData, round_id: str, unit) -> dict[str, Any]:
    thresholds = site.project.settings.thresholds
    ledger = unit.ledger
    colours = {
        f"{p.id}/{m.id}": str(measure_colour(m, site.as_of, thresholds))
        for p in (ledger.problems if ledger else [])
        for m in p.measures
    }
    # The deadline each open measure's colour counts from (approved postponements only):
    # a reader computes days overdue without re-implementing the postponement rules.
    due = {
        f"{p.id}/{m.id}": d.isoformat()
        for p in (ledger.problems if ledger else [])
        for m in p.measures
        if (d := m.approved_deadline) is not None
    }
    return {
        "round": round_id,
        "unit": unit.unit.id,
        "feedback_on": unit.entry.feedback_on.isoformat(),
        "team": unit.team.name if unit.team else None,
        "figures": figures(unit.stats, unit.trail),
        "colours": colours,  # each measure's warning colour on as_of: P01/M1 -> red
        "deadlines": due,
        "ledger": ledger.model_dump(mode="json") if ledger else None,
    }


def export_data(site: SiteData, audience: str = "internal") -> dict[str, Any]:
    project = site.project
    supervision = []
    if audience == "internal":
        supervision = [
            {"round": f.round, **record.model_dump(mode="json")}
            for f in project.supervision
            for record in f.records
        ]
    return {
        "schema_version": SCHEMA_VERSION,
        "district": project.settings.district,
        "as_of": site.as_of.isoformat(),
        "audience": audience,
        "commit": site.build.get("commit"),
        "figures": figures(site.total, site.trail),
        "units": [u.model_dump(mode="json") for u in project.units],
        # What a reader needs to compare districts: the category labels and the district's
        # catalogue of common problems (a problem's common_code points into it).
        "categories": {c.code: c.label for c in project.settings.categories},
        "common_problems": [
            {"code": c.code, "title": c.title, "category": c.category}
            for c in project.common_problems
        ],
        "rounds": [
            {
                "id": r.id,
                "name": r.name,
                "start": r.round.start.isoformat(),
                "end": r.round.end.isoformat(),
                "rectification_days": r.round.rectification_days,
                "figures": figures(r.stats, r.trail),
            }
            for r in site.rounds
        ],
        "ledgers": [_ledger(site, r.id, u) for r in site.rounds for u in r.units],
        "history_available": site.history.available,
        "events": [e.as_dict() for e in site.history.events],
        "supervision": supervision,
    }


def export_json(site: SiteData, audience: str = "internal") -> str:
    return json.dumps(export_data(site, audience), ensure_ascii=False, indent=1) + "\n"
