"""`rectify serve`: serve the built site on localhost and rebuild when data changes."""

from __future__ import annotations

import functools
import json
import os
import sys
import threading
import time
from http import HTTPStatus
from http.server import SimpleHTTPRequestHandler, ThreadingHTTPServer
from pathlib import Path

from site_builder.site.csp import read_headers

WATCHED = ("ledgers", "rounds", "docs/guide", "mkdocs.yml")


def snapshot(root: Path) -> dict[str, float]:
    stamps: dict[str, float] = {}
    for name in WATCHED:
        base = root / name
        paths = [base] if base.is_file() else base.rglob("*") if base.is_dir() else []
        for path in paths:
            try:
                stamps[str(path)] = path.stat().st_mtime
            except OSError:
                continue
    return stamps


class _QuietHandler(SimpleHTTPRequestHandler):
    """Serves the site with the security headers the build wrote (site/csp.py)."""

    def end_headers(self) -> None:
        # Read per response: a rebuild may change the policy (a new inline script).
        for name, value in read_headers(Path(self.directory)).items():
            self.send_header(name, value)
        super().end_headers()

    def log_message(self, format: str, *args: object) -> None:  # noqa: A002
        pass

    def send_error(self, code: int, message: str | None = None, explain: str | None = None) -> None:
        """A path the site does not have gets the site's own 404 page, with status 404."""
        page = Path(self.directory) / "404.html"
        if code != HTTPStatus.NOT_FOUND or not page.is_file():
            super().send_error(code, message, explain)
            return
        body = page.read_bytes()
        self.send_response(code, message)
        self.send_header("Content-Type", "text/html; charset=utf-8")
        self.send_header("Content-Length", str(len(body)))
        self.send_header("Connection", "close")
        self.end_headers()
        if self.command != "HEAD":
            self.wfile.write(body)

    def list_directory(self, path: str | os.PathLike[str]) -> None:
        """A folder without a page is not a page of the site: no file listing."""
        self.send_error(HTTPStatus.NOT_FOUND)
        return None


def watched_text(root: Path, site_dir: Path) -> str:
    """Which repository ``serve`` watches, and the commit its site was built from."""
    try:
        info = json.loads((site_dir / "build-info.json").read_text(encoding="utf-8"))
    except (OSError, ValueError):
        info = {}
    commit = info.get("commit") if isinstance(info, dict) else None
    if isinstance(commit, str) and commit:
        state = f"当前提交 {commit[:10]}"
        if info.get("dirty"):
            state += "（另有尚未提交的修改）"
    else:
        state = "不是 git 仓库，没有提交记录"
    return f"正在监视仓库：{root.resolve()}（{state}）"


def serve(site_dir: Path, host: str, port: int, rebuild, root: Path, interval: float = 1.0) -> None:
    """Serve ``site_dir``; poll the data files and call ``rebuild()`` when they change."""
    handler = functools.partial(_QuietHandler, directory=str(site_dir))
    server = ThreadingHTTPServer((host, port), handler)
    print(watched_text(root, site_dir), flush=True)
    print(f"站点已启动：http://{host}:{server.server_port}/ （按 Ctrl+C 停止）", flush=True)

    def watch() -> None:
        last = snapshot(root)
        while True:
            time.sleep(interval)
            now = snapshot(root)
            if now != last:
                last = now
                print("检测到台账变更，正在重新构建……", flush=True)
                rebuild()
                print(watched_text(root, site_dir), flush=True)

    threading.Thread(target=watch, daemon=True).start()
    try:
        server.serve_forever()
    except KeyboardInterrupt:
        print("已停止。", file=sys.stderr)
    finally:
        server.server_close()
