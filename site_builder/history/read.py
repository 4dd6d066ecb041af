"""Read the main line's history into item events with their sign-off state.

A read starts from the trail cache when it can (``trail_cache.resume``: only the
commits HEAD added on its first-parent line) and from nothing otherwise; either way
git is asked once for the commits, their blobs stream through one ``cat-file``, the
ledgers are diffed commit by commit (``commit_changes.py``) while a thread checks the
approvals' signatures, and sign-offs are decided once both are done.
"""

from __future__ import annotations

from concurrent.futures import ThreadPoolExecutor
from pathlib import Path

from site_builder.diagnostics import Diagnostic, diag
from site_builder.history.cache import BlobCache, LedgerStates
from site_builder.history.commit_changes import LEDGER_PATH as LEDGER_PATH
from site_builder.history.commit_changes import commit_changes, recorded_day, wanted_blobs
from site_builder.history.events import ItemChange
from site_builder.history.git import Commit, GitError, Repository
from site_builder.history.governance import GOVERNANCE_FOLDERS, SIGNERS_PATH, judge
from site_builder.history.parallel import ParallelParse
from site_builder.history.signoff import (
    SignOff,
    State,
    approves,
    decide,
    empty_merge,
    identities,
    merged_in_merge,
)
from site_builder.history.trail_cache import (
    TrailCache,
    pack_events,
    resume,
    trail_key,
    unpack_events,
)
from site_builder.history.values import Event, History
from site_builder.history.verify import keyring, verify
from site_builder.load.project import cyclic_gc_paused
from site_builder.model.district import Signers


def read_history(
    root: Path,
    signers: Signers | None = None,
    cache_dir: Path | None = None,
    repo: Repository | None = None,
) -> tuple[History, list[Diagnostic]]:
    """Events of every ledger item along the first-parent line of HEAD.

    Sign-offs are judged against the signers file as it stood before each approving
    commit (history/governance.py); ``signers`` (HEAD's) is not used for that and is
    accepted for callers that have it. ``repo``, if given, is the repository at ``root``
    already open (a build opens it once); it stays open.
    """
    with cyclic_gc_paused():
        if repo is not None:
            return _read(repo, cache_dir)
        try:
            opened = Repository(root)
        except GitError:
            return History(), [diag("H005", ".", detail="这里不是 git 仓库")]
        with opened:
            return _read(opened, cache_dir)


def _read(repo: Repository, cache_dir: Path | None) -> tuple[History, list[Diagnostic]]:
    history = History(available=True, head=repo.head(), shallow=repo.is_shallow())
    if history.head is None:
        return history, [diag("H005", ".", detail="仓库还没有任何提交")]
    diagnostics = []
    if history.shallow:
        diagnostics.append(diag("H005", ".", detail="这是浅克隆（shallow clone），早期提交缺失"))
    folder = cache_dir if cache_dir else repo.git_dir / "rectify"
    trails = TrailCache(None if history.shallow else folder)
    key = trail_key()
    cached = trails.load(key)
    if cached is not None and cached.head == history.head:
        history.events, history.commits = unpack_events(cached), cached.commits
        history.governance = list(cached.governance)
        return history, diagnostics + cached.diagnostics
    start = resume(repo, cached, key, history.head)
    trail, graph, brought, events = start.trail, start.graph, start.brought, start.events
    # A cold read's parsed blobs come from (and go to) the blob cache; an incremental
    # one parses only the few new blobs.
    cache = BlobCache(folder if start.cold else None)
    commits = list(repo.main_line(start.span, ["ledgers", *GOVERNANCE_FOLDERS]))
    own = repo.merge_own_paths(start.span, ["ledgers"])
    signer_files = _signer_files(repo, commits)
    states = LedgerStates(trail.states)
    found: list[Diagnostic] = []
    # Many blobs (a cold read) are parsed on every core (history/parallel.py); its
    # processes start before the threads below. A thread reads the approving
    # commits' raw objects and verifies their signatures in-process (history/verify.py)
    # while we parse and diff; sign-offs are decided once both are done.
    wanted = wanted_blobs(commits, cache, trail.paths)
    with ParallelParse(cache, wanted) as ahead, ThreadPoolExecutor(max_workers=1) as pool:
        judging = pool.submit(
            judge,
            commits,
            trail.signers,
            signer_files,
            approves,
            lambda shas, signers: _signatures(repo, cache, shas, signers),
            lambda commit: identities(commit, graph, brought),
        )
        blobs = _Prefetch(repo, [blob for blob, _ in wanted])
        try:
            ahead.feed(blobs.read)
            changed = [
                (
                    commit,
                    commit_changes(
                        commit,
                        blobs.read,
                        cache,
                        states,
                        trail.paths,
                        found,
                        own.get(commit.sha, {}),
                        recorded_day(commit, graph),
                    ),
                )
                for commit in commits
            ]
        finally:
            blobs.close()
        judged = judging.result()
    for commit, by_ledger in changed:
        authors, empty_side = identities(commit, graph, brought)
        for unit, changes, own_items in by_ledger:
            signers = judged.signers_before[commit.sha]
            signature = judged.signatures.get(commit.sha)
            signoff = _signoff(commit, unit, signers, authors, signature, history.shallow)
            for change in changes:
                if commit.is_merge and empty_side:
                    events.append(_event(change, commit, empty_merge(commit), graph, True))
                elif change.item in own_items:
                    events.append(_event(change, commit, merged_in_merge(commit), graph, True))
                else:
                    events.append(_event(change, commit, signoff, graph))
    trail.signers = judged.signers
    trail.governance += judged.changes
    found += judged.diagnostics
    history.governance = list(trail.governance)
    history.events = events
    history.commits = trail.commits + len(commits)
    history.blobs_parsed = cache.misses
    cache.save()
    trail.head, trail.commits, trail.states = history.head, history.commits, states.pack()
    trail.diagnostics += found
    pack_events(trail, events)
    trails.save(trail)
    return history, diagnostics + trail.diagnostics


