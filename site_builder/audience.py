"""Who a build is for: the internal site shows everything; the others leave things out.

``--audience`` is parsed once, at the CLI, into an ``Audience`` (a kind and a set of
unit ids). A unit audience (``unit:wcjd,jyj``, for a unit's 整改联络员) sees its own
ledgers of every round, the common-problem catalogue and the typical cases, and
nothing of other units: their ledgers, evaluations, self-checks and history are left
out before analysis, so no page, download or index can hold them.

A public build (``rectify build --audience public``) hides, before any analysis or
rendering, the fields that identify people held accountable, the details of problem
clues and petitions, and every field the settings list in ``sensitive_fields``; problem
clues themselves (rounds/clues/) are left out of public and unit sites altogether, so
neither shows a clue or a count of them. The
records keep their shape (an accountability entry stays, its person reads
"（不公开）"), so counts, warnings and downloads are computed as usual from data that
no longer holds the values. History events whose old or new value came from such a
field, or quotes one of its values, are hidden the same way; diagnostics (which
quote values) are left out of a public site. The public build also masks the names
of people held accountable wherever they occur (``masking.py``: 刘海涛 → 刘某某) and
hides who edited and approved each change, keeping whether a closure was confirmed.
"""

from __future__ import annotations

import dataclasses
import re
from collections.abc import Iterable
from dataclasses import dataclass
from enum import StrEnum
from typing import Any

from pydantic import BaseModel

from site_builder.diagnostics import Diagnostic
from site_builder.history import Event, History, Kind
from site_builder.history.signoff import SignOff
from site_builder.masking import NameMasker, accountable_names, known_names, masker_for
from site_builder.model import Project
from site_builder.model.fieldpaths import FieldPath, is_free_text, record_kinds, resolve
from site_builder.model.refs import ItemRef

HIDDEN = "（不公开）"


class AudienceKind(StrEnum):
    INTERNAL = "internal"
    UNIT = "unit"
    PUBLIC = "public"


@dataclass(frozen=True)
class Audience:
    """Who a site is for; ``units`` only for the unit kind (never empty there)."""

    kind: AudienceKind
    units: frozenset[str] = frozenset()

    def __str__(self) -> str:
        if self.kind is AudienceKind.UNIT:
            return "unit:" + ",".join(sorted(self.units))
        return str(self.kind)

    @property
    def label(self) -> str:
        if self.kind is AudienceKind.UNIT:
            return "单位版（" + "、".join(sorted(self.units)) + "）"
        return {AudienceKind.INTERNAL: "内部版", AudienceKind.PUBLIC: "公开版"}[self.kind]


INTERNAL = Audience(AudienceKind.INTERNAL)
PUBLIC = Audience(AudienceKind.PUBLIC)
_UNIT_ID = re.compile(r"^[a-z0-9][a-z0-9_-]*$")


def parse_audience(text: str) -> Audience:
    """``internal``, ``public`` or ``unit:<id>[,<id>…]``; ValueError with a Chinese reason."""
    value = text.strip()
    if value in ("internal", "public"):
        return Audience(AudienceKind(value))
    if value.startswith("unit:"):
        ids = [part.strip() for part in value[len("unit:") :].split(",")]
        if ids and all(_UNIT_ID.match(i) for i in ids):
            return Audience(AudienceKind.UNIT, frozenset(ids))
        raise ValueError(f"“{text}”中的单位编号无效：写成 unit:单位编号，多个单位用逗号分隔")
    raise ValueError(f"“{text}”不是有效的范围：可选 internal、public 或 unit:单位编号[,单位编号…]")


def unknown_units(audience: Audience, project: Project) -> list[str]:
    return sorted(u for u in audience.units if u not in project.unit_by_id)


# Left out of every public build, whatever the settings say (when the field exists).
ALWAYS_HIDDEN = (
    "problems.accountability.person",  # 被问责人
    "problems.accountability.post",  # 被问责人的职务
    "evaluations.clues.note",  # 问题线索和信访事项的办理情况
    "evaluations.clues.none_due_reason",  # 为何无人被问责
    "clues.summary",  # 问题线索的内容
    "clues.outcome",  # 问题线索的办理结果
    "clues.persons",  # 问题线索涉及的被问责人
)

