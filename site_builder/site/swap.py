"""Put a freshly built site in place of the old one without a moment of no site.

Renaming ``site`` away and ``site.new`` in is two steps: a build killed between them
leaves no ``site`` at all. On Linux, ``renameat2(RENAME_EXCHANGE)`` swaps the two
folders in one step; the old site then sits in ``site.new`` and is removed after.
Elsewhere the two renames remain, and a missing ``site`` beside a ``site.old`` (a
build killed between them) is restored before the next build starts.
"""

from __future__ import annotations

import ctypes
import ctypes.util
import os
import shutil
import sys
from collections.abc import Callable
from pathlib import Path

_AT_FDCWD = -100
_RENAME_EXCHANGE = 2


def _exchange(a: Path, b: Path) -> bool:
    """Swap two paths atomically; False where the system cannot."""
    if not sys.platform.startswith("linux"):
        return False
    try:
        libc = ctypes.CDLL(ctypes.util.find_library("c") or "libc.so.6", use_errno=True)
        renameat2 = libc.renameat2
    except (OSError, AttributeError):
        return False
    renameat2.argtypes = [
        ctypes.c_int,
        ctypes.c_char_p,
        ctypes.c_int,
        ctypes.c_char_p,
        ctypes.c_uint,
    ]
    result = renameat2(_AT_FDCWD, os.fsencode(a), _AT_FDCWD, os.fsencode(b), _RENAME_EXCHANGE)
    return result == 0  # EINVAL/ENOSYS (old kernel, file system without it): fall back


def recover(final: Path) -> None:
    """Undo a swap that stopped half-way: bring ``site.old`` back if ``site`` is missing."""
    old = final.with_name(final.name + ".old")
    if not final.exists() and old.is_dir():
        old.rename(final)


def swap_in(staging: Path, final: Path) -> Path:
    """Make ``staging`` the site at ``final``; the previous site is removed afterwards."""
    recover(final)
    if final.is_dir() and _exchange(staging, final):
        shutil.rmtree(staging, ignore_errors=True)  # now the previous site
        return final
    old = final.with_name(final.name + ".old")
    shutil.rmtree(old, ignore_errors=True)
    if final.exists():
        final.rename(old)
    staging.rename(final)
    shutil.rmtree(old, ignore_errors=True)
    return final


def link_tree(source: Path, target: Path, ignore: Callable | None = None) -> None:
    """``source`` at ``target``, every file hard-linked; copied on another file system."""
    try:
        shutil.copytree(source, target, symlinks=True, ignore=ignore, copy_function=os.link)
    except OSError:
        shutil.rmtree(target, ignore_errors=True)
        shutil.copytree(source, target, symlinks=True, ignore=ignore)
