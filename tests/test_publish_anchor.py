"""Rewrite detection in CI: a fresh clone reads the published site's build-info.json back.

The repository is a real bare remote; every publish is a new clone with no build folder,
as on a CI runner, and the published site is served over real HTTP. A force-push to
main is caught by the next publish only through the anchor (``--last-published``).
"""

from __future__ import annotations

import functools
import json
import os
import shutil
import subprocess
import sys
import threading
from collections.abc import Iterator
from http.server import SimpleHTTPRequestHandler, ThreadingHTTPServer
from pathlib import Path

import pytest
import yaml

from conftest import BASE_FILES, ROOT
from gitrepo import GitRepo

pytestmark = pytest.mark.slow  # clones, builds and publishes sites several times

LEDGER = "ledgers/r1/wcjd.yml"
BY, REASON = "王立新", "误将测试分支强制推送到 main，已按巡察办要求恢复"


def rectify(*args: str) -> subprocess.CompletedProcess:
    # Requests to 127.0.0.1 must not go through a proxy the machine may configure.
    env = {k: v for k, v in os.environ.items() if "proxy" not in k.lower()}
    return subprocess.run(
        [sys.executable, "-m", "site_builder", *args],
        capture_output=True, text=True, timeout=300, env=env,
    )  # fmt: skip


class _Quiet(SimpleHTTPRequestHandler):
    def log_message(self, format: str, *args: object) -> None:  # noqa: A002
        pass


@pytest.fixture
def deployed(tmp_path: Path) -> Iterator[tuple[Path, str]]:
    """A web server for the deployed site's folder: (folder, URL of its build-info.json)."""
    folder = tmp_path / "www"
    folder.mkdir()
    server = ThreadingHTTPServer(("127.0.0.1", 0), functools.partial(_Quiet, directory=folder))
    threading.Thread(target=server.serve_forever, daemon=True).start()
    yield folder, f"http://127.0.0.1:{server.server_port}/build-info.json"
    server.shutdown()
    server.server_close()


class Remote:
    """A bare remote with a staff member's working clone pushing to it."""

    def __init__(self, tmp: Path) -> None:
        self.tmp = tmp
        self.staff = GitRepo(tmp / "staff")
        self.staff.commit(BASE_FILES, "建立台账")
        self.bare = tmp / "origin.git"
        subprocess.run(["git", "clone", "-q", "--bare", str(self.staff.root), str(self.bare)],
                       check=True)  # fmt: skip
        self.staff.git("remote", "add", "origin", str(self.bare))
        self.runs = 0

    def push(self, files: dict[str, str | None], message: str, force: bool = False) -> str:
        sha = self.staff.commit(files, message)
        self.staff.git("push", "-q", *(["--force"] if force else []), "origin", "main")
        return sha

    def publish(self, *extra: str, www: Path | None = None) -> subprocess.CompletedProcess:
        """A CI run: a fresh full clone, a build without any build folder, then deploy."""
        self.runs += 1
        clone = self.tmp / f"runner{self.runs}"
        # --no-local: objects travel as over a network, only those reachable from refs.
        subprocess.run(["git", "clone", "-q", "--no-local", str(self.bare), str(clone)], check=True)
        assert not (clone / "build").exists()
        done = rectify("build", "--root", str(clone), "--out", str(clone / "build"),
                       "--as-of", "2017-12-01", *extra)  # fmt: skip
        if done.returncode == 0 and www is not None:
            shutil.rmtree(www, ignore_errors=True)
            shutil.copytree(clone / "build" / "site", www)
        return done


