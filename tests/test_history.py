"""The audit trail read from real git repositories: merges, squashes, rebases, renames,
self-approval, unknown reviewers, SSH signatures, shallow clones and check-change."""

from __future__ import annotations

import json
import subprocess
import sys

import pytest

from site_builder.history import Kind, State, parallel, read_history
from site_builder.history.cache import BlobCache, parse_blob
from site_builder.history.change import check_change
from site_builder.history.parallel import ParallelParse
from site_builder.load import load_project

from conftest import BASE_FILES
from gitrepo import OTHER_REVIEWER, REVIEWER, STAFF, STRANGER, GitRepo, ssh_key

LEDGER = BASE_FILES["ledgers/r1/wcjd.yml"]
P02_OPEN = "                status: in_progress\n"
P02_DONE = (
    "                status: done\n"
    "                completed_on: 2017-11-30\n"
    "                evidence:\n"
    "                  - 公务用车登记台账（2017年11月）\n"
)
CLOSED = LEDGER.replace(
    "            title: 公务用车管理不规范\n            category: work_style\n",
    "            title: 公务用车管理不规范\n            category: work_style\n"
    "            status: closed\n            closed_on: 2017-12-01\n",
).replace(P02_OPEN, P02_DONE)
W = "ledgers/r1/wcjd.yml"


def signers_yml(require_signature: bool = False, keys: dict[str, str] | None = None) -> str:
    keys = keys or {}
    lines = [
        "policy:",
        f"  require_signature: {'true' if require_signature else 'false'}",
        "reviewers:",
    ]
    for (name, email), units in ((REVIEWER, "[wcjd]"), (OTHER_REVIEWER, "[jyj]")):
        lines += [
            f"  - name: {name}",
            f"    email: {email}",
            "    role: discipline",
            f"    units: {units}",
        ]
        if email in keys:
            lines.append(f"    ssh_key: {keys[email]}")
    return "\n".join(lines) + "\n"


@pytest.fixture
def repo(tmp_path) -> GitRepo:
    """A district whose ledger has P02 open, committed on main by the office."""
    repo = GitRepo(tmp_path / "ledger-repo")
    repo.commit({**BASE_FILES, "rounds/signers.yml": signers_yml()}, "建立台账", who=STAFF)
    return repo


def events(repo: GitRepo, kind: Kind | None = None, item: str | None = None):
    project, _ = load_project(repo.root)
    history, diagnostics = read_history(repo.root, project.signers)
    found = [
        e
        for e in history.events
        if (kind is None or e.kind == kind) and (item is None or e.item == item)
    ]
    return found, diagnostics


def close_on_branch(repo: GitRepo, branch: str = "close-p02", who=STAFF) -> None:
    repo.branch(branch)
    repo.commit({W: CLOSED}, "P02 公务用车问题整改完成，申请销号", who=who)


def closure_state(repo: GitRepo) -> State:
    [event], _ = events(repo, Kind.CLOSED, "r1/wcjd/P02")
    return event.signoff.state


def test_web_merge_by_listed_reviewer_confirms(repo) -> None:
    close_on_branch(repo)
    merge = repo.merge("close-p02", who=REVIEWER)
    [event], _ = events(repo, Kind.CLOSED, "r1/wcjd/P02")
    assert event.signoff.state is State.CONFIRMED
    assert (event.signoff.approver, event.signoff.via, event.signoff.commit) == (
        "赵敏",
        "merge",
        merge,
    )
    assert (event.author, event.subject) == ("张明", "P02 公务用车问题整改完成，申请销号")
    [done], _ = events(repo, Kind.COMPLETED, "r1/wcjd/P02/M1")
    assert done.signoff.state is State.CONFIRMED


def test_direct_commit_is_unconfirmed(repo) -> None:
    repo.commit({W: CLOSED}, "直接销号", who=STAFF)
    assert closure_state(repo) is State.UNCONFIRMED


def test_reviewer_merging_own_change_is_self_approved(repo) -> None:
    close_on_branch(repo, who=REVIEWER)
    repo.merge("close-p02", who=REVIEWER)
    assert closure_state(repo) is State.SELF_APPROVED


