"""`rectify serve`: serve the built site on localhost and rebuild when data changes."""

from __future__ import annotations

import functools
import sys
import threading
import time
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


def serve(site_dir: Path, host: str, port: int, rebuild, root: Path, interval: float = 1.0) -> None:
    """Serve ``site_dir``; poll the data files and call ``rebuild()`` when they change."""
    handler = functools.partial(_QuietHandler, directory=str(site_dir))
    server = ThreadingHTTPServer((host, port), handler)
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

    threading.Thread(target=watch, daemon=True).start()
    try:
        server.serve_forever()
    except KeyboardInterrupt:
        print("已停止。", file=sys.stderr)
    finally:
        server.server_close()
