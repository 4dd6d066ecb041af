"""`rectify check-workflows`: no CI workflow may publish a non-public site to a public host.

A job publishes publicly when it uses a Pages action (GitHub, Cloudflare, Netlify,
Vercel) or runs a command that pushes a site to one (``mkdocs gh-deploy``,
``ghp-import``, ``git push … gh-pages``, ``netlify deploy`` …). Such a job, with every
job it needs (its artifacts come from there), must build the site only with
``rectify build --audience public``, written literally: an audience from a variable,
a site built elsewhere or no visible build at all is refused, since the check cannot
see what would be published. The check is deliberately conservative: a false alarm
costs a reworded workflow, a miss publishes names of people disciplined.
"""

from __future__ import annotations

import re
import shlex
from collections.abc import Iterator
from dataclasses import dataclass
from pathlib import Path
from typing import Any

from site_builder.diagnostics import Diagnostic, diag
from site_builder.load.yaml_strict import parse_yaml

WORKFLOW_DIRS = (".github/workflows", ".gitea/workflows", ".forgejo/workflows")

# Actions (owner/name, lower case, without @ref) that put a site on a public host.
PUBLIC_ACTIONS = {
    "actions/deploy-pages": "GitHub Pages",
    "actions/upload-pages-artifact": "GitHub Pages",
    "actions/jekyll-build-pages": "GitHub Pages",
    "peaceiris/actions-gh-pages": "GitHub Pages（gh-pages 分支）",
    "jamesives/github-pages-deploy-action": "GitHub Pages（gh-pages 分支）",
    "cloudflare/pages-action": "Cloudflare Pages",
    "cloudflare/wrangler-action": "Cloudflare",
    "nwtgck/actions-netlify": "Netlify",
    "netlify/actions": "Netlify",
    "amondnet/vercel-action": "Vercel",
}
PUBLIC_COMMANDS = (
    (re.compile(r"\bmkdocs\s+gh-deploy\b"), "GitHub Pages（mkdocs gh-deploy）"),
    (re.compile(r"\bghp-import\b"), "GitHub Pages（ghp-import）"),
    (re.compile(r"\bgit\b[^\n]*\bpush\b[^\n]*\bgh-pages\b"), "GitHub Pages（gh-pages 分支）"),
    (re.compile(r"\bnetlify\s+deploy\b"), "Netlify"),
    (re.compile(r"\bvercel\b[^\n]*--prod\b"), "Vercel"),
    (re.compile(r"\bwrangler\s+pages\b"), "Cloudflare Pages"),
    (re.compile(r"\bsurge\b\s"), "Surge"),
)
PUBLIC_ENVIRONMENTS = {"github-pages": "GitHub Pages"}


@dataclass(frozen=True)
class Build:
    audience: str | None  # as written after --audience; None when not given (internal)
    line: int


def workflow_files(root: Path) -> list[Path]:
    found: list[Path] = []
    for folder in WORKFLOW_DIRS:
        base = root / folder
        if base.is_dir():
            found += sorted(p for p in base.iterdir() if p.suffix in (".yml", ".yaml"))
    return found


def check_workflows(root: Path) -> list[Diagnostic]:
    diagnostics: list[Diagnostic] = []
    for path in workflow_files(root):
        rel = path.relative_to(root).as_posix()
        parsed = parse_yaml(path.read_bytes(), rel)
        diagnostics += parsed.diagnostics
        if isinstance(parsed.data, dict):
            diagnostics += check_workflow(parsed.data, rel)
    return diagnostics


def check_workflow(data: dict[str, Any], file: str) -> list[Diagnostic]:
    jobs = {k: v for k, v in (data.get("jobs") or {}).items() if isinstance(v, dict)}
    found = []
    for name, job in jobs.items():
        targets = sorted(set(_public_targets(job)))
        if not targets:
            continue
        builds = [b for j in _with_needs(name, jobs) for b in _builds(jobs[j])]
        reason = _why_not_public(builds)
        if reason:
            line = _line(job)
            title = job.get("name") if isinstance(job.get("name"), str) else name
            found.append(diag("C003", file, line, 1, job=f"“{title}”", target="、".join(targets),
                              reason=reason))  # fmt: skip
    return found


def _why_not_public(builds: list[Build]) -> str | None:
    if not builds:
        return "它和它所依赖的任务中看不到生成站点的 rectify build 命令，无法确认发布的是公开版"
    for build in builds:
        if build.audience != "public":
            what = "没有写 --audience（默认内部版）" if build.audience is None else (
                f"写的是 --audience {build.audience}"
            )  # fmt: skip
            return f"第 {build.line} 行附近的 rectify build {what}"
    return None


def _with_needs(name: str, jobs: dict[str, dict]) -> list[str]:
    """``name`` and every job it needs, directly or not."""
    seen: list[str] = []
    stack = [name]
    while stack:
        current = stack.pop()
        if current in seen or current not in jobs:
            continue
        seen.append(current)
        needs = jobs[current].get("needs") or []
        stack += [needs] if isinstance(needs, str) else [n for n in needs if isinstance(n, str)]
    return seen


def _steps(job: dict) -> list[dict]:
    return [s for s in job.get("steps") or [] if isinstance(s, dict)]


def _public_targets(job: dict) -> Iterator[str]:
    env = job.get("environment")
    env_name = env.get("name") if isinstance(env, dict) else env
    if isinstance(env_name, str) and env_name.strip().lower() in PUBLIC_ENVIRONMENTS:
        yield PUBLIC_ENVIRONMENTS[env_name.strip().lower()]
    for step in _steps(job):
        uses = step.get("uses")
        if isinstance(uses, str):
            action = "/".join(uses.split("@")[0].strip().lower().split("/")[:2])
            if action in PUBLIC_ACTIONS:
                yield PUBLIC_ACTIONS[action]
        run = step.get("run")
        if isinstance(run, str):
            for pattern, target in PUBLIC_COMMANDS:
                if pattern.search(run):
                    yield target


def _builds(job: dict) -> Iterator[Build]:
    for step in _steps(job):
        run = step.get("run")
        if isinstance(run, str):
            for command in _commands(run):
                audience = _build_audience(command)
                if audience is not False:
                    yield Build(audience if isinstance(audience, str) else None, _line(step))


def _commands(script: str) -> Iterator[list[str]]:
    joined = re.sub(r"\\\n", " ", script)
    for line in joined.splitlines():
        for part in re.split(r"&&|\|\||;|\|", line):
            try:
                yield shlex.split(part, comments=True)
            except ValueError:
                yield part.split()


def _build_audience(words: list[str]) -> str | bool | None:
    """False if ``words`` is no site build; else its --audience value (None if absent)."""
    for i, word in enumerate(words):
        program = word.rsplit("/", 1)[-1]
        rest = words[i + 1 :]
        if program == "rectify" and rest[:1] in (["build"], ["serve"]):
            break
        if program.startswith("python") and rest[:3] in (
            ["-m", "site_builder", "build"], ["-m", "site_builder", "serve"]
        ):  # fmt: skip
            break
    else:
        return False
    for j, word in enumerate(rest):
        if word == "--audience":
            return rest[j + 1] if j + 1 < len(rest) else ""
        if word.startswith("--audience="):
            return word.split("=", 1)[1]
    return None


def _line(mapping: dict) -> int:
    src = mapping.get("__src__")
    return getattr(src, "line", 0) or 0