def test_merge_by_someone_not_listed_is_unknown_reviewer(repo) -> None:
    close_on_branch(repo)
    repo.merge("close-p02", who=STRANGER)
    assert closure_state(repo) is State.UNKNOWN_REVIEWER


def test_reviewer_of_another_unit_is_unknown_for_this_one(repo) -> None:
    close_on_branch(repo)
    repo.merge("close-p02", who=OTHER_REVIEWER)
    [event], _ = events(repo, Kind.CLOSED, "r1/wcjd/P02")
    assert event.signoff.state is State.UNKNOWN_REVIEWER
    assert "无权审批" in event.signoff.reason


def test_squash_with_trailer_confirms_and_without_is_unconfirmed(repo) -> None:
    close_on_branch(repo)
    repo.checkout("main")
    repo.git("merge", "--squash", "close-p02")
    repo.git(
        "commit",
        "-q",
        "-m",
        f"P02 销号 (#3)\n\nApproved-by: {REVIEWER[0]} <{REVIEWER[1]}>",
        who=STAFF,
    )
    assert closure_state(repo) is State.CONFIRMED

    reopened = CLOSED.replace("            status: closed\n            closed_on: 2017-12-01\n", "")
    repo.commit({W: reopened}, "P02 回头看发现反弹，重新打开")
    repo.commit({W: CLOSED}, "P02 再次销号 (#4)")  # a squash with no approval recorded
    closures, _ = events(repo, Kind.CLOSED, "r1/wcjd/P02")
    assert [e.signoff.state for e in closures] == [State.CONFIRMED, State.UNCONFIRMED]
    [relapse], _ = events(repo, Kind.REOPENED, "r1/wcjd/P02")
    assert relapse.old == "closed"


def test_rebase_merge_keeps_each_commit_and_its_trailer(repo) -> None:
    repo.branch("work")
    postponed = LEDGER.replace("deadline: 2017-12-31", "deadline: 2018-03-31")
    repo.commit({W: postponed}, "P02 申请延期", who=STAFF)
    repo.commit(
        {W: CLOSED.replace("deadline: 2017-12-31", "deadline: 2018-03-31")},
        f"P02 销号\n\nApproved-by: {REVIEWER[0]} <{REVIEWER[1]}>",
        who=STAFF,
    )
    repo.checkout("main")
    repo.git("merge", "-q", "--ff-only", "work")
    [postpone], _ = events(repo, Kind.POSTPONED)
    assert (postpone.item, postpone.days, postpone.signoff.state) == (
        "r1/wcjd/P02/M1",
        90,
        State.UNCONFIRMED,
    )
    assert closure_state(repo) is State.CONFIRMED


def test_malformed_trailer_is_a_stated_state(repo) -> None:
    repo.commit({W: CLOSED}, "销号\n\nApproved-by: 赵敏")
    [event], _ = events(repo, Kind.CLOSED, "r1/wcjd/P02")
    assert event.signoff.state is State.UNKNOWN_REVIEWER and "格式" in event.signoff.reason


def test_renamed_ledger_file_keeps_its_items(repo) -> None:
    repo.git("mv", W, "ledgers/r1/wcjd.yaml")
    repo.git("commit", "-q", "-m", "台账改用 .yaml 扩展名")
    repo.commit({"ledgers/r1/wcjd.yaml": CLOSED}, "P02 销号")
    all_events, _ = events(repo)
    kinds = [(e.item, e.kind) for e in all_events]
    assert ("r1/wcjd/P01", Kind.DELETED) not in kinds
    assert kinds.count(("r1/wcjd/P01", Kind.CREATED)) == 1
    assert ("r1/wcjd/P02", Kind.CLOSED) in kinds


def test_unparseable_commit_is_skipped_with_a_warning(repo) -> None:
    repo.commit({W: "round: r1\nunit: [\n"}, "误提交的坏文件")
    repo.commit({W: CLOSED}, "修复并销号")
    all_events, diagnostics = events(repo)
    assert [d.code for d in diagnostics] == ["H004"]
    assert diagnostics[0].file == W and diagnostics[0].line == 3
    assert not [e for e in all_events if e.kind is Kind.DELETED]
    assert closure_state(repo) is State.UNCONFIRMED


