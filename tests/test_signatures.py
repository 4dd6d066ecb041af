"""Signatures of real forges, checked in-process against the signers file's keys only.

Real keys made here (ssh-keygen; gpg with a temporary GNUPGHOME, no passphrase), real
signed merges (``git merge -S``), GitHub-style web merges signed by a platform
OpenPGP key, Gitea-style merges whose ``Reviewed-by:`` lines a platform key vouches
for, a key that only the builder's own keyring or allowed-signers file knows,
``git replace`` objects, and commits whose signed payload was changed afterwards.
"""

from __future__ import annotations

import os
import shutil
import subprocess
import sys
import tempfile
import textwrap
from pathlib import Path

import pytest

from site_builder.history import Kind, State, read_history
from site_builder.history.verify import keyring, split_signed, verify
from site_builder.load import load_project

from conftest import BASE_FILES
from gitrepo import OTHER_REVIEWER, REVIEWER, STAFF, STRANGER, GitRepo, ssh_key

LEDGER = BASE_FILES["ledgers/r1/wcjd.yml"]
W = "ledgers/r1/wcjd.yml"
CLOSED = LEDGER.replace(
    "            title: 公务用车管理不规范\n            category: work_style\n",
    "            title: 公务用车管理不规范\n            category: work_style\n"
    "            status: closed\n            closed_on: 2017-12-01\n",
).replace(
    "                status: in_progress\n",
    "                status: done\n"
    "                completed_on: 2017-11-30\n"
    "                evidence:\n"
    "                  - 公务用车登记台账（2017年11月）\n",
)
GITHUB = ("GitHub", "noreply@github.com")
GITEA = ("Gitea", "gitea@git.xiaodian.example")


class Keys:
    """Every key of the module: OpenPGP ones in one GNUPGHOME (the 'builder's keyring'
    too), SSH ones as files."""

    def __init__(self, home: Path, folder: Path) -> None:
        self.home = home
        self.gpg = {
            "reviewer": _gpg_key(home, REVIEWER),
            "other": _gpg_key(home, OTHER_REVIEWER),
            "github": _gpg_key(home, GITHUB, signing_subkey=True),
            "gitea": _gpg_key(home, GITEA),
            "stranger": _gpg_key(home, STRANGER),
        }
        self.ssh = {
            "reviewer": ssh_key(folder, "reviewer"),
            "gitea": ssh_key(folder, "gitea"),
        }


def _gpg(home: Path, *args: str) -> str:
    result = subprocess.run(
        ["gpg", "--batch", "--quiet", "--no-tty", "--passphrase", "", *args],
        env={**os.environ, "GNUPGHOME": str(home)},
        capture_output=True,
        text=True,
    )
    assert result.returncode == 0, result.stderr
    return result.stdout


def _gpg_key(home: Path, who: tuple[str, str], signing_subkey: bool = False) -> tuple[str, str]:
    """A fresh ed25519 OpenPGP key: (fingerprint, ASCII-armored public key). With
    ``signing_subkey`` the primary only certifies and a subkey signs (as many
    platform keys do)."""
    uid = f"{who[0]} <{who[1]}>"
    _gpg(home, "--quick-gen-key", uid, "ed25519", "cert" if signing_subkey else "sign", "never")
    listing = _gpg(home, "--with-colons", "--list-keys", f"={uid}")
    fingerprint = next(
        line.split(":")[9] for line in listing.splitlines() if line.startswith("fpr")
    )
    if signing_subkey:
        _gpg(home, "--quick-add-key", fingerprint, "ed25519", "sign", "never")
    return fingerprint, _gpg(home, "--armor", "--export", fingerprint)