def _signer_files(repo: Repository, commits: list[Commit]) -> dict[str, bytes]:
    """The content of every signers-file version the commits bring in (a handful)."""
    blobs = {c.new_blob for commit in commits for c in commit.changes if c.path == SIGNERS_PATH}
    return {blob: repo.blob(blob) for blob in blobs if blob}


class _Prefetch:
    """Blob contents streamed in the order they will be asked for."""

    def __init__(self, repo: Repository, shas: list[str]) -> None:
        self._repo = repo
        self._stream = repo.blobs(shas)
        self._ahead: dict[str, list[bytes]] = {}

    def read(self, sha: str) -> bytes:
        if self._ahead.get(sha):
            return self._ahead[sha].pop(0)
        for got, data in self._stream:
            if got == sha:
                return data
            self._ahead.setdefault(got, []).append(data)
        return self._repo.blob(sha)  # not foreseen: ask git on its own

    def close(self) -> None:
        self._stream.close()  # type: ignore[attr-defined]


def _signatures(
    repo: Repository, cache: BlobCache, shas: list[str], signers: Signers
) -> dict[str, tuple[str, str]]:
    """Signature checks of approving commits, in-process against the keys ``signers``
    lists and nothing else; each commit is verified once per set of keys, ever (the blob
    cache keeps the result)."""
    ring = keyring(signers)
    if not ring and not signers.policy.require_signature:
        return {}
    missing = [sha for sha in shas if f"{sha}:{ring.digest}" not in cache.signatures]
    for sha, raw in repo.raw_commits(missing):
        cache.signatures[f"{sha}:{ring.digest}"] = verify(raw, ring)
        cache.dirty = True
    return {
        sha: cache.signatures[f"{sha}:{ring.digest}"]
        for sha in shas
        if f"{sha}:{ring.digest}" in cache.signatures
    }


def _signoff(
    commit: Commit,
    unit: str,
    signers: Signers,
    authors: set[str],
    signature: tuple[str, str] | None,
    shallow: bool,
) -> SignOff:
    if shallow and not commit.parents:
        return SignOff(State.UNCONFIRMED, commit.sha, reason="浅克隆的边界提交，无法确认审批")
    return decide(commit, unit, signers, authors, signature)


def _event(
    change: ItemChange, commit: Commit, signoff: SignOff, graph: dict, own: bool = False
) -> Event:
    # A merge's change was written on its branch: credit the branch tip's author and
    # message; a change the merge made itself is the merger's.
    made = graph.get(commit.parents[1]) if commit.is_merge and not own else None
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
