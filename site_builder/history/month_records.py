"""The records the monthly figures read, at many main-line commits, each file version
read once: what analyse.months walks month by month.

``tips_as_of`` finds the main-line tip at the end of many days in one pass over the first-
parent log. ``RecordsWalk`` gives, at any commit, the figures' part of rounds/ as a
``Project`` (settings, the registry, the round files, clues and 督办 records: each file
version loaded once, on its own, so a month that added a clue loads one file, not the
folder) and the ledgers' (path, blob) pairs, with the ledger of a blob parsed through the
history's blob cache (a history read has parsed every version already). Figures only: no
diagnostics.
"""

from __future__ import annotations

import shutil
import tempfile
from datetime import date
from pathlib import Path

import git

from site_builder.history.cache import BlobCache
from site_builder.history.git import GitError, Repository
from site_builder.load import load_project
from site_builder.model import Project
from site_builder.model.district import Settings
from site_builder.model.ledger import Ledger

# The files of rounds/ the figures read: settings, the registry, the round files, clues and
# 督办 records (not the feedback lists, evaluations, cases, catalogue or signers).
_SKIPPED = {"rounds/common_problems.yml", "rounds/self_checks.yml", "rounds/signers.yml"}


def for_figures(path: str) -> bool:
    parts = path.split("/")
    if len(parts) == 2:
        return path not in _SKIPPED
    return len(parts) == 3 and parts[1] in ("clues", "supervision")


Tips = dict[date, str | None]


def tips_as_of(
    root: Path, days: list[date], head: str | None = None, before: tuple[str, Tips] | None = None
) -> Tips:
    """The first-parent commit that was the tip at the end of each day (the newest whose
    author date, as events count it, is on or before the day), or None before the first.

    ``before``, the tips an earlier build found at its head, saves reading the whole main
    line when that head is on ``head``'s first-parent line and knew every day: only the
    commits since are read (one may carry an older author date, as a rebase merge does).
    """
    if before is not None and head is not None and all(day in before[1] for day in days):
        since = _main_line(root, f"{before[0]}..{head}", parents=True)
        if not since and before[0] == head:
            return {day: before[1][day] for day in days}
        if since and since[-1][2] == before[0]:  # the oldest new commit's first parent
            return {day: _newest(since, day) or before[1][day] for day in days}
    lines = _main_line(root, "HEAD" if head is None else head, parents=False)
    found: Tips = {}
    # The newest commit on or before a day is never newer than the one for a later day.
    index = 0
    for day in sorted(set(days), reverse=True):
        end = day.isoformat()
        while index < len(lines) and lines[index][1][:10] > end:
            index += 1
        found[day] = lines[index][0] if index < len(lines) else None
    return {day: found[day] for day in days}


def _newest(lines: list[tuple[str, str, str]], day: date) -> str | None:
    end = day.isoformat()
    return next((sha for sha, stamp, _ in lines if stamp[:10] <= end), None)


def _main_line(root: Path, rev: str, parents: bool) -> list[tuple[str, str, str]]:
    """(commit, author date, first parent or "") of the first-parent line ``rev``, newest
    first."""
    try:
        with git.Repo(root, search_parent_directories=False) as repo:
            log = repo.git.log("--first-parent", f"--format=%H %aI{' %P' if parents else ''}", rev)
    except (git.InvalidGitRepositoryError, git.NoSuchPathError, git.GitCommandError) as exc:
        raise GitError(f"{root} 不是 git 仓库或没有提交") from exc
    found = []
    for line in log.splitlines():
        sha, stamp, *rest = line.split(" ")
        found.append((sha, stamp, rest[0] if rest else ""))
    return found


class RecordsWalk:
    """The figures' records at main-line commits, each file version read once. Use as a
    context manager."""

    def __init__(self, root: Path) -> None:
        self._repo = Repository(root)
        self._cache: BlobCache | None = None  # opened when a ledger is first asked for
        self._files: dict[tuple[str, str], Project] = {}  # (path, blob) -> that file alone
        self._bases: dict[str, Project] = {}
        self._folder = Path(tempfile.mkdtemp(prefix="rectify-records-"))

    def __enter__(self) -> RecordsWalk:
        return self

    def __exit__(self, *exc: object) -> None:
        if self._cache is not None:
            self._cache.save()
        self._repo.close()
        shutil.rmtree(self._folder, ignore_errors=True)

    def base(self, commit: str) -> tuple[str, Project]:
        """rounds/ as the figures read it at ``commit`` (no ledgers), and a key of that
        version: equal keys, equal records."""
        rounds = sorted(
            (path, blob)
            for path, blob in self._repo.tree_blobs(commit, "rounds").items()
            if for_figures(path)
        )
        version = ",".join(f"{path}={blob}" for path, blob in rounds)
        base = self._bases.get(version)
        if base is None:
            base = Project(root=str(self._folder), settings=Settings())
            for path, blob in rounds:  # in path order, as load_project lists them
                alone = self._file(path, blob)
                if path == "rounds/settings.yml":
                    base.settings = alone.settings
                elif path == "rounds/units.yml":
                    base.units = alone.units
                base.rounds += alone.rounds
                base.clues += alone.clues
                base.supervision += alone.supervision
            self._bases[version] = base
        return version, base

    def _file(self, path: str, blob: str) -> Project:
        """One file of rounds/ loaded by the loader on its own (each file's records depend
        on that file only)."""
        found = self._files.get((path, blob))
        if found is None:
            folder = self._folder / str(len(self._files))
            target = folder / path
            target.parent.mkdir(parents=True)
            target.write_bytes(self._repo.blob(blob))
            found, _ = load_project(folder)
            self._files[(path, blob)] = found
            shutil.rmtree(folder, ignore_errors=True)
        return found

    def ledger_blobs(self, commit: str) -> list[tuple[str, str]]:
        """(path, blob) of every ledger file at ``commit``, in path order."""
        return [
            (path, blob)
            for path, blob in sorted(self._repo.tree_blobs(commit, "ledgers").items())
            # not a ledger otherwise (load_project reports it as Y011)
            if len(path.split("/")) == 3 and path.endswith((".yml", ".yaml"))
        ]

    def ledger(self, path: str, blob: str) -> Ledger | None:
        if self._cache is None:
            self._cache = BlobCache(self._repo.git_dir / "rectify")
        return self._cache.parse(blob, path, self._repo.blob)[0]
