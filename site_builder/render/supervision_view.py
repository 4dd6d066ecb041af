"""View data of the 督办 page and the unit pages' 督办 part, from analyse.supervision on
the site's date and history (the same rules `rectify dubian` applies)."""

from __future__ import annotations

from dataclasses import dataclass, field

from site_builder.analyse.supervision import Reason
from site_builder.model.supervision import Dubian
from site_builder.render.views import SiteData


@dataclass
class UnitDubian:
    round: str
    round_name: str
    unit: str
    unit_name: str
    path: str  # units/<round>/<unit>/
    reasons: list[Reason] = field(default_factory=list)  # what calls for 督办 today
    records: list[Dubian] = field(default_factory=list)  # the 督办 it has had


def dubian_views(site: SiteData) -> dict[str, UnitDubian]:
    """Ledger key -> the unit's 督办 view, for every unit with a reason or a record."""
    analysis = site.analysis
    views: dict[str, UnitDubian] = {}
    for round_view in site.rounds:
        found = analysis.rounds[round_view.id]
        due = {d.unit: d for d in found.supervision}
        for u in round_view.units:
            records = list(found.dubian.get(u.unit.id, ()))
            reasons = due[u.unit.id].reasons if u.unit.id in due else []
            if records or reasons:
                key = f"{round_view.id}/{u.unit.id}"
                views[key] = UnitDubian(
                    round_view.id,
                    round_view.name,
                    u.unit.id,
                    u.unit.name,
                    f"units/{round_view.id}/{u.unit.id}/",
                    reasons,
                    records,
                )
    return views
