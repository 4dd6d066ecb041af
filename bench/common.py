"""Shared by the benchmark scripts: the machine, medians, generated repositories, floors.

The floors are what any reader of the same data must pay: ``git log`` of the main
line with raw changes (the very command ``history.git`` runs), the same blobs read
through one ``git cat-file --batch``, and a bare YAML parse of them (libyaml's
composer with the base resolver: nodes and marks, no schema, no records).
"""

from __future__ import annotations

import json
import os
import platform
import re
import shutil
import statistics
import subprocess
import sys
import time
from datetime import UTC, datetime
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent
RESULTS = ROOT / "bench" / "results"
sys.path.insert(0, str(ROOT))

# The project and PyYAML are imported where they are used: run.py's parent process must
# stay small, since every child it starts inherits its peak memory in ru_maxrss.

GIT_ENV = {**os.environ, "LC_ALL": "C.UTF-8", "GIT_TERMINAL_PROMPT": "0"}


def machine() -> dict:
    """What the figures were measured on."""

    def run(*args: str) -> str:
        try:
            return subprocess.run(args, capture_output=True, text=True).stdout.strip()
        except OSError:
            return ""

    return {
        "uname": run("uname", "-a"),
        "nproc": run("nproc"),
        "free_g": run("free", "-g"),
        "python": sys.version.split()[0],
        "git": run("git", "--version"),
        "platform": platform.platform(),
        "date": datetime.now(UTC).isoformat(timespec="seconds"),
        "load_average": os.getloadavg(),
    }


def median(values: list[float]) -> float:
    return statistics.median(values) if values else float("nan")


def timed(fn, *args, **kwargs) -> tuple[float, object]:
    start = time.perf_counter()
    result = fn(*args, **kwargs)
    return time.perf_counter() - start, result


def synth(target: Path, units: int, commits_per_unit: int = 40, seed: int = 1) -> dict:
    """Generate a repository with ``rectify synth``; returns its figures."""
    from site_builder.synth import synth_repository

    result = synth_repository(
        target, ROOT, units=units, seed=seed, commits_per_unit=commits_per_unit, force=True
    )
    return {
        "units": result.units,
        "rounds": result.rounds,
        "ledgers": result.ledgers,
        "problems": result.problems,
        "commits": result.commits,
        "merges": result.merges,
        "signed": result.signed,
        "seconds": round(result.seconds, 2),
    }


def demo(target: Path) -> dict:
    """Generate the demo district's repository (``rectify demo``); returns its figures."""
    from site_builder.demo import build_demo

    seconds, result = timed(build_demo, target, ROOT, True)
    return {"demo": str(target), "commits": result.commits, "seconds": round(seconds, 2)}  # type: ignore[union-attr]


def git(root: Path, *args: str, env: dict | None = None, data: bytes | None = None) -> bytes:
    return subprocess.run(
        ["git", *args], cwd=root, env={**GIT_ENV, **(env or {})}, input=data,
        capture_output=True, check=True,
    ).stdout  # fmt: skip


def main_line_log(root: Path) -> bytes:
    """Exactly the log ``history.git.Repository.main_line`` runs."""
    from site_builder.history.git import _FORMAT  # the same format as the history step

    return git(root, "log", "--first-parent", "--diff-merges=first-parent", "--raw", "-z",
               "--no-renames", "--no-abbrev", "--reverse", f"--format={_FORMAT}", "HEAD",
               "--", "ledgers")  # fmt: skip


def ledger_blobs(log: bytes) -> list[str]:
    """Distinct blob ids (old and new) of ledger files in the log, first seen first."""
    from site_builder.history.read import LEDGER_PATH

    seen: dict[str, None] = {}
    tokens = log.split(b"\0")
    for meta, path in zip(tokens, tokens[1:], strict=False):
        meta = meta.lstrip(b"\n")
        if not meta.startswith(b":") or not LEDGER_PATH.match(path.decode()):
            continue
        _, _, old, new, _ = meta[1:].split(b" ")
        for sha in (old, new):
            if sha.strip(b"0"):
                seen.setdefault(sha.decode(), None)
    return list(seen)


