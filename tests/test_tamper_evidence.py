"""Tamper evidence: a site records its commit; a rewritten history stops the next build
until acknowledged; evidence files deleted after a closure are flagged (H006).
"""

from __future__ import annotations

import json
import subprocess
import sys
from datetime import date
from pathlib import Path

import pytest
import security_figures

from site_builder.pipeline import build, check_project
from site_builder.provenance import check_provenance

from conftest import BASE_FILES
from gitrepo import GitRepo


def rectify(*args: str) -> subprocess.CompletedProcess:
    return subprocess.run(
        [sys.executable, "-m", "site_builder", *args], capture_output=True, text=True, timeout=300
    )


def build_info(out: Path) -> dict:
    return json.loads((out / "site" / "build-info.json").read_text(encoding="utf-8"))


def site_bytes(site: Path) -> dict[str, bytes]:
    return {p.relative_to(site).as_posix(): p.read_bytes() for p in site.rglob("*") if p.is_file()}


@pytest.fixture
def district_repo(tmp_path: Path) -> GitRepo:
    repo = GitRepo(tmp_path / "repo")
    repo.commit(BASE_FILES, "建立台账")
    return repo


def test_site_records_the_commit_it_was_built_from(district_repo: GitRepo, tmp_path) -> None:
    head = district_repo.git("rev-parse", "HEAD")
    result = build(district_repo.root, tmp_path / "out", as_of=date(2017, 12, 1))
    info = build_info(tmp_path / "out")
    assert info["commit"] == head and info["audience"] == "internal" and info["rewrites"] == []
    assert info["dirty"] is False
    overview = (result.site_dir / "index.html").read_text(encoding="utf-8")
    assert f"生成自提交 <code>{head[:10]}</code>" in overview


def test_rewritten_history_stops_the_build_until_acknowledged(district_repo, tmp_path) -> None:
    repo, out = district_repo, tmp_path / "out"
    ledger = BASE_FILES["ledgers/r1/wcjd.yml"]
    repo.commit({"ledgers/r1/wcjd.yml": ledger.replace("status: in_progress", "status: not_started")}, "更新进展")  # fmt: skip
    built = repo.git("rev-parse", "HEAD")
    assert build(repo.root, out, as_of=date(2017, 12, 1)).site_dir is not None
    before = site_bytes(out / "site")

    # A force push: the last commit is replaced by another one with the same parent.
    repo.git("reset", "-q", "--hard", "HEAD~1")
    repo.commit({"ledgers/r1/wcjd.yml": ledger.replace("2017-12-31", "2018-06-30")}, "改写")
    rewritten = repo.git("rev-parse", "HEAD")

    refused = rectify("build", "--root", str(repo.root), "--out", str(out), "--as-of", "2017-12-01")
    assert refused.returncode == 1, refused.stderr
    assert f"上次生成的站点来自提交 {built[:10]}" in refused.stderr
    assert "历史可能被改写" in refused.stderr and "--acknowledge-rewrite" in refused.stderr
    assert "Traceback" not in refused.stderr
    assert site_bytes(out / "site") == before, "a refused build must leave the site as it was"
    refusals = 1

    accepted = rectify("build", "--root", str(repo.root), "--out", str(out), "--as-of", "2017-12-01",
                       "--acknowledge-rewrite", "--by", "王立新", "--reason", "误推送后恢复")  # fmt: skip
    assert accepted.returncode == 0, accepted.stderr
    info = build_info(out)
    assert info["commit"] == rewritten
    [ack] = info["rewrites"]
    assert ack["previous"] == built and ack["head"] == rewritten and ack["acknowledged_by"]
    overview = (out / "site" / "index.html").read_text(encoding="utf-8")
    assert "历史改写已确认" in overview and built[:10] in overview

    # Later builds go on normally and keep the acknowledgement on record.
    repo.commit({"rounds/units.yml": BASE_FILES["rounds/units.yml"] + "\n"}, "整理格式")
    assert build(repo.root, out, as_of=date(2017, 12, 1)).site_dir is not None
    assert build_info(out)["rewrites"] == [ack]

    # A history whose recorded commit was also garbage-collected away is refused too.
    repo.git("reset", "-q", "--hard", "HEAD~1")
    repo.commit({"ledgers/r1/wcjd.yml": ledger}, "再次改写")
    repo.git("reflog", "expire", "--expire=now", "--all")
    repo.git("gc", "-q", "--prune=now")
    refused = check_provenance(repo.root, out, "internal")
    assert refused.stamp is None and [d.code for d in refused.diagnostics] == ["H030"]
    assert "仓库中已找不到这个提交" in refused.diagnostics[0].message
    refusals += 1
    security_figures.record(tamper__rewrites_refused=refusals)


def test_a_site_outside_git_records_no_commit(make_repo, tmp_path) -> None:
    result = build(make_repo(), tmp_path / "out", as_of=date(2017, 12, 1))
    assert result.site_dir is not None and build_info(tmp_path / "out")["commit"] is None


EVIDENCE_LEDGER = BASE_FILES["ledgers/r1/wcjd.yml"].replace(
    """                evidence:
                  - 《坞城街道党工委关于修订“三重一大”决策制度的通知》
""",
    """                evidence:
                  - 《坞城街道党工委关于修订“三重一大”决策制度的通知》
                  - title: 党工委会议纪要
                    file: 佐证/r1/wcjd/P01-M1 纪要.pdf
                  - title: 档案室原件
                    file: D:\\档案\\2017\\12.pdf
                  - title: 制度文件
                    file: 佐证/r1/wcjd/P01-M1-制度.pdf
""",
)


def test_evidence_file_deleted_after_the_closure_is_flagged(tmp_path) -> None:
    repo = GitRepo(tmp_path / "repo")
    minutes, rules = "佐证/r1/wcjd/P01-M1 纪要.pdf", "佐证/r1/wcjd/P01-M1-制度.pdf"
    assert "file:" in EVIDENCE_LEDGER
    repo.commit({**BASE_FILES, "ledgers/r1/wcjd.yml": EVIDENCE_LEDGER,
                 minutes: "%PDF-1.4 纪要", rules: "%PDF-1.4 制度"}, "销号并上传佐证")  # fmt: skip
    assert [d for d in check_project(repo.root)[1] if d.code == "H006"] == []

    deleting = repo.commit({minutes: None}, "清理文件")
    found = [d for d in check_project(repo.root)[1] if d.code == "H006"]
    security_figures.record(tamper__missing_evidence=len(found))
    assert len(found) == 1, [d.as_text() for d in found]
    [warning] = found
    assert warning.file == "ledgers/r1/wcjd.yml" and warning.line > 0
    assert minutes in warning.message and deleting[:10] in warning.message
    assert "P01/M1" in warning.message and "党工委会议纪要" in warning.message
    # A path outside the repository (a share drive) and a file still there are not flagged.
    assert "D:" not in warning.message and "制度" not in warning.message.split("引用的文件")[1]
