"""Who approved a change into the main line, and whether that approval holds.

A web-interface merge records the approver as the merge commit's author; an
offline sign-off (``rectify signoff``) or a squash with a trailer records it as
``Approved-by: 姓名 <email>``. The approval holds only for a listed reviewer of the
unit who did not write the change (four eyes) and, where the policy asks, whose
own key signed the approving commit.
"""

from __future__ import annotations

import re
from collections.abc import Callable
from dataclasses import dataclass
from enum import StrEnum

from site_builder.history.git import Commit, commit_day
from site_builder.history.trailers import PLATFORM_PREFIX, reviewed_by, trusted_review
from site_builder.model.district import Signers
from site_builder.model.labels import SIGNOFF_STATE

_TRAILER = re.compile(r"^approved-by:(.*)$", re.IGNORECASE | re.MULTILINE)
_IDENTITY = re.compile(r"^\s*([^<>]+?)\s*<([^<>@\s]+@[^<>\s]+)>\s*$")


class State(StrEnum):
    CONFIRMED = "confirmed"
    UNCONFIRMED = "unconfirmed"
    SELF_APPROVED = "self_approved"
    UNKNOWN_REVIEWER = "unknown_reviewer"
    BAD_SIGNATURE = "bad_signature"
    MISSING_SIGNATURE = "missing_signature"


STATE_LABELS = SIGNOFF_STATE


@dataclass(frozen=True, slots=True)
class SignOff:
    state: State
    commit: str
    approver: str = ""
    approver_email: str = ""
    via: str = "direct"  # merge | trailer | direct
    reason: str = ""

    @property
    def label(self) -> str:
        return STATE_LABELS[self.state]


def brought_in(
    chain: list[str], graph: dict, landed: set[str], known: Callable[[str], bool] | None = None
) -> dict[str, list[str]]:
    """For each main-line commit of ``chain`` (oldest first), the commits it brought into
    the main line: those reachable from its side parents that no earlier commit brought.

    ``landed`` holds commits already on the main line before the chain (it grows);
    ``known`` says whether a commit is one that may still land (default: in ``graph``).
    A merge that brings in nothing merged a branch already on the main line.
    """
    known = known or graph.__contains__
    landed.update(chain)
    brought: dict[str, list[str]] = {}
    for sha in chain:
        found: list[str] = []
        stack = list(graph[sha].parents[1:]) if sha in graph else []
        while stack:
            commit = stack.pop()
            if commit in landed or not known(commit):
                continue
            landed.add(commit)
            found.append(commit)
            stack.extend(graph[commit].parents)
        brought[sha] = found
    return brought


def identities(commit: Commit, graph: dict, brought: dict[str, list[str]]) -> tuple[set[str], bool]:
    """Who wrote what ``commit`` brought into the main line (four eyes compares the approver
    with each author and committer), and whether it is a merge that brought nothing in."""
    if not commit.is_merge:
        return {commit.author_email.strip().lower(), commit.committer_email.strip().lower()}, False
    shas = brought.get(commit.sha, [])
    emails = {graph[s].author_email.strip().lower() for s in shas}
    emails |= {graph[s].committer_email.strip().lower() for s in shas}
    return emails, not shas


def empty_merge(commit: Commit) -> SignOff:
    """A merge whose side parent is already on the main line approves nothing."""
    return _by_merger(
        commit,
        State.UNCONFIRMED,
        "合并的分支已在主线上，没有带入任何修改；合并提交自身的修改不算审批",
    )


def merged_in_merge(commit: Commit) -> SignOff:
    """Changes a merge commit carries that are in neither parent: written by the merger."""
    return _by_merger(
        commit,
        State.SELF_APPROVED,
        "合并时夹带的修改（不在被合并的分支中），由合并人自己写入，未经他人审批",
    )


def _by_merger(commit: Commit, state: State, reason: str) -> SignOff:
    return SignOff(
        state, commit.sha, commit.author_name, commit.author_email, via="merge", reason=reason
    )


def approves(commit: Commit) -> bool:
    """Whether ``commit`` can carry an approval (and so its signature matters)."""
    return commit.is_merge or bool(_TRAILER.search(commit.message) or reviewed_by(commit.message))


def decide(
    commit: Commit,
    unit: str,
    signers: Signers,
    authors: set[str],
    signature: tuple[str, str] | None,
) -> SignOff:
    """The sign-off state of ``commit`` for changes to ``unit``'s ledger."""
    review = trusted_review(commit.message, signature, unit, signers, authors)
    if review is not None:  # Gitea/Forgejo: the platform's key vouches for Reviewed-by
        return SignOff(State(review.state), commit.sha, review.name, review.email,
                       "reviewed-by", review.reason)  # fmt: skip
    claimed = _claimed(commit)
    if isinstance(claimed, SignOff):
        return claimed
    name, email, via = claimed
    return _judge(commit, signers, authors, signature, name, email, via, unit=unit)


