"""Read the main line's history into item events with their sign-off state."""

from __future__ import annotations

import gc
import hashlib
import re
import sys
from collections import defaultdict
from collections.abc import Callable, Iterator
from concurrent.futures import ThreadPoolExecutor
from contextlib import contextmanager
from dataclasses import dataclass, field
from datetime import date
from functools import cached_property
from pathlib import Path

from site_builder.diagnostics import Diagnostic, diag
from site_builder.history.cache import (
    SCHEMA_VERSION,
    BlobCache,
    LedgerStates,
    Trail,
    TrailCache,
    code_digest,
)
from site_builder.history.events import Change, Kind, diff_ledgers
from site_builder.history.git import Commit, GitError, GraphCommit, Repository
from site_builder.history.governance import (
    GOVERNANCE_FOLDERS,
    SIGNERS_PATH,
    GovernanceChange,
    judge,
)
from site_builder.history.parallel import ParallelParse
from site_builder.history.signoff import (
    SignOff,
    State,
    approves,
    brought_in,
    decide,
    empty_merge,
    identities,
    merged_in_merge,
)
from site_builder.history.verify import keyring, verify
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
    # Main-line commits that changed the signers file, settings, rubric, CODEOWNERS or
    # workflows, with their approval.
    governance: list[GovernanceChange] = field(default_factory=list)

    def for_item(self, ref: str) -> list[Event]:
        return [e for e in self.events if e.item == ref or e.item.startswith(ref + "/")]

    @cached_property
    def _grouped(self) -> dict[str, list[Event]]:
        grouped: dict[str, list[Event]] = defaultdict(list)
        for event in self.events:
            grouped[event.ledger].append(event)
        return dict(grouped)

    def by_ledger(self) -> dict[str, list[Event]]:
        """Events grouped by ledger key, grouped once: pages ask per ledger.

        ``events`` is final once read_history returns; a redacted copy made with
        dataclasses.replace groups afresh.
        """
        return self._grouped


def read_history(
    root: Path, signers: Signers | None = None, cache_dir: Path | None = None
) -> tuple[History, list[Diagnostic]]:
    """Events of every ledger item along the first-parent line of HEAD.

    Sign-offs are judged against the signers file as it stood before each approving
    commit (history/governance.py); ``signers`` (HEAD's) is not used for that and is
    accepted for callers that have it.
    """
    with _cyclic_gc_paused():
        return _read_history(root, cache_dir)


@contextmanager
def _cyclic_gc_paused() -> Iterator[None]:
    """Reading a history builds millions of objects that stay alive (the parsed ledgers,
    events, the graph) and creates no garbage cycles; Python's cycle collector would
    walk them over and over: 40% of the time at 2,000 units. Reference counting still
    frees everything; the collector is back on (as it was) when the read is done."""
    enabled = gc.isenabled()
    gc.disable()
    try:
        yield
    finally:
        if enabled:
            gc.enable()