# Which ledger field an event's old and new values come from.
_EVENT_FIELDS: dict[Kind, tuple[str, ...]] = {
    Kind.CREATED: ("title", "text"),
    Kind.DELETED: ("title", "text"),
    Kind.OWNER_CHANGED: ("owner", "leader"),
    Kind.EVIDENCE_ADDED: ("evidence.title",),
    Kind.EVIDENCE_REMOVED: ("evidence.title",),
    Kind.CLOSURE_REWRITTEN: ("evidence.title", "completed_on", "closed_on"),
    Kind.POSTPONED: ("deadline",),
    Kind.DEADLINE_CHANGED: ("deadline",),
    Kind.ACCOUNTABILITY_ALTERED: ("accountability.person",),
}


def sensitive_paths(project: Project) -> list[FieldPath]:
    """The built-in paths that exist in this model, then the settings' valid ones."""
    kinds = record_kinds()
    paths: dict[str, FieldPath] = {}
    for text in (*ALWAYS_HIDDEN, *project.settings.sensitive_fields):
        found = resolve(text)
        if isinstance(found, FieldPath) and found.records in kinds:
            paths.setdefault(f"{found.records}.{'.'.join(found.steps)}", found)
    return list(paths.values())


def for_audience(
    audience: Audience, project: Project, history: History, diagnostics: list[Diagnostic]
) -> tuple[Project, History, list[Diagnostic]]:
    """The project, history and diagnostics a site for ``audience`` may show."""
    if audience.kind is AudienceKind.INTERNAL:
        return project, history, diagnostics
    if audience.kind is AudienceKind.UNIT:
        return _for_units(audience.units, project, history, diagnostics)
    masker = masker_for(project, history)
    paths = sensitive_paths(project)
    hidden_values: set[str] = set()
    # Field name -> the records that replace it; replace() takes each under its own name.
    changes: dict[str, Any] = {}
    for path in paths:
        records = changes.get(path.records, getattr(project, path.records))
        changes[path.records] = [_hide(r, path.steps, hidden_values) for r in records]
    # Clues are the office's: after their text is hidden (so sensitive_values still
    # knows it), a public site keeps none of them, not even their count.
    changes["clues"] = []
    public = masker.mask_project(dataclasses.replace(project, **changes))
    events = [_public_event(_hide_event(e, paths, hidden_values), masker) for e in history.events]
    return public, dataclasses.replace(history, events=events), []


def public_text(
    audience: Audience, project: Project, history: History | None = None
) -> NameMasker | None:
    """The masker for text that is not a record (the guides), or None if none is needed.

    ``history`` is the history as read (not an audience's copy, whose events no longer
    name anyone): names from earlier versions of the ledgers are masked too."""
    if audience.kind is not AudienceKind.PUBLIC:
        return None
    return masker_for(project, history)


def _for_units(
    units: frozenset[str], project: Project, history: History, diagnostics: list[Diagnostic]
) -> tuple[Project, History, list[Diagnostic]]:
    """Only ``units``' own records; the catalogue and the cases stay, with other units'
    people held accountable masked in them."""
    own = [led for led in project.ledgers if led.unit in units]
    others = dataclasses.replace(project, ledgers=[x for x in project.ledgers if x not in own])
    keys = {led.key for led in own}
    theirs = dataclasses.replace(
        history, events=[e for e in history.events if e.ledger not in keys]
    )
    mine = dataclasses.replace(history, events=[e for e in history.events if e.ledger in keys])
    names = accountable_names(others, theirs) - accountable_names(
        dataclasses.replace(project, ledgers=own), mine
    )
    masker = NameMasker(frozenset(names), frozenset(known_names(project) - names))
    rounds = []
    for round_ in project.rounds:
        teams = [
            t.model_copy(update={"units": [e for e in t.units if e.unit in units]})
            for t in round_.teams
        ]
        rounds.append(round_.model_copy(update={"teams": [t for t in teams if t.units]}))
    shown = dataclasses.replace(
        project,
        units=[u for u in project.units if u.id in units],
        rounds=rounds,
        ledgers=own,
        self_checks=[s for s in project.self_checks if s.unit in units],
        evaluations=[e for e in project.evaluations if e.unit in units],
        clues=[],  # handed to the discipline commission: not for the unit's own site
        cases=masker.mask_value(project.cases),
        bulletins=masker.mask_value(project.bulletins),
    )
    events = [e for e in history.events if e.ledger in keys]
    files = {led.src.file for led in own}
    kept = [d for d in diagnostics if d.file in files]
    return shown, dataclasses.replace(history, events=events), kept