def cat_file(root: Path, shas: list[str]) -> list[bytes]:
    """The blobs through one ``git cat-file --batch``."""
    out = git(root, "cat-file", "--batch", data=("\n".join(shas) + "\n").encode())
    blobs, at = [], 0
    for _ in shas:
        end = out.index(b"\n", at)
        size = int(out[at:end].rsplit(b" ", 1)[1])
        blobs.append(out[end + 1 : end + 1 + size])
        at = end + 1 + size + 1
    return blobs


def bare_parse(blobs: list[bytes]) -> None:
    import yaml

    for data in blobs:
        yaml.compose(data, Loader=yaml.CBaseLoader)


def history_floor(root: Path) -> dict:
    """Seconds of each floor part for the history step, and how many blobs."""
    t_log, log = timed(main_line_log, root)
    shas = ledger_blobs(log)  # type: ignore[arg-type]
    t_cat, blobs = timed(cat_file, root, shas)
    t_parse, _ = timed(bare_parse, blobs)
    return {
        "git_log": t_log,
        "cat_file": t_cat,
        "yaml_compose": t_parse,
        "total": t_log + t_cat + t_parse,
        "blobs": len(shas),
        "blob_bytes": sum(len(b) for b in blobs),  # type: ignore[union-attr]
    }


def load_floor(root: Path) -> dict:
    """The bare YAML parse of the working tree's files (what load+validate reads)."""
    files = sorted(p for p in (root / "ledgers").rglob("*.y*ml")) + sorted(
        (root / "rounds").glob("*.yml")
    )
    t_read, blobs = timed(lambda: [p.read_bytes() for p in files])
    t_parse, _ = timed(bare_parse, blobs)
    return {"read": t_read, "yaml_compose": t_parse, "total": t_read + t_parse,
            "files": len(files)}  # fmt: skip


REVIEWER = ("孙丽", "sunli@jw.xiaodian.example")  # listed in the generated signers file
_PROGRESS = re.compile(rb"^(\s+progress: )(.*)$", re.M)


def one_new_merge(root: Path, number: int = 1) -> str:
    """A real change on a branch, merged by a reviewer (``--no-ff``); returns the old HEAD."""
    old = git(root, "rev-parse", "HEAD").decode().strip()
    ledger = sorted((root / "ledgers").rglob("*.yml"))[0]
    text = ledger.read_bytes()
    match = _PROGRESS.search(text)
    line = b"\xe6\x9b\xb4\xe6\x96\xb0\xe8\xbf\x9b\xe5\xb1\x95 %d" % number  # "更新进展 N"
    if match:
        text = text[: match.start(2)] + line + text[match.end(2) :]
    else:
        text += b"# " + line + b"\n"
    staff = {
        "GIT_AUTHOR_NAME": "测试员",
        "GIT_AUTHOR_EMAIL": "bench.staff@units.synth.example",
        "GIT_COMMITTER_NAME": "测试员",
        "GIT_COMMITTER_EMAIL": "bench.staff@units.synth.example",
    }
    name, email = REVIEWER
    reviewer = {"GIT_AUTHOR_NAME": name, "GIT_AUTHOR_EMAIL": email,
                "GIT_COMMITTER_NAME": name, "GIT_COMMITTER_EMAIL": email}  # fmt: skip
    git(root, "checkout", "-q", "-b", f"bench/{number}")
    ledger.write_bytes(text)
    git(root, "commit", "-q", "-am", "更新整改进展", env=staff)
    git(root, "checkout", "-q", "main")
    git(root, "merge", "-q", "--no-ff", "-m", f"Merge pull request #{number} from bench/{number}",
        f"bench/{number}", env=reviewer)  # fmt: skip
    git(root, "branch", "-q", "-D", f"bench/{number}")
    return old


def undo_merge(root: Path, old: str) -> None:
    git(root, "reset", "-q", "--hard", old)


def drop_history_cache(root: Path) -> None:
    shutil.rmtree(root / ".git" / "rectify", ignore_errors=True)


def write_json(name: str, data: dict) -> Path:
    RESULTS.mkdir(parents=True, exist_ok=True)
    path = RESULTS / name
    path.write_text(json.dumps(data, ensure_ascii=False, indent=2, default=str), encoding="utf-8")
    return path
