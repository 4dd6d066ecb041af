"""Hostile published records: whatever ``--last-published`` points at, a stated result.

Each bad record, file or server stops the build with H031 (never a traceback, never a
site built as if nothing had been checked), unless someone acknowledges it, by name
and with a reason; what a record carries forward is escaped on the site.
"""

from __future__ import annotations

import contextlib
import json
import os
import subprocess
import sys
import threading
import time
from collections.abc import Iterator
from datetime import date
from http.server import BaseHTTPRequestHandler, ThreadingHTTPServer
from pathlib import Path

import pytest

from site_builder import anchor
from site_builder.pipeline import build
from site_builder.provenance import Acknowledgement, check_provenance

from conftest import BASE_FILES
from gitrepo import GitRepo

SHA = "0123456789abcdef0123456789abcdef01234567"


class Hostile(BaseHTTPRequestHandler):
    """A server that answers each path with one kind of bad response."""

    def log_message(self, format: str, *args: object) -> None:  # noqa: A002
        pass

    def do_GET(self) -> None:  # noqa: N802
        # The reader hangs up, as it should, past the size cap or the deadline.
        with contextlib.suppress(BrokenPipeError, ConnectionResetError):
            self._answer(self.path.strip("/"))

    def _answer(self, name: str) -> None:
        if name == "error":
            self.send_error(500)
        elif name == "forbidden":
            self.send_error(403)
        elif name in ("to-file", "to-ftp"):
            self.send_response(302)
            where = "file:///etc/passwd" if name == "to-file" else "ftp://127.0.0.1/x.json"
            self.send_header("Location", where)
            self.end_headers()
        elif name == "huge":
            self.send_response(200)
            self.end_headers()
            for _ in range(40):  # 2.5 MB of a valid-looking record, never finished
                self.wfile.write(b'{"commit": "' + b"a" * 65536)
        elif name == "trickle":
            self.send_response(200)
            self.end_headers()
            for _ in range(100):
                self.wfile.write(b" ")
                self.wfile.flush()
                time.sleep(0.1)
        elif name == "nested":
            self._body(b"[" * 200_000 + b"]" * 200_000)
        elif name == "missing":
            self.send_error(404)
        else:
            self._body(json.dumps({"commit": SHA}).encode())

    def _body(self, data: bytes) -> None:
        self.send_response(200)
        self.send_header("Content-Length", str(len(data)))
        self.end_headers()
        self.wfile.write(data)


@pytest.fixture(scope="module")
def hostile_server() -> Iterator[str]:
    server = ThreadingHTTPServer(("127.0.0.1", 0), Hostile)
    threading.Thread(target=server.serve_forever, daemon=True).start()
    yield f"http://127.0.0.1:{server.server_port}"
    server.shutdown()
    server.server_close()


@pytest.fixture(scope="module")
def ledger_repo(tmp_path_factory: pytest.TempPathFactory) -> GitRepo:
    repo = GitRepo(tmp_path_factory.mktemp("hostile") / "repo")
    repo.commit(BASE_FILES, "建立台账")
    return repo


BAD_FILES: dict[str, bytes] = {
    "not-json": b"<html>502 Bad Gateway</html>",
    "not-utf8": b'{"commit": "\xff\xfe"}',
    "a-list": b"[]",
    "a-string": b'"0123456789abcdef0123456789abcdef01234567"',
    "commit-a-ref": b'{"commit": "HEAD"}',
    "commit-an-option": b'{"commit": "--output=/tmp/owned"}',
    "commit-short": b'{"commit": "0123456789"}',
    "commit-a-number": b'{"commit": 123}',
    "commit-with-newline": json.dumps({"commit": SHA + "\n"}).encode(),
    "rewrites-a-dict": json.dumps({"commit": SHA, "rewrites": {"a": 1}}).encode(),
    "rewrites-bad-entry": json.dumps({"commit": SHA, "rewrites": [5]}).encode(),
    "rewrites-bad-head": json.dumps({"commit": SHA, "rewrites": [{"head": "<b>"}]}).encode(),
    "rewrites-too-many": json.dumps({"commit": SHA, "rewrites": [{}] * 1001}).encode(),
    "deep": b"[" * 200_000,
    "too-big": b" " * (anchor.MAX_BYTES + 1),
}


def refused_with(root: Path, out: Path, source: str) -> str:
    result = check_provenance(root, out, "internal", last_published=source)
    assert result.stamp is None, source
    [refusal] = result.diagnostics
    assert refusal.code == "H031" and refusal.file == source
    return refusal.message


@pytest.mark.parametrize("name", sorted(BAD_FILES))
def test_bad_record_file_stops_the_build(ledger_repo, tmp_path, name) -> None:
    path = tmp_path / "build-info.json"
    path.write_bytes(BAD_FILES[name])
    message = refused_with(ledger_repo.root, tmp_path / "out", str(path))
    assert "无法读取上次发布的站点记录" in message and "--last-published" in message


@pytest.mark.parametrize(
    "path", ["error", "forbidden", "to-file", "to-ftp", "huge", "trickle", "nested"]
)
def test_bad_server_stops_the_build(ledger_repo, tmp_path, hostile_server, monkeypatch, path):
    monkeypatch.setattr(anchor, "TIMEOUT", 2.0)
    start = time.monotonic()
    message = refused_with(ledger_repo.root, tmp_path / "out", f"{hostile_server}/{path}")
    assert time.monotonic() - start < 6, "a read must end by its deadline"
    assert "/etc/passwd" not in message and "root:" not in message


