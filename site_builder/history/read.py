"""Read the main line's history into item events with their sign-off state."""

from __future__ import annotations

import hashlib
import re
import tempfile
from collections import defaultdict
from dataclasses import dataclass, field
from pathlib import Path

from site_builder.diagnostics import Diagnostic, diag
from site_builder.history.cache import BlobCache
from site_builder.history.events import Change, Kind, diff_ledgers
from site_builder.history.git import Commit, GitError, Repository
from site_builder.history.signoff import (
    SignOff,
    State,
    allowed_signers,
    approves,
    branch_authors,
    decide,
)
from site_builder.model.district import Signers
from site_builder.model.ledger import Ledger

LEDGER_PATH = re.compile(r"^ledgers/[^/]+/[^/]+\.ya?ml$")


@dataclass(frozen=True, slots=True)
class Event:
    """A change to one problem or measure, with the commit and sign-off that made it."""

    item: str
    kind: Kind
    old: str | None
    new: str | None
    days: int | None
    commit: str  # the commit that made the change (a merge's side-branch tip)
    author: str
    author_email: str
    date: str
    subject: str
    landed: str  # when it reached the main line (the merge or the commit itself)
    signoff: SignOff

    @property
    def ledger(self) -> str:
        return "/".join(self.item.split("/")[:2])

    def as_dict(self) -> dict:
        return {
            "item": self.item,
            "kind": str(self.kind),
            "old": self.old,
            "new": self.new,
            "days": self.days,
            "commit": self.commit,
            "author": self.author,
            "author_email": self.author_email,
            "date": self.date,
            "subject": self.subject,
            "landed": self.landed,
            "signoff": {
                "state": str(self.signoff.state),
                "approver": self.signoff.approver,
                "approver_email": self.signoff.approver_email,
                "via": self.signoff.via,
                "commit": self.signoff.commit,
                "reason": self.signoff.reason,
            },
        }


@dataclass
class History:
    available: bool = False
    shallow: bool = False
    head: str | None = None
    events: list[Event] = field(default_factory=list)
    commits: int = 0
    blobs_parsed: int = 0

    def for_item(self, ref: str) -> list[Event]:
        return [e for e in self.events if e.item == ref or e.item.startswith(ref + "/")]

    def by_ledger(self) -> dict[str, list[Event]]:
        grouped: dict[str, list[Event]] = defaultdict(list)
        for event in self.events:
            grouped[event.ledger].append(event)
        return grouped


def read_history(
    root: Path, signers: Signers, cache_dir: Path | None = None
) -> tuple[History, list[Diagnostic]]:
    """Events of every ledger item along the first-parent line of HEAD."""
    try:
        repo = Repository(root)
    except GitError:
        return History(), [diag("H005", ".", detail="这里不是 git 仓库")]
    with repo, tempfile.TemporaryDirectory() as tmp:
        history = History(available=True, head=repo.head(), shallow=repo.is_shallow())
        if history.head is None:
            return history, [diag("H005", ".", detail="仓库还没有任何提交")]
        diagnostics = []
        if history.shallow:
            diagnostics.append(
                diag("H005", ".", detail="这是浅克隆（shallow clone），早期提交缺失")
            )
        cache = BlobCache(cache_dir if cache_dir else repo.git_dir / "rectify")
        sig_file = allowed_signers(signers, Path(tmp))
        graph = repo.graph()
        commits = list(repo.main_line("HEAD", ["ledgers"]))
        signatures = _signatures(repo, cache, commits, sig_file)
        main_line = set()
        sha = history.head
        while sha in graph:  # the first-parent chain, for telling branch commits apart
            main_line.add(sha)
            parents = graph[sha].parents
            sha = parents[0] if parents else None
        state: dict[str, Ledger] = {}
        for commit in commits:
            history.events += _commit_events(
                commit,
                repo,
                cache,
                state,
                signers,
                graph,
                main_line,
                signatures.get(commit.sha),
                history.shallow,
                diagnostics,
            )
        history.commits = len(commits)
        history.blobs_parsed = cache.misses
        cache.save()
        return history, diagnostics


def _signatures(
    repo: Repository, cache: BlobCache, commits: list[Commit], allowed: Path | None
) -> dict[str, tuple[str, str]]:
    """Signature checks of the approving commits; each commit is verified once, ever."""
    if allowed is None:
        return {}
    digest = hashlib.sha256(allowed.read_bytes()).hexdigest()[:16]
    wanted = [c.sha for c in commits if approves(c)]
    missing = [sha for sha in wanted if f"{sha}:{digest}" not in cache.signatures]
    for sha, found in repo.signatures(missing, allowed).items():
        cache.signatures[f"{sha}:{digest}"] = found
        cache.dirty = True
    return {
        sha: cache.signatures[f"{sha}:{digest}"]
        for sha in wanted
        if f"{sha}:{digest}" in cache.signatures
    }


def _commit_events(
    commit: Commit,
    repo: Repository,
    cache: BlobCache,
    state: dict[str, Ledger],
    signers: Signers,
    graph: dict,
    main_line: set[str],
    signature: tuple[str, str] | None,
    shallow: bool,
    diagnostics: list[Diagnostic],
) -> list[Event]:
    before: dict[str, Ledger | None] = {}
    after: dict[str, Ledger | None] = {}
    key_at: dict[str, str] = {}  # path -> ledger key of its old version
    for change in commit.changes:
        if not LEDGER_PATH.match(change.path):
            continue
        if change.old_blob:
            old, _ = cache.parse(change.old_blob, change.path, repo.blob)
            if old is not None:
                key_at[change.path] = old.key
                before.setdefault(old.key, state.get(old.key, old))
        if change.new_blob:
            new, found = cache.parse(change.new_blob, change.path, repo.blob)
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
    events = []
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
        if not changes:
            continue
        unit = key.split("/")[1]
        signoff = _signoff(commit, unit, signers, graph, main_line, signature, shallow)
        events += [_event(c, commit, signoff, graph) for c in changes]
    return events


def _signoff(
    commit: Commit,
    unit: str,
    signers: Signers,
    graph: dict,
    main_line: set[str],
    signature: tuple[str, str] | None,
    shallow: bool,
) -> SignOff:
    authors = (
        branch_authors(commit, graph, main_line)
        if commit.is_merge
        else {commit.author_email.strip().lower()}
    )
    signoff = decide(commit, unit, signers, authors, signature)
    if shallow and not commit.parents:
        return SignOff(State.UNCONFIRMED, commit.sha, reason="浅克隆的边界提交，无法确认审批")
    return signoff


def _event(change: Change, commit: Commit, signoff: SignOff, graph: dict) -> Event:
    # A merge's change was written on its branch: credit the branch tip's author and message.
    made = graph.get(commit.parents[1]) if commit.is_merge else None
    if made is None:
        made = commit
    return Event(
        change.item,
        change.kind,
        change.old,
        change.new,
        change.days,
        made.sha,
        made.author_name,
        made.author_email,
        made.author_date,
        made.subject,
        commit.author_date,
        signoff,
    )
