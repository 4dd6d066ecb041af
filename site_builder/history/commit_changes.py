"""What one main-line commit changed in the ledgers, item by item.

The ledgers as they stand after each commit (``LedgerStates``) move on commit by
commit; a commit's changed ledger files are parsed (through the blob cache) and
compared with them (``events.diff_ledgers``). A merge's own changes, and closures
dated after the commit that records them (H009), are found here too.
"""

from __future__ import annotations

import re
from collections.abc import Callable
from datetime import date

from site_builder.diagnostics import Diagnostic, diag
from site_builder.history.cache import BlobCache, LedgerStates
from site_builder.history.events import ItemChange, Kind, diff_ledgers
from site_builder.history.git import Commit, commit_day
from site_builder.model.ledger import Ledger

LEDGER_PATH = re.compile(r"^ledgers/[^/]+/[^/]+\.ya?ml$")


def wanted_blobs(
    commits: list[Commit], cache: BlobCache, paths: dict[str, tuple[str, str | None]]
) -> list[tuple[str, str]]:
    """(blob, path) of what ``commit_changes`` will parse, in the order it parses them."""
    wanted, seen, latest = [], set(), {p: blob for p, (blob, _) in paths.items()}
    for commit in commits:
        for change in commit.changes:
            if not LEDGER_PATH.match(change.path):
                continue
            for blob in (change.old_blob, change.new_blob):
                if not blob or (blob == change.old_blob and latest.get(change.path) == blob):
                    continue
                key = f"{blob}:{change.path}"
                if key not in cache.entries and key not in seen:
                    seen.add(key)
                    wanted.append((blob, change.path))
            if change.new_blob:
                latest[change.path] = change.new_blob
            else:
                latest.pop(change.path, None)
    return wanted


def recorded_day(commit: Commit, graph: dict) -> date | None:
    """The earliest day of the commit that landed a change and the branch tip that wrote it:
    a closure dated after it was recorded in the future."""
    stamps = [commit.author_date]
    if commit.is_merge and (tip := graph.get(commit.parents[1])) is not None:
        stamps.append(tip.author_date)
    days = [day for stamp in stamps if (day := commit_day(stamp)) is not None]
    return min(days) if days else None


def commit_changes(
    commit: Commit,
    read: Callable[[str], bytes],
    cache: BlobCache,
    state: LedgerStates,
    paths: dict[str, tuple[str, str | None]],
    diagnostics: list[Diagnostic],
    own_paths: dict[str, tuple] | None = None,
    recorded_on: date | None = None,
) -> list[tuple[str, list[ItemChange], set[str]]]:
    """(unit, item changes, items the merge changed itself) of each ledger ``commit``
    changed; ``state`` moves on past it.

    ``own_paths`` (merges only) are the paths whose merged version differs from every
    parent: an item there that differs from the side branch's version was written in
    the merge itself.
    """
    own_paths = own_paths or {}
    side: dict[str, Ledger | None] = {}
    before: dict[str, Ledger | None] = {}
    after: dict[str, Ledger | None] = {}
    key_at: dict[str, str] = {}  # path -> ledger key of its old version
    path_of: dict[str, str] = {}  # ledger key -> the path of its new version
    for change in commit.changes:
        if not LEDGER_PATH.match(change.path):
            continue
        if change.old_blob:
            seen = paths.get(change.path)
            if (
                seen is not None
                and seen[0] == change.old_blob
                and (seen[1] is None or state.get(seen[1]) is not None)
            ):
                # The version an earlier commit brought in: its key is known and its
                # ledger is the state, as parsing it again would give.
                if seen[1] is not None:
                    key_at[change.path] = seen[1]
                    before.setdefault(seen[1], state.get(seen[1]))
            else:
                old, _ = cache.parse(change.old_blob, change.path, read)
                if old is not None:
                    key_at[change.path] = old.key
                    before.setdefault(old.key, state.get(old.key, old))
        if change.new_blob:
            new, found = cache.parse(change.new_blob, change.path, read)
            paths[change.path] = (change.new_blob, new.key if new is not None else None)
            if new is None:
                first = next((d for d in found if d.severity == "error"), None)
                diagnostics.append(
                    diag(
                        "H004",
                        change.path,
                        first.line if first else 0,
                        0,
                        commit=commit.sha[:10],
                        detail=f"{first.code} {first.message}" if first else "无法解析",
                    )
                )
                # Skip this version: the item states stay as they were before it.
                before.pop(key_at.get(change.path, ""), None)
                continue
            after[new.key] = new
            path_of[new.key] = change.path
            if change.path in own_paths:
                side[new.key] = _side_version(own_paths[change.path], change.path, read, cache)
        else:
            paths.pop(change.path, None)
    changed = []
    for key in [*before, *(k for k in after if k not in before)]:
        old, new = before.get(key), after.get(key)
        if key not in after:
            # A file removed in this commit: gone unless another path now holds it.
            new = None
        changes = diff_ledgers(key, old if old is not None else state.get(key), new)
        if new is not None:
            state[key] = new
        else:
            state.pop(key, None)
        if changes:
            mine = {
                c.item for c in changes if key in side and not _same_item(c.item, new, side[key])
            }
            changed.append((key.split("/")[1], changes, mine))
            if new is not None:
                diagnostics += _future_closures(changes, new, recorded_on, path_of.get(key, ""))
    return changed


def _side_version(parents: tuple, path: str, read, cache: BlobCache) -> Ledger | None:
    """The ledger at ``path`` as the merge's side branch had it."""
    blob = parents[1] if len(parents) == 2 else None  # octopus merges: every change is own
    if not blob:
        return None
    ledger, _ = cache.parse(blob, path, read)
    return ledger


def _item(ledger: Ledger | None, ref: str) -> object | None:
    if ledger is None:
        return None
    parts = ref.split("/")
    problem = next((p for p in ledger.problems if p.id == parts[2]), None)
    if problem is None:
        return None
    if len(parts) == 3:
        return problem.model_dump(exclude={"measures"})
    measure = next((m for m in problem.measures if m.id == parts[3]), None)
    return measure.model_dump() if measure is not None else None


def _same_item(ref: str, merged: Ledger | None, side: Ledger | None) -> bool:
    """Whether the merge's version of an item is the side branch's (it brought it in)."""
    return side is not None and _item(merged, ref) == _item(side, ref)


def _future_closures(
    changes: list[ItemChange], ledger: Ledger, recorded_on: date | None, path: str
) -> list[Diagnostic]:
    """Closures dated after the commit that records them (H009)."""
    if recorded_on is None:
        return []
    found = []
    for change in changes:
        if change.kind not in (Kind.CLOSED, Kind.COMPLETED, Kind.CLOSURE_REWRITTEN):
            continue
        record = _record_of(ledger, change.item)
        day = getattr(record, "closed_on", None) or getattr(record, "completed_on", None)
        if day is not None and day > recorded_on:
            line = record.src.line if record is not None else 0
            found.append(
                diag("H009", path, line, 0, item=change.item, day=day, recorded=recorded_on)
            )
    return found


def _record_of(ledger: Ledger, ref: str):
    parts = ref.split("/")
    problem = next((p for p in ledger.problems if p.id == parts[2]), None)
    if problem is None or len(parts) == 3:
        return problem
    return next((m for m in problem.measures if m.id == parts[3]), None)
