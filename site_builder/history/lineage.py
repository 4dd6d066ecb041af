"""Whether the history a site was built from is still the history of the repository.

A build records the commit it came from. If a later build's HEAD no longer contains
that commit, the main line was rewritten (a force push, a rebase, a reset): closures
that the earlier site showed as signed off may have been changed without a trace.
"""

from __future__ import annotations

import re
from dataclasses import dataclass

from site_builder.history.git import GitError, Repository

DATA_FOLDERS = ("ledgers", "rounds")


@dataclass(frozen=True)
class Lineage:
    head: str | None  # None: not a git repository, or no commit yet
    dirty: bool = False  # uncommitted changes to the data folders
    previous: str | None = None  # the commit the last site was built from
    previous_exists: bool = True  # whether the repository still has that commit
    descends: bool = True  # whether HEAD contains it
    shallow: bool = False  # a shallow clone: a missing commit may only be cut off
    behind: bool = False  # HEAD is an ancestor of ``previous``: older, or main was reset

    @property
    def rewritten(self) -> bool:
        return self.head is not None and self.previous is not None and not self.descends


def lineage(root, previous: str | None, repo: Repository | None = None) -> Lineage:
    """HEAD of the repository at ``root`` and whether it descends from ``previous``;
    ``repo``, if given, is that repository already open."""
    if repo is not None:
        return _lineage(repo, previous)
    try:
        opened = Repository(root)
    except GitError:
        return Lineage(head=None)
    with opened:
        return _lineage(opened, previous)


def _lineage(repo: Repository, previous: str | None) -> Lineage:
    head = repo.head()
    if head is None:
        return Lineage(head=None)
    try:
        status = repo.run(["status", "--porcelain", "--untracked-files=all", "--", *DATA_FOLDERS])
    except GitError:
        status = ""
    if previous is None:
        return Lineage(head=head, dirty=bool(status.strip()))
    # The recorded value comes from a file in the output folder: only a full commit
    # id is looked up, and only after git has resolved it to an object.
    sha = None
    if re.fullmatch(r"[0-9a-f]{40}", previous):
        try:
            sha = repo.rev_parse(previous)
        except GitError:
            sha = None
    exists = sha is not None
    descends = sha is not None and repo.is_ancestor(sha, head)
    behind = sha is not None and not descends and repo.is_ancestor(head, sha)
    dirty = bool(status.strip())
    return Lineage(head, dirty, previous, exists, descends, repo.is_shallow(), behind)


def configured_name(root) -> str | None:
    """git's ``user.name`` as the repository at ``root`` sees it, if one is set."""
    try:
        repo = Repository(root)
    except GitError:
        return None
    with repo:
        try:
            name = repo.run(["config", "--get", "user.name"]).strip()
        except GitError:
            return None
    return name or None
