"""`rectify check-change BASE..HEAD`: what a pull request does to the ledgers, and what it must not do."""

from __future__ import annotations

from collections import defaultdict
from dataclasses import dataclass, field
from datetime import date
from pathlib import Path

from site_builder.diagnostics import Diagnostic, diag
from site_builder.history.cache import BlobCache
from site_builder.history.commit_changes import LEDGER_PATH
from site_builder.history.events import KIND_LABELS, ItemChange, Kind, diff_ledgers
from site_builder.history.git import Commit, Repository
from site_builder.history.governance import (
    GOVERNANCE_FOLDERS,
    SIGNERS_PATH,
    is_governance,
    parse_signers,
)
from site_builder.history.signoff import (
    State,
    approves,
    brought_in,
    decide_governance,
    identities,
)
from site_builder.history.verify import keyring, verify
from site_builder.model.district import Signers
from site_builder.model.labels import DEPARTMENT
from site_builder.model.ledger import Ledger


@dataclass
class ChangeReport:
    base: str
    head: str
    changes: list[ItemChange] = field(default_factory=list)
    diagnostics: list[Diagnostic] = field(default_factory=list)
    markdown: str = ""
    governance: list[str] = field(default_factory=list)  # governance files the range changes
    approvers: list[str] = field(default_factory=list)  # who may approve them

    def as_dict(self) -> dict:
        return {
            "base": self.base,
            "head": self.head,
            "changes": [
                {"item": c.item, "kind": str(c.kind), "old": c.old, "new": c.new, "days": c.days}
                for c in self.changes
            ],
            "diagnostics": [d.as_dict() for d in self.diagnostics],
            "governance": {"paths": self.governance, "approvers": self.approvers},
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
        recorded = _day(repo.run(["log", "-1", "--format=%aI", head]))
        report = ChangeReport(base, head)
        _governance(repo, report)
    for key in sorted(set(old) | set(new)):
        report.changes += diff_ledgers(key, old.get(key), new.get(key))
    for change in report.changes:
        key = "/".join(change.item.split("/")[:2])
        path = new_paths.get(key) or f"ledgers/{key}.yml"
        report.diagnostics += _rules(change, _record(new.get(key), change.item), path, recorded)
    report.markdown = summary_markdown(report)
    return report


def _day(stamp: str) -> date | None:
    try:
        return date.fromisoformat(stamp.strip()[:10])
    except ValueError:
        return None


def _signers_at(repo: Repository, rev: str) -> Signers:
    blobs = repo.tree_blobs(rev, SIGNERS_PATH)
    if SIGNERS_PATH not in blobs:
        return Signers()
    signers, _ = parse_signers(repo.blob(blobs[SIGNERS_PATH]))
    return signers or Signers()


def _governance(repo: Repository, report: ChangeReport) -> None:
    """Governance files the range changes. Each main-line commit of the range that changed
    them must be approved under the governance rule, judged with the signers as they stood
    before it; a range not yet merged (a pull request) is told who may approve it."""
    report.governance = sorted(
        p for p in repo.changed_paths(report.base, report.head, ".") if is_governance(p)
    )
    if not report.governance:
        return
    before = _signers_at(repo, report.base)
    roles = before.policy.governance_roles
    report.approvers = [f"{r.name} <{r.email}>" for r in before.reviewers if r.role in roles]
    commits = list(repo.main_line(f"{report.base}..{report.head}", GOVERNANCE_FOLDERS))
    landed = [c for c in commits if any(is_governance(ch.path) for ch in c.changes)]
    graph = repo.graph()
    chain = repo.first_parents(report.base, report.head)[::-1]
    on_main = set(repo.run(["rev-list", report.base]).split())
    brought = brought_in(chain, graph, on_main)
    role_names = "或".join(DEPARTMENT.get(r, r) for r in roles)
    for commit in landed:
        if not approves(commit):
            continue  # a pull request's own commits: judged when it is merged
        signers = _signers_at(repo, commit.parents[0]) if commit.parents else Signers()
        authors, empty = identities(commit, graph, brought)
        signature = _signature_of(repo, commit, signers)
        signoff = decide_governance(commit, signers, authors, signature, empty)
        if signoff.state is not State.CONFIRMED:
            paths = "、".join(ch.path for ch in commit.changes if is_governance(ch.path))
            report.diagnostics.append(
                diag(
                    "H013",
                    SIGNERS_PATH if SIGNERS_PATH in paths else paths.split("、")[0],
                    0,
                    0,
                    paths=paths,
                    reason=f"提交 {commit.sha[:10]}：{signoff.reason or signoff.label}",
                    roles=role_names,
                )
            )


def _signature_of(repo: Repository, commit: Commit, signers: Signers):
    ring = keyring(signers)
    if not ring:
        return None
    return next((verify(raw, ring) for _, raw in repo.raw_commits([commit.sha])), None)


def _rules(change: ItemChange, record, path: str, recorded: date | None = None) -> list[Diagnostic]:
    line = record.src.line if record is not None else 0
    is_measure = change.item.count("/") == 3
    if change.kind is Kind.DELETED:
        what = "措施 " if is_measure else "问题 "
        return [diag("H001", path, line, 0, item=what + change.item, title=change.old or "")]
    if change.kind is Kind.CLOSURE_REWRITTEN:
        what, _, before = (change.old or "").partition("：")
        return [
            diag(
                "H002", path, line, 0, item=change.item, what=what, old=before, new=change.new or ""
            )  # fmt: skip
        ]
    if change.kind is Kind.ACCOUNTABILITY_ALTERED:
        return [diag("H011", path, line, 0, item=change.item, entry=change.old or "")]
    if (
        change.kind is Kind.WITHDRAWN
        and change.old in ("closed", "done")
        and record is not None
        and not getattr(record, "withdrawn_reason", None)
    ):
        return [diag("H012", path, line, 0, item=change.item)]
    found = []
    if change.kind in (Kind.CLOSED, Kind.COMPLETED) and record is not None:
        day = getattr(record, "closed_on", None) or getattr(record, "completed_on", None)
        if day is not None and recorded is not None and day > recorded:
            found.append(diag("H009", path, line, 0, item=change.item, day=day, recorded=recorded))
        evidence = (
            record.evidence
            if is_measure
            else [e for m in getattr(record, "measures", []) for e in m.evidence]
        )
        if not evidence:
            found.append(diag("H003", path, line, 0, item=change.item))
    return found


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
    (Kind.CLOSURE_REWRITTEN, "已销号事项被修改"),
    (Kind.ACCOUNTABILITY_ALTERED, "问责记录被删改"),
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
    if report.governance:
        lines += [f"### 治理文件变更（{len(report.governance)}）", ""]
        lines += [f"- `{p}`" for p in report.governance]
        who = "、".join(report.approvers) or "（名单中没有）"
        lines += ["", f"须经修改前名单中有权审批治理文件的审批人审批合并：{who}。", ""]
    errors = [d for d in report.diagnostics if d.severity == "error"]
    if errors:
        lines += [f"### 不允许的修改（{len(errors)}）", ""]
        lines += [f"- `{d.code}` {d.file}:{d.line} {d.message}" for d in errors]
        lines.append("")
    return "\n".join(lines).rstrip() + "\n"


def _describe(c: ItemChange) -> str:
    if c.kind is Kind.POSTPONED:
        return f"完成时限 {c.old} → {c.new}（推迟 {c.days} 天）"
    if c.kind in (Kind.CREATED, Kind.DELETED):
        return (c.new or c.old or "").replace("\n", " ")[:60]
    if c.old is not None or c.new is not None:
        return f"{KIND_LABELS[c.kind]}：{c.old or '（空）'} → {c.new or '（空）'}"
    return KIND_LABELS[c.kind]