@pytest.fixture(scope="module")
def keys():
    # A short folder: gpg-agent's socket path must stay under 108 bytes.
    home = Path(tempfile.mkdtemp(prefix="rg-"))
    home.chmod(0o700)
    folder = Path(tempfile.mkdtemp(prefix="rs-"))
    try:
        yield Keys(home, folder)
    finally:
        subprocess.run(
            ["gpgconf", "--kill", "gpg-agent"], env={**os.environ, "GNUPGHOME": str(home)}
        )
        shutil.rmtree(home, ignore_errors=True)
        shutil.rmtree(folder, ignore_errors=True)


@pytest.fixture(autouse=True)
def builders_keyring(keys, monkeypatch, tmp_path):
    """The builder's own GnuPG home holds every key of the module (secret and public,
    ultimately trusted) and its git configuration trusts every SSH key: none of it may
    count."""
    allowed = tmp_path / "builders_allowed_signers"
    allowed.write_text(
        "".join(f'* namespaces="git" {public}\n' for _, public in keys.ssh.values()),
        encoding="utf-8",
    )
    config = tmp_path / "builders_gitconfig"
    config.write_text(f'[gpg "ssh"]\n\tallowedSignersFile = {allowed}\n', encoding="utf-8")
    monkeypatch.setenv("GNUPGHOME", str(keys.home))
    monkeypatch.setenv("GIT_CONFIG_GLOBAL", str(config))


def _block(armored: str, indent: int) -> str:
    return "|\n" + textwrap.indent(armored.strip(), " " * indent) + "\n"


def signers_yml(
    reviewer: dict[str, str] | None = None,
    other: dict[str, str] | None = None,
    platforms: dict[str, dict[str, str]] | None = None,
    require: bool = True,
) -> str:
    """The signers file: each person's and platform's keys as {"ssh_key"|"gpg_key": text}."""
    lines = ["policy:", f"  require_signature: {'true' if require else 'false'}"]
    if platforms:
        lines.append("  platform_keys:")
        for name, listed in platforms.items():
            lines.append(f"    - name: {name}")
            lines += [f"      {field}: {_value(text, 8)}" for field, text in listed.items()]
    lines.append("reviewers:")
    for (name, email), listed in ((REVIEWER, reviewer), (OTHER_REVIEWER, other)):
        lines += [f"  - name: {name}", f"    email: {email}", "    role: discipline",
                  "    units: [wcjd]"]  # fmt: skip
        lines += [f"    {field}: {_value(text, 6)}" for field, text in (listed or {}).items()]
    return "\n".join(lines) + "\n"


def _value(text: str, indent: int) -> str:
    return _block(text, indent).rstrip("\n") if "\n" in text.strip() else text


def start(tmp_path: Path, signers: str, closer=STAFF) -> GitRepo:
    """A district with P02 open on main and its closure on branch close-p02 by ``closer``."""
    repo = GitRepo(tmp_path / "repo")
    repo.commit({**BASE_FILES, "rounds/signers.yml": signers}, "建立台账", who=STAFF)
    repo.branch("close-p02")
    repo.commit({W: CLOSED}, "P02 公务用车问题整改完成，申请销号", who=closer)
    repo.checkout("main")
    return repo


def merge(
    repo: GitRepo,
    who: tuple[str, str],
    message: str = "Merge pull request #7 from wucheng/close-p02",
    gpg: str | None = None,
    ssh: Path | None = None,
    committer: tuple[str, str] | None = None,
    home: Path | None = None,
) -> str:
    """``git merge --no-ff`` of close-p02 by ``who``, signed with a GPG or SSH key if given."""
    args = ["merge", "-q", "--no-ff", "close-p02", "-m", message]
    if gpg:
        args = ["-c", "gpg.format=openpgp", "-c", f"user.signingkey={gpg}", *args, "-S"]
    if ssh:
        args = ["-c", "gpg.format=ssh", "-c", f"user.signingkey={ssh}", *args, "-S"]
    env = {"GNUPGHOME": str(home)} if home else {}
    if committer:
        env |= {"GIT_COMMITTER_NAME": committer[0], "GIT_COMMITTER_EMAIL": committer[1]}
    repo.git(*args, who=who, env=env)
    return repo.git("rev-parse", "HEAD")


