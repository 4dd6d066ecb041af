"""The shipped deploy job's server-side script, run in a folder laid out like the server:
nginx is reloaded exactly when the included security headers change, and a failed test or
reload puts the previous release back. ``sudo`` is a script on PATH that logs what the
job asked for (there is no nginx here); everything else is the real shell and coreutils."""

from __future__ import annotations

import os
import re
import subprocess
from pathlib import Path

import yaml

from conftest import ROOT

STEP = "上传并切换到新版本"


def remote_script() -> str:
    workflow = yaml.safe_load((ROOT / ".github/workflows/publish.yml").read_text("utf-8"))
    [run] = [s["run"] for s in workflow["jobs"]["deploy"]["steps"] if s.get("name") == STEP]
    found = re.search(r"<<'REMOTE'\n(.*?)\nREMOTE\n", run, re.S)
    assert found, "the deploy step no longer sends its script as a here-document"
    return found.group(1)


def deploy(server: Path, sha: str, headers: str, nginx_ok: bool = True) -> tuple[int, list[str]]:
    """Upload release ``sha`` (as rsync would) and run the job's script; (exit code, sudo log)."""
    release = server / "releases" / sha
    release.mkdir(parents=True)
    (release / "index.html").write_text(sha, encoding="utf-8")
    (release / "security-headers.conf").write_text(headers, encoding="utf-8")
    bin_dir, log = server.parent / "bin", server.parent / "sudo.log"
    bin_dir.mkdir(exist_ok=True)
    sudo = bin_dir / "sudo"
    sudo.write_text(f'#!/bin/sh\necho "$*" >> "{log}"\n[ "$NGINX_OK" = 1 ]\n', encoding="utf-8")
    sudo.chmod(0o755)
    log.write_text("", encoding="utf-8")
    env = {**os.environ, "PATH": f"{bin_dir}:{os.environ['PATH']}", "DIR": str(server),
           "SHA": sha, "NGINX_OK": "1" if nginx_ok else "0"}  # fmt: skip
    done = subprocess.run(["sh", "-s"], input=remote_script(), env=env, capture_output=True,
                          text=True, timeout=30)  # fmt: skip
    return done.returncode, log.read_text(encoding="utf-8").splitlines()


def current(server: Path) -> str:
    return (server / "current" / "index.html").read_text(encoding="utf-8")


def test_nginx_reloads_only_when_the_headers_change(tmp_path: Path) -> None:
    server = tmp_path / "srv"
    reload = ["-n /usr/sbin/nginx -t -q", "-n /usr/bin/systemctl reload nginx"]
    assert deploy(server, "a1", "add_header X 1;\n") == (0, reload)  # the first release
    assert current(server) == "a1"
    assert deploy(server, "b2", "add_header X 1;\n") == (0, [])  # same headers
    assert current(server) == "b2"
    assert deploy(server, "c3", "add_header X 2;\n") == (0, reload)
    assert current(server) == "c3"


def test_a_failed_reload_puts_the_previous_release_back(tmp_path: Path) -> None:
    server = tmp_path / "srv"
    deploy(server, "a1", "add_header X 1;\n")
    code, log = deploy(server, "b2", "add_header X broken\n", nginx_ok=False)
    assert code != 0 and log == ["-n /usr/sbin/nginx -t -q"]
    assert current(server) == "a1"
