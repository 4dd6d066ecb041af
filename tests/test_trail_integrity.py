"""Playing the person who wants a closure to look approved: changes inside merges, empty
merges, reviewers added or gone, governance changes, closed items rewritten, accountability
deleted and closures dated in the future. Each on a real git repository."""

from __future__ import annotations

import os
import subprocess
import sys

import pytest

from site_builder.history import Kind, State, read_history
from site_builder.history.change import check_change

from conftest import BASE_FILES
from gitrepo import OTHER_REVIEWER, REVIEWER, STAFF, STRANGER, GitRepo

W = "ledgers/r1/wcjd.yml"
LEDGER = BASE_FILES[W]
P02_OPEN = "                status: in_progress\n"
P02_DONE = (
    "                status: done\n"
    "                completed_on: 2017-11-30\n"
    "                evidence:\n"
    "                  - 公务用车登记台账（2017年11月）\n"
)
P02_HEAD = "            title: 公务用车管理不规范\n            category: work_style\n"
CLOSED = LEDGER.replace(
    P02_HEAD, P02_HEAD + "            status: closed\n            closed_on: 2017-12-01\n"
).replace(P02_OPEN, P02_DONE)
OFFICE = ("周涛", "zhoutao@xcb.example")


def signers_yml(*extra: tuple[tuple[str, str], str, str]) -> str:
    """Reviewers: 赵敏 (discipline, wcjd), 钱进 (organisation, jyj), 周涛 (office, all),
    then ``extra`` as ((name, email), role, units)."""
    people = [
        (REVIEWER, "discipline", "[wcjd]"),
        (OTHER_REVIEWER, "organisation", "[jyj]"),
        (OFFICE, "inspection_office", '["*"]'),
        *extra,
    ]
    lines = ["policy:", "  require_signature: false", "reviewers:"]
    for (name, email), role, units in people:
        lines += [f"  - name: {name}", f"    email: {email}", f"    role: {role}"]
        lines += [f"    units: {units}"]
    return "\n".join(lines) + "\n"


@pytest.fixture
def repo(tmp_path) -> GitRepo:
    repo = GitRepo(tmp_path / "ledger-repo")
    repo.commit({**BASE_FILES, "rounds/signers.yml": signers_yml()}, "建立台账", who=OFFICE)
    return repo


def trail(repo: GitRepo):
    return read_history(repo.root)


def event_of(repo: GitRepo, kind: Kind, item: str):
    history, _ = trail(repo)
    [event] = [e for e in history.events if e.kind is kind and e.item == item]
    return event


def merge_no_commit(repo: GitRepo, branch: str, who) -> None:
    repo.checkout("main")
    repo.git("merge", "-q", "--no-ff", "--no-commit", branch, who=who)


# --- 1. every change is attributed, the merge's own included -------------------------


def test_closure_slipped_into_a_merge_is_the_mergers_own(repo) -> None:
    """The branch only adds evidence; the reviewer closes P02 while merging it."""
    repo.branch("evidence")
    with_evidence = LEDGER.replace(
        P02_OPEN, P02_OPEN + "                evidence:\n                  - 登记台账\n"
    )
    repo.commit({W: with_evidence}, "P02 补充佐证", who=STAFF)
    merge_no_commit(repo, "evidence", REVIEWER)
    repo.write({W: CLOSED})
    repo.git("add", "-A")
    repo.git("commit", "-q", "-m", "Merge pull request #7 from wucheng/evidence", who=REVIEWER)

    closed = event_of(repo, Kind.CLOSED, "r1/wcjd/P02")
    assert closed.signoff.state is State.SELF_APPROVED
    assert "合并时夹带" in closed.signoff.reason
    assert closed.author == REVIEWER[0]  # credited to the merger, not the branch's author


def test_a_merge_without_changes_of_its_own_still_confirms_its_branch(repo) -> None:
    """Control for the test above: the same merge, done plainly, confirms."""
    repo.branch("close")
    repo.commit({W: CLOSED}, "P02 销号", who=STAFF)
    merge_no_commit(repo, "close", REVIEWER)
    repo.git("commit", "-q", "-m", "Merge pull request #8 from wucheng/close", who=REVIEWER)
    assert event_of(repo, Kind.CLOSED, "r1/wcjd/P02").signoff.state is State.CONFIRMED