@pytest.mark.parametrize(
    "source",
    ["ftp://127.0.0.1/build-info.json", "data:application/json,{}", "file://elsewhere/x.json"],
)
def test_other_addresses_are_refused(ledger_repo, tmp_path, source) -> None:
    refused_with(ledger_repo.root, tmp_path / "out", source)


def test_a_directory_and_a_closed_port_are_refused(ledger_repo, tmp_path) -> None:
    refused_with(ledger_repo.root, tmp_path / "out", str(tmp_path))
    refused_with(ledger_repo.root, tmp_path / "out", "http://127.0.0.1:9/build-info.json")


def test_nothing_there_is_a_first_publish(ledger_repo, tmp_path, hostile_server) -> None:
    for source in (str(tmp_path / "none.json"), f"{hostile_server}/missing"):
        result = check_provenance(ledger_repo.root, tmp_path / "out", "internal", last_published=source)  # fmt: skip
        assert result.stamp is not None and [d.code for d in result.diagnostics] == ["H032"]
    # A recorded commit this clone never had: refused as a rewrite, not as a first publish.
    result = check_provenance(ledger_repo.root, tmp_path / "out", "internal",
                              last_published=f"{hostile_server}/record")  # fmt: skip
    assert result.stamp is None and [d.code for d in result.diagnostics] == ["H030"]


def test_cli_refuses_garbage_without_a_traceback(ledger_repo, tmp_path) -> None:
    path = tmp_path / "build-info.json"
    path.write_bytes(BAD_FILES["deep"])
    done = subprocess.run(
        [sys.executable, "-m", "site_builder", "build", "--root", str(ledger_repo.root),
         "--out", str(tmp_path / "out"), "--last-published", str(path)],
        capture_output=True, text=True, timeout=300,
        env={k: v for k, v in os.environ.items() if "proxy" not in k.lower()},
    )  # fmt: skip
    assert done.returncode == 1 and "H031" in done.stderr and "内容不是有效的 JSON" in done.stderr
    assert "Traceback" not in done.stderr and not (tmp_path / "out" / "site").exists()


def test_acknowledged_unreadable_record_is_on_the_site(ledger_repo, tmp_path) -> None:
    path = tmp_path / "build-info.json"
    path.write_bytes(BAD_FILES["not-json"])
    ack = Acknowledgement(by="王立新", reason="发布服务器故障，记录已损坏")
    result = build(ledger_repo.root, tmp_path / "out", as_of=date(2017, 12, 1),
                   acknowledgement=ack, last_published=str(path))  # fmt: skip
    assert result.site_dir is not None and not result.refusal
    info = json.loads((result.site_dir / "build-info.json").read_text(encoding="utf-8"))
    [entry] = info["rewrites"]
    assert entry["previous"] is None and entry["problem"] == "内容不是有效的 JSON"
    assert (entry["acknowledged_by"], entry["reason"]) == (ack.by, ack.reason)
    overview = (result.site_dir / "index.html").read_text(encoding="utf-8")
    assert "（记录无法读取）" in overview and ack.reason in overview


def test_text_a_record_carries_forward_is_cleaned_and_escaped(ledger_repo, tmp_path) -> None:
    head = ledger_repo.git("rev-parse", "HEAD")
    evil = '<img src=x onerror="alert(1)">\x1b[31m\u202e{: onclick=alert(2) }'
    record = {"commit": head, "built_at": evil, "rewrites": [
        {"previous": SHA, "head": head, "acknowledged_by": evil, "reason": evil * 50,
         "acknowledged_at": ["not", "text"], "extra": "dropped"}]}  # fmt: skip
    path = tmp_path / "build-info.json"
    path.write_text(json.dumps(record), encoding="utf-8")
    result = build(ledger_repo.root, tmp_path / "out", as_of=date(2017, 12, 1),
                   last_published=str(path))  # fmt: skip
    assert result.site_dir is not None and not result.refusal
    [entry] = json.loads((result.site_dir / "build-info.json").read_text())["rewrites"]
    assert "extra" not in entry and entry["acknowledged_at"] is None
    assert "\x1b" not in entry["acknowledged_by"] and "\u202e" not in entry["acknowledged_by"]
    assert len(entry["reason"]) == anchor.MAX_TEXT
    overview = (result.site_dir / "index.html").read_text(encoding="utf-8")
    assert "历史改写已确认" in overview
    assert "<img" not in overview and 'onerror="' not in overview and "{: onclick" not in overview


def test_unreadable_local_record_is_noted_and_passed_over(ledger_repo, tmp_path) -> None:
    """The output folder's own record, broken: a warning, as before no stop (H033)."""
    out = tmp_path / "out"
    (out / "site").mkdir(parents=True)
    (out / "site" / "build-info.json").write_bytes(BAD_FILES["commit-an-option"])
    result = check_provenance(ledger_repo.root, out, "internal")
    assert result.stamp is not None and result.stamp.previous is None
    [note] = result.diagnostics
    assert note.code == "H033" and "提交编号" in note.message
