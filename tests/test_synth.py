"""`rectify synth`: a generated repository is reproducible, valid and has a real history."""

from __future__ import annotations

import subprocess
import sys
from collections import Counter

import pytest

from site_builder.history import Kind, State, read_history
from site_builder.load import load_project

from conftest import ROOT

pytestmark = pytest.mark.slow  # generates repositories with `rectify synth`

UNITS, COMMITS_PER_UNIT = 6, 40


def synth(path, *extra: str) -> subprocess.CompletedProcess:
    return subprocess.run(
        [sys.executable, "-m", "site_builder", "synth", str(path), "--units", str(UNITS),
         "--seed", "7", "--source", str(ROOT), *extra],
        capture_output=True,
        text=True,
        timeout=300,
    )  # fmt: skip


def git(path, *args: str) -> str:
    return subprocess.run(
        ["git", *args], cwd=path, capture_output=True, text=True, check=True
    ).stdout


@pytest.fixture(scope="module")
def six_unit_repo(tmp_path_factory):
    path = tmp_path_factory.mktemp("synth") / "repo"
    result = synth(path)
    assert result.returncode == 0, result.stderr
    return path


def test_same_seed_gives_identical_commit_ids(six_unit_repo, tmp_path) -> None:
    assert synth(tmp_path / "again").returncode == 0
    ids = git(six_unit_repo, "log", "--all", "--format=%H")
    assert git(tmp_path / "again", "log", "--all", "--format=%H") == ids
    assert synth(tmp_path / "other", "--seed", "8").returncode == 0
    assert git(tmp_path / "other", "log", "--all", "--format=%H") != ids


def test_generated_data_validates_clean(six_unit_repo) -> None:
    result = subprocess.run(
        [sys.executable, "-m", "site_builder", "validate", "--root", str(six_unit_repo)],
        capture_output=True,
        text=True,
    )
    assert result.returncode == 0, result.stdout
    assert git(six_unit_repo, "status", "--porcelain") == ""


def test_sizes_are_respected(six_unit_repo, tmp_path) -> None:
    project, _ = load_project(six_unit_repo)
    assert len(project.units) == UNITS and len(project.ledgers) == UNITS
    assert {u.name for u in project.units} and all(u.id.isascii() for u in project.units)
    commits = len(git(six_unit_repo, "log", "--all", "--format=%H").split())
    assert 0.75 * UNITS * COMMITS_PER_UNIT <= commits <= 1.25 * UNITS * COMMITS_PER_UNIT
    fewer = tmp_path / "fewer"
    assert synth(fewer, "--rounds", "2", "--commits-per-unit", "10").returncode == 0
    project, _ = load_project(fewer)
    assert len(project.rounds) == 2
    assert len(git(fewer, "log", "--all", "--format=%H").split()) < commits / 2


def test_history_has_merges_postponements_relapses_and_departures(six_unit_repo) -> None:
    assert len(git(six_unit_repo, "log", "--merges", "--format=%H").split()) > UNITS * 10
    project, _ = load_project(six_unit_repo)
    history, diagnostics = read_history(six_unit_repo, project.signers)
    assert diagnostics == []
    kinds = Counter(e.kind for e in history.events)
    assert {Kind.CREATED, Kind.POSTPONED, Kind.REOPENED, Kind.CLOSED, Kind.COMPLETED} <= set(kinds)
    states = Counter(e.signoff.state for e in history.events)
    # No signature is required of the generated district, so none is "missing".
    assert set(states) == set(State) - {State.MISSING_SIGNATURE}, states
    assert states[State.CONFIRMED] > sum(states.values()) / 2
    vias = {e.signoff.via for e in history.events}
    assert vias == {"merge", "trailer", "direct"}


def test_refuses_a_non_empty_folder(tmp_path) -> None:
    (tmp_path / "keep").write_text("keep me")
    result = synth(tmp_path)
    assert result.returncode == 1 and "--force" in result.stderr
    assert (tmp_path / "keep").read_text() == "keep me"
