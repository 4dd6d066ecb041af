"""Round and unit from a workbook's title, e.g. “坞城街道党工委巡察整改台账”.

The title rows above the header, the sheet name and the file name are searched for
a unit name from the registry and a round (“第一轮”); a unit inspected in only one
round needs no round in the title. Anything ambiguous is left to --round / --unit.
"""

from __future__ import annotations

import re
import unicodedata

from site_builder.model import Project
from site_builder.sheets.cells import chinese_number

_ROUND = re.compile(r"第\s*(\d{1,2}|[一二三四五六七八九十]{1,3})\s*轮")
_PARTY_BODY = re.compile(r"(党工委|党委|党组|党总支|党支部|委员会)$")


def infer_unit(text: str, project: Project) -> str | None:
    """The unit whose name (or name without 党委/党工委 …) is longest in ``text``."""
    text = unicodedata.normalize("NFKC", text)
    found: dict[str, int] = {}
    for unit in project.units:
        for name in {unit.name, _PARTY_BODY.sub("", unit.name)}:
            name = unicodedata.normalize("NFKC", name)
            if len(name) >= 2 and name in text:
                found[unit.id] = max(found.get(unit.id, 0), len(name))
    if not found:
        return None
    best = max(found.values())
    winners = [uid for uid, length in found.items() if length == best]
    return winners[0] if len(winners) == 1 else None


def infer_round(text: str, project: Project, unit_id: str | None) -> str | None:
    text = unicodedata.normalize("NFKC", text)
    named = [r.id for r in project.rounds if unicodedata.normalize("NFKC", r.name) in text]
    if len(named) == 1:
        return named[0]
    if m := _ROUND.search(text):
        number = chinese_number(m[1])
        numbered = [r.id for r in project.rounds if _round_number(r.name) == number]
        return numbered[0] if len(numbered) == 1 else None
    if unit_id is None:
        return None
    inspected = [r.id for r in project.rounds if unit_id in r.inspected()]
    return inspected[0] if len(inspected) == 1 else None


def _round_number(name: str) -> int | None:
    m = _ROUND.search(unicodedata.normalize("NFKC", name))
    return chinese_number(m[1]) if m else None