def closure(repo: GitRepo):
    project, _ = load_project(repo.root)
    history, _ = read_history(repo.root, project.signers)
    [event] = [e for e in history.events if e.kind == Kind.CLOSED and e.item == "r1/wcjd/P02"]
    return event.signoff


def git_says(repo: GitRepo, rev: str = "HEAD") -> str:
    """What git itself reports with the builder's keyring and configuration (%G?)."""
    return repo.git("log", "-1", "--format=%G?", rev)


# --- OpenPGP reviewers ------------------------------------------------------------------


def test_gpg_signed_reviewer_merge_is_confirmed(tmp_path, keys) -> None:
    fingerprint, public = keys.gpg["reviewer"]
    repo = start(tmp_path, signers_yml(reviewer={"gpg_key": public}))
    merged = merge(repo, REVIEWER, gpg=fingerprint, home=keys.home)
    signoff = closure(repo)
    assert (signoff.state, signoff.approver, signoff.commit) == (State.CONFIRMED, "赵敏", merged)


def test_gpg_signature_by_another_listed_reviewers_key_is_bad(tmp_path, keys) -> None:
    other_fpr, other_public = keys.gpg["other"]
    signers = signers_yml(
        reviewer={"gpg_key": keys.gpg["reviewer"][1]}, other={"gpg_key": other_public}
    )
    repo = start(tmp_path, signers)
    merge(repo, REVIEWER, gpg=other_fpr, home=keys.home)
    signoff = closure(repo)
    assert signoff.state is State.BAD_SIGNATURE
    assert OTHER_REVIEWER[1] in signoff.reason


def test_key_only_in_the_builders_keyring_is_not_trusted(tmp_path, keys) -> None:
    # The reviewer signs with a key the builder's GnuPG home holds (and git would accept),
    # but signers.yml lists a different key for her, and no key at all for SSH.
    fingerprint, _ = keys.gpg["reviewer"]
    repo = start(tmp_path, signers_yml(reviewer={"gpg_key": keys.gpg["stranger"][1]}))
    merge(repo, REVIEWER, gpg=fingerprint, home=keys.home)
    assert git_says(repo) == "G"  # the builder's own keyring would have made it valid
    signoff = closure(repo)
    assert signoff.state is State.BAD_SIGNATURE and "不在签字人名单" in signoff.reason


def test_ssh_key_only_in_the_builders_allowed_signers_is_not_trusted(tmp_path, keys) -> None:
    repo = start(tmp_path, signers_yml(reviewer={"gpg_key": keys.gpg["reviewer"][1]}))
    merge(repo, REVIEWER, ssh=keys.ssh["reviewer"][0])
    assert git_says(repo) == "G"  # git, with the builder's allowed-signers file, accepts it
    assert closure(repo).state is State.BAD_SIGNATURE


# --- platforms --------------------------------------------------------------------------


def test_github_web_merge_signed_by_the_platform_key_is_confirmed(tmp_path, keys) -> None:
    # GitHub's web merge: author = the reviewer who pressed the button, committer = GitHub,
    # signed by GitHub's web-flow OpenPGP key (here one whose subkey signs). GitHub's
    # published file holds its retired key too: one armored block, two certificates.
    fingerprint, _ = keys.gpg["github"]
    public = _gpg(keys.home, "--armor", "--export", keys.gpg["stranger"][0], fingerprint)
    repo = start(tmp_path, signers_yml(platforms={"github": {"gpg_key": public}}))
    merge(repo, REVIEWER, gpg=fingerprint, committer=GITHUB, home=keys.home)
    signoff = closure(repo)
    assert (signoff.state, signoff.approver) == (State.CONFIRMED, "赵敏")
    assert "github" in signoff.reason


def gitea_message(*reviewers: tuple[str, str]) -> str:
    lines = "\n".join(f"Reviewed-by: {name} <{email}>" for name, email in reviewers)
    return (
        "Merge pull request 'P02 公务用车问题整改完成' (#12) from close-p02 into main\n\n"
        f"Reviewed-on: https://git.xiaodian.example/wucheng/ledger/pulls/12\n{lines}\n"
    )