def decide_governance(
    commit: Commit,
    signers: Signers,
    authors: set[str],
    signature: tuple[str, str] | None,
    empty_side: bool = False,
) -> SignOff:
    """The sign-off of a governance change: approved by a reviewer listed before it with a
    governance role, not one of its writers, signed as the policy asks."""
    if empty_side:
        return empty_merge(commit)
    claimed = _claimed(commit)
    if isinstance(claimed, SignOff):
        return claimed
    name, email, via = claimed
    return _judge(commit, signers, authors, signature, name, email, via, governance=True)


def _claimed(commit: Commit) -> tuple[str, str, str] | SignOff:
    """Who ``commit`` says approved it (the last ``Approved-by:``, else a merge's author),
    or the sign-off when it claims no approval or claims one in an unreadable form."""
    trailers = _TRAILER.findall(commit.message)
    if trailers:
        match = _IDENTITY.match(trailers[-1])
        if not match:
            return SignOff(
                State.UNKNOWN_REVIEWER,
                commit.sha,
                trailers[-1].strip(),
                via="trailer",
                reason="Approved-by 格式不对，应写作“Approved-by: 姓名 <邮箱>”",
            )
        return match.group(1), match.group(2), "trailer"
    if commit.is_merge:
        return commit.author_name, commit.author_email, "merge"
    return SignOff(State.UNCONFIRMED, commit.sha, via="direct", reason="直接提交，未经审批合并")


def _judge(
    commit: Commit,
    signers: Signers,
    authors: set[str],
    signature: tuple[str, str] | None,
    name: str,
    email: str,
    via: str,
    unit: str = "",
    governance: bool = False,
) -> SignOff:
    reviewer = signers.by_identity(name, email)
    base = {"commit": commit.sha, "approver": name, "approver_email": email, "via": via}
    if reviewer is None:
        return SignOff(
            State.UNKNOWN_REVIEWER,
            **base,
            reason="审批时审批人不在签字人名单（rounds/signers.yml）中",
        )
    day = commit_day(commit.author_date)
    if day is not None and not reviewer.serves_on(day):
        term = f"{reviewer.since or '…'} 至 {reviewer.until or '…'}"
        return SignOff(
            State.UNKNOWN_REVIEWER,
            **base,
            reason=f"{reviewer.name} 的审批期限为 {term}，审批日不在期内",
        )
    if governance and reviewer.role not in signers.policy.governance_roles:
        return SignOff(
            State.UNKNOWN_REVIEWER,
            **base,
            reason=f"{reviewer.name} 的角色不能审批签字人名单、设置、评估细则或工作流程的修改",
        )
    if not governance and not reviewer.may_approve(unit):
        return SignOff(
            State.UNKNOWN_REVIEWER, **base, reason=f"{reviewer.name} 无权审批单位 {unit}"
        )
    if email.strip().lower() in authors:
        return SignOff(State.SELF_APPROVED, **base, reason="审批人同时是修改人，不符合“四眼原则”")
    return _signature(signature, reviewer.email, via, signers, base)


def _signature(
    signature: tuple[str, str] | None, email: str, via: str, signers: Signers, base: dict
) -> SignOff:
    required = signers.policy.require_signature
    status, principal = signature or ("", "")
    if status in ("", "N"):
        if required:
            return SignOff(State.MISSING_SIGNATURE, **base, reason="审批提交没有数字签名")
        return SignOff(State.CONFIRMED, **base)
    if status == "G":
        principal = principal.strip().lower()
        if principal == email.strip().lower():
            return SignOff(State.CONFIRMED, **base)
        if via == "merge" and principal.startswith(PLATFORM_PREFIX):
            return SignOff(
                State.CONFIRMED,
                **base,
                reason=f"由平台密钥 {principal[len(PLATFORM_PREFIX) :]} 签名",
            )
        return SignOff(
            State.BAD_SIGNATURE, **base, reason=f"签名密钥属于 {principal or '未知'}，不是审批人"
        )
    reasons = {
        "B": "签名校验失败",
        "U": "签名密钥不在签字人名单中",
        "E": "无法校验签名",
        "X": "签名已过期",
        "Y": "签名密钥已过期",
        "R": "签名密钥已吊销",
    }
    return SignOff(State.BAD_SIGNATURE, **base, reason=reasons.get(status, "签名无效"))