@pytest.fixture
def keys(tmp_path):
    folder = tmp_path / "keys"
    folder.mkdir()
    return {"reviewer": ssh_key(folder, "reviewer"), "other": ssh_key(folder, "other")}


@pytest.mark.parametrize(
    ("signing", "expected"),
    [
        ("reviewer", State.CONFIRMED),
        ("other", State.BAD_SIGNATURE),
        (None, State.MISSING_SIGNATURE),
    ],
)
def test_ssh_signature_must_belong_to_the_approver(tmp_path, keys, signing, expected) -> None:
    repo = GitRepo(tmp_path / "signed")
    signers = signers_yml(
        True, {REVIEWER[1]: keys["reviewer"][1], OTHER_REVIEWER[1]: keys["other"][1]}
    )
    repo.commit({**BASE_FILES, "rounds/signers.yml": signers}, "建立台账")
    close_on_branch(repo)
    repo.merge("close-p02", who=REVIEWER, sign_key=keys[signing][0] if signing else None)
    [event], _ = events(repo, Kind.CLOSED, "r1/wcjd/P02")
    assert event.signoff.state is expected, event.signoff.reason


def test_tampered_signature_is_bad(tmp_path, keys) -> None:
    repo = GitRepo(tmp_path / "tampered")
    signers = signers_yml(True, {REVIEWER[1]: keys["reviewer"][1]})
    repo.commit({**BASE_FILES, "rounds/signers.yml": signers}, "建立台账")
    close_on_branch(repo)
    merge = repo.merge("close-p02", who=REVIEWER, sign_key=keys["reviewer"][0])
    # Rewrite the signed merge's message, keeping its signature: the signature no longer matches.
    raw = repo.git("cat-file", "commit", merge).replace("Merge pull request", "Merge  pull request")
    forged = subprocess.run(
        ["git", "hash-object", "-t", "commit", "-w", "--stdin"],
        cwd=repo.root,
        input=raw + "\n",
        capture_output=True,
        text=True,
        check=True,
    ).stdout.strip()
    repo.git("update-ref", "refs/heads/main", forged)
    [event], _ = events(repo, Kind.CLOSED, "r1/wcjd/P02")
    assert event.signoff.state is State.BAD_SIGNATURE


def test_shallow_clone_builds_with_a_warning(repo, tmp_path) -> None:
    close_on_branch(repo)
    repo.merge("close-p02", who=REVIEWER)
    clone = tmp_path / "shallow"
    subprocess.run(
        ["git", "clone", "-q", "--depth", "1", f"file://{repo.root}", str(clone)], check=True
    )
    project, _ = load_project(clone)
    history, diagnostics = read_history(clone, project.signers)
    assert history.shallow and [d.code for d in diagnostics] == ["H005"]
    assert all(e.signoff.state is State.UNCONFIRMED for e in history.events)
    from site_builder.pipeline import build

    result = build(clone, tmp_path / "out")
    assert result.site_dir is not None
    assert any(d.code == "H005" for d in result.diagnostics)


def test_folder_without_git_has_no_history(make_repo) -> None:
    root = make_repo()
    history, diagnostics = read_history(root, load_project(root)[0].signers)
    assert not history.available and [d.code for d in diagnostics] == ["H005"]


def test_cache_reads_only_new_blobs(repo) -> None:
    signers = load_project(repo.root)[0].signers
    first, _ = read_history(repo.root, signers)
    assert first.blobs_parsed == 1
    again, _ = read_history(repo.root, signers)
    assert again.blobs_parsed == 0
    repo.commit({W: CLOSED}, "P02 销号")
    after, _ = read_history(repo.root, signers)
    assert after.blobs_parsed == 1 and len(after.events) > len(first.events)


