"""The trail cache: the whole result of a history read for one head.

It keeps every event, the ledgers at its head, the signers in force and the
governance changes, keyed by everything else the result depends on: the code that
turns commits into events and judges sign-offs (the signers come from the history
itself). When HEAD has moved on along its first-parent line, a read starts from the
cached result and reads only the commits added on top (``resume``); when history was
rewritten or merged around the cached head, it starts from nothing.
"""

from __future__ import annotations

import hashlib
import sys
from dataclasses import dataclass, field
from pathlib import Path

from site_builder.diagnostics import Diagnostic
from site_builder.history.cache import SCHEMA_VERSION, code_digest, dump_atomic, read_pickle
from site_builder.history.events import Kind
from site_builder.history.git import GitError, GraphCommit, Repository
from site_builder.history.signoff import SignOff, State, brought_in
from site_builder.history.values import Event
from site_builder.model.district import Signers

TRAIL_VERSION = 3  # 3: event and governance times are datetimes; 2: signers, governance


@dataclass
class Trail:
    """The history read up to ``head``, as cached."""

    key: str
    head: str
    commits: int = 0
    events: list[tuple] = field(default_factory=list)  # Event fields, the sign-off by index
    signoffs: list[tuple] = field(default_factory=list)
    diagnostics: list[Diagnostic] = field(default_factory=list)
    main_line: set[str] = field(default_factory=set)
    states: dict[str, bytes] = field(default_factory=dict)
    paths: dict[str, tuple[str, str | None]] = field(default_factory=dict)  # blob, ledger key
    signers: Signers | None = None  # the signers file in force at ``head``
    governance: list = field(default_factory=list)  # GovernanceChange of each commit


class TrailCache:
    def __init__(self, folder: Path | None) -> None:
        self.path = folder / f"trail-v{TRAIL_VERSION}.pickle" if folder else None

    def load(self, key: str) -> Trail | None:
        found = read_pickle(self.path)
        return found if isinstance(found, Trail) and found.key == key else None

    def save(self, trail: Trail) -> None:
        if self.path:
            dump_atomic(self.path, trail)


def trail_key() -> str:
    """Everything a cached trail depends on besides the commits: the code that turns
    commits into events and judges sign-offs (the signers come from the history itself)."""
    from site_builder.diagnostics import catalogue
    from site_builder.history import (
        cache,
        commit_changes,
        events,
        git,
        governance,
        read,
        signoff,
        trailers,
        values,
        verify,
    )
    from site_builder.load import records, yaml_strict
    from site_builder.model import district, ledger, types

    modules = (catalogue, cache, commit_changes, events, git, governance, read, signoff,
               trailers, values, verify, records, yaml_strict, ledger, district, types)  # fmt: skip
    digest = hashlib.sha256(code_digest(*modules, sys.modules[__name__]).encode())
    return f"{SCHEMA_VERSION}:{digest.hexdigest()}"


@dataclass
class Resume:
    """Where a read starts: from nothing (``cold``), or on top of a cached trail."""

    trail: Trail
    span: str  # the revisions to read: HEAD, or what HEAD added to the cached head
    graph: dict[str, GraphCommit]
    brought: dict[str, list[str]]  # what each new main-line commit brought in
    events: list[Event]  # the cached trail's events, which the read appends to
    cold: bool


def resume(repo: Repository, trail: Trail | None, key: str, head: str) -> Resume:
    """The cached ``trail`` if HEAD continues its head's first-parent line, else a new one."""
    start = _extends(repo, trail, head) if trail is not None else None
    if start is None:
        trail = Trail(key, head)
        graph = repo.graph()
        chain: list[str] = []
        sha: str | None = head
        while sha is not None and sha in graph:  # the first-parent chain
            chain.append(sha)
            parents = graph[sha].parents
            sha = parents[0] if parents else None
        trail.main_line.update(chain)
        # What each main-line commit brought in, oldest first, once for the whole read.
        return Resume(trail, "HEAD", graph, brought_in(chain[::-1], graph, set()), [], True)
    assert trail is not None
    chain, new = start
    lazy = LazyGraph(repo, new)
    trail.main_line.update(chain)
    # Commits outside the new part of the graph are reachable from the cached head:
    # already on the main line.
    brought = brought_in(chain[::-1], lazy, set(), lazy.keys().__contains__)
    return Resume(trail, f"{trail.head}..HEAD", lazy, brought, unpack_events(trail), False)


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


class LazyGraph(dict):
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


def pack_events(trail: Trail, events: list[Event]) -> None:
    """Keep ``events`` in ``trail`` as tuples, each distinct sign-off once."""
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


def unpack_events(trail: Trail) -> list[Event]:
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
        )  # fmt: skip
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
        ) in trail.events  # fmt: skip
    ]
