"""A real git repository in a temporary folder, driven with fixed authors and dates."""

from __future__ import annotations

import os
import subprocess
import textwrap
from datetime import datetime, timedelta
from pathlib import Path

from conftest import write_files

STAFF = ("张明", "zhangming@wucheng.example")
REVIEWER = ("赵敏", "zhaomin@jw.example")
OTHER_REVIEWER = ("钱进", "qianjin@zzb.example")
STRANGER = ("孙立", "sunli@example.com")


class GitRepo:
    def __init__(self, root: Path, start: datetime = datetime(2018, 2, 1)) -> None:
        # By default after every closure date the tests write: a closure dated after the
        # commit that records it is H009.
        self.root = root
        self.start = start
        self.tick = 0
        root.mkdir(parents=True, exist_ok=True)
        self.git("init", "-q", "-b", "main")
        self.git("config", "commit.gpgsign", "false")

    def env(self, who: tuple[str, str], committer: tuple[str, str] | None = None) -> dict:
        self.tick += 1
        stamp = (self.start + timedelta(hours=self.tick)).isoformat() + "+08:00"
        committer = committer or who
        return {
            "GIT_AUTHOR_NAME": who[0],
            "GIT_AUTHOR_EMAIL": who[1],
            "GIT_AUTHOR_DATE": stamp,
            "GIT_COMMITTER_NAME": committer[0],
            "GIT_COMMITTER_EMAIL": committer[1],
            "GIT_COMMITTER_DATE": stamp,
        }

    def git(self, *args: str, who: tuple[str, str] = STAFF, env: dict | None = None) -> str:
        full = {**os.environ, **self.env(who), **(env or {})}
        result = subprocess.run(
            ["git", *args], cwd=self.root, env=full, capture_output=True, text=True
        )
        if result.returncode:
            raise AssertionError(f"git {' '.join(args)} failed: {result.stderr}")
        return result.stdout.strip()

    def write(self, files: dict[str, str | None]) -> None:
        write_files(self.root, files)

    def commit(self, files: dict[str, str | None], message: str, who=STAFF) -> str:
        self.write(files)
        self.git("add", "-A")
        self.git("commit", "-q", "-m", message, who=who)
        return self.git("rev-parse", "HEAD")

    def branch(self, name: str, start: str = "main") -> None:
        self.git("checkout", "-q", "-b", name, start)

    def checkout(self, name: str) -> None:
        self.git("checkout", "-q", name)

    def merge(
        self, branch: str, who=REVIEWER, message: str | None = None, sign_key: Path | None = None
    ) -> str:
        self.checkout("main")
        args = [
            "merge",
            "-q",
            "--no-ff",
            branch,
            "-m",
            message or f"Merge pull request #1 from wucheng/{branch}",
        ]
        if sign_key:
            args = ["-c", "gpg.format=ssh", "-c", f"user.signingkey={sign_key}", *args, "-S"]
        self.git(*args, who=who)
        return self.git("rev-parse", "HEAD")

    def ledger(self, text: str) -> dict[str, str]:
        return {"ledgers/r1/wcjd.yml": textwrap.dedent(text)}


def ssh_key(folder: Path, name: str) -> tuple[Path, str]:
    """A fresh ed25519 key pair: (private key path, public key text)."""
    path = folder / name
    subprocess.run(
        ["ssh-keygen", "-q", "-t", "ed25519", "-N", "", "-C", name, "-f", str(path)], check=True
    )
    return path, (folder / f"{name}.pub").read_text().strip()
