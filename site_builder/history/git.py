"""The one door to git. Only this module imports GitPython.

History is read in one pass (``git log --raw -z``) and blobs through the
long-running ``git cat-file --batch`` that GitPython keeps open.

Every git process this module starts ignores ``git replace`` objects and grafts
(``ISOLATED``): both are local overrides that make git show other commits or
contents than the objects the ids name, so a trail read through them could be
bent by whoever controls the clone.
"""

from __future__ import annotations

import functools
import os
import subprocess
import threading
from collections.abc import Iterator
from contextlib import contextmanager
from dataclasses import dataclass, field
from datetime import UTC, date, datetime, timedelta, timezone
from pathlib import Path

import git

NULL_SHA = "0" * 40
# No replace refs, no grafts: a path under /dev/null can never exist, so git finds no
# graft file (an existing empty file would make it print a deprecation hint).
ISOLATED = {"GIT_NO_REPLACE_OBJECTS": "1", "GIT_GRAFT_FILE": "/dev/null/rectify-no-grafts"}


class GitError(Exception):
    """Git could not answer; the message is for the operator."""


# The time of a commit whose stamp no datetime can hold (see commit_time).
UNKNOWN_TIME = datetime.min.replace(tzinfo=UTC)


def commit_time(stamp: str) -> datetime:
    """A commit's time as git prints it (``%aI``), with the offset git recorded.

    A crafted commit can carry a time no ``datetime`` holds: an offset out of range
    (+99:99) keeps its wall-clock time, as UTC; a year past 9999 or no time at all is
    UNKNOWN_TIME, which checks by day skip (``commit_day``).
    """
    try:
        moment = datetime.fromisoformat(stamp)
    except ValueError:
        try:
            moment = datetime.fromisoformat(stamp[:19])
        except ValueError:
            return UNKNOWN_TIME
    offset = moment.utcoffset() if moment.tzinfo is not None else None
    # One zone object per offset: the trail cache pickles each zone once, not per commit.
    return moment.replace(tzinfo=UTC if offset is None else _zone(offset))


@functools.cache
def _zone(offset: timedelta) -> timezone:
    return timezone(offset)


def commit_day(moment: datetime) -> date | None:
    """The day of a commit time, as its author's clock showed it; None when unknown."""
    return None if moment == UNKNOWN_TIME else moment.date()


@dataclass(frozen=True, slots=True)
class PathChange:
    """A path a commit changed: its blob before and after (None: absent)."""

    path: str
    old_blob: str | None
    new_blob: str | None


@dataclass(frozen=True, slots=True)
class Commit:
    sha: str
    parents: tuple[str, ...]
    author_name: str
    author_email: str
    author_date: datetime
    committer_name: str
    committer_email: str
    message: str
    changes: tuple[PathChange, ...] = field(default=())

    @property
    def is_merge(self) -> bool:
        return len(self.parents) > 1

    @property
    def subject(self) -> str:
        return self.message.split("\n", 1)[0]


@dataclass(frozen=True, slots=True)
class GraphCommit:
    sha: str
    parents: tuple[str, ...]
    author_name: str
    author_email: str
    author_date: datetime
    subject: str
    committer_email: str = ""


_FORMAT = "%x1e" + "%x00".join(["%H", "%P", "%an", "%ae", "%aI", "%cn", "%ce", "%B"]) + "%x00"


