"""The repository as it stood at the end of a day: a temporary worktree of the main-line
commit that was the tip then, so a report for a past date reads the ledgers and the
history of that date and later commits cannot change it."""

from __future__ import annotations

import shutil
import tempfile
from collections.abc import Iterator
from contextlib import contextmanager
from dataclasses import dataclass
from datetime import date
from pathlib import Path

import git

from site_builder.history.git import GitError


def tip_as_of(root: Path, day: date) -> str | None:
    """The first-parent commit that was the tip at the end of ``day`` (by the date it landed,
    as events count it: the main-line commit's author date), or None before the first."""
    try:
        with git.Repo(root, search_parent_directories=False) as repo:
            log = repo.git.log("--first-parent", "--format=%H %aI", "HEAD")
    except (git.InvalidGitRepositoryError, git.NoSuchPathError, git.GitCommandError) as exc:
        raise GitError(f"{root} 不是 git 仓库或没有提交") from exc
    end = day.isoformat()
    for line in log.splitlines():
        sha, stamp = line.split(" ", 1)
        if stamp[:10] <= end:
            return sha
    return None


@dataclass(frozen=True)
class Snapshot:
    folder: Path  # a detached worktree of ``commit``
    commit: str
    cache_dir: Path  # the history cache for snapshots, kept in the main repository's git dir


@contextmanager
def checkout_as_of(root: Path, day: date) -> Iterator[Snapshot | None]:
    """A detached worktree at ``tip_as_of(day)``, removed afterwards; None when the
    repository had no commit by then. Snapshots share one history cache (blobs parsed
    once), apart from the one a build of the repository itself keeps."""
    sha = tip_as_of(root, day)
    if sha is None:
        yield None
        return
    folder = Path(tempfile.mkdtemp(prefix="rectify-asof-"))
    target = folder / "repo"
    with git.Repo(root, search_parent_directories=False) as repo:
        repo.git.worktree("add", "--detach", "--quiet", str(target), sha)
        try:
            yield Snapshot(target, sha, Path(repo.git_dir) / "rectify-snapshots")
        finally:
            repo.git.worktree("remove", "--force", str(target))
            shutil.rmtree(folder, ignore_errors=True)
