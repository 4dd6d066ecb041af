"""Typed values out of the history: commit times as git recorded them, and one git per build."""

from __future__ import annotations

from datetime import UTC, date, datetime, timedelta

import pytest

from site_builder.history import read_history
from site_builder.history.git import UNKNOWN_TIME, Repository
from site_builder.pipeline import build

from conftest import BASE_FILES
from gitrepo import STAFF, GitRepo

LEDGER = "ledgers/r1/wcjd.yml"
EDITED = BASE_FILES[LEDGER].replace("status: in_progress", "status: not_started")


def crafted_commit(repo: GitRepo, files: dict[str, str], stamp: str) -> str:
    """A commit on main whose author time is ``stamp`` verbatim, as a crafted object can
    carry it (git commit refuses such times; a push without fsck does not)."""
    repo.write(files)
    repo.git("add", "-A")
    tree = repo.git("write-tree")
    parent = repo.git("rev-parse", "HEAD")
    name, email = STAFF
    body = (
        f"tree {tree}\nparent {parent}\nauthor {name} <{email}> {stamp}\n"
        f"committer {name} <{email}> 1517443200 +0800\n\n更新进展\n"
    )
    path = repo.root / ".git" / "crafted"
    path.write_text(body, encoding="utf-8")
    sha = repo.git("hash-object", "-t", "commit", "-w", "--literally", str(path))
    repo.git("update-ref", "refs/heads/main", sha)
    repo.git("reset", "-q", "--hard", sha)
    return sha


def test_event_times_carry_the_offset_git_recorded(tmp_path) -> None:
    repo = GitRepo(tmp_path / "repo")
    repo.commit(BASE_FILES, "建立台账")
    sha = repo.commit({LEDGER: EDITED}, "更新进展")
    history, _ = read_history(repo.root)
    [event] = [e for e in history.events if e.commit == sha]
    assert event.landed == event.date and event.landed.date() == date(2018, 2, 1)
    assert event.landed.utcoffset() == timedelta(hours=8)
    # JSON prints the time exactly as git does.
    assert event.as_dict()["landed"] == repo.git("log", "-1", "--format=%aI", sha)


@pytest.mark.parametrize(
    ("stamp", "landed"),
    [
        # An offset no datetime holds keeps its wall-clock time (git prints 2023-11-19T02:52).
        ("1700000000 +9999", datetime(2023, 11, 19, 2, 52, 20, tzinfo=UTC)),
        ("99999999999999 +0800", UNKNOWN_TIME),  # year 3170843
    ],
)
def test_a_commit_time_no_datetime_holds_does_not_stop_the_read(
    tmp_path, stamp: str, landed: datetime
) -> None:
    repo = GitRepo(tmp_path / "repo")
    repo.commit(BASE_FILES, "建立台账")
    sha = crafted_commit(repo, {LEDGER: EDITED}, stamp)
    history, _ = read_history(repo.root)
    [event] = [e for e in history.events if e.commit == sha]
    assert event.landed == landed and event.landed.tzinfo is not None
    assert event.as_dict()["landed"] == landed.isoformat()


def test_a_build_opens_git_once(tmp_path, monkeypatch) -> None:
    repo = GitRepo(tmp_path / "repo")
    evidence = "佐证/r1/wcjd/纪要.pdf"
    ledger = BASE_FILES[LEDGER].replace(
        "                evidence:\n",
        f"                evidence:\n                  - title: 纪要\n"
        f"                    file: {evidence}\n",
        1,
    )
    assert evidence in ledger
    repo.commit({**BASE_FILES, LEDGER: ledger, evidence: "%PDF-1.4"}, "销号并上传佐证")
    repo.commit({evidence: None}, "清理文件")
    out = tmp_path / "out"
    assert build(repo.root, out, as_of=date(2017, 12, 1)).site_dir is not None
    opened: list[object] = []
    real = Repository.__init__

    def counted(self, root) -> None:
        opened.append(root)
        real(self, root)

    monkeypatch.setattr(Repository, "__init__", counted)
    # The second build asks git about the deleted evidence (H006), the first build's
    # commit (provenance) and the history: one repository for all three.
    result = build(repo.root, out, as_of=date(2017, 12, 1))
    assert result.site_dir is not None
    assert any(d.code == "H006" for d in result.diagnostics)
    assert len(opened) == 1
