"""`rectify signoff BRANCH --as REVIEWER`: an approved merge for teams without a web interface."""

from __future__ import annotations

import contextlib
from dataclasses import dataclass
from pathlib import Path

from site_builder.history.commit_changes import LEDGER_PATH
from site_builder.history.git import GitError, Repository
from site_builder.model.district import Reviewer, Signers


class SignoffRefused(Exception):
    """The sign-off may not happen; the message says why, in Chinese."""


@dataclass
class SignoffResult:
    commit: str
    units: list[str]
    signed: bool


def find_reviewer(signers: Signers, who: str) -> Reviewer:
    who_l = who.strip().lower()
    matches = [r for r in signers.reviewers if who_l in (r.email.lower(), r.name.lower())]
    if len(matches) != 1:
        names = "、".join(f"{r.name} <{r.email}>" for r in signers.reviewers) or "（名单为空）"
        raise SignoffRefused(f"签字人名单中找不到唯一的“{who}”。名单：{names}")
    return matches[0]


def signoff(
    root: Path,
    branch: str,
    signers: Signers,
    who: str,
    signing_key: str | None = None,
    message: str | None = None,
) -> SignoffResult:
    reviewer = find_reviewer(signers, who)
    with Repository(root) as repo:
        try:
            head, tip = repo.rev_parse("HEAD"), repo.rev_parse(branch)
        except GitError as exc:
            raise SignoffRefused(str(exc)) from exc
        if repo.run(["status", "--porcelain", "--untracked-files=no"]).strip():
            raise SignoffRefused("工作区有未提交的修改，请先提交或清理后再签核合并。")
        base = repo.merge_base(head, tip)
        commits = repo.commits_between(head, tip)
        if not commits:
            raise SignoffRefused(f"分支 {branch} 没有需要合并的新提交。")
        # Four eyes: whoever wrote or committed a commit of the branch may not approve it.
        authors = {e.strip().lower() for _, _, *emails in commits for e in emails}
        if reviewer.email.strip().lower() in authors:
            raise SignoffRefused(
                f"{reviewer.name} 是该分支的修改人之一，不能审批自己的修改（四眼原则）。请另请审批人。"
            )
        changed = repo.changed_paths(base, tip, "ledgers")
        units = sorted({Path(p).stem for p in changed if LEDGER_PATH.match(p)})
        refused = [u for u in units if not reviewer.may_approve(u)]
        if refused:
            raise SignoffRefused(f"{reviewer.name} 无权审批这些单位的台账：{'、'.join(refused)}。")
        key = signing_key or ((reviewer.ssh_key or reviewer.gpg_key) and _configured_key(repo))
        # A reviewer who lists only an OpenPGP key signs with gpg; otherwise with SSH.
        key_format = "openpgp" if reviewer.gpg_key and not reviewer.ssh_key else "ssh"
        text = message or f"签核合并 {branch}"
        text += f"\n\nApproved-by: {reviewer.name} <{reviewer.email}>\n"
        env = {
            "GIT_AUTHOR_NAME": reviewer.name,
            "GIT_AUTHOR_EMAIL": reviewer.email,
            "GIT_COMMITTER_NAME": reviewer.name,
            "GIT_COMMITTER_EMAIL": reviewer.email,
        }
        args = ["merge", "--no-ff", "--no-edit", "-m", text, tip]
        if key:
            args = [
                "-c",
                f"gpg.format={key_format}",
                "-c",
                f"user.signingkey={key}",
                *args[:3],
                "-S",
                *args[3:],
            ]
        try:
            repo.run(args, env)
        except GitError as exc:
            with contextlib.suppress(GitError):
                repo.run(["merge", "--abort"])
            raise SignoffRefused(f"合并失败，已撤回：{exc}") from exc
        return SignoffResult(repo.rev_parse("HEAD"), units, bool(key))


def _configured_key(repo: Repository) -> str | None:
    try:
        return repo.run(["config", "--get", "user.signingkey"]).strip() or None
    except GitError:
        return None