def test_parsing_in_processes_gives_the_same_trail(repo, tmp_path, monkeypatch) -> None:
    """A cold read big enough for the parsing pool equals one parsed in-process."""
    if parallel.workers() < 2:
        pytest.skip("one core here: ledgers are parsed in-process")
    for n in range(1, 8):  # a new version of the ledger per commit, one merged
        text = LEDGER.replace("公务用车管理不规范", f"公务用车管理不规范（第{n}次修改）")
        if n == 4:
            repo.branch("edit")
            repo.commit({W: text}, f"修改 {n}")
            repo.checkout("main")
            repo.merge("edit", who=REVIEWER)
        else:
            repo.commit({W: text}, f"修改 {n}")
    repo.commit({W: CLOSED}, "P02 销号")
    signers = load_project(repo.root)[0].signers

    def trail(min_blobs: int, cache: str):
        monkeypatch.setattr(parallel, "MIN_BLOBS", min_blobs)
        history, diagnostics = read_history(repo.root, signers, cache_dir=tmp_path / cache)
        return history, [d.as_text() for d in diagnostics]

    pooled, pooled_diagnostics = trail(1, "pooled")
    alone, alone_diagnostics = trail(10**9, "alone")
    assert pooled.blobs_parsed == alone.blobs_parsed == 9
    assert pooled.events == alone.events and len(alone.events) > 8
    assert pooled_diagnostics == alone_diagnostics


def test_the_parsing_pool_returns_what_parsing_here_would(repo, tmp_path, monkeypatch) -> None:
    if parallel.workers() < 2:
        pytest.skip("one core here: ledgers are parsed in-process")
    monkeypatch.setattr(parallel, "MIN_BLOBS", 1)
    broken = "round: r1\nunit: wcjd\nproblems: [\n"  # a YAML error travels back too
    blobs = {
        name: text.encode() for name, text in (("ok", LEDGER), ("closed", CLOSED), ("bad", broken))
    }
    wanted = [(name, W) for name in blobs]
    cache = BlobCache(None)
    with ParallelParse(cache, wanted) as ahead:
        assert ahead.pool is not None
        ahead.feed(blobs.__getitem__)
        pooled = [cache.parse(name, W, blobs.__getitem__) for name in blobs]
    here = [parse_blob(data, W) for data in blobs.values()]
    assert pooled == here
    assert cache.misses == 3 and cache.hits == 0
    assert pooled[2][0] is None and pooled[2][1]


def test_a_parsing_process_that_dies_leaves_the_rest_to_this_one(monkeypatch) -> None:
    if parallel.workers() < 2:
        pytest.skip("one core here: ledgers are parsed in-process")
    monkeypatch.setattr(parallel, "MIN_BLOBS", 1)
    monkeypatch.setattr(parallel, "CHUNK", 1)
    texts = [LEDGER.replace("公务用车管理不规范", f"公务用车管理不规范{n}") for n in range(40)]
    blobs = {f"b{n}": text.encode() for n, text in enumerate(texts)}
    wanted = [(name, W) for name in blobs]
    cache = BlobCache(None)
    with ParallelParse(cache, wanted) as ahead:
        assert ahead.pool is not None
        for process in list(ahead.pool._processes.values()):  # a real SIGKILL, as the OOM killer
            process.kill()
            process.join()
        ahead.feed(blobs.__getitem__)
        parsed = [cache.parse(name, W, blobs.__getitem__) for name in blobs]
    assert parsed == [parse_blob(data, W) for data in blobs.values()]
    assert cache.misses == len(blobs)


# --- check-change -------------------------------------------------------------------------


def change_codes(repo: GitRepo, spec: str = "main..work") -> tuple[list[str], str]:
    report = check_change(repo.root, spec)
    return [d.code for d in report.diagnostics], report.markdown


def test_check_change_catches_a_deleted_problem(repo) -> None:
    repo.branch("work")
    without_p02 = LEDGER[: LEDGER.index("          - id: P02")]
    repo.commit({W: without_p02}, "删掉 P02")
    codes, markdown = change_codes(repo)
    assert codes == ["H001"]
    assert "删除" in markdown and "r1/wcjd/P02" in markdown


def test_check_change_summarises_postponement_and_closure(repo) -> None:
    repo.branch("work")
    repo.commit({W: CLOSED.replace("deadline: 2017-12-31", "deadline: 2018-01-15")}, "延期并销号")
    codes, markdown = change_codes(repo)
    assert codes == []
    assert "推迟 15 天" in markdown and "问题销号（1）" in markdown


