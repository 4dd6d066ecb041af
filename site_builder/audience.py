"""Who a build is for: the internal site shows everything; a public one leaves fields out.

A public build (``rectify build --audience public``) hides, before any analysis or
rendering, the fields that identify people held accountable, the details of problem
clues and petitions, and every field the settings list in ``sensitive_fields``. The
records keep their shape (an accountability entry stays, its person reads
"（不公开）"), so counts, warnings and downloads are computed as usual from data that
no longer holds the values. History events whose old or new value came from such a
field, or quotes one of its values, are hidden the same way; diagnostics (which
quote values) are left out of a public site.
"""

from __future__ import annotations

import dataclasses
from collections.abc import Iterable
from typing import Any

from pydantic import BaseModel

from site_builder.diagnostics import Diagnostic
from site_builder.history import Event, History, Kind
from site_builder.model import Project
from site_builder.model.fieldpaths import FieldPath, is_free_text, record_kinds, resolve

AUDIENCES = {"internal": "内部版", "public": "公开版"}
HIDDEN = "（不公开）"

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
    audience: str, project: Project, history: History, diagnostics: list[Diagnostic]
) -> tuple[Project, History, list[Diagnostic]]:
    """The project, history and diagnostics a site for ``audience`` may show."""
    if audience not in AUDIENCES:
        raise ValueError(f"unknown audience {audience!r}")
    if audience == "internal":
        return project, history, diagnostics
    paths = sensitive_paths(project)
    hidden_values: set[str] = set()
    changes: dict[str, list[Any]] = {}
    for path in paths:
        records = changes.get(path.records, getattr(project, path.records))
        changes[path.records] = [_hide(r, path.steps, hidden_values) for r in records]
    public = dataclasses.replace(project, **changes)
    events = [_hide_event(e, paths, hidden_values) for e in history.events]
    return public, dataclasses.replace(history, events=events), []


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


# --- History ----------------------------------------------------------------------------


def _event_steps(event: Event) -> Iterable[tuple[str, ...]]:
    base = ("problems", "measures") if event.item.count("/") >= 3 else ("problems",)
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
