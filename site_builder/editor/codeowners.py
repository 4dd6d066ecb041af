"""CODEOWNERS from rounds/signers.yml: each unit's ledger needs one of its reviewers.

GitHub reads ``.github/CODEOWNERS`` (gitignore-style globs, the last matching line
wins, any one owner on the line satisfies it). Gitea and Forgejo read
``.gitea/CODEOWNERS`` with Go regular expressions and evaluate every matching line, so
that format lists each registered unit explicitly and keeps ledgers out of the
catch-all line. Reviewers whose ``units`` contain "*" own everything: the catch-all
line (rounds/, the signers file itself, the workflows) and every ledger.
"""

from __future__ import annotations

from dataclasses import dataclass, field
from pathlib import Path

from site_builder.diagnostics import Diagnostic, has_errors
from site_builder.load.project import REGISTRY, SIGNERS, load_yaml_file
from site_builder.model.district import Registry, Reviewer, Signers

DEFAULT_PATHS = {"github": ".github/CODEOWNERS", "gitea": ".gitea/CODEOWNERS"}
_HEADER = [
    "# 由 rectify codeowners 根据 rounds/signers.yml 生成，请勿手工修改：",
    "# 修改签字人名单后运行 rectify codeowners 重新生成，并与名单一起提交。",
    "# 配合分支保护中的“需要代码所有者审批”，每个单位的台账须经其审批人批准才能合并。",
]


@dataclass
class Owners:
    text: str
    diagnostics: list[Diagnostic] = field(default_factory=list)
    unnamed: list[str] = field(default_factory=list)  # reviewers left out (no platform login)


def _handle(reviewer: Reviewer, fmt: str) -> str | None:
    if reviewer.github:
        return "@" + reviewer.github.lstrip("@")
    # GitHub accepts the e-mail of an account; Gitea and Forgejo only accept logins.
    return reviewer.email if fmt == "github" else None


def codeowners_text(root: Path, fmt: str = "github") -> Owners:
    signers, diagnostics = load_yaml_file(root, root / "rounds" / SIGNERS, Signers)
    if signers is None:
        return Owners("", diagnostics)
    units: list[str] = []
    if fmt == "gitea" and (root / "rounds" / REGISTRY).exists():
        registry, found = load_yaml_file(root, root / "rounds" / REGISTRY, Registry)
        diagnostics += found
        units = [u.id for u in registry.units] if registry else []
    result = Owners("", diagnostics)
    if has_errors(diagnostics):
        return result

    def handles(reviewers: list[Reviewer]) -> list[str]:
        out = []
        for reviewer in reviewers:
            handle = _handle(reviewer, fmt)
            who = f"{reviewer.name} <{reviewer.email}>"
            if handle is None and who not in result.unnamed:
                result.unnamed.append(who)
            elif handle is not None and handle not in out:
                out.append(handle)
        return out

    everywhere = [r for r in signers.reviewers if "*" in r.units]
    # Without a district-wide reviewer, every reviewer guards the shared files.
    catch_all = handles(everywhere or list(signers.reviewers))
    named = {u for r in signers.reviewers for u in r.units if u != "*"}
    by_unit: dict[str, list[str]] = {}
    for unit in sorted(named | set(units)):
        own = [r for r in signers.reviewers if unit in r.units and "*" not in r.units]
        by_unit[unit] = handles(own + everywhere) or catch_all
    roles = signers.policy.governance_roles
    governors = handles([r for r in signers.reviewers if r.role in roles]) or catch_all
    if fmt == "gitea":
        lines = _gitea_lines(catch_all, by_unit) + _governance_lines(governors, gitea=True)
    else:
        lines = _github_lines(catch_all, by_unit) + _governance_lines(governors, gitea=False)
    # The teams' feedback lists are the office's record: only the inspection office
    # (巡察办) approves changes to them, or the catch-all reviewers if it has no one listed.
    office = handles([r for r in signers.reviewers if r.role == "inspection_office"])
    pattern = "rounds/feedback/.*" if fmt == "gitea" else "/rounds/feedback/"
    lines += ["", "# 巡察反馈问题清单：只由巡察办修改和审批", _line(pattern, office or catch_all)]
    result.text = "\n".join(_HEADER + [""] + lines) + "\n"
    return result


def _line(pattern: str, owners: list[str]) -> str:
    return f"{pattern} {' '.join(owners)}" if owners else f"# {pattern}（没有可用的审批人）"


def _github_lines(catch_all: list[str], by_unit: dict[str, list[str]]) -> list[str]:
    lines = ["# 全部文件：可审批全部单位的审批人", _line("*", catch_all)]
    if by_unit:
        lines += ["", "# 各单位的台账（各轮次）：该单位的审批人或可审批全部单位的审批人"]
        lines += [_line(f"/ledgers/*/{unit}.*", owners) for unit, owners in by_unit.items()]
    return lines


# The governance files (history/governance.py): changed only with a governance reviewer.
_GOVERNANCE_GLOBS = [
    "/rounds/signers.yml",
    "/rounds/settings.yml",
    "/rounds/evaluations/rubric.yml",
    "/rounds/evaluations/*/rubric.yml",
    "/CODEOWNERS",
    "/.github/",
    "/.gitea/",
    "/.forgejo/",
]
_GOVERNANCE_REGEXPS = [
    "rounds/signers\\\\.yml",
    "rounds/settings\\\\.yml",
    "rounds/evaluations/([^/]+/)?rubric\\\\.yml",
    "CODEOWNERS",
    "\\\\.(github|gitea|forgejo)/.*",
]


def _governance_lines(owners: list[str], gitea: bool) -> list[str]:
    lines = [
        "",
        "# 治理文件（签字人名单、设置、评估细则、CODEOWNERS、工作流程）：巡察办、纪委监委的审批人",
    ]
    patterns = _GOVERNANCE_REGEXPS if gitea else _GOVERNANCE_GLOBS
    return lines + [_line(pattern, owners) for pattern in patterns]


def _gitea_lines(catch_all: list[str], by_unit: dict[str, list[str]]) -> list[str]:
    # Every matching line must be approved on Gitea, so ledgers leave the catch-all line,
    # and units with the same reviewers share one line.
    lines = ["# 台账以外的全部文件：可审批全部单位的审批人", _line("!ledgers/.*", catch_all)]
    groups: dict[tuple[str, ...], list[str]] = {}
    for unit, owners in by_unit.items():
        groups.setdefault(tuple(owners), []).append(unit)
    if groups:
        lines += ["", "# 各单位的台账（各轮次）：该单位的审批人或可审批全部单位的审批人"]
    for group, units in groups.items():
        # Gitea turns "\\\\" into "\\" before compiling the regexp, so "\\\\." is a literal dot.
        pattern = f"ledgers/[^/]+/({'|'.join(units)})\\\\.[^/]+"
        lines.append(_line(pattern, list(group)))
    return lines