def test_force_push_is_caught_by_the_next_publish_in_a_fresh_clone(tmp_path, deployed) -> None:
    www, url = deployed
    remote = Remote(tmp_path)

    first = remote.publish("--last-published", url, www=www)
    assert first.returncode == 0, first.stderr
    assert "H032" in first.stdout and "按首次发布处理" in first.stdout  # nothing published yet

    ledger = BASE_FILES[LEDGER]
    published = remote.push({LEDGER: ledger.replace("status: in_progress", "status: not_started")}, "更新进展")  # fmt: skip
    second = remote.publish("--last-published", url, www=www)
    assert second.returncode == 0, second.stderr
    assert json.loads((www / "build-info.json").read_text())["commit"] == published

    # The force-push: the published commit is replaced on main and is gone from new clones.
    remote.staff.git("reset", "-q", "--hard", "HEAD~1")
    rewritten = remote.push({LEDGER: ledger.replace("2017-12-31", "2018-06-30")}, "改写", force=True)  # fmt: skip
    served = (www / "index.html").read_bytes()

    unanchored = remote.publish()  # today's check alone: a runner has no previous site
    assert unanchored.returncode == 0, unanchored.stderr

    refused = remote.publish("--last-published", url, www=www)
    assert refused.returncode == 1, refused.stderr
    assert "H030" in refused.stderr and f"上次发布的站点来自提交 {published[:10]}" in refused.stderr
    assert "仓库中已找不到这个提交" in refused.stderr and "--acknowledge-rewrite" in refused.stderr
    assert "Traceback" not in refused.stderr
    assert (www / "index.html").read_bytes() == served

    # Acknowledging needs a reason; without a configured git name, also a name.
    incomplete = remote.publish("--last-published", url, "--acknowledge-rewrite", www=www)
    assert incomplete.returncode == 1 and "H035" in incomplete.stderr
    assert "理由（--reason）" in incomplete.stderr and "Traceback" not in incomplete.stderr

    accepted = remote.publish("--last-published", url, "--acknowledge-rewrite",
                              "--by", BY, "--reason", REASON, www=www)  # fmt: skip
    assert accepted.returncode == 0, accepted.stderr
    info = json.loads((www / "build-info.json").read_text(encoding="utf-8"))
    [ack] = info["rewrites"]
    assert ack["previous"] == published and ack["head"] == rewritten
    assert ack["acknowledged_by"] == BY and ack["reason"] == REASON
    assert ack["anchor"] == url and ack["previous_exists"] is False and ack["acknowledged_at"]
    overview = (www / "index.html").read_text(encoding="utf-8")
    assert "历史改写已确认" in overview and BY in overview and REASON in overview
    assert published[:10] in overview

    # Later publishes, again from fresh clones, pass and keep the acknowledgement.
    later = remote.push({"rounds/units.yml": BASE_FILES["rounds/units.yml"] + "\n"}, "整理格式")
    again = remote.publish("--last-published", url, www=www)
    assert again.returncode == 0, again.stderr
    info = json.loads((www / "build-info.json").read_text(encoding="utf-8"))
    assert info["commit"] == later and info["rewrites"] == [ack]
    assert info["previous"] == {"commit": rewritten, "built_at": ack["acknowledged_at"],
                                "published": True}  # fmt: skip
    assert REASON in (www / "index.html").read_text(encoding="utf-8")


def test_a_rewrite_seen_through_a_file_anchor_and_a_git_name(tmp_path) -> None:
    """The anchor as a file path and a file URL; --by defaults to git's user.name."""
    remote = Remote(tmp_path)
    store = tmp_path / "published"
    assert remote.publish("--last-published", str(store / "build-info.json"), www=store).returncode == 0  # fmt: skip
    remote.staff.git("commit", "-q", "--amend", "-m", "建立台账（改）")
    remote.staff.git("push", "-q", "--force", "origin", "main")
    anchor = (store / "build-info.json").as_uri()
    refused = remote.publish("--last-published", anchor, www=store)
    assert refused.returncode == 1 and "H030" in refused.stderr, refused.stderr

    clone = tmp_path / "admin"
    subprocess.run(["git", "clone", "-q", str(remote.bare), str(clone)], check=True)
    subprocess.run(["git", "-C", str(clone), "config", "user.name", "李红梅"], check=True)
    accepted = rectify("build", "--root", str(clone), "--out", str(clone / "build"),
                       "--as-of", "2017-12-01", "--last-published", anchor,
                       "--acknowledge-rewrite", "--reason", "补录提交说明")  # fmt: skip
    assert accepted.returncode == 0, accepted.stderr
    info = json.loads((clone / "build" / "site" / "build-info.json").read_text(encoding="utf-8"))
    assert [(r["acknowledged_by"], r["reason"]) for r in info["rewrites"]] == [("李红梅", "补录提交说明")]  # fmt: skip


def publish_step() -> str:
    workflow = yaml.safe_load((ROOT / ".github/workflows/publish.yml").read_text(encoding="utf-8"))
    [step] = [s for s in workflow["jobs"]["build"]["steps"] if "核对上次发布" in s.get("name", "")]
    return step["run"]