def sensitive_values(project: Project) -> set[str]:
    """Every value the public build hides, for tests and reports."""
    found: set[str] = set()
    for path in sensitive_paths(project):
        for record in getattr(project, path.records):
            _hide(record, path.steps, found)
    return found


# --- Records ----------------------------------------------------------------------------


def _hide(value: Any, steps: tuple[str, ...], hidden: set[str]) -> Any:
    """``value`` with the field at ``steps`` hidden; its old text is added to ``hidden``."""
    if isinstance(value, list):
        return [_hide(item, steps, hidden) for item in value]
    if not isinstance(value, BaseModel) or not steps:
        return value
    name, rest = steps[0], steps[1:]
    current = getattr(value, name)
    if rest:
        new = _hide(current, rest, hidden)
    else:
        _collect(current, hidden)
        new = _blank(current, type(value).model_fields[name])
    return value.model_copy(update={name: new})


def _blank(value: Any, info: Any) -> Any:
    """Free text becomes HIDDEN; records and lists keep their shape with their text hidden."""
    if value is None:
        return None
    if isinstance(value, list):
        return [_blank(item, info) for item in value]
    if isinstance(value, BaseModel):
        update = {
            name: _blank(getattr(value, name), field)
            for name, field in type(value).model_fields.items()
            if name != "src" and (is_free_text(field) or _holds_records(getattr(value, name)))
        }
        return value.model_copy(update=update)
    if isinstance(value, str):
        return HIDDEN if value.strip() else value
    return None  # an optional date or code: left empty (fieldpaths refuses required ones)


def _holds_records(value: Any) -> bool:
    return isinstance(value, BaseModel) or (
        isinstance(value, list) and any(isinstance(v, BaseModel | str) for v in value)
    )


def _collect(value: Any, found: set[str]) -> None:
    if isinstance(value, str):
        if len(value.strip()) >= 2:
            found.add(value.strip())
    elif isinstance(value, list):
        for item in value:
            _collect(item, found)
    elif isinstance(value, BaseModel):
        for name in type(value).model_fields:
            if name != "src":
                _collect(getattr(value, name), found)


def _public_event(event: Event, masker: NameMasker) -> Event:
    """Who wrote and who approved are left out; whether it was confirmed stays."""
    signoff = SignOff(event.signoff.state, event.signoff.commit, via=event.signoff.via)
    return dataclasses.replace(
        event,
        author=HIDDEN,
        author_email="",
        subject="",
        old=masker.mask(event.old) if event.old else event.old,
        new=masker.mask(event.new) if event.new else event.new,
        signoff=signoff,
    )


# --- History ----------------------------------------------------------------------------


def _event_steps(event: Event) -> Iterable[tuple[str, ...]]:
    base = ("problems", "measures") if ItemRef.parse(event.item).is_measure else ("problems",)
    for name in _EVENT_FIELDS.get(event.kind, ("status",)):
        yield (*base, *name.split("."))


def _hide_event(event: Event, paths: list[FieldPath], hidden: set[str]) -> Event:
    from_field = any(p.covers("ledgers", steps) for p in paths for steps in _event_steps(event))

    def shown(value: str | None) -> str | None:
        if value is None:
            return None
        if from_field or any(v in value for v in hidden):
            return HIDDEN
        return value

    subject = HIDDEN if any(v in event.subject for v in hidden) else event.subject
    return dataclasses.replace(event, old=shown(event.old), new=shown(event.new), subject=subject)
