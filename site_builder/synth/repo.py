"""Replay the planned steps into a git repository, fast enough for 100,000 commits.

Unsigned commits stream through one ``git fast-import`` (a packed, delta-compressed
repository in seconds). We hash every tree and commit ourselves, exactly as git
does, so each commit can name its parents by id; a signed commit goes through the
demo's ``ObjectWriter`` (``ssh-keygen -Y sign``) as a loose object, after
fast-import has stored an unsigned twin holding the same tree. Commit ids depend
only on content, so the same plan gives the same ids on every run.
"""

from __future__ import annotations

import hashlib
import os
import subprocess
import tempfile
from dataclasses import dataclass
from datetime import datetime
from pathlib import Path
from typing import IO

from site_builder.demo.scenario import demo_keys
from site_builder.history.writer import ObjectWriter, Person
from site_builder.synth import texts
from site_builder.synth.plan import Step

MAIN, REVIEW, UNSIGNED = "refs/heads/main", "refs/heads/review", "refs/synth/unsigned"


class SynthError(Exception):
    """The repository could not be generated; the message is for the operator."""


def _object_id(kind: bytes, data: bytes) -> bytes:
    return hashlib.sha1(b"%s %d\0" % (kind, len(data)) + data).digest()


class Folder:
    """An immutable tree: changing a file copies only the folders on its path."""

    __slots__ = ("entries", "_sha")

    def __init__(self, entries: dict[str, object]) -> None:
        self.entries = entries  # name -> blob id (bytes) or Folder
        self._sha: bytes | None = None

    def sha(self) -> bytes:
        if self._sha is None:
            rows = []
            for name, value in self.entries.items():
                if isinstance(value, Folder):
                    rows.append((name + "/", b"40000 " + name.encode() + b"\0" + value.sha()))
                else:
                    rows.append((name, b"100644 " + name.encode() + b"\0" + value))  # type: ignore[operator]
            rows.sort(key=lambda row: row[0].encode())  # git orders folders as "name/"
            self._sha = _object_id(b"tree", b"".join(row for _, row in rows))
        return self._sha

    def with_file(self, path: str, blob: bytes) -> Folder:
        head, _, rest = path.partition("/")
        entries = dict(self.entries)
        if rest:
            child = entries.get(head)
            entries[head] = (child if isinstance(child, Folder) else Folder({})).with_file(
                rest, blob
            )
        else:
            entries[head] = blob
        return Folder(entries)


@dataclass(frozen=True)
class KnownTree:
    """A tree fast-import has already stored, handed to ``ObjectWriter.commit`` by id."""

    sha: bytes


class SigningWriter(ObjectWriter):
    """The demo's writer, taking a tree by id instead of building it from files."""

    def tree(self, files) -> bytes:
        if isinstance(files, KnownTree):
            return files.sha
        return super().tree(files)


def _stamp(when: datetime) -> str:
    return f"{int(when.timestamp())} {when.strftime('%z')}"


def _ident(who: Person) -> bytes:
    return f"{who.name} <{who.email}>".encode()


@dataclass
class Replayed:
    head: str
    commits: int
    signed: int
    merges: int


