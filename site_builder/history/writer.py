"""Write commits straight into a repository's object database: fast and byte-for-byte
reproducible. Used to generate the demo repository; SSH signatures come from
``ssh-keygen -Y sign`` exactly as git itself makes them (Ed25519 signing is
deterministic, so the same inputs give the same commit ids); other signatures
(OpenPGP) from a function given the payload.
"""

from __future__ import annotations

import shutil
import subprocess
from collections.abc import Callable
from dataclasses import dataclass
from datetime import datetime
from io import BytesIO
from pathlib import Path

import git
from gitdb import LooseObjectDB
from gitdb.base import IStream


def empty_target(target: Path, force: bool) -> bool:
    """Make ``target`` an empty folder; False when it holds files and ``force`` is off."""
    if target.exists() and any(target.iterdir()):
        if not force:
            return False
        shutil.rmtree(target)
    target.mkdir(parents=True, exist_ok=True)
    return True


@dataclass(frozen=True)
class Person:
    name: str
    email: str


class ObjectWriter:
    """Builds commits from whole trees (path -> bytes) in a fresh repository."""

    def __init__(self, root: Path) -> None:
        self.repo = git.Repo.init(root, initial_branch="main")
        # Write loose objects in-process: no git process per object.
        self._odb = LooseObjectDB(str(Path(self.repo.git_dir) / "objects"))
        self._stored: dict[tuple[bytes, bytes], bytes] = {}

    def close(self) -> None:
        self.repo.close()

    def _store(self, kind: bytes, data: bytes) -> bytes:
        key = (kind, data)
        if key not in self._stored:  # unchanged files and folders are stored once
            self._stored[key] = self._odb.store(IStream(kind, len(data), BytesIO(data))).binsha
        return self._stored[key]

    def _blob(self, data: bytes) -> bytes:
        return self._store(b"blob", data)

    def tree(self, files: dict[str, bytes]) -> bytes:
        """Store the tree for ``files``; returns its binary sha."""
        entries: dict[str, object] = {}
        for path, data in files.items():
            node = entries
            *folders, name = path.split("/")
            for folder in folders:
                node = node.setdefault(folder, {})  # type: ignore[assignment]
            node[name] = data
        return self._tree(entries)

    def _tree(self, node: dict) -> bytes:
        rows = []
        for name, value in node.items():
            if isinstance(value, dict):
                rows.append((name + "/", b"40000 " + name.encode() + b"\0" + self._tree(value)))
            else:
                rows.append((name, b"100644 " + name.encode() + b"\0" + self._blob(value)))
        rows.sort(key=lambda row: row[0].encode())  # git orders folders as "name/"
        return self._store(b"tree", b"".join(row for _, row in rows))

    def commit(
        self,
        files: dict[str, bytes],
        parents: list[str],
        author: Person,
        committer: Person,
        when: datetime,
        message: str,
        sign_with: Path | Callable[[bytes], str] | None = None,
    ) -> str:
        stamp = f"{int(when.timestamp())} {when.strftime('%z')}"
        head = [f"tree {self.tree(files).hex()}"]
        head += [f"parent {p}" for p in parents]
        head += [
            f"author {author.name} <{author.email}> {stamp}",
            f"committer {committer.name} <{committer.email}> {stamp}",
        ]
        body = "\n" + message.rstrip("\n") + "\n"
        payload = ("\n".join(head) + "\n" + body).encode()
        if callable(sign_with):
            signature = sign_with(payload).strip()
            head.append("gpgsig " + signature.replace("\n", "\n "))
            payload = ("\n".join(head) + "\n" + body).encode()
        elif sign_with is not None:
            signature = (
                subprocess.run(
                    ["ssh-keygen", "-q", "-Y", "sign", "-n", "git", "-f", str(sign_with)],
                    input=payload,
                    capture_output=True,
                    check=True,
                )
                .stdout.decode()
                .strip()
            )
            head.append("gpgsig " + signature.replace("\n", "\n "))
            payload = ("\n".join(head) + "\n" + body).encode()
        return self._store(b"commit", payload).hex()

    def set_branch(self, name: str, sha: str) -> None:
        self.repo.git.update_ref(f"refs/heads/{name}", sha)

    def checkout_main(self) -> None:
        self.repo.git.symbolic_ref("HEAD", "refs/heads/main")
        self.repo.git.reset("--hard", "-q", "main")
