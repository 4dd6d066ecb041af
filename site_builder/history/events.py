"""What changed between two versions of a ledger, item by item."""

from __future__ import annotations

from dataclasses import dataclass
from enum import StrEnum

from site_builder.model.ledger import Ledger, Measure, Problem


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
    CLOSURE_REWRITTEN = "closure_rewritten"  # closure date or evidence changed while closed


KIND_LABELS = {
    Kind.CREATED: "新增",
    Kind.DELETED: "删除",
    Kind.STATUS_CHANGED: "状态变更",
    Kind.CLOSED: "销号",
    Kind.COMPLETED: "完成",
    Kind.REOPENED: "重新打开",
    Kind.WITHDRAWN: "撤销",
    Kind.POSTPONED: "延期",
    Kind.DEADLINE_CHANGED: "调整时限",
    Kind.OWNER_CHANGED: "调整责任人",
    Kind.EVIDENCE_ADDED: "补充佐证",
    Kind.EVIDENCE_REMOVED: "删除佐证",
    Kind.CLOSURE_REWRITTEN: "改写销号信息",
}


@dataclass(frozen=True, slots=True)
class Change:
    """One item-level difference; ``days`` is set for deadline moves."""

    item: str
    kind: Kind
    old: str | None = None
    new: str | None = None
    days: int | None = None


def _text(value: object) -> str | None:
    return None if value is None else str(value)


def _by_id(items: list) -> dict[str, object]:
    return {item.id: item for item in items}


def diff_ledgers(key: str, old: Ledger | None, new: Ledger | None) -> list[Change]:
    """Item-level changes from ``old`` to ``new`` (either may be absent)."""
    changes: list[Change] = []
    before = _by_id(old.problems) if old else {}
    after = _by_id(new.problems) if new else {}
    for pid in [*before, *(p for p in after if p not in before)]:
        ref = f"{key}/{pid}"
        p_old, p_new = before.get(pid), after.get(pid)
        if p_old is None:
            changes.append(Change(ref, Kind.CREATED, new=p_new.title))
            changes += _problem_status(ref, None, p_new)
        elif p_new is None:
            changes.append(Change(ref, Kind.DELETED, old=p_old.title))
            continue  # its measures went with it: one change, not one per measure
        else:
            changes += _problem_status(ref, p_old, p_new)
        m_before = _by_id(p_old.measures) if p_old else {}
        m_after = _by_id(p_new.measures) if p_new else {}
        for mid in [*m_before, *(m for m in m_after if m not in m_before)]:
            changes += _measure_changes(f"{ref}/{mid}", m_before.get(mid), m_after.get(mid))
    return changes


def _problem_status(ref: str, old: Problem | None, new: Problem) -> list[Change]:
    was = old.status if old else "open"
    out = []
    if new.status != was:
        kind = {
            "closed": Kind.CLOSED,
            "withdrawn": Kind.WITHDRAWN,
        }.get(new.status, Kind.REOPENED if was == "closed" else Kind.STATUS_CHANGED)
        out.append(Change(ref, kind, was, new.status))
    elif old and new.status == "closed" and old.closed_on != new.closed_on:
        out.append(Change(ref, Kind.CLOSURE_REWRITTEN, _text(old.closed_on), _text(new.closed_on)))
    return out


def _measure_changes(ref: str, old: Measure | None, new: Measure | None) -> list[Change]:
    if new is None:
        return [Change(ref, Kind.DELETED, old=old.text if old else None)]
    out = []
    if old is None:
        out.append(Change(ref, Kind.CREATED, new=new.text))
    was = old.status if old else "not_started"
    if new.status != was:
        if new.status == "done":
            out.append(Change(ref, Kind.COMPLETED, was, new.status))
        elif new.status == "withdrawn":
            out.append(Change(ref, Kind.WITHDRAWN, was, new.status))
        elif was == "done":
            out.append(Change(ref, Kind.REOPENED, was, new.status))
        elif old is not None:
            out.append(Change(ref, Kind.STATUS_CHANGED, was, new.status))
    if old is None:
        return out
    if old.deadline != new.deadline:
        if old.deadline and new.deadline and new.deadline > old.deadline:
            days = (new.deadline - old.deadline).days
            out.append(Change(ref, Kind.POSTPONED, _text(old.deadline), _text(new.deadline), days))
        else:
            out.append(Change(ref, Kind.DEADLINE_CHANGED, _text(old.deadline), _text(new.deadline)))
    for field in ("owner", "leader"):
        if getattr(old, field) != getattr(new, field):
            out.append(Change(ref, Kind.OWNER_CHANGED, getattr(old, field), getattr(new, field)))
    old_ev = [e.title for e in old.evidence]
    new_ev = [e.title for e in new.evidence]
    added = [e for e in new_ev if e not in old_ev]
    removed = [e for e in old_ev if e not in new_ev]
    if (
        old.status == "done"
        and new.status == "done"
        and (added or removed or old.completed_on != new.completed_on)
    ):
        detail = "；".join(removed) if removed else _text(old.completed_on)
        out.append(
            Change(ref, Kind.CLOSURE_REWRITTEN, detail, "；".join(added) or _text(new.completed_on))
        )
    else:
        out += [Change(ref, Kind.EVIDENCE_ADDED, new=e) for e in added]
        out += [Change(ref, Kind.EVIDENCE_REMOVED, old=e) for e in removed]
    return out
