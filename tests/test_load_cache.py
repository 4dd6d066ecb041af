"""The load cache (.git/rectify/): a second load parses only the files that changed and
gives exactly what a fresh parse gives; a damaged cache or a changed loader parses anew."""

from __future__ import annotations

from pathlib import Path

import pytest

from site_builder.load import load_project
from site_builder.load.cache import FILE_NAME, LoadCache

from conftest import BASE_FILES, write_files
from gitrepo import GitRepo

# A second problem in one ledger, with a schema error (S005) and a free-text name (C001):
# diagnostics with positions come from the cache as they came from the parse.
NAMED = BASE_FILES["ledgers/r1/wcjd.yml"].replace(
    "title: 公务用车管理不规范",
    "title: 公务用车管理不规范\n            description: 原财务负责人孙伟私自出借公务用车",
)
BROKEN = BASE_FILES["rounds/units.yml"].rstrip() + "\n        extra_field: 多写的字段\n"


def repository(tmp_path: Path) -> GitRepo:
    repo = GitRepo(tmp_path / "repo")
    repo.commit({**BASE_FILES, "ledgers/r1/wcjd.yml": NAMED, "rounds/units.yml": BROKEN}, "建")
    return repo


def fresh(root: Path):
    return load_project(root, LoadCache(None))  # no folder: every file parsed


def test_second_load_parses_only_the_changed_file(tmp_path: Path) -> None:
    repo = repository(tmp_path)
    first = LoadCache.for_root(repo.root)
    project, diagnostics = load_project(repo.root, first)
    assert first.parses > 3 and first.hits == 0
    assert (repo.root / ".git" / "rectify" / FILE_NAME).is_file()
    assert {d.code for d in diagnostics} >= {"S002"}

    second = LoadCache.for_root(repo.root)
    again = load_project(repo.root, second)
    assert second.parses == 0 and second.hits == first.parses
    assert again == (project, diagnostics) == fresh(repo.root)
    assert [(d.code, d.file, d.line, d.col, d.message) for d in again[1]] == [
        (d.code, d.file, d.line, d.col, d.message) for d in diagnostics
    ]

    # One merged change: that file alone is parsed; its records and positions are new.
    units = "\n        # 注释一行，位置后移" + BROKEN
    ledger = "\n        # 新增注释" + NAMED
    repo.commit({"ledgers/r1/wcjd.yml": ledger, "rounds/units.yml": units}, "改")
    third = LoadCache.for_root(repo.root)
    changed = load_project(repo.root, third)
    assert third.parses == 2 and third.hits == first.parses - 2
    assert changed == fresh(repo.root) and changed != (project, diagnostics)
    moved = next(x for x in changed[0].ledgers if x.src.file == "ledgers/r1/wcjd.yml")
    assert moved.problems[0].src.line == project.ledgers[0].problems[0].src.line + 1
    assert [d.line for d in changed[1] if d.code == "S002"] == [
        d.line + 1 for d in diagnostics if d.code == "S002"
    ]


def test_deleted_files_leave_the_cache(tmp_path: Path) -> None:
    repo = repository(tmp_path)
    load_project(repo.root)
    path = repo.root / ".git" / "rectify" / FILE_NAME
    size = path.stat().st_size
    repo.commit({"ledgers/r1/wcjd.yml": None}, "删")
    cache = LoadCache.for_root(repo.root)
    assert load_project(repo.root, cache) == fresh(repo.root)
    assert cache.parses == 0 and path.stat().st_size < size


@pytest.mark.parametrize("damage", ["garbage", "truncated", "empty", "wrong shape"])
def test_a_damaged_cache_file_is_ignored_and_rebuilt(tmp_path: Path, damage: str) -> None:
    repo = repository(tmp_path)
    expected = load_project(repo.root)
    path = repo.root / ".git" / "rectify" / FILE_NAME
    whole = path.read_bytes()
    path.write_bytes(
        {
            "garbage": b"\x80\x05not a pickle at all\xff" * 50,
            "truncated": whole[: len(whole) // 2],
            "empty": b"",
            "wrong shape": b"\x80\x04\x95\x05\x00\x00\x00\x00\x00\x00\x00]\x94K\x01a.",
        }[damage]
    )
    cache = LoadCache.for_root(repo.root)
    assert load_project(repo.root, cache) == expected
    assert cache.hits == 0 and cache.parses > 3
    assert path.read_bytes() != b"" and LoadCache.for_root(repo.root)._old  # rewritten


def test_another_loader_parses_everything_again(tmp_path: Path) -> None:
    repo = repository(tmp_path)
    expected = load_project(repo.root)
    folder = repo.root / ".git" / "rectify"
    other = LoadCache(folder, code="0" * 64)  # as if the model or the loader had changed
    assert load_project(repo.root, other) == expected
    assert other.hits == 0 and other.parses > 3
    back = LoadCache.for_root(repo.root)  # the file now holds the other code's entries
    assert load_project(repo.root, back) == expected and back.hits == 0


def test_no_cache_without_a_git_folder(tmp_path: Path) -> None:
    root = write_files(tmp_path / "plain", BASE_FILES)
    cache = LoadCache.for_root(root)
    assert load_project(root, cache) == fresh(root) and cache.parses > 3
    assert cache.path is None and not (root / ".git").exists()
