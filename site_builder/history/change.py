"""`rectify check-change BASE..HEAD`: what a pull request does to the ledgers, and what it must not do."""

from __future__ import annotations

from collections import defaultdict
from dataclasses import dataclass, field
from pathlib import Path

from site_builder.diagnostics import Diagnostic, diag
from site_builder.history.cache import BlobCache
from site_builder.history.events import KIND_LABELS, Change, Kind, diff_ledgers
from site_builder.history.git import Repository
from site_builder.history.read import LEDGER_PATH
from site_builder.model.ledger import Ledger

_REWRITE_WHAT = {"problem": "销号日期", "measure": "完成日期或佐证材料"}


@dataclass
class ChangeReport:
    base: str
    head: str
    changes: list[Change] = field(default_factory=list)
    diagnostics: list[Diagnostic] = field(default_factory=list)
    markdown: str = ""

    def as_dict(self) -> dict:
        return {
            "base": self.base,
            "head": self.head,
            "changes": [
                {"item": c.item, "kind": str(c.kind), "old": c.old, "new": c.new, "days": c.days}
                for c in self.changes
            ],
            "diagnostics": [d.as_dict() for d in self.diagnostics],
        }


def _states(
    repo: Repository, cache: BlobCache, rev: str
) -> tuple[dict[str, Ledger], dict[str, str]]:
    """Ledgers at ``rev`` by key, and the path each came from."""
    ledgers, paths = {}, {}
    for path, blob in repo.tree_blobs(rev, "ledgers").items():
        if LEDGER_PATH.match(path):
            ledger, _ = cache.parse(blob, path, repo.blob)
            if ledger is not None:
                ledgers[ledger.key] = ledger
                paths[ledger.key] = path
    return ledgers, paths


def _record(ledger: Ledger | None, item: str):
    """The problem or measure record for ``item`` in ``ledger``, or the ledger itself."""
    if ledger is None:
        return None
    parts = item.split("/")
    problem = next((p for p in ledger.problems if p.id == parts[2]), None)
    if problem is None or len(parts) == 3:
        return problem or ledger
    return next((m for m in problem.measures if m.id == parts[3]), problem)


def check_change(root: Path, spec: str) -> ChangeReport:
    base_rev, _, head_rev = spec.partition("..")
    with Repository(root) as repo:
        head = repo.rev_parse(head_rev or "HEAD")
        base = repo.merge_base(repo.rev_parse(base_rev), head)
        cache = BlobCache(repo.git_dir / "rectify")
        old, _ = _states(repo, cache, base)
        new, new_paths = _states(repo, cache, head)
        cache.save()
    report = ChangeReport(base, head)
    for key in sorted(set(old) | set(new)):
        report.changes += diff_ledgers(key, old.get(key), new.get(key))
    for change in report.changes:
        key = "/".join(change.item.split("/")[:2])
        path = new_paths.get(key) or f"ledgers/{key}.yml"
        report.diagnostics += _rules(change, _record(new.get(key), change.item), path)
    report.markdown = summary_markdown(report)
    return report


def _rules(change: Change, record, path: str) -> list[Diagnostic]:
    line = record.src.line if record is not None else 0
    is_measure = change.item.count("/") == 3
    if change.kind is Kind.DELETED:
        what = "措施 " if is_measure else "问题 "
        return [diag("H001", path, line, 0, item=what + change.item, title=change.old or "")]
    if change.kind is Kind.CLOSURE_REWRITTEN:
        return [
            diag(
                "H002",
                path,
                line,
                0,
                item=change.item,
                what=_REWRITE_WHAT["measure" if is_measure else "problem"],
                old=change.old or "",
                new=change.new or "",
            )
        ]
    if change.kind in (Kind.CLOSED, Kind.COMPLETED) and record is not None:
        evidence = (
            record.evidence
            if is_measure
            else [e for m in getattr(record, "measures", []) for e in m.evidence]
        )
        if not evidence:
            return [diag("H003", path, line, 0, item=change.item)]
    return []


_SECTIONS = [
    (Kind.CREATED, "新增"),
    (Kind.CLOSED, "问题销号"),
    (Kind.COMPLETED, "措施完成"),
    (Kind.POSTPONED, "延期"),
    (Kind.DEADLINE_CHANGED, "调整时限"),
    (Kind.REOPENED, "重新打开（改后又犯？）"),
    (Kind.WITHDRAWN, "撤销"),
    (Kind.OWNER_CHANGED, "调整责任人"),
    (Kind.EVIDENCE_ADDED, "补充佐证"),
    (Kind.EVIDENCE_REMOVED, "删除佐证"),
    (Kind.STATUS_CHANGED, "其他状态变更"),
    (Kind.CLOSURE_REWRITTEN, "改写销号信息"),
    (Kind.DELETED, "删除"),
]


def summary_markdown(report: ChangeReport) -> str:
    lines = [f"## 台账变更摘要（{report.base[:10]}..{report.head[:10]}）", ""]
    if not report.changes:
        lines.append("本次修改没有改动任何台账事项。")
    grouped = defaultdict(list)
    for change in report.changes:
        grouped[change.kind].append(change)
    for kind, title in _SECTIONS:
        if not grouped[kind]:
            continue
        lines += [f"### {title}（{len(grouped[kind])}）", ""]
        for c in grouped[kind]:
            lines.append(f"- `{c.item}` {_describe(c)}")
        lines.append("")
    errors = [d for d in report.diagnostics if d.severity == "error"]
    if errors:
        lines += [f"### 不允许的修改（{len(errors)}）", ""]
        lines += [f"- `{d.code}` {d.file}:{d.line} {d.message}" for d in errors]
        lines.append("")
    return "\n".join(lines).rstrip() + "\n"


def _describe(c: Change) -> str:
    if c.kind is Kind.POSTPONED:
        return f"完成时限 {c.old} → {c.new}（推迟 {c.days} 天）"
    if c.kind in (Kind.CREATED, Kind.DELETED):
        return (c.new or c.old or "").replace("\n", " ")[:60]
    if c.old is not None or c.new is not None:
        return f"{KIND_LABELS[c.kind]}：{c.old or '（空）'} → {c.new or '（空）'}"
    return KIND_LABELS[c.kind]