def test_conflict_resolution_keeps_the_branch_side_as_the_branchs(repo) -> None:
    """Main and the branch both edit P02; the merger resolves to the branch's version:
    the closure came from the branch and is confirmed."""
    repo.branch("close")
    repo.commit({W: CLOSED}, "P02 销号", who=STAFF)
    repo.checkout("main")
    started = LEDGER.replace(P02_OPEN, "                status: not_started\n")
    repo.commit({W: started}, "P02 状态更正（另一合并请求）", who=OFFICE)
    with pytest.raises(AssertionError):
        repo.git("merge", "-q", "--no-ff", "close", who=REVIEWER)
    repo.write({W: CLOSED})
    repo.git("add", "-A")
    repo.git("commit", "-q", "--no-edit", who=REVIEWER)
    assert event_of(repo, Kind.CLOSED, "r1/wcjd/P02").signoff.state is State.CONFIRMED


def test_merge_of_a_branch_already_on_the_main_line_approves_nothing(repo) -> None:
    """A hand-made merge commit whose side parent is an old main-line commit."""
    base = repo.git("rev-parse", "HEAD")
    repo.commit({"rounds/settings.yml": "district: 示例区\n"}, "设置", who=OFFICE)
    repo.write({W: CLOSED})
    repo.git("add", "-A")
    tree = repo.git("write-tree")
    head = repo.git("rev-parse", "HEAD")
    sha = repo.git(
        "commit-tree", tree, "-p", head, "-p", base, "-m", "Merge branch 'x'", who=REVIEWER
    )
    repo.git("reset", "-q", "--hard", sha)
    closed = event_of(repo, Kind.CLOSED, "r1/wcjd/P02")
    assert closed.signoff.state is State.UNCONFIRMED
    assert "没有带入任何修改" in closed.signoff.reason


def test_re_merging_a_branch_merged_before_approves_nothing(repo) -> None:
    """The side parent is a branch commit that an earlier merge already brought in."""
    repo.branch("evidence")
    with_evidence = LEDGER.replace(
        P02_OPEN, P02_OPEN + "                evidence:\n                  - 登记台账\n"
    )
    tip = repo.commit({W: with_evidence}, "P02 补充佐证", who=STAFF)
    repo.merge("evidence", who=REVIEWER)
    repo.write({W: CLOSED})
    repo.git("add", "-A")
    tree = repo.git("write-tree")
    head = repo.git("rev-parse", "HEAD")
    sha = repo.git(
        "commit-tree", tree, "-p", head, "-p", tip, "-m", "Merge evidence again", who=REVIEWER
    )
    repo.git("reset", "-q", "--hard", sha)
    closed = event_of(repo, Kind.CLOSED, "r1/wcjd/P02")
    assert closed.signoff.state is State.UNCONFIRMED


def test_reviewer_who_committed_a_branch_commit_cannot_approve_it(repo) -> None:
    """Staff authored the closure; the reviewer committed it (cherry-pick, amend)."""
    repo.branch("close")
    env = {"GIT_COMMITTER_NAME": REVIEWER[0], "GIT_COMMITTER_EMAIL": REVIEWER[1]}
    repo.write({W: CLOSED})
    repo.git("add", "-A")
    repo.git("commit", "-q", "-m", "P02 销号", who=STAFF, env=env)
    repo.merge("close", who=REVIEWER)
    assert event_of(repo, Kind.CLOSED, "r1/wcjd/P02").signoff.state is State.SELF_APPROVED


# --- 2. signers as of the time of each approval --------------------------------------

NEWCOMER = ("吴昊", "wuhao@jw.example")


def test_reviewer_added_by_a_change_cannot_approve_it(repo) -> None:
    repo.branch("add-me")
    signers = signers_yml((NEWCOMER, "discipline", '["*"]'))
    repo.commit({"rounds/signers.yml": signers, W: CLOSED}, "P02 销号", who=STAFF)
    repo.merge("add-me", who=NEWCOMER)
    history, diagnostics = trail(repo)
    [closed] = [e for e in history.events if e.kind is Kind.CLOSED and e.item == "r1/wcjd/P02"]
    assert closed.signoff.state is State.UNKNOWN_REVIEWER
    # Nor does the list take effect: its change was not approved by a listed reviewer.
    assert "H007" in [d.code for d in diagnostics]
    first, change = history.governance  # the first list is the trust anchor
    assert first.adopted is True
    assert change.adopted is False and change.paths == ("rounds/signers.yml",)