def test_check_change_refuses_rewriting_a_closure_and_closing_without_evidence(repo) -> None:
    repo.commit({W: CLOSED}, "销号")
    repo.branch("work")
    rewritten = CLOSED.replace("closed_on: 2017-12-01", "closed_on: 2017-11-15")
    repo.commit({W: rewritten.replace("公务用车登记台账（2017年11月）", "情况说明")}, "改写")
    codes, _ = change_codes(repo)
    assert codes.count("H002") == 2

    repo.checkout("main")
    repo.branch("work2", "main~1")
    no_evidence = CLOSED.replace(
        "                evidence:\n                  - 公务用车登记台账（2017年11月）\n", ""
    )
    repo.commit({W: no_evidence}, "无佐证销号")
    codes, _ = change_codes(repo, "main~1..work2")
    assert codes.count("H003") == 2


def test_check_change_cli_formats(repo) -> None:
    repo.branch("work")
    repo.commit({W: LEDGER[: LEDGER.index("          - id: P02")]}, "删掉 P02")

    def run(fmt: str) -> subprocess.CompletedProcess:
        return subprocess.run(
            [
                sys.executable,
                "-m",
                "site_builder",
                "check-change",
                "main..work",
                "--root",
                str(repo.root),
                "--format",
                fmt,
            ],
            capture_output=True,
            text=True,
        )

    text = run("text")
    assert text.returncode == 1 and "H001" in text.stdout
    data = json.loads(run("json").stdout)
    assert data["diagnostics"][0]["code"] == "H001"
    github = run("github").stdout
    assert github.startswith("::error file=ledgers/r1/wcjd.yml,line=")


# --- offline sign-off and inspection commands -------------------------------------------------


def rectify(repo: GitRepo, *args: str) -> subprocess.CompletedProcess:
    return subprocess.run(
        [sys.executable, "-m", "site_builder", *args, "--root", str(repo.root)],
        capture_output=True,
        text=True,
        cwd=repo.root,
    )


def test_signoff_merges_with_trailer_and_signature(tmp_path, keys) -> None:
    repo = GitRepo(tmp_path / "offline")
    signers = signers_yml(True, {REVIEWER[1]: keys["reviewer"][1]})
    repo.commit({**BASE_FILES, "rounds/signers.yml": signers}, "建立台账")
    close_on_branch(repo)
    repo.checkout("main")
    result = rectify(
        repo, "signoff", "close-p02", "--as", REVIEWER[1], "--signing-key", str(keys["reviewer"][0])
    )
    assert result.returncode == 0, result.stderr
    message = repo.git("log", "-1", "--format=%B")
    assert f"Approved-by: {REVIEWER[0]} <{REVIEWER[1]}>" in message
    assert closure_state(repo) is State.CONFIRMED


def test_signoff_refuses_the_author_and_unlisted_units(repo) -> None:
    close_on_branch(repo, who=REVIEWER)
    repo.checkout("main")
    own = rectify(repo, "signoff", "close-p02", "--as", REVIEWER[1])
    assert own.returncode == 1 and "四眼原则" in own.stderr
    other = rectify(repo, "signoff", "close-p02", "--as", OTHER_REVIEWER[0])
    assert other.returncode == 1 and "无权审批" in other.stderr
    assert repo.git("rev-parse", "HEAD") == repo.git("rev-parse", "main")


def test_log_and_history_commands(repo) -> None:
    close_on_branch(repo)
    repo.merge("close-p02", who=REVIEWER)
    log = rectify(repo, "log", "r1/wcjd/P02")
    assert log.returncode == 0 and "销号" in log.stdout and "已确认：赵敏" in log.stdout
    data = json.loads(rectify(repo, "history", "--json").stdout)
    kinds = {(e["item"], e["kind"], e["signoff"]["state"]) for e in data["events"]}
    assert ("r1/wcjd/P02", "closed", "confirmed") in kinds
    missing = rectify(repo, "log", "r1/wcjd/P99")
    assert missing.returncode == 1 and "没有找到" in missing.stderr
