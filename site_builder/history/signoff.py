"""Who approved a change into the main line, and whether that approval holds.

A web-interface merge records the approver as the merge commit's author; an
offline sign-off (``rectify signoff``) or a squash with a trailer records it as
``Approved-by: 姓名 <email>``. The approval holds only for a listed reviewer of the
unit who did not write the change (four eyes) and, where the policy asks, whose
own key signed the approving commit.
"""

from __future__ import annotations

import re
from dataclasses import dataclass
from enum import StrEnum

from site_builder.history.git import Commit
from site_builder.history.trailers import PLATFORM_PREFIX, reviewed_by, trusted_review
from site_builder.model.district import Signers

_TRAILER = re.compile(r"^approved-by:(.*)$", re.IGNORECASE | re.MULTILINE)
_IDENTITY = re.compile(r"^\s*([^<>]+?)\s*<([^<>@\s]+@[^<>\s]+)>\s*$")


class State(StrEnum):
    CONFIRMED = "confirmed"
    UNCONFIRMED = "unconfirmed"
    SELF_APPROVED = "self_approved"
    UNKNOWN_REVIEWER = "unknown_reviewer"
    BAD_SIGNATURE = "bad_signature"
    MISSING_SIGNATURE = "missing_signature"


STATE_LABELS = {
    State.CONFIRMED: "已确认",
    State.UNCONFIRMED: "未经审批",
    State.SELF_APPROVED: "自我审批",
    State.UNKNOWN_REVIEWER: "审批人不在名单",
    State.BAD_SIGNATURE: "签名无效",
    State.MISSING_SIGNATURE: "缺少签名",
}


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


def branch_authors(commit: Commit, graph: dict, main_line: set[str]) -> set[str]:
    """Author emails of the commits a merge brought in (its side branches)."""
    emails: set[str] = set()
    stack = list(commit.parents[1:])
    seen: set[str] = set()
    while stack:
        sha = stack.pop()
        if sha in seen or sha in main_line or sha not in graph:
            continue
        seen.add(sha)
        emails.add(graph[sha].author_email.strip().lower())
        stack.extend(graph[sha].parents)
    return emails


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
        name, email, via = match.group(1), match.group(2), "trailer"
    elif commit.is_merge:
        name, email, via = commit.author_name, commit.author_email, "merge"
    else:
        return SignOff(State.UNCONFIRMED, commit.sha, via="direct", reason="直接提交，未经审批合并")

    reviewer = signers.by_identity(name, email)
    base = {"commit": commit.sha, "approver": name, "approver_email": email, "via": via}
    if reviewer is None:
        return SignOff(
            State.UNKNOWN_REVIEWER, **base, reason="审批人不在签字人名单（rounds/signers.yml）中"
        )
    if not reviewer.may_approve(unit):
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