def test_gitea_reviewed_by_under_the_platform_key_is_confirmed(tmp_path, keys) -> None:
    # The author merges her own pull request after approval: the merge's author is staff,
    # the approver is the Reviewed-by line the instance wrote and signed.
    fingerprint, public = keys.gpg["gitea"]
    repo = start(tmp_path, signers_yml(platforms={"gitea": {"gpg_key": public}}))
    message = gitea_message(STRANGER, REVIEWER)
    merged = merge(repo, STAFF, message, gpg=fingerprint, committer=GITEA, home=keys.home)
    signoff = closure(repo)
    assert (signoff.state, signoff.approver, signoff.via) == (
        State.CONFIRMED,
        "赵敏",
        "reviewed-by",
    )
    assert signoff.commit == merged and "gitea" in signoff.reason


def test_gitea_squash_signed_with_the_instance_ssh_key_is_confirmed(tmp_path, keys) -> None:
    key, public = keys.ssh["gitea"]
    repo = start(tmp_path, signers_yml(platforms={"gitea": {"ssh_key": public}}))
    repo.git("merge", "--squash", "close-p02")
    message = "P02 公务用车问题整改完成 (#12)\n\n" + gitea_message(REVIEWER).split("\n\n", 1)[1]
    repo.git("-c", "gpg.format=ssh", "-c", f"user.signingkey={key}", "commit", "-q", "-S",
             "-m", message, who=STAFF, env={"GIT_COMMITTER_NAME": GITEA[0],
                                            "GIT_COMMITTER_EMAIL": GITEA[1]})  # fmt: skip
    assert closure(repo).state is State.CONFIRMED


@pytest.mark.parametrize("signed_by", ["nobody", "reviewer", "unlisted platform"])
def test_reviewed_by_is_not_trusted_without_a_listed_platform_key(
    tmp_path, keys, signed_by
) -> None:
    # Anyone can type a Reviewed-by line; signed by nobody, by a reviewer's own key, or by
    # a platform key that is not listed, it approves nothing: the merge is judged by its
    # author (staff, not a reviewer).
    signers = signers_yml(
        reviewer={"gpg_key": keys.gpg["reviewer"][1]}, require=False,
        platforms={"gitea": {"gpg_key": keys.gpg["gitea"][1]}},
    )  # fmt: skip
    repo = start(tmp_path, signers)
    key = {"nobody": None, "reviewer": keys.gpg["reviewer"][0],
           "unlisted platform": keys.gpg["github"][0]}[signed_by]  # fmt: skip
    merge(repo, STAFF, gitea_message(REVIEWER), gpg=key, committer=GITEA, home=keys.home)
    signoff = closure(repo)
    assert signoff.state is not State.CONFIRMED
    assert signoff.via == "merge" and signoff.approver == STAFF[0]


def test_platform_reviewed_by_the_author_is_self_approved(tmp_path, keys) -> None:
    fingerprint, public = keys.gpg["gitea"]
    repo = start(tmp_path, signers_yml(platforms={"gitea": {"gpg_key": public}}), closer=REVIEWER)
    merge(repo, REVIEWER, gitea_message(REVIEWER), gpg=fingerprint, committer=GITEA,
          home=keys.home)  # fmt: skip
    assert closure(repo).state is State.SELF_APPROVED


def test_platform_reviewed_by_nobody_listed_is_unknown(tmp_path, keys) -> None:
    fingerprint, public = keys.gpg["gitea"]
    repo = start(tmp_path, signers_yml(platforms={"gitea": {"gpg_key": public}}))
    merge(repo, STAFF, gitea_message(STRANGER), gpg=fingerprint, committer=GITEA, home=keys.home)
    assert closure(repo).state is State.UNKNOWN_REVIEWER


