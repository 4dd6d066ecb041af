"""Tamper evidence: each site records the commit it was built from, and checks the last one.

The site carries ``build-info.json`` (commit, time, audience, whether the data had
uncommitted changes, and every acknowledged history rewrite so far) and a line on the
overview. Before a build, the previous site's record is read: if its commit is no
longer an ancestor of HEAD, the history the readers saw was rewritten, and the build
stops unless the operator acknowledges it (``--acknowledge-rewrite``). The
acknowledgement is kept in every later site's record.
"""

from __future__ import annotations

import getpass
import json
from dataclasses import dataclass, field
from datetime import UTC, datetime
from pathlib import Path
from typing import Any

from site_builder import __version__
from site_builder.history.lineage import lineage
from site_builder.purge import accepted_purge
from site_builder.site import SiteError

BUILD_INFO = "build-info.json"


class HistoryRewritten(SiteError):
    """The previous site's commit is not in HEAD's history and nobody acknowledged it."""


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


def previous_record(out: Path) -> dict[str, Any] | None:
    """The build-info of the site now in ``out/site``, if it has a readable one."""
    try:
        data = json.loads((out / "site" / BUILD_INFO).read_text(encoding="utf-8"))
    except (OSError, ValueError):
        return None
    return data if isinstance(data, dict) else None


def stamp_build(root: Path, out: Path, audience: str, acknowledge_rewrite: bool) -> BuildStamp:
    """This build's record; raises HistoryRewritten when the last site's history is gone."""
    now = datetime.now(UTC).astimezone().isoformat(timespec="seconds")
    before = previous_record(out) or {}
    recorded = before.get("commit") if isinstance(before.get("commit"), str) else None
    found = lineage(root, recorded)
    rewrites = [r for r in before.get("rewrites", []) if isinstance(r, dict)]
    if found.rewritten:
        # A recorded purge (rectify purge) accepts exactly its own rewrite, nothing else.
        purged = accepted_purge(root, recorded, lambda sha: lineage(root, sha).descends)
        if purged is None and not acknowledge_rewrite:
            raise HistoryRewritten(_refusal(recorded, before.get("built_at"), found))
        by = _operator() if purged is None else (
            f"清除记录 {purged.get('id')}（{purged.get('class')}，{purged.get('approved_by')} 批准）"
        )  # fmt: skip
        rewrites.append(
            {
                "previous": recorded,
                "previous_built_at": before.get("built_at"),
                "previous_exists": found.previous_exists,
                "head": found.head,
                "acknowledged_at": now,
                "acknowledged_by": by,
                **({"purge": purged.get("id")} if purged else {}),
            }
        )
    previous = {"commit": recorded, "built_at": before.get("built_at")} if recorded else None
    return BuildStamp(found.head, now, audience, found.dirty, previous, rewrites)


def write_build_info(docs_dir: Path, stamp: BuildStamp) -> None:
    """Put the record in the docs tree, so the engine copies it into the site."""
    data = json.dumps(stamp.as_dict(), ensure_ascii=False, indent=2)
    (docs_dir / BUILD_INFO).write_text(data + "\n", encoding="utf-8")


def _refusal(recorded: str, built_at: Any, found: Any) -> str:
    gone = "" if found.previous_exists else "（仓库中已找不到这个提交）"
    return (
        f"上次生成的站点来自提交 {recorded[:10]}{gone}（生成于 {built_at or '未知时间'}），"
        f"但它已不在当前 HEAD {found.head[:10]} 的历史中：仓库历史可能被改写过"
        "（强制推送、变基或重置），已销号事项的修改记录和审批可能随之改变。"
        "已停止生成，原站点保持不变。请先查明原因；确认无误后加 --acknowledge-rewrite 重新生成，"
        "这次确认会记录在站点中（概览页和 build-info.json）。"
    )


def _operator() -> str:
    try:
        return getpass.getuser()
    except (OSError, KeyError):
        return "未知"