def test_the_publish_workflow_step_checks_and_acknowledges(tmp_path, deployed) -> None:
    """The build step of publish.yml, run by bash as a runner would, in fresh clones."""
    www, url = deployed
    remote = Remote(tmp_path)
    script = publish_step()

    def run_step(**env: str) -> subprocess.CompletedProcess:
        remote.runs += 1
        clone = tmp_path / f"step{remote.runs}"
        subprocess.run(["git", "clone", "-q", "--no-local", str(remote.bare), str(clone)], check=True)  # fmt: skip
        base = {k: v for k, v in os.environ.items() if "proxy" not in k.lower()}
        path = f"{Path(sys.executable).parent}{os.pathsep}{base.get('PATH', '')}"
        full = {**base, "PATH": path, "PUBLISHED_URL": "", "ACK_REASON": "", "ACK_BY": "", **env}
        done = subprocess.run(["bash", "-e", "-c", script], cwd=clone, env=full,
                              capture_output=True, text=True, timeout=300)  # fmt: skip
        if done.returncode == 0:
            shutil.rmtree(www, ignore_errors=True)
            shutil.copytree(clone / "build" / "site", www)
        return done

    unset = run_step()
    assert unset.returncode == 0, unset.stderr
    assert "::warning title=未核对上次发布::" in unset.stdout
    assert run_step(PUBLISHED_URL=url).returncode == 0

    remote.staff.git("commit", "-q", "--amend", "-m", "建立台账（改写）")
    remote.staff.git("push", "-q", "--force", "origin", "main")
    refused = run_step(PUBLISHED_URL=url)
    assert refused.returncode == 1 and "H030" in refused.stderr, refused.stderr

    # What the person types reaches rectify as text, never as shell.
    reason = '恢复误推送 $(touch pwned) `touch pwned` "; touch pwned'
    accepted = run_step(PUBLISHED_URL=url, ACK_REASON=reason, ACK_BY="liuyang-xcb")
    assert accepted.returncode == 0, accepted.stderr
    assert not list(tmp_path.rglob("pwned"))
    [ack] = json.loads((www / "build-info.json").read_text(encoding="utf-8"))["rewrites"]
    assert (ack["acknowledged_by"], ack["reason"]) == ("liuyang-xcb", reason)


def test_a_shallow_clone_cannot_pass_for_a_checked_one(tmp_path) -> None:
    """A runner that fetched only the last commit cannot see the published one: refused."""
    remote = Remote(tmp_path)
    store = tmp_path / "published"
    assert remote.publish("--last-published", str(store / "build-info.json"), www=store).returncode == 0  # fmt: skip
    remote.push({"rounds/units.yml": BASE_FILES["rounds/units.yml"] + "\n"}, "整理格式")
    shallow = tmp_path / "shallow"
    subprocess.run(["git", "clone", "-q", "--depth", "1", "--no-local", str(remote.bare),
                    str(shallow)], check=True)  # fmt: skip
    refused = rectify("build", "--root", str(shallow), "--out", str(shallow / "build"),
                      "--last-published", str(store / "build-info.json"))  # fmt: skip
    assert refused.returncode == 1 and "H030" in refused.stderr
    assert "当前是浅克隆" in refused.stderr and "Traceback" not in refused.stderr


def test_an_older_commit_does_not_replace_a_newer_site(tmp_path) -> None:
    """A re-run on an older commit, or main reset back: H036, and only an acknowledgement
    (recorded like any rewrite) lets the older state replace the published one."""
    remote = Remote(tmp_path)
    older = remote.staff.git("rev-parse", "HEAD")
    remote.push({"rounds/units.yml": BASE_FILES["rounds/units.yml"] + "\n"}, "整理格式")
    store = tmp_path / "published"
    anchor = str(store / "build-info.json")
    assert remote.publish("--last-published", anchor, www=store).returncode == 0

    clone = tmp_path / "rerun"
    subprocess.run(["git", "clone", "-q", "--no-local", str(remote.bare), str(clone)], check=True)
    subprocess.run(["git", "-C", str(clone), "checkout", "-q", older], check=True)
    args = ("build", "--root", str(clone), "--out", str(clone / "build"), "--last-published", anchor)  # fmt: skip
    refused = rectify(*args)
    assert refused.returncode == 1 and "H036" in refused.stderr and "H030" not in refused.stderr
    assert f"当前 HEAD {older[:10]}" in refused.stderr and "Traceback" not in refused.stderr
    accepted = rectify(*args, "--acknowledge-rewrite", "--by", "王立新", "--reason", "回退到上一版")
    assert accepted.returncode == 0, accepted.stderr
    info = json.loads((clone / "build" / "site" / "build-info.json").read_text(encoding="utf-8"))
    assert [(r["head"], r["reason"]) for r in info["rewrites"]] == [(older, "回退到上一版")]
