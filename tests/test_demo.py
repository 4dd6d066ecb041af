"""`rectify demo`: a reproducible repository holding every sign-off state."""

from __future__ import annotations

import subprocess
import sys
from collections import Counter

import pytest

from site_builder.history import Kind, State, read_history
from site_builder.load import load_project

from conftest import ROOT

pytestmark = pytest.mark.slow  # writes the demo repository (888 commits), more than once


def demo(path) -> subprocess.CompletedProcess:
    return subprocess.run(
        [sys.executable, "-m", "site_builder", "demo", str(path), "--source", str(ROOT)],
        capture_output=True,
        text=True,
        timeout=600,
    )


@pytest.fixture(scope="module")
def demo_repo(tmp_path_factory):
    path = tmp_path_factory.mktemp("demo") / "repo"
    result = demo(path)
    assert result.returncode == 0, result.stderr
    return path


def commit_ids(path) -> list[str]:
    return subprocess.run(
        ["git", "log", "--all", "--format=%H"], cwd=path, capture_output=True, text=True, check=True
    ).stdout.split()


def test_two_runs_give_identical_commit_ids(demo_repo, tmp_path) -> None:
    again = tmp_path / "again"
    assert demo(again).returncode == 0
    assert commit_ids(again) == commit_ids(demo_repo)
    assert len(commit_ids(demo_repo)) > 500


def test_every_closure_state_occurs(demo_repo) -> None:
    project, _ = load_project(demo_repo)
    history, diagnostics = read_history(demo_repo, project.signers)
    # One on purpose: a signers change approved by the organisation department (H007).
    assert [d.code for d in diagnostics] == ["H007"]
    closures = [e for e in history.events if e.kind in (Kind.CLOSED, Kind.COMPLETED)]
    states = Counter(e.signoff.state for e in closures)
    assert set(states) == set(State), states
    assert states[State.CONFIRMED] > sum(v for k, v in states.items() if k is not State.CONFIRMED)
    kinds = {e.kind for e in history.events}
    assert {Kind.POSTPONED, Kind.REOPENED, Kind.CREATED} <= kinds


def test_demo_tree_equals_the_sample(demo_repo) -> None:
    for folder in ("ledgers", "rounds"):
        for path in (ROOT / folder).rglob("*"):
            if path.is_file():
                rel = path.relative_to(ROOT)
                assert (demo_repo / rel).read_bytes() == path.read_bytes(), rel


def test_refuses_a_non_empty_folder(tmp_path) -> None:
    (tmp_path / "x").write_text("keep me")
    result = demo(tmp_path)
    assert result.returncode == 1 and "--force" in result.stderr
    assert (tmp_path / "x").read_text() == "keep me"


def test_demo_shows_the_audit_trails_harder_cases(demo_repo) -> None:
    history, _ = read_history(demo_repo)
    reasons = {e.signoff.reason for e in history.events}
    assert any("合并时夹带" in r for r in reasons)  # a change slipped into a merge
    assert any("没有带入任何修改" in r for r in reasons)  # a merge that brought nothing in
    assert Kind.CLOSURE_REWRITTEN in {e.kind for e in history.events}  # a closed item edited
    assert [c.adopted for c in history.governance if "rounds/signers.yml" in c.paths][-2:] == [
        False,
        True,
    ]


def test_forge_signatures_occur(demo_repo) -> None:
    # One merge signed with a reviewer's OpenPGP key, one Gitea-style merge whose
    # Reviewed-by line the instance's listed key signed: both confirmed.
    project, _ = load_project(demo_repo)
    history, _ = read_history(demo_repo, project.signers)
    reviewed = [e for e in history.events if e.signoff.via == "reviewed-by"]
    assert reviewed and all(e.signoff.state is State.CONFIRMED for e in reviewed)
    assert {e.ledger for e in reviewed} == {"r3/dyzx"}
    pgp = [
        sha
        for sha in subprocess.run(
            ["git", "rev-list", "--first-parent", "--merges", "main"],
            cwd=demo_repo, capture_output=True, text=True, check=True,
        ).stdout.split()
        if b"BEGIN PGP SIGNATURE" in subprocess.run(
            ["git", "cat-file", "commit", sha], cwd=demo_repo, capture_output=True, check=True
        ).stdout
    ]  # fmt: skip
    assert len(pgp) == 1
    signed = {e.signoff.state for e in history.events if e.signoff.commit == pgp[0]}
    assert signed == {State.CONFIRMED}