class Repository:
    """A git repository opened for reading history and blobs; use as a context manager."""

    def __init__(self, root: Path) -> None:
        try:
            self._repo = git.Repo(root, search_parent_directories=False)
        except (git.InvalidGitRepositoryError, git.NoSuchPathError) as exc:
            raise GitError(f"{root} 不是 git 仓库") from exc
        self._repo.git.update_environment(**ISOLATED)  # GitPython's own processes too
        self.root = root

    def __enter__(self) -> Repository:
        return self

    def __exit__(self, *exc: object) -> None:
        self.close()

    def close(self) -> None:
        self._repo.close()

    @property
    def git_dir(self) -> Path:
        return Path(self._repo.git_dir)

    def head(self) -> str | None:
        try:
            return self._repo.head.commit.hexsha
        except ValueError:  # no commits yet
            return None

    def is_shallow(self) -> bool:
        return (self.git_dir / "shallow").exists()

    def rev_parse(self, rev: str) -> str:
        try:
            return self._repo.git.rev_parse("--verify", "--end-of-options", f"{rev}^{{commit}}")
        except git.GitCommandError as exc:
            raise GitError(f"找不到提交“{rev}”") from exc

    def is_ancestor(self, older: str, newer: str) -> bool:
        try:
            self._repo.git.merge_base("--is-ancestor", older, newer)
            return True
        except git.GitCommandError:
            return False

    def blob(self, sha: str) -> bytes:
        return self._repo.odb.stream(bytes.fromhex(sha)).read()

    def blobs(self, shas: list[str]) -> Iterator[tuple[str, bytes]]:
        """(sha, content) of the blobs ``shas`` in order, through one ``git cat-file --batch``."""
        return self._batch(shas, b"blob")

    def raw_commits(self, shas: list[str]) -> Iterator[tuple[str, bytes]]:
        """(sha, raw commit object) of ``shas`` in order, through one ``git cat-file --batch``:
        the bytes a commit signature signs (with its ``gpgsig`` header)."""
        return self._batch(shas, b"commit")

    def _batch(self, shas: list[str], kind: bytes) -> Iterator[tuple[str, bytes]]:
        """(sha, content) of objects of ``kind``, streamed through one ``git cat-file --batch``.

        All requests are written up front (by a thread, so neither side blocks): one
        round trip in all instead of one per object.
        """
        if not shas:
            return
        env = {**os.environ, "GIT_DIR": str(self.git_dir), "LC_ALL": "C.UTF-8", **ISOLATED}
        process = subprocess.Popen(
            ["git", "cat-file", "--batch"], stdin=subprocess.PIPE, stdout=subprocess.PIPE, env=env
        )
        assert process.stdin is not None and process.stdout is not None

        def ask() -> None:
            try:
                process.stdin.write(("\n".join(shas) + "\n").encode())  # type: ignore[union-attr]
                process.stdin.close()  # type: ignore[union-attr]
            except BrokenPipeError:
                pass

        writer = threading.Thread(target=ask, daemon=True)
        writer.start()
        try:
            for sha in shas:
                header = process.stdout.readline().split()
                if len(header) != 3 or header[1] != kind:
                    raise GitError(f"读取 git 对象失败：{sha}")
                data = process.stdout.read(int(header[2]))
                process.stdout.read(1)  # the newline after each object
                yield sha, data
        finally:
            process.stdout.close()
            process.kill()
            process.wait()
            writer.join()

    def tree_blobs(self, rev: str, folder: str) -> dict[str, str]:
        """path -> blob sha of every file under ``folder`` at ``rev``."""
        out = self._repo.git.ls_tree("-r", "-z", "--full-tree", rev, "--", folder)
        blobs = {}
        for entry in filter(None, out.split("\0")):
            meta, path = entry.split("\t", 1)
            mode, kind, sha = meta.split()
            if kind == "blob" and mode != "120000":  # symbolic links are never data
                blobs[path] = sha
        return blobs

    def main_line(self, rev: str, paths: list[str]) -> Iterator[Commit]:
        """First-parent commits of ``rev`` touching ``paths``, oldest first, with raw changes.

        A merge's changes are taken against its first parent: what the merge brought
        into the main line.
        """
        args = ["log", "--first-parent", "--diff-merges=first-parent", "--raw", "-z",
                "--no-renames", "--no-abbrev", "--reverse", f"--format={_FORMAT}", rev,
                "--", *paths]  # fmt: skip
        output = self._run(args)
        for record in output.split("\x1e")[1:]:
            yield _parse_record(record)

    def merge_own_paths(self, rev: str, paths: list[str]) -> dict[str, dict[str, tuple]]:
        """First-parent merges of ``rev`` whose result differs from every parent in a path
        under ``paths`` (git's combined diff): merge -> path -> blob in each parent.

        A merge's version of any other path is one of its parents' versions, so only
        these paths can hold changes the merge made itself.
        """
        args = ["log", "--first-parent", "--merges", "--diff-merges=combined", "--raw", "-z",
                "--no-renames", "--no-abbrev", "--format=%x1e%H", rev, "--", *paths]  # fmt: skip
        found: dict[str, dict[str, tuple]] = {}
        for record in self._run(args).split("\x1e")[1:]:
            sha, _, rest = record.partition("\0")
            tokens = rest.lstrip("\0\n").split("\0")
            for meta, path in zip(tokens[0::2], tokens[1::2], strict=False):
                colons = len(meta) - len(meta.lstrip(":"))
                if colons < 2:
                    continue
                fields = meta[colons:].split(" ")
                blobs = fields[colons + 1 : 2 * colons + 1]  # the parents' blobs
                found.setdefault(sha.strip(), {})[path] = tuple(
                    None if b == NULL_SHA else b for b in blobs
                )
        return found

    def graph(self, since: str | None = None) -> dict[str, GraphCommit]:
        """Every commit reachable from HEAD (and not from ``since``), by sha: parents,
        author, date and subject."""
        if not self.head():
            return {}
        rev = f"{since}..HEAD" if since else "HEAD"
        return _parse_graph(self._run(["log", "-z", f"--format={_GRAPH_FORMAT}", rev]))

    def graph_of(self, shas: list[str]) -> dict[str, GraphCommit]:
        """The graph entries of ``shas`` alone; commits git does not have are left out."""
        found = {}
        for sha in shas:
            try:
                out = self._run(["log", "-z", "--no-walk", f"--format={_GRAPH_FORMAT}", sha])
            except GitError:  # beyond a shallow clone's boundary
                continue
            found.update(_parse_graph(out))
        return found

    def first_parents(self, since: str, rev: str = "HEAD") -> list[str]:
        """The first-parent chain of ``rev`` down to (not including) ``since``, newest first."""
        out = self._run(["rev-list", "--first-parent", rev, f"^{since}"])
        return out.split()

    def merge_base(self, a: str, b: str) -> str:
        return self._run(["merge-base", a, b]).strip()

    def commits_between(self, base: str, head: str) -> list[tuple[str, ...]]:
        """(sha, author name, author email, committer email) of commits in ``head`` not in
        ``base``."""
        out = self._run(["log", "--format=%H%x00%an%x00%ae%x00%ce", f"{base}..{head}"])
        return [tuple(line.split("\0")) for line in out.splitlines() if line]

    def changed_paths(self, base: str, head: str, folder: str) -> list[str]:
        out = self._run(["diff", "--name-only", "-z", "--no-renames", base, head, "--", folder])
        return [p for p in out.split("\0") if p]

    def run(self, args: list[str], env: dict[str, str] | None = None) -> str:
        """Run a git command (merge, commit); ``env`` adds to the environment."""
        return self._run(args, env)

    def _run(self, args: list[str], env: dict[str, str] | None = None, stdin=None) -> str:
        full = {**os.environ, "GIT_TERMINAL_PROMPT": "0", "LC_ALL": "C.UTF-8", **(env or {}),
                **ISOLATED}  # fmt: skip
        try:
            return self._repo.git.execute(
                ["git", *args], env=full, istream=stdin, strip_newline_in_stdout=False
            )
        except git.GitCommandError as exc:
            raise GitError(f"git 命令失败：{(exc.stderr or str(exc)).strip()}") from exc


