"""`rectify purge` on a real repository: the secret leaves every object, the next build
accepts exactly that rewrite and shows it, and any other rewrite is still refused."""

from __future__ import annotations

import json
import shutil
import subprocess
import sys
from datetime import date
from pathlib import Path

import pytest

from site_builder.pipeline import build

from conftest import BASE_FILES
from gitrepo import GitRepo

SECRET = "赵秀兰"
LEAKED = BASE_FILES["ledgers/r1/wcjd.yml"].replace(
    "title: 公务用车管理不规范",
    f"title: 公务用车管理不规范\n            description: 群众{SECRET}（举报人，电话略）反映公车私用",
)


def all_objects(root: Path) -> bytes:
    return subprocess.run(
        ["git", "-C", str(root), "cat-file", "--batch-all-objects", "--batch"],
        capture_output=True, check=True,
    ).stdout  # fmt: skip


def rectify(*args: str) -> subprocess.CompletedProcess:
    return subprocess.run(
        [sys.executable, "-m", "site_builder", *args], capture_output=True, text=True, timeout=300
    )


@pytest.fixture
def leaked_repo(tmp_path: Path) -> GitRepo:
    repo = GitRepo(tmp_path / "repo")
    repo.commit(BASE_FILES, "建立台账")
    repo.commit({"ledgers/r1/wcjd.yml": LEAKED}, f"补充问题描述（{SECRET}反映）")
    repo.commit({"ledgers/r1/wcjd.yml": BASE_FILES["ledgers/r1/wcjd.yml"]}, "删去举报人信息")
    return repo


def test_purge_removes_the_value_and_the_next_build_accepts_only_it(leaked_repo, tmp_path):
    root = leaked_repo.root
    out, other = tmp_path / "out", tmp_path / "other"
    for folder in (out, other):
        assert build(root, folder, as_of=date(2017, 12, 1)).site_dir is not None
    assert SECRET.encode() in all_objects(root)

    done = rectify(
        "purge", "--root", str(root), "--value", SECRET, "--class", "举报人信息",
        "--reason", "举报人姓名误写入台账", "--approved-by", "陈丽华（区委巡察办主任）",
    )  # fmt: skip
    assert done.returncode == 0, done.stderr
    assert SECRET.encode() not in all_objects(root)
    [record_file] = (root / ".rectify/purges").glob("*.json")
    record = json.loads(record_file.read_text(encoding="utf-8"))
    assert SECRET not in record_file.read_text(encoding="utf-8")
    assert record["class"] == "举报人信息" and len(record["commit_map"]) >= 2

    result = build(root, out, as_of=date(2017, 12, 1))
    assert result.site_dir is not None
    info = json.loads((result.site_dir / "build-info.json").read_text(encoding="utf-8"))
    assert [r.get("purge") for r in info["rewrites"]] == [record["id"]]
    overview = (result.site_dir / "index.html").read_text(encoding="utf-8")
    assert "清除记录" in overview and "陈丽华" in overview

    # Another rewrite on top: a new history that does not hold the purge's commits.
    leaked_repo.git("checkout", "--quiet", "--orphan", "fresh")
    leaked_repo.git("commit", "--quiet", "-m", "另起历史")
    leaked_repo.git("branch", "-M", "main")
    for folder in (out, other):
        refused = build(root, folder, as_of=date(2017, 12, 1))
        assert refused.site_dir is None and [d.code for d in refused.refusal] == ["H030"]


def test_purge_of_a_file_and_refusals(leaked_repo, tmp_path) -> None:
    root = leaked_repo.root
    leaked_repo.commit({"rounds/举报材料.txt": f"举报人：{SECRET}"}, "误提交举报材料")
    leaked_repo.commit({"rounds/举报材料.txt": None}, "删除举报材料")
    (root / "stray.txt").write_text("未提交", encoding="utf-8")
    args = ["purge", "--root", str(root), "--class", "举报材料", "--reason", "误提交",
            "--approved-by", "陈丽华"]  # fmt: skip
    refused = rectify(*args, "--path", "rounds/举报材料.txt")
    assert refused.returncode == 1 and "未提交" in refused.stderr
    (root / "stray.txt").unlink()
    done = rectify(*args, "--path", "rounds/举报材料.txt")
    assert done.returncode == 0, done.stderr
    log = leaked_repo.git("log", "--all", "--format=%H", "--", "rounds/举报材料.txt")
    assert log.strip() == ""
    assert shutil.which("git")  # the record commit is on top of the rewritten history
    assert "记录历史清除" in leaked_repo.git("log", "-1", "--format=%s")
