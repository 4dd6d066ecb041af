"""`rectify purge`: remove a value or a file committed by mistake from every commit.

The rewrite is done by git-filter-repo (the tool git's own documentation recommends);
this module checks before and after and keeps a record. The record
(``.rectify/purges/<id>.json``, committed on top of the rewritten history) says what
class of data was removed, why, who approved it, who ran it, and maps every old commit
to its new one; it holds no copy of the value or the file's name. Commits that carried
a signature lose it in the rewrite (nobody can re-sign for their signers): the record
lists them. The next build accepts exactly this rewrite: the previous site's commit
must be an old commit of the map and its new commit must be in HEAD's history
(``accepted_purge``); any other rewrite is still refused.
"""

from __future__ import annotations

import getpass
import json
import shutil
import subprocess
import sys
import tempfile
from dataclasses import dataclass
from datetime import UTC, datetime
from pathlib import Path
from typing import Any

PURGE_DIR = ".rectify/purges"
REPLACEMENT = "***已清除***"


class PurgeError(Exception):
    """The purge was not done; the message (Chinese) says why and what to do."""


@dataclass(frozen=True)
class PurgeResult:
    record: Path
    rewritten: int
    unsigned: list[str]


def _git(root: Path, *args: str, input: str | None = None) -> str:  # noqa: A002
    done = subprocess.run(
        ["git", "-C", str(root), *args], capture_output=True, text=True, input=input
    )
    if done.returncode != 0:
        raise PurgeError(f"git {args[0]} 失败：{done.stderr.strip()[-500:]}")
    return done.stdout


def _filter_repo() -> str:
    found = str(Path(sys.executable).with_name("git-filter-repo"))
    if not Path(found).is_file():
        found = shutil.which("git-filter-repo") or found
    if not Path(found).is_file():
        raise PurgeError(
            "缺少 git-filter-repo。请运行 make setup（或 pip install git-filter-repo）。"
        )
    return found


def _signed_commits(root: Path) -> set[str]:
    """Commits (all refs) whose object carries a signature header."""
    shas = _git(root, "rev-list", "--all").split()
    raw = subprocess.run(
        ["git", "-C", str(root), "cat-file", "--batch"],
        input=("\n".join(shas) + "\n").encode(), capture_output=True, check=True,
    ).stdout  # fmt: skip
    signed, i = set(), 0
    while i < len(raw):
        header_end = raw.index(b"\n", i)
        sha, _, size = raw[i:header_end].decode().split(" ")
        body = raw[header_end + 1 : header_end + 1 + int(size)]
        if b"\ngpgsig" in body.split(b"\n\n", 1)[0]:
            signed.add(sha)
        i = header_end + 1 + int(size) + 1
    return signed


def purge(
    root: Path,
    *,
    value: str | None,
    path: str | None,
    data_class: str,
    reason: str,
    approved_by: str,
) -> PurgeResult:
    if (value is None) == (path is None):
        raise PurgeError("请指定 --value（要清除的文字）或 --path（要清除的文件）之一。")
    if value is not None and len(value.strip()) < 2:
        raise PurgeError("要清除的文字太短，会误伤其他内容。")
    if _git(root, "status", "--porcelain").strip():
        raise PurgeError("工作区有未提交的修改。请先提交或清理，再清除历史。")
    before = set(_git(root, "rev-list", "--all").split())
    signed = _signed_commits(root)
    with tempfile.TemporaryDirectory() as tmp:  # the value is never written into the repo
        args = [_filter_repo(), "--force", "--quiet"]
        if value is not None:
            rules = Path(tmp) / "replace.txt"
            rules.write_text(f"literal:{value}==>{REPLACEMENT}\n", encoding="utf-8")
            args += ["--replace-text", str(rules), "--replace-message", str(rules)]
        else:
            args += ["--invert-paths", "--path", str(path)]
        done = subprocess.run(args, cwd=root, capture_output=True, text=True)
    if done.returncode != 0:
        raise PurgeError("git-filter-repo 失败：" + (done.stderr or done.stdout).strip()[-500:])
    mapping = _commit_map(root)
    changed = {old: new for old, new in mapping.items() if old != new and old in before}
    _verify(root, value, path)
    now = datetime.now(UTC).astimezone()
    ident = now.strftime("%Y%m%d-%H%M%S")
    dropped = sorted(old for old in changed if old in signed)
    record = {
        "id": ident,
        "date": now.isoformat(timespec="seconds"),
        "class": data_class,
        "reason": reason,
        "approved_by": approved_by,
        "operator": _operator(),
        "kind": "value" if value is not None else "file",
        "tool": "git-filter-repo",
        "commit_map": changed,
        "signatures_dropped": dropped,
    }
    target = root / PURGE_DIR / f"{ident}.json"
    target.parent.mkdir(parents=True, exist_ok=True)
    target.write_text(json.dumps(record, ensure_ascii=False, indent=1) + "\n", encoding="utf-8")
    _git(root, "add", "--", target.relative_to(root).as_posix())
    _git(root, "commit", "--quiet", "-m", f"记录历史清除 {ident}：{data_class}")
    return PurgeResult(target, len(changed), dropped)


def _commit_map(root: Path) -> dict[str, str]:
    git_dir = Path(_git(root, "rev-parse", "--absolute-git-dir").strip())
    lines = (git_dir / "filter-repo" / "commit-map").read_text(encoding="utf-8").splitlines()
    return dict(line.split()[:2] for line in lines[1:] if line.strip())


def _verify(root: Path, value: str | None, path: str | None) -> None:
    """Nothing of the value or the file is left in any object the repository holds."""
    if value is not None:
        objects = subprocess.run(
            ["git", "-C", str(root), "cat-file", "--batch-all-objects", "--batch"],
            capture_output=True, check=True,
        ).stdout  # fmt: skip
        if value.encode("utf-8") in objects:
            raise PurgeError(
                "清除后仓库中仍能找到这段文字（可能在压缩对象中）。请勿推送，联系管理员。"
            )
    elif _git(root, "rev-list", "--all", "--", str(path)).strip():
        raise PurgeError("清除后仍有提交包含这个文件。请勿推送，联系管理员。")


def load_records(root: Path) -> list[dict[str, Any]]:
    records = []
    for file in sorted((root / PURGE_DIR).glob("*.json")):
        try:
            data = json.loads(file.read_text(encoding="utf-8"))
        except (OSError, ValueError):
            continue
        if isinstance(data, dict) and isinstance(data.get("commit_map"), dict):
            records.append(data)
    return records


def accepted_purge(root: Path, previous: str, is_in_head) -> dict[str, Any] | None:
    """The purge record that maps ``previous`` to a commit in HEAD's history, if any."""
    for record in load_records(root):
        new = record["commit_map"].get(previous)
        if isinstance(new, str) and is_in_head(new):
            return record
    return None


def _operator() -> str:
    try:
        return getpass.getuser()
    except (OSError, KeyError):
        return "未知"