def test_reviewer_added_properly_approves_later_changes_only(repo) -> None:
    repo.branch("add-wuhao")
    repo.commit(
        {"rounds/signers.yml": signers_yml((NEWCOMER, "discipline", '["*"]'))}, "增补审批人"
    )
    repo.merge("add-wuhao", who=OFFICE)
    repo.branch("close")
    repo.commit({W: CLOSED}, "P02 销号", who=STAFF)
    repo.merge("close", who=NEWCOMER)
    history, diagnostics = trail(repo)
    assert [c.adopted for c in history.governance] == [True, True]
    assert "H007" not in [d.code for d in diagnostics]
    assert event_of(repo, Kind.CLOSED, "r1/wcjd/P02").signoff.state is State.CONFIRMED


def test_governance_change_approved_by_a_role_without_authority_does_not_take_effect(repo):
    repo.branch("add-wuhao")
    repo.commit(
        {"rounds/signers.yml": signers_yml((NEWCOMER, "discipline", '["*"]'))}, "增补审批人"
    )
    repo.merge("add-wuhao", who=OTHER_REVIEWER)  # organisation: not a governance role
    history, diagnostics = trail(repo)
    assert [c.adopted for c in history.governance] == [True, False]
    assert "H007" in [d.code for d in diagnostics]


def test_unreadable_signers_version_keeps_the_earlier_list(repo) -> None:
    repo.branch("broken")
    repo.commit({"rounds/signers.yml": "reviewers: [\n"}, "误改名单", who=STAFF)
    repo.merge("broken", who=OFFICE)
    repo.branch("close")
    repo.commit({W: CLOSED}, "P02 销号", who=STAFF)
    repo.merge("close", who=REVIEWER)
    history, diagnostics = trail(repo)
    assert "H008" in [d.code for d in diagnostics]
    assert [c.adopted for c in history.governance] == [True, False]
    assert event_of(repo, Kind.CLOSED, "r1/wcjd/P02").signoff.state is State.CONFIRMED


def test_departed_reviewer_keeps_earlier_approvals_and_loses_later_ones(repo) -> None:
    repo.branch("close")
    repo.commit({W: CLOSED}, "P02 销号", who=STAFF)
    repo.merge("close", who=REVIEWER)
    repo.branch("remove")
    without = signers_yml().replace(
        f"  - name: {REVIEWER[0]}\n    email: {REVIEWER[1]}\n    role: discipline\n    units: [wcjd]\n",
        "",
    )
    repo.commit({"rounds/signers.yml": without}, "赵敏调离，移出签字人名单", who=STAFF)
    repo.merge("remove", who=OFFICE)
    assert event_of(repo, Kind.CLOSED, "r1/wcjd/P02").signoff.state is State.CONFIRMED

    repo.branch("reopen")
    repo.commit({W: LEDGER}, "P02 重新打开", who=STAFF)
    repo.merge("reopen", who=REVIEWER)
    assert event_of(repo, Kind.REOPENED, "r1/wcjd/P02").signoff.state is State.UNKNOWN_REVIEWER


def test_until_date_ends_a_reviewers_term(tmp_path) -> None:
    repo = GitRepo(tmp_path / "r")
    ended = signers_yml().replace(
        "    units: [wcjd]\n", "    units: [wcjd]\n    until: 2018-01-31\n"
    )
    repo.commit({**BASE_FILES, "rounds/signers.yml": ended}, "建立台账", who=OFFICE)
    repo.branch("close")
    repo.commit({W: CLOSED}, "P02 销号", who=STAFF)
    repo.merge("close", who=REVIEWER)  # dated February 2018
    closed = event_of(repo, Kind.CLOSED, "r1/wcjd/P02")
    assert closed.signoff.state is State.UNKNOWN_REVIEWER
    assert "审批期限" in closed.signoff.reason


def test_check_change_reports_governance_and_fails_an_unapproved_merge(repo) -> None:
    base = repo.git("rev-parse", "HEAD")
    repo.branch("settings")
    repo.commit({"rounds/settings.yml": "district: 示例区\nthresholds:\n  green_days: 5\n"}, "放宽")
    pending = check_change(repo.root, f"{base}..settings")
    assert pending.governance == ["rounds/settings.yml"]
    assert "治理文件变更" in pending.markdown and OFFICE[0] in pending.markdown
    assert "H013" not in [d.code for d in pending.diagnostics]  # not merged yet

    repo.merge("settings", who=STRANGER)
    merged = check_change(repo.root, f"{base}..main")
    assert "H013" in [d.code for d in merged.diagnostics]