@contextmanager
def opened(root: Path) -> Iterator[Repository | None]:
    """The repository at ``root``, open for the block (None: ``root`` is not one).

    A build opens it once and hands it to every stage that asks git.
    """
    try:
        repo = Repository(root)
    except GitError:
        yield None
        return
    with repo:
        yield repo


_GRAPH_FORMAT = "%H%x00%P%x00%an%x00%ae%x00%aI%x00%ce%x00%s"


def _parse_graph(out: str) -> dict[str, GraphCommit]:
    fields = out.split("\0")
    graph = {}
    for i in range(0, len(fields) - 6, 7):
        sha, parents, name, email, stamp, committer, subject = fields[i : i + 7]
        sha = sha.lstrip("\n")
        graph[sha] = GraphCommit(
            sha, tuple(parents.split()), name, email, commit_time(stamp), subject, committer
        )
    return graph


def _parse_record(record: str) -> Commit:
    parts = record.split("\0", 8)
    sha, parents, an, ae, ad, cn, ce, message, rest = parts
    tokens = rest.lstrip("\0\n").split("\0")
    changes = []
    for meta, path in zip(tokens[0::2], tokens[1::2], strict=False):
        if not meta.startswith(":"):
            continue
        _, _, old, new, _status = meta[1:].split(" ")
        changes.append(
            PathChange(path, None if old == NULL_SHA else old, None if new == NULL_SHA else new)
        )
    return Commit(sha, tuple(parents.split()), an, ae, commit_time(ad), cn, ce,
                  message.rstrip("\n"), tuple(changes))  # fmt: skip
