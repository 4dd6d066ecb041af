"""Downloads made on every core are the bytes made in-process, in order."""

from __future__ import annotations

import os
from functools import partial
from pathlib import Path

import pytest
from test_render_fingerprints import built, district

from site_builder.render import pool

from gitrepo import GitRepo


def tagged(index: int) -> bytes:
    return f"{index}:{os.getpid()}".encode()


@pytest.mark.skipif(pool.workers() < 2, reason="one core: everything is made in-process")
def test_jobs_run_in_forked_processes_and_come_back_in_order() -> None:
    jobs = [partial(tagged, i) for i in range(pool.MIN_JOBS * 2)]
    made = pool.make_all(jobs)
    assert [m.split(b":")[0] for m in made] == [str(i).encode() for i in range(len(jobs))]
    assert {m.split(b":")[1] for m in made} - {str(os.getpid()).encode()}  # not here


def test_few_jobs_are_made_in_process() -> None:
    made = pool.make_all([partial(tagged, i) for i in range(3)])
    assert {m.split(b":")[1] for m in made} == {str(os.getpid()).encode()}


def downloads(out: Path) -> dict[str, bytes]:
    return {p.name: p.read_bytes() for p in (out / "docs/downloads").iterdir()}


def test_a_build_with_the_pool_writes_the_files_one_without_writes(tmp_path, monkeypatch):
    repo = GitRepo(tmp_path / "repo")
    repo.commit(district(), "建立整改台账")
    monkeypatch.setattr(pool, "MIN_JOBS", 1)  # every file from the pool (if two cores)
    built(repo.root, tmp_path / "pooled")
    monkeypatch.setattr(pool, "MIN_JOBS", 10**9)  # every file in-process
    built(repo.root, tmp_path / "alone")
    pooled, alone = downloads(tmp_path / "pooled"), downloads(tmp_path / "alone")
    assert {n.rsplit(".", 1)[1] for n in pooled} >= {"docx", "xlsx", "csv", "json"}
    assert pooled == alone
