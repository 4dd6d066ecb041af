"""``Reviewed-by:`` trailers that Gitea and Forgejo write into merge messages.

A merge message template (``.gitea/default_merge_message/MERGE_TEMPLATE.md``) with
``${ReviewedBy}`` expands to one ``Reviewed-by: 姓名 <email>`` line per approver of the
pull request. Anyone can type such a line into a commit message, so it is believed
only on a commit whose signature is good and made by a listed platform key (the
instance's ``[repository.signing]`` key): then the platform, not the committer, wrote
it. The approver is the first of them who is a listed reviewer allowed to approve the
unit and wrote none of the change (four eyes).
"""

from __future__ import annotations

import re
from dataclasses import dataclass

from site_builder.model.district import Signers

PLATFORM_PREFIX = "platform:"  # the principal of a platform key
_REVIEWED_BY = re.compile(r"^reviewed-by:(.*)$", re.IGNORECASE | re.MULTILINE)
_IDENTITY = re.compile(r"^\s*([^<>]+?)\s*<([^<>@\s]+@[^<>\s]+)>\s*$")


@dataclass(frozen=True, slots=True)
class Review:
    """The outcome of a platform-attested review: a sign-off state's name and who."""

    state: str  # confirmed | self_approved | unknown_reviewer (signoff.State values)
    name: str
    email: str
    reason: str


def reviewed_by(message: str) -> list[tuple[str, str]]:
    """(name, email) of every well-formed ``Reviewed-by:`` trailer, in order."""
    found = []
    for value in _REVIEWED_BY.findall(message):
        match = _IDENTITY.match(value)
        if match:
            found.append((match.group(1), match.group(2)))
    return found


def platform_signer(signature: tuple[str, str] | None) -> str | None:
    """The platform's name if ``signature`` is good and made by a listed platform key."""
    status, principal = signature or ("", "")
    principal = principal.strip().lower()
    if status == "G" and principal.startswith(PLATFORM_PREFIX):
        return principal[len(PLATFORM_PREFIX) :]
    return None


def trusted_review(
    message: str,
    signature: tuple[str, str] | None,
    unit: str,
    signers: Signers,
    authors: set[str],
) -> Review | None:
    """The approval the platform attests with ``Reviewed-by:`` trailers; None when the
    commit has none or its signature is not a listed platform key's (then the trailers
    are ignored and the commit is judged as any other)."""
    platform = platform_signer(signature)
    reviews = reviewed_by(message) if platform else []
    if not reviews:
        return None
    signed = f"平台 {platform} 签名的 Reviewed-by 审批"
    allowed = []
    for name, email in reviews:
        reviewer = signers.by_identity(name, email)
        if reviewer is not None and reviewer.may_approve(unit):
            allowed.append((reviewer, name, email))
    for reviewer, name, email in allowed:
        if reviewer.email.strip().lower() not in authors:
            return Review("confirmed", name, email, signed)
    if allowed:
        _, name, email = allowed[0]
        return Review("self_approved", name, email, "审批人同时是修改人，不符合“四眼原则”")
    name, email = reviews[0]
    return Review(
        "unknown_reviewer",
        name,
        email,
        f"Reviewed-by 中没有签字人名单（rounds/signers.yml）里有权审批单位 {unit} 的审批人",
    )
