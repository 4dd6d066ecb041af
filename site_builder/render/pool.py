"""Make many independent files on every core: forked processes that return bytes.

A cold build at city size makes thousands of downloads (render/takeaway.py), each
independent of the others and a few tens of milliseconds of openpyxl or python-docx.
On Linux with more than one core they are made by a pool of forked processes: the
children inherit the jobs (the site's records) through fork, so nothing but an index
goes to them and the file's bytes come back. The bytes are what the same job makes
in-process (each job reads only its own inputs), so the files do not depend on where
they were made. Few jobs, one core, or no pool to be had (no processes or semaphores
allowed here): in-process, as before.
"""

from __future__ import annotations

import multiprocessing
import os
import sys
from collections.abc import Callable
from concurrent.futures import ProcessPoolExecutor
from concurrent.futures.process import BrokenProcessPool

MIN_JOBS = 48  # below this a pool costs more than it saves
MAX_WORKERS = 4
CHUNK = 8  # jobs a task: amortises the round trip, keeps the cores evenly loaded

# The jobs of the running ``make_all``: the forked children read them from here.
_JOBS: list[Callable[[], bytes]] = []


def workers() -> int:
    """Processes to make files with; 1 means in-process."""
    if not sys.platform.startswith("linux"):
        return 1  # fork is only safe to rely on here
    return min(len(os.sched_getaffinity(0)), MAX_WORKERS)


def _run(index: int) -> bytes:
    return _JOBS[index]()


def make_all(jobs: list[Callable[[], bytes]]) -> list[bytes]:
    """Each job's bytes, in order: on every core when there are enough of them."""
    count = workers()
    if len(jobs) < MIN_JOBS or count < 2:
        return [job() for job in jobs]
    global _JOBS
    _JOBS = jobs
    try:
        try:
            pool = ProcessPoolExecutor(count, mp_context=multiprocessing.get_context("fork"))
        except (OSError, ValueError):  # no semaphores or processes allowed here
            return [job() for job in jobs]
        with pool:
            try:
                return list(pool.map(_run, range(len(jobs)), chunksize=CHUNK))
            except (OSError, BrokenProcessPool):  # a process could not start or died
                pass
        return [job() for job in jobs]
    finally:
        _JOBS = []
