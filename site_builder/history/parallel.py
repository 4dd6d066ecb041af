"""Parse many ledger blobs on every core while the main process diffs them in order.

A cold read parses every version of every ledger: YAML, the strict reader, pydantic.
That is most of its time and it is independent per blob, so on a Linux machine with
more than one core the blobs go to a pool of processes in chunks, in the order the
diff will ask for them; each result comes back pickled (the form the blob cache keeps
it in anyway) and the main process unpickles it when the diff reaches it. Small reads
(a rebuild after a few commits) parse in-process: a pool would cost more than it saves.

The pool forks (no re-import of the caller's main module, as spawn would need, and
no half-second import of the models per process), and it is started before the read
starts its own threads (git's blob stream, signature checks). CPython holds the import
lock across fork and logging re-creates its locks in the child; the children only
parse and pickle.
"""

from __future__ import annotations

import multiprocessing
import os
import sys
from collections.abc import Callable, Iterator
from concurrent.futures import Future, ProcessPoolExecutor
from concurrent.futures.process import BrokenProcessPool

from site_builder.history.cache import BlobCache, parse_packed

# Fewer blobs than this are parsed in-process: a blob takes a few milliseconds, and
# forking the processes and sending the work would cost more for a rebuild's handful.
# A cautious threshold, not a measured crossover (2,300 blobs gain 20 %, bench/).
MIN_BLOBS = 400
CHUNK = 32  # blobs a task: big enough to amortise the round trip, small to keep order
MAX_WORKERS = 4
_DONE: Future[list[bytes]] = Future()
_DONE.set_result([])


def workers() -> int:
    """Processes to parse with; 1 means in-process."""
    if not sys.platform.startswith("linux"):
        return 1  # fork is only safe to rely on here
    return min(len(os.sched_getaffinity(0)), MAX_WORKERS)


class ParallelParse:
    """Within ``with``, ``cache.parse`` takes the blobs of ``wanted`` from a pool.

    ``wanted`` is (blob id, path) in the order they will be parsed. Create it before
    starting threads (its processes start at once); call ``feed`` with a reader of
    blob bytes once there is one. Whatever the pool cannot do (no processes can be
    started here, or one dies) is parsed in-process, as for a small read.
    """

    def __init__(self, cache: BlobCache, wanted: list[tuple[str, str]]) -> None:
        self.cache = cache
        self.wanted = wanted
        self.pool: ProcessPoolExecutor | None = None
        count = workers()
        if len(wanted) < MIN_BLOBS or count < 2:
            return
        try:
            pool = ProcessPoolExecutor(count, mp_context=multiprocessing.get_context("fork"))
            pool.submit(int).result()  # forks every process now, before the read's threads
        except (OSError, BrokenProcessPool):  # no semaphores or processes allowed here
            return
        self.pool = pool

    def feed(self, read: Callable[[str], bytes]) -> None:
        if self.pool is None:
            return
        # Each chunk goes to the pool as soon as its blobs are read: parsing starts while
        # git still streams the rest, instead of after every blob is in memory.
        futures: list[Future[list[bytes]]] = []
        try:
            for start in range(0, len(self.wanted), CHUNK):
                chunk = [(read(blob), path) for blob, path in self.wanted[start : start + CHUNK]]
                futures.append(self.pool.submit(parse_packed, chunk))
        except BrokenProcessPool:  # a parsing process died before the work was sent
            for future in futures:
                future.cancel()
            return
        keys = (f"{blob}:{path}" for blob, path in self.wanted)

        def arriving() -> Iterator[tuple[str, bytes]]:
            try:
                for at, future in enumerate(futures):
                    chunk = future.result()
                    futures[at] = _DONE  # its results now belong to the cache alone
                    for packed in chunk:
                        yield next(keys), packed
            except BrokenProcessPool:  # a parsing process died (out of memory, killed)
                return

        self.cache.expect(arriving())

    def __enter__(self) -> ParallelParse:
        return self

    def __exit__(self, *exc: object) -> None:
        self.cache.expect(iter(()))
        if self.pool is not None:
            self.pool.shutdown(wait=True, cancel_futures=True)