def test_check_change_accepts_a_governance_merge_by_the_office(repo) -> None:
    base = repo.git("rev-parse", "HEAD")
    repo.branch("settings")
    repo.commit({"rounds/settings.yml": "district: 示例区\n"}, "设置", who=STAFF)
    repo.merge("settings", who=OFFICE)
    assert "H013" not in [d.code for d in check_change(repo.root, f"{base}..main").diagnostics]


# --- 3. closed means immutable ------------------------------------------------------


@pytest.fixture
def closed_repo(repo) -> GitRepo:
    repo.branch("close")
    repo.commit({W: CLOSED}, "P02 销号", who=STAFF)
    repo.merge("close", who=REVIEWER)
    return repo


def test_rewriting_a_closed_problems_title_is_caught(closed_repo) -> None:
    repo = closed_repo
    base = repo.git("rev-parse", "HEAD")
    repo.branch("retitle")
    repo.commit(
        {W: CLOSED.replace("公务用车管理不规范", "公务用车偶有登记遗漏")}, "改标题", who=STAFF
    )
    report = check_change(repo.root, f"{base}..retitle")
    [h002] = [d for d in report.diagnostics if d.code == "H002"]
    assert "标题" in h002.message and h002.severity == "error"
    repo.merge("retitle", who=REVIEWER)
    event = event_of(repo, Kind.CLOSURE_REWRITTEN, "r1/wcjd/P02")
    assert event.old.startswith("标题") and event.new == "公务用车偶有登记遗漏"


def test_editing_a_done_measures_text_is_caught_but_reopening_is_allowed(closed_repo) -> None:
    repo = closed_repo
    base = repo.git("rev-parse", "HEAD")
    edited = CLOSED.replace("每月在街道公示栏公示", "按季度公示")
    repo.branch("edit")
    repo.commit({W: edited}, "改措施", who=STAFF)
    assert "H002" in [d.code for d in check_change(repo.root, f"{base}..edit").diagnostics]

    repo.checkout("main")
    repo.branch("reopen")
    repo.commit({W: LEDGER.replace("每月在街道公示栏公示", "按季度公示")}, "重新打开并修改")
    codes = [d.code for d in check_change(repo.root, f"{base}..reopen").diagnostics]
    assert "H002" not in codes


def test_withdrawing_a_closed_problem_needs_a_reason(closed_repo) -> None:
    repo = closed_repo
    base = repo.git("rev-parse", "HEAD")
    withdrawn = CLOSED.replace(
        "status: closed\n            closed_on: 2017-12-01", "status: withdrawn"
    )
    repo.branch("withdraw")
    repo.commit({W: withdrawn}, "撤销", who=STAFF)
    assert "H012" in [d.code for d in check_change(repo.root, f"{base}..withdraw").diagnostics]
    repo.commit(
        {
            W: withdrawn.replace(
                "status: withdrawn\n",
                "status: withdrawn\n            withdrawn_reason: 与P01重复\n",
                1,
            )
        },
        "写明理由",
    )
    assert "H012" not in [d.code for d in check_change(repo.root, f"{base}..withdraw").diagnostics]


def test_accountability_is_append_only(repo) -> None:
    base = repo.git("rev-parse", "HEAD")
    removed = LEDGER.replace(
        "              - person: 周强\n                post: 分管副主任\n"
        "                responsibility: leadership\n                form: 1\n"
        "                measure: 诫勉谈话\n",
        "",
    )
    repo.branch("soften")
    repo.commit({W: removed}, "删去问责", who=STAFF)
    [h011] = [d for d in check_change(repo.root, f"{base}..soften").diagnostics if d.code == "H011"]
    assert "周强" in h011.message
    repo.merge("soften", who=REVIEWER)
    assert event_of(repo, Kind.ACCOUNTABILITY_ALTERED, "r1/wcjd/P01").old.startswith("周强")

    # A correction as a new entry that supersedes the old one is allowed.
    corrected = LEDGER.replace(
        "                measure: 诫勉谈话\n",
        "                measure: 诫勉谈话\n"
        "              - person: 周强\n                post: 分管副主任\n"
        "                responsibility: leadership\n                form: 1\n"
        "                measure: 诫勉\n                supersedes: 2\n"
        "                correction_reason: 按现行用语更正\n",
    )
    repo.checkout("main")
    base = repo.git("rev-parse", "HEAD")
    repo.branch("correct")
    repo.commit({W: corrected}, "更正问责记录", who=STAFF)
    report = check_change(repo.root, f"{base}..correct")
    assert "H011" not in [d.code for d in report.diagnostics]


