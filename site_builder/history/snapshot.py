"""The repository as it stood at the end of a day: a temporary worktree of the main-line
commit that was the tip then, so a report for a past date reads the ledgers and the
history of that date and later commits cannot change it."""

from __future__ import annotations

import dataclasses
import shutil
import tempfile
from collections.abc import Iterator
from contextlib import contextmanager
from dataclasses import dataclass
from datetime import date
from pathlib import Path

import git

from site_builder.history.cache import BlobCache
from site_builder.history.git import GitError, Repository
from site_builder.load import load_project
from site_builder.model import Project
from site_builder.model.ledger import Ledger


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


def tips_as_of(root: Path, days: list[date]) -> dict[date, str | None]:
    """``tip_as_of`` for many days from one read of the main line."""
    try:
        with git.Repo(root, search_parent_directories=False) as repo:
            log = repo.git.log("--first-parent", "--format=%H %aI", "HEAD")
    except (git.InvalidGitRepositoryError, git.NoSuchPathError, git.GitCommandError) as exc:
        raise GitError(f"{root} 不是 git 仓库或没有提交") from exc
    lines = [line.split(" ", 1) for line in log.splitlines()]
    return {
        day: next((sha for sha, stamp in lines if stamp[:10] <= day.isoformat()), None)
        for day in days
    }


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


# The files of rounds/ the figures read: settings, the registry, the round files, clues and
# 督办 records (not the feedback lists, evaluations, cases, catalogue or signers).
_SKIPPED = {"rounds/common_problems.yml", "rounds/self_checks.yml", "rounds/signers.yml"}


def _for_figures(path: str) -> bool:
    parts = path.split("/")
    if len(parts) == 2:
        return path not in _SKIPPED
    return len(parts) == 3 and parts[1] in ("clues", "supervision")


class RecordsAt:
    """The project's records at any main-line commit, without a checkout: ledgers from
    the history's parsed-blob cache (a history read has parsed every version already),
    the files of rounds/ the monthly figures read written to a temporary folder and loaded
    once per version. Figures only: no diagnostics. Use as a context manager."""

    def __init__(self, root: Path) -> None:
        self._repo = Repository(root)
        self._cache = BlobCache(self._repo.git_dir / "rectify")
        self._bases: dict[str, Project] = {}
        self._ledgers: dict[str, Ledger | None] = {}  # blob:path -> the parsed ledger
        self._folder = Path(tempfile.mkdtemp(prefix="rectify-records-"))

    def __enter__(self) -> RecordsAt:
        return self

    def __exit__(self, *exc: object) -> None:
        self._cache.save()
        self._repo.close()
        shutil.rmtree(self._folder, ignore_errors=True)

    def project(self, commit: str) -> Project:
        rounds = {
            path: blob
            for path, blob in self._repo.tree_blobs(commit, "rounds").items()
            if _for_figures(path)
        }
        version = ",".join(f"{path}={blob}" for path, blob in sorted(rounds.items()))
        base = self._bases.get(version)
        if base is None:
            folder = self._folder / str(len(self._bases))
            for path, blob in rounds.items():
                target = folder / path
                target.parent.mkdir(parents=True, exist_ok=True)
                target.write_bytes(self._repo.blob(blob))
            base, _ = load_project(folder)
            self._bases[version] = base
        ledgers = []
        for path, blob in sorted(self._repo.tree_blobs(commit, "ledgers").items()):
            parts = path.split("/")
            if len(parts) != 3 or not path.endswith((".yml", ".yaml")):
                continue  # not a ledger (load_project reports it as Y011)
            key = f"{blob}:{path}"
            if key not in self._ledgers:  # most ledgers are unchanged from month to month
                self._ledgers[key] = self._cache.parse(blob, path, self._repo.blob)[0]
            if (ledger := self._ledgers[key]) is not None:
                ledgers.append(ledger)
        return dataclasses.replace(base, ledgers=ledgers)
