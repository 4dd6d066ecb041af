"""Problem clues (问题线索): whom they concern, what they link to, and their dates."""

from __future__ import annotations

from collections.abc import Iterator

from site_builder.diagnostics import Diagnostic, diag
from site_builder.model import Project
from site_builder.model.types import Record


def _at(record: Record) -> dict:
    return {"file": record.src.file, "line": record.src.line, "col": record.src.col}


def clues(project: Project) -> Iterator[Diagnostic]:
    seen: dict[tuple[str | None, str], Record] = {}
    for clue in project.clues:
        key = (clue.round, clue.id)
        if key in seen:
            first = seen[key].src
            yield diag("R004", **_at(clue), id=clue.id, where=f"{first.file} 第 {first.line} 行")
        seen.setdefault(key, clue)
        round_ = project.round_by_id.get(clue.round or "")
        if round_ is None or clue.unit not in round_.inspected():
            yield diag("R016", **_at(clue), clue=clue.id, unit=clue.unit, round=clue.round)
        linked = []
        for ref in clue.problems:
            found = project.problem_by_ref.get(ref)
            if found is None:
                yield diag("R008", **_at(clue), ref=ref)
            else:
                linked.append(found[1])
        people = {a.person for p in linked for a in p.accountability}
        for person in clue.persons:
            if person not in people:
                yield diag("R017", **_at(clue), clue=clue.id, person=person)
        if clue.concluded_on and clue.concluded_on < clue.handed_over_on:
            yield diag(
                "D009",
                **_at(clue),
                clue=clue.id,
                concluded=clue.concluded_on,
                handed=clue.handed_over_on,
            )
        if clue.status == "concluded" and not (clue.outcome and clue.concluded_on):
            yield diag("L014", **_at(clue), clue=clue.id)
