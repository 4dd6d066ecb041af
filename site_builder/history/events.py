"""What changed between two versions of a ledger, item by item."""

from __future__ import annotations

from dataclasses import dataclass
from enum import StrEnum
from typing import Any, TypeVar

from site_builder.model.labels import EVENT_KIND, FROZEN_FIELD
from site_builder.model.ledger import Ledger, Measure, Problem

T = TypeVar("T")


class Kind(StrEnum):
    CREATED = "created"
    DELETED = "deleted"
    STATUS_CHANGED = "status_changed"
    CLOSED = "closed"  # a problem closed (销号)
    COMPLETED = "completed"  # a measure done
    REOPENED = "reopened"  # closed or done, then not: a relapse (改后又犯)
    WITHDRAWN = "withdrawn"
    POSTPONED = "postponed"  # deadline moved later
    DEADLINE_CHANGED = "deadline_changed"  # set, removed or moved earlier
    OWNER_CHANGED = "owner_changed"
    EVIDENCE_ADDED = "evidence_added"
    EVIDENCE_REMOVED = "evidence_removed"
    CLOSURE_REWRITTEN = "closure_rewritten"  # a closed or withdrawn item edited without reopening
    ACCOUNTABILITY_ALTERED = "accountability_altered"  # an entry removed or edited (append-only)


KIND_LABELS = EVENT_KIND

# What a closed (销号) or withdrawn problem keeps: changing any of these needs a reopening.
# Long-term mechanisms (长效机制) are left out: their enforcement is recorded after closure.
_FROZEN_PROBLEM = ("title", "description", "category", "source", "common_code", "closed_on",
                   "withdrawn_reason")  # fmt: skip
_FROZEN_MEASURE = ("text", "deadline", "owner", "leader", "completed_on", "evidence",
                   "withdrawn_reason")  # fmt: skip
FIELD_LABELS = FROZEN_FIELD


@dataclass(frozen=True, slots=True)
class ItemChange:
    """One item-level difference; ``days`` is set for deadline moves."""

    item: str
    kind: Kind
    old: str | None = None
    new: str | None = None
    days: int | None = None


def _text(value: object) -> str | None:
    return None if value is None else str(value)


def _by_id(items: list[T]) -> dict[str, T]:
    return {item.id: item for item in items}  # type: ignore[attr-defined]


def diff_ledgers(key: str, old: Ledger | None, new: Ledger | None) -> list[ItemChange]:
    """Item-level changes from ``old`` to ``new`` (either may be absent)."""
    changes: list[ItemChange] = []
    before = _by_id(old.problems) if old else {}
    after = _by_id(new.problems) if new else {}
    for pid in [*before, *(p for p in after if p not in before)]:
        ref = f"{key}/{pid}"
        p_old, p_new = before.get(pid), after.get(pid)
        if p_old is None:
            assert p_new is not None  # every id is in one of the two
            changes.append(ItemChange(ref, Kind.CREATED, new=p_new.title))
            changes += _problem_status(ref, None, p_new)
        elif p_new is None:
            changes.append(ItemChange(ref, Kind.DELETED, old=p_old.title))
            # Its accountability entries went with it (append-only: reported as such).
            changes += _accountability(ref, p_old, p_old.model_copy(update={"accountability": []}))
            continue  # its measures went with it: one change, not one per measure
        elif p_old == p_new:
            continue  # the same problem, measures and all (its lines too): nothing changed
        else:
            changes += _problem_status(ref, p_old, p_new)
        m_before = _by_id(p_old.measures) if p_old else {}
        m_after = _by_id(p_new.measures) if p_new else {}
        for mid in [*m_before, *(m for m in m_after if m not in m_before)]:
            changes += _measure_changes(f"{ref}/{mid}", m_before.get(mid), m_after.get(mid))
    return changes


def _problem_status(ref: str, old: Problem | None, new: Problem) -> list[ItemChange]:
    was = old.status if old else "open"
    out = []
    if new.status != was:
        kind = {
            "closed": Kind.CLOSED,
            "withdrawn": Kind.WITHDRAWN,
        }.get(new.status, Kind.REOPENED if was == "closed" else Kind.STATUS_CHANGED)
        out.append(ItemChange(ref, kind, was, new.status))
    elif old and new.status in ("closed", "withdrawn"):
        changed = [f for f in _FROZEN_PROBLEM if getattr(old, f) != getattr(new, f)]
        if _measure_ids(old) != _measure_ids(new):
            changed.append("measures")
        if changed:
            out.append(_rewrite(ref, changed, old, new))
    if old is not None:
        out += _accountability(ref, old, new)
    return out