# --- tampering ----------------------------------------------------------------------------


def _rewrite_head(repo: GitRepo, old: bytes, new: bytes) -> None:
    """Write HEAD's raw commit again with ``old`` replaced by ``new`` (its gpgsig kept)."""
    raw = subprocess.run(["git", "cat-file", "commit", "HEAD"], cwd=repo.root,
                         capture_output=True, check=True).stdout  # fmt: skip
    assert old in raw
    forged = subprocess.run(
        ["git", "hash-object", "-t", "commit", "-w", "--stdin"],
        cwd=repo.root, input=raw.replace(old, new), capture_output=True, check=True,
    ).stdout.decode().strip()  # fmt: skip
    repo.git("reset", "-q", "--hard", forged)


@pytest.mark.parametrize("kind", ["gpg", "ssh"])
def test_tampered_commit_payload_is_bad(tmp_path, keys, kind) -> None:
    # A reviewer signed a merge of another pull request; someone rewrites the commit's
    # message to claim it, keeping the signature header.
    listed = (
        {"gpg_key": keys.gpg["reviewer"][1]}
        if kind == "gpg"
        else {"ssh_key": keys.ssh["reviewer"][1]}
    )
    repo = start(tmp_path, signers_yml(reviewer=listed))
    key = {"gpg": keys.gpg["reviewer"][0]} if kind == "gpg" else {"ssh": keys.ssh["reviewer"][0]}
    merge(repo, REVIEWER, "Merge pull request #7 from wucheng/close-p02", home=keys.home, **key)
    assert closure(repo).state is State.CONFIRMED
    _rewrite_head(repo, b"pull request #7", b"pull request #8")
    signoff = closure(repo)
    assert signoff.state is State.BAD_SIGNATURE and signoff.reason == "签名校验失败"


def test_replaced_blob_cannot_hide_a_closure(tmp_path) -> None:
    # A direct, unapproved closure; then `git replace` points the closed ledger's blob at
    # the open one, so git (and any reader honouring replace refs) sees no closure at all.
    repo = GitRepo(tmp_path / "repo")
    repo.commit({**BASE_FILES, "rounds/signers.yml": signers_yml(require=False)}, "建立台账")
    opened = repo.git("rev-parse", f"HEAD:{W}")
    repo.commit({W: CLOSED}, "直接销号", who=STAFF)
    closed = repo.git("rev-parse", f"HEAD:{W}")
    repo.git("replace", closed, opened)
    assert "completed_on: 2017-11-30" not in repo.git("cat-file", "-p", closed)  # git honours it
    signoff = closure(repo)
    assert signoff.state is State.UNCONFIRMED


def test_replaced_commit_cannot_forge_an_approval(tmp_path) -> None:
    # Staff closed P02 directly; a replacement commit with the same tree claims it was a
    # reviewer's merge of a branch.
    repo = GitRepo(tmp_path / "repo")
    repo.commit({**BASE_FILES, "rounds/signers.yml": signers_yml(require=False)}, "建立台账")
    base = repo.git("rev-parse", "HEAD")
    direct = repo.commit({W: CLOSED}, "直接销号", who=STAFF)
    repo.branch("side", base)
    side = repo.commit({W: CLOSED}, "P02 整改完成", who=STAFF)
    repo.checkout("main")
    tree = repo.git("rev-parse", f"{direct}^{{tree}}")
    forged = repo.git("commit-tree", tree, "-p", base, "-p", side, "-m",
                      "Merge pull request #9 from wucheng/side", who=REVIEWER)  # fmt: skip
    repo.git("replace", direct, forged)
    assert len(repo.git("log", "-1", "--format=%P", "HEAD").split()) == 2  # git honours it
    assert closure(repo).state is State.UNCONFIRMED


