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
import os
from collections.abc import Callable
from functools import partial
from pathlib import Path
from typing import Any

from site_builder.analyse import Analysis, LedgerStats, TrailCounts
from site_builder.model import Project
from site_builder.model.district import Round, Team

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


def _ledger(project: Project, analysis: Analysis, round_: Round, team: Team, entry) -> dict:
    key = f"{round_.id}/{entry.unit}"
    ledger = project.ledger_by_key.get(key)
    figured = analysis.ledger(key)
    # The deadline each open measure's colour counts from (approved postponements only):
    # a reader computes days overdue without re-implementing the postponement rules.
    due = {
        f"{p.id}/{m.id}": d.isoformat()
        for p in (ledger.problems if ledger else [])
        for m in p.measures
        if (d := m.approved_deadline) is not None
    }
    return {
        "round": round_.id,
        "unit": entry.unit,
        "feedback_on": entry.feedback_on.isoformat(),
        "team": team.name,
        "figures": figures(figured.stats, figured.trail),
        # each measure's warning colour on as_of: P01/M1 -> red
        "colours": {item: str(colour) for item, colour in figured.colours.items()},
        "deadlines": due,
        "ledger": ledger.model_dump(mode="json") if ledger else None,
    }


def _entries(project: Project, analysis: Analysis) -> list[tuple[Round, Team, Any]]:
    """The ledgers the export lists: every inspected unit of every analysed round."""
    return [
        (r, team, entry)
        for r in (project.round_by_id[r] for r in analysis.rounds)
        for team in r.teams
        for entry in team.units
        if entry.unit in project.unit_by_id
    ]


def export_data(
    project: Project,
    analysis: Analysis,
    audience: str = "internal",
    commit: str | None = None,
    with_ledgers: bool = True,
) -> dict[str, Any]:
    supervision = []
    if audience == "internal":
        supervision = [
            {"round": f.round, **record.model_dump(mode="json")}
            for f in project.supervision
            for record in f.records
        ]
    rounds = [project.round_by_id[r] for r in analysis.rounds]
    return {
        "schema_version": SCHEMA_VERSION,
        "district": project.settings.district,
        "as_of": analysis.as_of.isoformat(),
        "audience": audience,
        "commit": commit,
        "figures": figures(analysis.total, analysis.trail),
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
                "start": r.start.isoformat(),
                "end": r.end.isoformat(),
                "rectification_days": r.rectification_days,
                "figures": figures(analysis.rounds[r.id].stats, analysis.rounds[r.id].trail),
            }
            for r in rounds
        ],
        "ledgers": [
            _ledger(project, analysis, r, team, entry)
            for r, team, entry in (_entries(project, analysis) if with_ledgers else [])
        ],
        "history_available": analysis.history.available,
        "events": [e.as_dict() for e in analysis.history.events],
        "supervision": supervision,
    }


def export_json(
    project: Project,
    analysis: Analysis,
    audience: str = "internal",
    commit: str | None = None,
    fragments: Fragments | None = None,
) -> str:
    """The export as text. With ``fragments``, each ledger's entry is taken as the last
    build serialised it when its inputs are unchanged: the same text, put together."""
    if fragments is None:
        data = export_data(project, analysis, audience, commit)
        return _dumps(data) + "\n"
    # Every part but the ledgers, then the ledgers' entries in their place.
    text = _dumps(export_data(project, analysis, audience, commit, with_ledgers=False))
    parts = []
    for r, team, entry in _entries(project, analysis):
        key = f"{r.id}/{entry.unit}"
        inputs = (r.id, team.name, entry, project.ledger_by_key.get(key), analysis.ledger(key))
        parts.append(fragments.text(inputs, partial(_ledger, project, analysis, r, team, entry)))
    joined = ",".join(parts)
    head, found, tail = text.partition(_EMPTY_LEDGERS)
    assert found and _EMPTY_LEDGERS not in tail, "the export's ledgers are not where expected"
    return f'{head}"ledgers":[{joined}],"history_available":{tail}\n'


# Where the ledgers go in the export's text: keys and strings are escaped, so only the
# export's own member can read like this.
_EMPTY_LEDGERS = '"ledgers":[],"history_available":'


def _dumps(data: Any) -> str:
    # Not indented: json's C encoder runs only without indentation (10 times faster at
    # city size, where the export is tens of megabytes). Readers parse it; `jq .` shows it.
    return json.dumps(data, ensure_ascii=False, separators=(",", ":"))


class Fragments:
    """Each ledger's entry of the export as the last build serialised it, by a key of
    its inputs (``OUT/export-fragments.json``). ``key`` digests the inputs by content:
    (round id, team name, the round's entry of the unit, the ledger or None, the
    ledger's analysis), all an entry is made from."""

    def __init__(self, path: Path, key: Callable[..., str]) -> None:
        self.path = path
        self.key = key
        try:
            before = json.loads(path.read_text(encoding="utf-8"))
        except (OSError, ValueError):
            before = {}
        self.before: dict[str, str] = before if isinstance(before, dict) else {}
        self.after: dict[str, str] = {}
        self.made = 0

    def text(self, inputs: tuple, make: Callable[[], dict]) -> str:
        """The entry's text: kept if its inputs are unchanged, else ``make()`` serialised."""
        key = self.key(*inputs)
        text = self.before.get(key)
        if not isinstance(text, str):
            text = _dumps(make())
            self.made += 1
        self.after[key] = text
        return text

    def save(self) -> None:
        temporary = self.path.with_name(self.path.name + ".tmp")
        temporary.write_text(_dumps(self.after), encoding="utf-8")
        os.replace(temporary, self.path)