def _measure_ids(problem: Problem) -> list[str]:
    return [m.id for m in problem.measures]


def _dump(value: object) -> object:
    if isinstance(value, list):
        return [_dump(v) for v in value]
    return value.model_dump() if hasattr(value, "model_dump") else value


def _same(old: object, new: object) -> bool:
    """Whether two field values dump equal; equal values (records compared with their
    lines) always do, so the dump is only made when they differ."""
    return old == new or _dump(old) == _dump(new)


def _rewrite(ref: str, fields: list[str], old: Any, new: Any) -> ItemChange:
    """A closed or withdrawn item edited in place: which fields, and from what to what."""
    what = "、".join(FIELD_LABELS[f] for f in fields)
    first = next((f for f in fields if f != "measures"), None)
    before = _summary(getattr(old, first)) if first else "、".join(_measure_ids(old))
    after = _summary(getattr(new, first)) if first else "、".join(_measure_ids(new))
    return ItemChange(ref, Kind.CLOSURE_REWRITTEN, f"{what}：{before}", after)


def _summary(value: object) -> str:
    if isinstance(value, list):
        return "；".join(getattr(v, "title", str(v)) for v in value) or "（空）"
    return "（空）" if value is None else str(value)


def _accountability(ref: str, old: Problem, new: Problem) -> list[ItemChange]:
    """Accountability entries are append-only: every earlier entry must still be there as it
    was; corrections are new entries that supersede an earlier one."""
    if old.accountability == new.accountability:
        return []  # equal records (lines included) dump equal: none gone
    remaining = [_dump(a) for a in new.accountability]
    gone = []
    for entry in old.accountability:
        dumped = _dump(entry)
        if dumped in remaining:
            remaining.remove(dumped)
        else:
            gone.append(entry)
    return [
        ItemChange(ref, Kind.ACCOUNTABILITY_ALTERED, f"{a.person}（{a.measure}）", None)
        for a in gone
    ]


def _measure_changes(ref: str, old: Measure | None, new: Measure | None) -> list[ItemChange]:
    if new is None:
        return [ItemChange(ref, Kind.DELETED, old=old.text if old else None)]
    if old == new:
        return []  # the same record, lines included: nothing below can differ
    out = []
    if old is None:
        out.append(ItemChange(ref, Kind.CREATED, new=new.text))
    was = old.status if old else "not_started"
    if new.status != was:
        if new.status == "done":
            out.append(ItemChange(ref, Kind.COMPLETED, was, new.status))
        elif new.status == "withdrawn":
            out.append(ItemChange(ref, Kind.WITHDRAWN, was, new.status))
        elif was == "done":
            out.append(ItemChange(ref, Kind.REOPENED, was, new.status))
        elif old is not None:
            out.append(ItemChange(ref, Kind.STATUS_CHANGED, was, new.status))
    if old is None:
        return out
    if old.status in ("done", "withdrawn") and new.status == old.status:
        changed = [f for f in _FROZEN_MEASURE if not _same(getattr(old, f), getattr(new, f))]
        return out + ([_rewrite(ref, changed, old, new)] if changed else [])
    if old.deadline != new.deadline:
        if old.deadline and new.deadline and new.deadline > old.deadline:
            days = (new.deadline - old.deadline).days
            out.append(
                ItemChange(ref, Kind.POSTPONED, _text(old.deadline), _text(new.deadline), days)
            )
        else:
            out.append(
                ItemChange(ref, Kind.DEADLINE_CHANGED, _text(old.deadline), _text(new.deadline))
            )
    for field in ("owner", "leader"):
        if getattr(old, field) != getattr(new, field):
            out.append(
                ItemChange(ref, Kind.OWNER_CHANGED, getattr(old, field), getattr(new, field))
            )
    if old.evidence == new.evidence:
        return out
    old_ev = [e.title for e in old.evidence]
    new_ev = [e.title for e in new.evidence]
    out += [ItemChange(ref, Kind.EVIDENCE_ADDED, new=e) for e in new_ev if e not in old_ev]
    out += [ItemChange(ref, Kind.EVIDENCE_REMOVED, old=e) for e in old_ev if e not in new_ev]
    return out