def test_graft_cannot_change_the_main_line(tmp_path) -> None:
    # A graft file (.git/info/grafts) giving the direct closure a reviewer-merged second parent.
    repo = GitRepo(tmp_path / "repo")
    repo.commit({**BASE_FILES, "rounds/signers.yml": signers_yml(require=False)}, "建立台账")
    base = repo.git("rev-parse", "HEAD")
    direct = repo.commit({W: CLOSED}, "直接销号", who=REVIEWER)
    repo.branch("side", base)
    side = repo.commit({W: CLOSED}, "P02 整改完成", who=STAFF)
    repo.checkout("main")
    grafts = repo.root / ".git" / "info" / "grafts"
    grafts.parent.mkdir(exist_ok=True)
    grafts.write_text(f"{direct} {base} {side}\n", encoding="utf-8")
    assert len(repo.git("log", "-1", "--format=%P", "HEAD").split()) == 2  # git honours it
    assert closure(repo).state is State.UNCONFIRMED


# --- the verifier itself --------------------------------------------------------------


def test_payload_is_the_commit_without_its_signature(tmp_path, keys) -> None:
    repo = start(tmp_path, signers_yml(reviewer={"gpg_key": keys.gpg["reviewer"][1]}))
    merge(repo, REVIEWER, gpg=keys.gpg["reviewer"][0], home=keys.home)
    raw = subprocess.run(["git", "cat-file", "commit", "HEAD"], cwd=repo.root,
                         capture_output=True, check=True).stdout  # fmt: skip
    payload, signature = split_signed(raw)
    assert signature is not None and signature.startswith(b"-----BEGIN PGP SIGNATURE-----")
    assert b"gpgsig" not in payload and payload.endswith(
        b"Merge pull request #7 from wucheng/close-p02\n"
    )
    assert raw.count(b"\n") - payload.count(b"\n") == signature.count(b"\n")
    project, _ = load_project(repo.root)
    assert verify(raw, keyring(project.signers)) == ("G", REVIEWER[1])
    assert verify(payload, keyring(project.signers)) == ("N", "")
    assert verify(
        raw, keyring(load_project(start(tmp_path / "b", signers_yml()).root)[0].signers)
    ) == ("U", "")


def test_offline_signoff_with_a_gpg_key_is_confirmed(tmp_path, keys) -> None:
    fingerprint, public = keys.gpg["reviewer"]
    repo = start(tmp_path, signers_yml(reviewer={"gpg_key": public}))
    result = subprocess.run(
        [sys.executable, "-m", "site_builder", "signoff", "close-p02", "--as", REVIEWER[1],
         "--signing-key", fingerprint, "--root", str(repo.root)],
        capture_output=True, text=True, cwd=repo.root,
        env={**os.environ, "GNUPGHOME": str(keys.home)},
    )  # fmt: skip
    assert result.returncode == 0, result.stderr
    assert git_says(repo) == "G"
    signoff = closure(repo)
    assert (signoff.state, signoff.via) == (State.CONFIRMED, "trailer")


@pytest.mark.parametrize(
    "header",
    [
        b"gpgsig -----BEGIN SSH SIGNATURE-----\n U1NIU0lH\n -----END SSH SIGNATURE-----",
        b"gpgsig -----BEGIN PGP SIGNATURE-----\n \n bm90IGEgc2lnbmF0dXJl\n -----END PGP SIGNATURE-----",
        b"gpgsig -----BEGIN SIGNED MESSAGE-----\n AAAA\n -----END SIGNED MESSAGE-----",
    ],
    ids=["ssh", "pgp", "x509"],
)
def test_unreadable_signature_is_a_stated_state(tmp_path, keys, header) -> None:
    repo = start(tmp_path, signers_yml(reviewer={"ssh_key": keys.ssh["reviewer"][1]}))
    merge(repo, REVIEWER)
    _rewrite_head(repo, b"\n\nMerge pull request", b"\n" + header + b"\n\nMerge pull request")
    signoff = closure(repo)
    assert signoff.state is State.BAD_SIGNATURE
    assert signoff.reason in ("无法校验签名", "签名校验失败")  # sshsig calls garbage invalid
