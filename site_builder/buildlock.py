"""One build at a time per output folder: an exclusive ``flock`` on ``OUT/.build.lock``.

Two builds in the same folder would write the same docs tree and staging folder and
swap in each other's half-made sites. The lock is taken for the whole build (reading
the previous record, rendering, the engine, the swap) and released when the process
ends, however it ends: the kernel drops a ``flock`` with its file descriptor, so a
killed build never leaves a stale lock. The holder writes its process id and start
time into the file so that a waiting build can say whom it waits for.
"""

from __future__ import annotations

import fcntl
import os
import time
from collections.abc import Callable, Iterator
from contextlib import contextmanager
from dataclasses import dataclass
from datetime import datetime
from pathlib import Path

from site_builder.anchor import short_text

LOCK_FILE = ".build.lock"
DEFAULT_WAIT = 300.0  # seconds; a cold city-sized build takes about two minutes
POLL = 0.2


@dataclass(frozen=True)
class Lock:
    """The outcome of asking for the lock: held, or who held it when we gave up."""

    held: bool
    path: Path
    holder: str = ""
    waited: float = 0.0


@contextmanager
def build_lock(
    out: Path, wait: float = DEFAULT_WAIT, on_wait: Callable[[str], None] | None = None
) -> Iterator[Lock]:
    """Hold the output folder's lock for the block; yields ``Lock(held=False)`` on timeout.

    ``on_wait`` is called once with a message (Chinese) when another build holds it.
    """
    out.mkdir(parents=True, exist_ok=True)
    path = out / LOCK_FILE
    fd = os.open(path, os.O_RDWR | os.O_CREAT | os.O_CLOEXEC, 0o644)
    try:
        start = time.monotonic()
        told = False
        while True:
            try:
                fcntl.flock(fd, fcntl.LOCK_EX | fcntl.LOCK_NB)
                break
            except BlockingIOError:
                waited = time.monotonic() - start
                if waited >= wait:
                    yield Lock(False, path, _holder(fd), round(waited, 1))
                    return
                if not told and on_wait is not None:
                    on_wait(
                        f"构建目录 {out} 正由另一次生成使用（{_holder(fd)}），"
                        f"等待其结束（最多 {wait:.0f} 秒）……"
                    )
                    told = True
                time.sleep(min(POLL, max(0.0, wait - waited)))
        stamp = datetime.now().astimezone().isoformat(timespec="seconds")
        os.ftruncate(fd, 0)
        os.pwrite(fd, f"pid {os.getpid()} started {stamp}\n".encode(), 0)
        yield Lock(True, path, waited=round(time.monotonic() - start, 1))
    finally:
        os.close(fd)  # releases the flock


def _holder(fd: int) -> str:
    """Who holds the lock, from what the holder wrote (untrusted: printable and short)."""
    try:
        text = os.pread(fd, 200, 0).decode("utf-8", "replace")
    except OSError:
        text = ""
    words = (short_text(text, 120) or "").split()
    if len(words) == 4 and words[0] == "pid" and words[2] == "started":
        return f"进程 {words[1]}，{words[3]} 开始"
    return "另一个进程"