class _Replay:
    """The main line's tree and head as the steps play, and the commits streamed so far."""

    def __init__(self, stream: IO[bytes], writer: SigningWriter, keys: dict[str, Path]) -> None:
        self.stream = stream
        self.writer = writer
        self.keys = keys
        self.main = Folder({})
        self.head: str | None = None
        self.sent: set[bytes] = set()
        self.marks: dict[str, int] = {}  # commit id -> fast-import mark
        self.branches: dict[str, tuple[str, Folder, str, bytes]] = {}  # tip, tree, path, blob
        self.count = self.signed = self.merges = self.pr = 0

    def blob(self, data: bytes) -> bytes:
        sha = _object_id(b"blob", data)
        if sha not in self.sent:
            self.sent.add(sha)
            self.stream.write(b"blob\ndata %d\n%s\n" % (len(data), data))
        return sha

    def commit(
        self,
        ref: str,
        tree: Folder,
        parents: list[str],
        author: Person,
        committer: Person,
        when: datetime,
        message: str,
        files: dict[str, bytes],
    ) -> str:
        """Stream one commit to fast-import; returns the id git will give it."""
        stamp = _stamp(when).encode()
        body = (message.rstrip("\n") + "\n").encode()
        out = [b"commit " + ref.encode(), b"mark :%d" % (len(self.marks) + 1)]
        out.append(b"author " + _ident(author) + b" " + stamp)
        out.append(b"committer " + _ident(committer) + b" " + stamp)
        out.append(b"data %d\n%s" % (len(body), body))
        # fast-import finds its own commits only by mark; signed ones (loose) by id.
        named = [b":%d" % self.marks[p] if p in self.marks else p.encode() for p in parents]
        if named:
            out.append(b"from " + named[0])
        out += [b"merge " + p for p in named[1:]]
        out += [
            b"M 100644 " + blob.hex().encode() + b" " + path.encode()
            for path, blob in files.items()
        ]
        self.stream.write(b"\n".join(out) + b"\n\n")
        head = [b"tree " + tree.sha().hex().encode()]
        head += [b"parent " + p.encode() for p in parents]
        head.append(b"author " + _ident(author) + b" " + stamp)
        head.append(b"committer " + _ident(committer) + b" " + stamp)
        self.count += 1
        sha = _object_id(b"commit", b"\n".join(head) + b"\n\n" + body).hex()
        self.marks[sha] = len(self.marks) + 1
        return sha

    def main_commit(self, step: Step, tree: Folder, parents: list[str], author: Person,
                    committer: Person, message: str, files: dict[str, bytes]) -> None:  # fmt: skip
        if step.sign_with is None:
            self.head = self.commit(
                MAIN, tree, parents, author, committer, step.when, message, files
            )
        else:
            # fast-import stores the tree (with an unsigned twin); the writer signs.
            self.commit(UNSIGNED, tree, parents, author, committer, step.when, message, files)
            self.stream.flush()
            self.head = self.writer.commit(
                KnownTree(tree.sha()), parents, author, committer, step.when, message,  # type: ignore[arg-type]
                sign_with=self.keys[step.sign_with],
            )  # fmt: skip
            self.signed += 1
        self.main = tree

    def play(self, step: Step) -> None:
        parents = [self.head] if self.head else []
        if step.kind == "office":
            blobs = {path: self.blob(data) for path, data in step.files.items()}
            tree = self.main
            for path, blob in blobs.items():
                tree = tree.with_file(path, blob)
            self.main_commit(step, tree, parents, step.author, step.author, step.message, blobs)
            return
        line = step.ledger
        assert line is not None and step.day is not None
        if step.kind == "merge":
            tip, _, path, blob = self.branches.pop(step.branch)
            approver = step.approver or step.author
            self.pr += 1
            self.merges += 1
            if step.mode == "offline":
                message = (
                    f"签核合并 {step.branch}\n\n{step.message}\n\n"
                    f"Approved-by: {approver.name} <{approver.email}>"
                )
            else:
                message = f"Merge pull request #{self.pr} from {step.branch}\n\n{step.message}"
            tree = self.main.with_file(path, blob)
            self.main_commit(step, tree, [*parents, tip], approver, approver, message, {path: blob})
            return
        blob = self.blob((line.header() + texts.yaml_text(line.state_at(step.day))).encode())
        path = line.path
        if step.kind == "branch":
            start: str | None
            if step.branch in self.branches:
                start, base = self.branches[step.branch][:2]
            else:
                start, base = self.head, self.main
            tree = base.with_file(path, blob)
            sha = self.commit(REVIEW, tree, [start] if start else [], step.author, step.author,
                              step.when, step.message, {path: blob})  # fmt: skip
            self.branches[step.branch] = (sha, tree, path, blob)
            return
        tree = self.main.with_file(path, blob)
        if step.kind == "squash":
            approver = step.approver or step.author
            self.pr += 1
            message = (
                f"{step.message} (#{self.pr})\n\nApproved-by: {approver.name} <{approver.email}>"
            )
            self.main_commit(step, tree, parents, step.author, approver, message, {path: blob})
        else:  # a direct commit: nobody approved it
            self.main_commit(step, tree, parents, step.author, step.author, step.message,
                             {path: blob})  # fmt: skip


def replay(target: Path, steps: list[Step]) -> Replayed:
    """Write ``steps`` (in time order) as the history of a new repository at ``target``."""
    writer = SigningWriter(target)
    env = {**os.environ, "GIT_DIR": str(Path(writer.repo.git_dir))}
    with tempfile.TemporaryDirectory() as tmp, tempfile.TemporaryFile() as errors:
        keys = demo_keys(Path(tmp))
        process = subprocess.Popen(
            ["git", "fast-import", "--quiet", "--force", "--done"],
            stdin=subprocess.PIPE,
            stderr=errors,
            env=env,
            bufsize=1 << 20,
        )
        assert process.stdin is not None
        state = _Replay(process.stdin, writer, keys)
        try:
            for step in steps:
                state.play(step)
            process.stdin.write(b"done\n")
            process.stdin.close()
        except BrokenPipeError:
            pass
        finally:
            code = process.wait()
        if code != 0 or state.head is None:
            errors.seek(0)
            detail = errors.read().decode(errors="replace").strip()
            writer.close()
            raise SynthError(f"git fast-import 失败：{detail[-2000:]}")
    try:
        git = writer.repo.git
        git.update_ref(MAIN, state.head)
        for ref in (REVIEW, UNSIGNED):
            if git.for_each_ref(ref):
                git.update_ref("-d", ref)
        writer.checkout_main()
    finally:
        writer.close()
    return Replayed(state.head, state.count, state.signed, state.merges)
