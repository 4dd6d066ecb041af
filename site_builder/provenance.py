"""Tamper evidence: each site records the commit it was built from, and checks the last one.

The site carries ``build-info.json`` (commit, time, audience, whether the data had
uncommitted changes, and every acknowledged history rewrite so far) and a line on the
overview. Before a build, the previous records are read back (``anchor.py``): the site
in the output folder and, with ``--last-published``, the published site's own record,
which a CI runner's fresh clone has no other way to know. If a recorded commit is no
longer an ancestor of HEAD (or is gone from the clone), the history the readers saw was
rewritten, and the build stops unless someone acknowledges it, by name and with a
reason. The acknowledgement is kept in every later site's record.

``check_provenance`` returns a value; a refusal is data (diagnostics H030/H031), which
the pipeline passes up and the CLI turns into a message and exit code 1.
"""

from __future__ import annotations

import json
from dataclasses import dataclass, field
from datetime import UTC, datetime
from pathlib import Path
from typing import Any

from site_builder import __version__
from site_builder.anchor import Anchor, AnchorUnreadable, local_anchor, published_anchor
from site_builder.diagnostics import Diagnostic
from site_builder.diagnostics.core import diag
from site_builder.history.git import Repository
from site_builder.history.lineage import Lineage, lineage
from site_builder.purge import accepted_purge

BUILD_INFO = "build-info.json"


@dataclass(frozen=True)
class Acknowledgement:
    """Who acknowledged a rewrite of the history, and why (both required)."""

    by: str
    reason: str


@dataclass
class BuildStamp:
    commit: str | None
    built_at: str
    audience: str
    dirty: bool = False
    previous: dict[str, Any] | None = None
    rewrites: list[dict[str, Any]] = field(default_factory=list)

    def as_dict(self) -> dict[str, Any]:
        return {
            "commit": self.commit,
            "built_at": self.built_at,
            "audience": self.audience,
            "dirty": self.dirty,
            "tool_version": __version__,
            "previous": self.previous,
            "rewrites": self.rewrites,
        }


@dataclass(frozen=True)
class Provenance:
    """This build's record, or None when it must stop; with the notes and refusals."""

    stamp: BuildStamp | None
    diagnostics: list[Diagnostic]

    @property
    def refused(self) -> bool:
        return self.stamp is None


def check_provenance(
    root: Path,
    out: Path,
    audience: str,
    acknowledgement: Acknowledgement | None = None,
    last_published: str | None = None,
    repo: Repository | None = None,
) -> Provenance:
    """Read the previous records back and decide whether this build may go on; ``repo``,
    if given, is the repository at ``root`` already open."""
    now = datetime.now(UTC).astimezone().isoformat(timespec="seconds")
    notes: list[Diagnostic] = []
    refusals: list[Diagnostic] = []
    acknowledged: list[dict[str, Any]] = []
    anchors: list[Anchor] = []
    try:
        anchors.append(local_anchor(out))
    except AnchorUnreadable as exc:  # the builder's own folder: as before, not a stop
        notes.append(diag("H033", file=str(out / "site" / BUILD_INFO), detail=str(exc)))
    if last_published:
        try:
            published = published_anchor(last_published)
        except AnchorUnreadable as exc:
            refusals.append(diag("H031", file=last_published, detail=str(exc)))
            acknowledged.append({"anchor": last_published, "problem": str(exc)})
        else:
            anchors.insert(0, published)
            if not published.found:
                notes.append(diag("H032", file=last_published))
    head = lineage(root, None, repo)
    purges: list[dict[str, Any]] = []
    checked: set[str] = set()
    for anchor in anchors:
        if not anchor.found or anchor.commit is None or anchor.commit in checked:
            continue
        checked.add(anchor.commit)
        found = lineage(root, anchor.commit, repo)
        if found.rewritten:
            # A recorded purge (rectify purge) accepts exactly its own rewrite, nothing else.
            purged = accepted_purge(
                root, anchor.commit, lambda sha: lineage(root, sha, repo).descends
            )
            if purged is not None:
                purges.append(_purged(anchor, purged, head.head, now))
                continue
            # HEAD behind the recorded commit: an older checkout, or main reset back.
            refusals.append(_behind(anchor, found) if found.behind else _refusal(anchor, found))
            acknowledged.append(
                {
                    "previous": anchor.commit,
                    "previous_built_at": anchor.built_at,
                    "previous_exists": found.previous_exists,
                    "anchor": anchor.source,
                }
            )
    if refusals and acknowledgement is None:
        return Provenance(None, notes + refusals)
    rewrites = _carried(anchors) + [p for p in purges if p not in _carried(anchors)]
    for entry in acknowledged:
        assert acknowledgement is not None  # refusals without one returned above
        rewrites.append(
            {
                "previous": entry.get("previous"),
                "head": head.head,
                "previous_exists": entry.get("previous_exists", False),
                "previous_built_at": entry.get("previous_built_at"),
                "acknowledged_at": now,
                "acknowledged_by": acknowledgement.by,
                "reason": acknowledgement.reason,
                "anchor": entry["anchor"],
                "problem": entry.get("problem"),
            }
        )
    base = next((a for a in anchors if a.found and a.commit), None)
    previous = (
        {"commit": base.commit, "built_at": base.built_at, "published": base.published}
        if base
        else None
    )
    stamp = BuildStamp(head.head, now, audience, head.dirty, previous, rewrites)
    return Provenance(stamp, notes)


def write_build_info(docs_dir: Path, stamp: BuildStamp) -> None:
    """Put the record in the docs tree, so the engine copies it into the site."""
    data = json.dumps(stamp.as_dict(), ensure_ascii=False, indent=2)
    (docs_dir / BUILD_INFO).write_text(data + "\n", encoding="utf-8")


def _purged(anchor: Anchor, record: dict[str, Any], head: str | None, now: str) -> dict[str, Any]:
    """The site's note of a rewrite that a purge record accounts for."""
    by = f"清除记录 {record.get('id')}（{record.get('class')}，{record.get('approved_by')} 批准）"
    return {
        "previous": anchor.commit,
        "head": head,
        "previous_exists": False,
        "previous_built_at": anchor.built_at,
        "acknowledged_at": now,
        "acknowledged_by": by,
        "reason": f"按清除记录 {record.get('id')} 从历史中清除不应提交的内容",
        "anchor": anchor.source,
        "problem": None,
        "purge": record.get("id"),
    }


def _carried(anchors: list[Anchor]) -> list[dict[str, Any]]:
    """Every acknowledgement on record in the previous sites, once each, oldest first."""
    kept: list[dict[str, Any]] = []
    for anchor in anchors:
        for entry in anchor.rewrites:
            if entry not in kept:
                kept.append(dict(entry))
    return kept


def _refusal(anchor: Anchor, found: Lineage) -> Diagnostic:
    gone = ""
    if not found.previous_exists:
        cut = "；当前是浅克隆，请用完整克隆重试" if found.shallow else ""
        gone = f"（仓库中已找不到这个提交{cut}）"
    return diag(
        "H030",
        file=anchor.source,
        label=anchor.label,
        commit=(anchor.commit or "")[:10],
        gone=gone,
        built_at=anchor.built_at or "未知时间",
        head=(found.head or "")[:10],
    )


def _behind(anchor: Anchor, found: Lineage) -> Diagnostic:
    return diag(
        "H036",
        file=anchor.source,
        label=anchor.label,
        commit=(anchor.commit or "")[:10],
        built_at=anchor.built_at or "未知时间",
        head=(found.head or "")[:10],
    )