def test_closure_dated_after_its_commit_is_an_error(repo) -> None:
    base = repo.git("rev-parse", "HEAD")
    future = CLOSED.replace("closed_on: 2017-12-01", "closed_on: 2018-06-30")
    repo.branch("early")
    repo.commit({W: future}, "提前销号", who=STAFF)
    [h009] = [d for d in check_change(repo.root, f"{base}..early").diagnostics if d.code == "H009"]
    assert "2018-06-30" in h009.message and h009.severity == "error"
    repo.merge("early", who=REVIEWER)
    _, diagnostics = trail(repo)
    assert [d.code for d in diagnostics if d.code == "H009"] == ["H009"]


def test_cli_check_change_exits_1_on_a_rewritten_closure(closed_repo) -> None:
    repo = closed_repo
    base = repo.git("rev-parse", "HEAD")
    repo.branch("retitle")
    repo.commit({W: CLOSED.replace("公务用车管理不规范", "公务用车偶有遗漏")}, "改标题", who=STAFF)
    env = {**os.environ, "PYTHONPATH": os.getcwd()}
    done = subprocess.run(
        [
            sys.executable,
            "-m",
            "site_builder",
            "check-change",
            f"{base}..retitle",
            "--root",
            str(repo.root),
        ],
        capture_output=True,
        text=True,
        env=env,
    )
    assert done.returncode == 1, done.stderr
    assert "H002" in done.stdout and "Traceback" not in done.stderr


def test_a_new_key_later_does_not_undo_earlier_signed_approvals(tmp_path) -> None:
    from gitrepo import ssh_key

    old_key, old_pub = ssh_key(tmp_path, "zhaomin-2017")
    new_key, new_pub = ssh_key(tmp_path, "zhaomin-2018")
    office_key, office_pub = ssh_key(tmp_path, "zhoutao")

    def listed(pub: str) -> str:
        text = signers_yml().replace("require_signature: false", "require_signature: true")
        text = text.replace("    units: [wcjd]\n", f"    units: [wcjd]\n    ssh_key: {pub}\n")
        return text.replace('    units: ["*"]\n', f'    units: ["*"]\n    ssh_key: {office_pub}\n')

    repo = GitRepo(tmp_path / "r")
    repo.commit({**BASE_FILES, "rounds/signers.yml": listed(old_pub)}, "建立台账", who=OFFICE)
    repo.branch("close")
    repo.commit({W: CLOSED}, "P02 销号", who=STAFF)
    repo.merge("close", who=REVIEWER, sign_key=old_key)
    assert event_of(repo, Kind.CLOSED, "r1/wcjd/P02").signoff.state is State.CONFIRMED

    repo.branch("rotate")
    repo.commit({"rounds/signers.yml": listed(new_pub)}, "赵敏更换签名密钥", who=STAFF)
    repo.merge("rotate", who=OFFICE, sign_key=office_key)
    history, diagnostics = trail(repo)
    assert [c.adopted for c in history.governance] == [True, True], diagnostics
    assert event_of(repo, Kind.CLOSED, "r1/wcjd/P02").signoff.state is State.CONFIRMED

    # After the rotation the old key no longer signs for her.
    repo.branch("reopen")
    repo.commit({W: LEDGER}, "P02 重新打开", who=STAFF)
    repo.merge("reopen", who=REVIEWER, sign_key=old_key)
    assert event_of(repo, Kind.REOPENED, "r1/wcjd/P02").signoff.state is State.BAD_SIGNATURE


def test_deleting_a_problem_does_not_hide_its_accountability(repo) -> None:
    # Someone who may not remove an accountability entry deletes the whole problem
    # holding it: the entry's removal is reported too, not only the deletion.
    lines = LEDGER.splitlines(keepends=True)
    start = next(i for i, line in enumerate(lines) if line.strip() == "- id: P01")
    end = next(i for i, line in enumerate(lines) if line.strip() == "- id: P02")
    without_p01 = "".join(lines[:start] + lines[end:])
    base = repo.git("rev-parse", "HEAD")
    repo.branch("drop")
    repo.commit({W: without_p01}, "删去问题", who=STAFF)
    found = check_change(repo.root, f"{base}..drop").diagnostics
    h011 = [d.message for d in found if d.code == "H011"]
    assert any("周强" in message for message in h011), h011
    assert "H001" in [d.code for d in found]  # the deletion itself, as before
    repo.merge("drop", who=REVIEWER)
    history, _ = trail(repo)
    altered = [e.old or "" for e in history.events if e.kind is Kind.ACCOUNTABILITY_ALTERED]
    assert any(old.startswith("周强") for old in altered), altered
