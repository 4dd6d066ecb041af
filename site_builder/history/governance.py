"""Who may approve, as it stood on the main line before each approval, and changes to the rules.

The signers file is read from history, never from HEAD: an approval is judged against
the reviewers listed before the approving commit, so a reviewer added by a change
cannot approve that change (or anything merged before the addition landed), and a
reviewer who leaves keeps every approval made while listed.

Changes to the signers file, the settings, the evaluation rubric, CODEOWNERS and the
workflows are governance changes. A new signers file takes effect only when a
reviewer listed before it, with a governance role (policy.governance_roles), approved
it under the four-eyes rule and the signature policy; otherwise the earlier list stays
in force and the change is reported. The first signers file in the history is the
trust anchor and takes effect as committed.
"""

from __future__ import annotations

import fnmatch
from collections.abc import Callable
from dataclasses import dataclass
from datetime import date, datetime

from site_builder.diagnostics import Diagnostic, diag
from site_builder.history.git import Commit, commit_day
from site_builder.history.signoff import SignOff, State, decide_governance
from site_builder.load.records import build_record
from site_builder.load.yaml_strict import parse_yaml
from site_builder.model.district import Signers

SIGNERS_PATH = "rounds/signers.yml"
GOVERNANCE_PATTERNS = (
    SIGNERS_PATH,
    "rounds/settings.yml",
    "rounds/evaluations/rubric.yml",
    "rounds/evaluations/*/rubric.yml",
    "CODEOWNERS",
    "docs/CODEOWNERS",
    ".github/CODEOWNERS",
    ".gitea/CODEOWNERS",
    ".github/workflows/*",
    ".gitea/workflows/*",
    ".forgejo/workflows/*",
)
# What the history read asks git for, besides the ledgers.
GOVERNANCE_FOLDERS = [
    "rounds/signers.yml",
    "rounds/settings.yml",
    "rounds/evaluations",
    "CODEOWNERS",
    "docs/CODEOWNERS",
    ".github",
    ".gitea",
    ".forgejo",
]


def is_governance(path: str) -> bool:
    return any(fnmatch.fnmatchcase(path, pattern) for pattern in GOVERNANCE_PATTERNS)


_Day = date  # in GovernanceChange's body, ``date`` is the field


@dataclass(frozen=True, slots=True)
class GovernanceChange:
    """A main-line commit that changed a governance file, and how it was approved."""

    commit: str
    date: datetime  # the author's time, with the offset git recorded
    author: str
    subject: str
    paths: tuple[str, ...]
    signoff: SignOff
    adopted: bool | None = None  # for the signers file: whether the new list took effect

    @property
    def day(self) -> _Day | None:
        """The day the change was authored, on its author's clock; None when unknown."""
        return commit_day(self.date)


Verify = Callable[[list[str], Signers], dict[str, tuple[str, str]]]
Identities = Callable[[Commit], tuple[set[str], bool]]


@dataclass
class Judged:
    signers_before: dict[str, Signers]  # commit -> the signers in force before it
    signatures: dict[str, tuple[str, str]]  # commit -> (status, principal)
    changes: list[GovernanceChange]
    diagnostics: list[Diagnostic]
    signers: Signers | None  # in force after the last commit


def parse_signers(data: bytes) -> tuple[Signers | None, list[Diagnostic]]:
    return build_record(parse_yaml(data, SIGNERS_PATH), Signers)


def judge(
    commits: list[Commit],
    start: Signers | None,
    signer_files: dict[str, bytes],
    approves: Callable[[Commit], bool],
    verify: Verify,
    identities: Identities,
) -> Judged:
    """Walk the main line in order: the signers in force before each commit, each approving
    commit's signature checked with the keys listed then, and every governance change judged.

    ``signer_files`` holds the content of each signers-file version the commits bring in.
    """
    result = Judged({}, {}, [], [], start)
    segment: list[Commit] = []
    for commit in commits:
        result.signers_before[commit.sha] = result.signers or Signers()
        segment.append(commit)
        governed = [c.path for c in commit.changes if is_governance(c.path)]
        if not governed:
            continue
        _verify(segment, result, approves, verify)
        segment = []
        _judge_commit(commit, governed, result, signer_files, identities)
    _verify(segment, result, approves, verify)
    return result


def _verify(segment: list[Commit], result: Judged, approves, verify: Verify) -> None:
    by_signers: dict[int, tuple[Signers, list[str]]] = {}
    for commit in segment:
        if approves(commit):
            signers = result.signers_before[commit.sha]
            by_signers.setdefault(id(signers), (signers, []))[1].append(commit.sha)
    for signers, shas in by_signers.values():
        result.signatures.update(verify(shas, signers))


def _judge_commit(
    commit: Commit,
    governed: list[str],
    result: Judged,
    signer_files: dict[str, bytes],
    identities: Identities,
) -> None:
    before = result.signers_before[commit.sha]
    authors, empty_side = identities(commit)
    signoff = decide_governance(
        commit, before, authors, result.signatures.get(commit.sha), empty_side
    )
    adopted = None
    signers_change = next((c for c in commit.changes if c.path == SIGNERS_PATH), None)
    if signers_change is not None:
        bootstrap = result.signers is None or not result.signers.reviewers
        adopted = bootstrap or signoff.state is State.CONFIRMED
        new: Signers | None = None
        if signers_change.new_blob:
            new, found = parse_signers(signer_files.get(signers_change.new_blob, b""))
            if new is None:
                adopted = False
                first = next((d for d in found if d.severity == "error"), None)
                result.diagnostics.append(
                    diag(
                        "H008",
                        SIGNERS_PATH,
                        first.line if first else 0,
                        0,
                        commit=commit.sha[:10],
                        detail=f"{first.code} {first.message}" if first else "无法解析",
                    )
                )
        if adopted:
            result.signers = new or Signers()
        elif new is not None:
            result.diagnostics.append(
                diag(
                    "H007",
                    SIGNERS_PATH,
                    0,
                    0,
                    commit=commit.sha[:10],
                    reason=signoff.reason or signoff.label,
                )
            )
    result.changes.append(
        GovernanceChange(
            commit.sha,
            commit.author_date,
            commit.author_name,
            commit.subject,
            tuple(governed),
            signoff,
            adopted,
        )
    )
