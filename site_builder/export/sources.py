"""Where a district's data export comes from: a file, a built site, a URL, or a repository.

The city never reads a district's history itself. A source is, in this order of cost:

- ``export``: a data export file, or an http(s) address of one (downloaded with a size
  cap and a deadline into the city's work folder; an unchanged download keeps its file,
  so the city sees it unchanged);
- ``path``: a built site (``data/export.json`` inside), a build folder (``site/data/
  export.json``), or, only when the folder holds no export but is a ledger repository
  (it has ``rounds/``), that repository built by ``rectify build`` in a separate process
  into ``OUT/districts/<id>/``;
- ``git``: a repository cloned (then fetched) into ``OUT/districts/<id>/repo`` and built
  the same way. A district's own build keeps its caches there, so a rebuild reads only
  its new commits.

Each returns the local export file, or None with a V03x diagnostic naming the district.
"""

from __future__ import annotations

import os
import subprocess
import sys
import urllib.parse
import urllib.request
from pathlib import Path

from site_builder.diagnostics import Diagnostic, diag
from site_builder.export.city import DistrictSource

EXPORT = Path("data") / "export.json"
MAX_EXPORT_BYTES = 512 * 1024 * 1024
TIMEOUT = 60.0
BUILD_TIMEOUT = 3600.0
_GIT_ENV = {**os.environ, "GIT_TERMINAL_PROMPT": "0", "LC_ALL": "C.UTF-8"}


def _fail(code: str, source: DistrictSource, detail: str = "") -> tuple[None, list[Diagnostic]]:
    found = diag(code, source.file, source.line, district=source.name, source=source.location,
                 detail=detail)  # fmt: skip
    return None, [found]


def locate_export(source: DistrictSource, work: Path) -> tuple[Path | None, list[Diagnostic]]:
    """The local export file of ``source``; ``work`` is this district's work folder."""
    if source.kind == "export":
        if urllib.parse.urlsplit(source.resolved).scheme.lower() in ("http", "https"):
            return _download(source, work)
        path = Path(source.resolved)
        return (path, []) if path.is_file() else _fail("V030", source)
    if source.kind == "git":
        repo = work / "repo"
        problem = _clone_or_fetch(source, repo)
        if problem:
            return _fail("V034", source, detail=problem)
        return _build(source, repo, work)
    folder = Path(source.resolved)
    if folder.is_file():
        return folder, []
    if not folder.is_dir():
        return _fail("V030", source)
    for candidate in (folder / EXPORT, folder / "site" / EXPORT):
        if candidate.is_file():
            return candidate, []
    if (folder / "rounds").is_dir():
        return _build(source, folder, work)
    return _fail("V031", source, detail="目录中没有 data/export.json，也不是台账仓库")


def _build(source: DistrictSource, repo: Path, work: Path) -> tuple[Path | None, list[Diagnostic]]:
    """``rectify build`` of ``repo`` in its own process (its memory and history stay there)."""
    command = [sys.executable, "-m", "site_builder", "build", "--root", str(repo),
               "--out", str(work / "build")]  # fmt: skip
    try:
        done = subprocess.run(command, capture_output=True, text=True, timeout=BUILD_TIMEOUT)
    except (OSError, subprocess.TimeoutExpired) as exc:
        return _fail("V033", source, detail=exc.__class__.__name__)
    export = work / "build" / "site" / EXPORT
    if done.returncode != 0 or not export.is_file():
        lines = [line for line in (done.stderr or done.stdout).splitlines() if line.strip()]
        detail = "；".join(lines[-2:]) or f"退出码 {done.returncode}"
        return _fail("V033", source, detail=detail)
    return export, []


def _clone_or_fetch(source: DistrictSource, repo: Path) -> str | None:
    """None when ``repo`` holds the remote's branch checked out; else what went wrong."""
    branch = ["--branch", source.branch] if source.branch else []
    if (repo / ".git").is_dir():
        ref = source.branch or "HEAD"
        steps = [["git", "-C", str(repo), "fetch", "--quiet", "origin", ref],
                 ["git", "-C", str(repo), "reset", "--quiet", "--hard", "FETCH_HEAD"]]  # fmt: skip
    else:
        repo.parent.mkdir(parents=True, exist_ok=True)
        steps = [["git", "clone", "--quiet", *branch, "--", source.resolved, str(repo)]]
    for step in steps:
        try:
            done = subprocess.run(step, capture_output=True, text=True, env=_GIT_ENV, timeout=600)
        except (OSError, subprocess.TimeoutExpired) as exc:
            return exc.__class__.__name__
        if done.returncode != 0:
            lines = [line for line in done.stderr.splitlines() if line.strip()]
            return lines[-1] if lines else f"git 退出码 {done.returncode}"
    return None


def _download(source: DistrictSource, work: Path) -> tuple[Path | None, list[Diagnostic]]:
    request = urllib.request.Request(
        source.resolved, headers={"User-Agent": "rectify", "Accept": "application/json"}
    )
    try:
        with urllib.request.urlopen(request, timeout=TIMEOUT) as response:
            data = response.read(MAX_EXPORT_BYTES + 1)
    except OSError as exc:  # URLError and HTTPError are OSErrors
        return _fail("V035", source, detail=str(getattr(exc, "reason", exc)))
    if len(data) > MAX_EXPORT_BYTES:
        return _fail("V035", source, detail=f"超过 {MAX_EXPORT_BYTES // 1024 // 1024} MB")
    target = work / "export.json"
    # An unchanged download keeps its file (and modification time): the city's cache of
    # this district then holds.
    if not (target.is_file() and target.read_bytes() == data):
        work.mkdir(parents=True, exist_ok=True)
        target.write_bytes(data)
    return target, []