def _read_history(root: Path, cache_dir: Path | None) -> tuple[History, list[Diagnostic]]:
    try:
        repo = Repository(root)
    except GitError:
        return History(), [diag("H005", ".", detail="这里不是 git 仓库")]
    with repo:
        history = History(available=True, head=repo.head(), shallow=repo.is_shallow())
        if history.head is None:
            return history, [diag("H005", ".", detail="仓库还没有任何提交")]
        diagnostics = []
        if history.shallow:
            diagnostics.append(
                diag("H005", ".", detail="这是浅克隆（shallow clone），早期提交缺失")
            )
        folder = cache_dir if cache_dir else repo.git_dir / "rectify"
        trails = TrailCache(None if history.shallow else folder)
        key = _trail_key()
        trail = trails.load(key)
        if trail is not None and trail.head == history.head:
            history.events, history.commits = _unpack_events(trail), trail.commits
            history.governance = list(trail.governance)
            return history, diagnostics + trail.diagnostics
        start = _extends(repo, trail, history.head) if trail is not None else None
        if start is None:  # read everything; parsed blobs come from the blob cache
            trail = Trail(key, history.head)
            cache = BlobCache(folder)
            graph: dict = repo.graph()
            span = "HEAD"
            chain: list[str] = []
            sha: str | None = history.head
            while sha is not None and sha in graph:  # the first-parent chain
                chain.append(sha)
                parents = graph[sha].parents
                sha = parents[0] if parents else None
            trail.main_line.update(chain)
            # What each main-line commit brought in, oldest first, once for the whole read.
            brought = brought_in(chain[::-1], graph, set())
            events: list[Event] = []
        else:  # only what HEAD added on top of the cached result
            assert trail is not None
            cache = BlobCache(None)
            graph = _LazyGraph(repo, start[1])
            span = f"{trail.head}..HEAD"
            trail.main_line.update(start[0])
            # Commits outside the new part of the graph are reachable from the cached head:
            # already on the main line.
            brought = brought_in(start[0][::-1], graph, set(), graph.keys().__contains__)
            events = _unpack_events(trail)
        commits = list(repo.main_line(span, ["ledgers", *GOVERNANCE_FOLDERS]))
        own = repo.merge_own_paths(span, ["ledgers"])
        signer_files = _signer_files(repo, commits)
        states = LedgerStates(trail.states)
        found: list[Diagnostic] = []
        # Many blobs (a cold read) are parsed on every core (history/parallel.py); its
        # processes start before the threads below. A thread reads the approving
        # commits' raw objects and verifies their signatures in-process (history/verify.py)
        # while we parse and diff; sign-offs are decided once both are done.
        wanted = _wanted_blobs(commits, cache, trail.paths)
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
                        _commit_changes(
                            commit,
                            blobs.read,
                            cache,
                            states,
                            trail.paths,
                            found,
                            own.get(commit.sha, {}),
                            _recorded_on(commit, graph),
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
        _pack_events(trail, events)
        trails.save(trail)
        return history, diagnostics + trail.diagnostics


def _trail_key() -> str:
    """Everything a cached trail depends on besides the commits: the code that turns
    commits into events and judges sign-offs (the signers come from the history itself)."""
    from site_builder.diagnostics import catalogue
    from site_builder.history import cache, events, git, governance, signoff, trailers, verify
    from site_builder.load import records, yaml_strict
    from site_builder.model import district, ledger, types

    modules = (catalogue, cache, events, git, governance, signoff, trailers, verify, records,
               yaml_strict, ledger, district, types)  # fmt: skip
    digest = hashlib.sha256(code_digest(*modules, sys.modules[__name__]).encode())
    return f"{SCHEMA_VERSION}:{digest.hexdigest()}"


def _signer_files(repo: Repository, commits: list[Commit]) -> dict[str, bytes]:
    """The content of every signers-file version the commits bring in (a handful)."""
    blobs = {c.new_blob for commit in commits for c in commit.changes if c.path == SIGNERS_PATH}
    return {blob: repo.blob(blob) for blob in blobs if blob}


def _recorded_on(commit: Commit, graph: dict) -> date | None:
    """The earliest date of the commit that landed a change and the branch tip that wrote it:
    a closure dated after it was recorded in the future."""
    stamps = [commit.author_date]
    if commit.is_merge and (tip := graph.get(commit.parents[1])) is not None:
        stamps.append(tip.author_date)
    days = []
    for stamp in stamps:
        try:
            days.append(date.fromisoformat(stamp[:10]))
        except ValueError:
            continue
    return min(days) if days else None


def _extends(
    repo: Repository, trail: Trail, head: str
) -> tuple[list[str], dict[str, GraphCommit]] | None:
    """The new first-parent commits and the new part of the graph, if HEAD continues the
    cached head's first-parent line; None if history was rewritten or merged around it."""
    try:
        chain = repo.first_parents(trail.head, head)
        graph = repo.graph(since=trail.head)
    except GitError:
        return None
    if not chain or chain[-1] not in graph or graph[chain[-1]].parents[:1] != (trail.head,):
        return None
    return chain, graph


class _LazyGraph(dict):
    """The graph of the new commits; an older commit a walk reaches is asked of git."""

    def __init__(self, repo: Repository, known: dict[str, GraphCommit]) -> None:
        super().__init__(known)
        self._repo = repo
        self._absent: set[str] = set()

    def _fetch(self, sha: str) -> bool:
        if sha in self._absent:
            return False
        found = self._repo.graph_of([sha])
        self.update(found)
        if sha not in found:
            self._absent.add(sha)
        return sha in found

    def __contains__(self, sha: object) -> bool:
        return dict.__contains__(self, sha) or (isinstance(sha, str) and self._fetch(sha))

    def __missing__(self, sha: str) -> GraphCommit:
        if self._fetch(sha):
            return dict.__getitem__(self, sha)
        raise KeyError(sha)

    def get(self, sha, default=None):
        try:
            return self[sha]
        except KeyError:
            return default


def _wanted_blobs(
    commits: list[Commit], cache: BlobCache, paths: dict[str, tuple[str, str | None]]
) -> list[tuple[str, str]]:
    """(blob, path) of what ``_commit_changes`` will parse, in the order it parses them."""
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


def _pack_events(trail: Trail, events: list[Event]) -> None:
    table: dict[SignOff, int] = {}
    packed = []
    for e in events:
        index = table.setdefault(e.signoff, len(table))
        packed.append((e.item, str(e.kind), e.old, e.new, e.days, e.commit, e.author,
                       e.author_email, e.date, e.subject, e.landed, index))  # fmt: skip
    trail.events = packed
    trail.signoffs = [
        (str(s.state), s.commit, s.approver, s.approver_email, s.via, s.reason) for s in table
    ]


def _unpack_events(trail: Trail) -> list[Event]:
    signoffs = [SignOff(State(state), *rest) for state, *rest in trail.signoffs]
    return [
        Event(
            item,
            Kind(kind),
            old,
            new,
            days,
            commit,
            author,
            email,
            when,
            subject,
            landed,
            signoffs[index],
        )
        for (
            item,
            kind,
            old,
            new,
            days,
            commit,
            author,
            email,
            when,
            subject,
            landed,
            index,
        ) in trail.events
    ]


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


def _commit_changes(
    commit: Commit,
    read: Callable[[str], bytes],
    cache: BlobCache,
    state: LedgerStates,
    paths: dict[str, tuple[str, str | None]],
    diagnostics: list[Diagnostic],
    own_paths: dict[str, tuple] | None = None,
    recorded_on: date | None = None,
) -> list[tuple[str, list[Change], set[str]]]:
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
    changes: list[Change], ledger: Ledger, recorded_on: date | None, path: str
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
    change: Change, commit: Commit, signoff: SignOff, graph: dict, own: bool = False
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
