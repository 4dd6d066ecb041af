"""The load cache: each file's parsed record and diagnostics, kept between builds.

A build after one merged change reads every file again but parses only those whose
bytes changed. An entry is keyed by the file's path and the record type, and holds a
digest of the file's bytes; the whole cache holds a digest of the loading code (the
``model``, ``load`` and ``diagnostics`` packages' sources, the versions of pydantic,
PyYAML and Python), so a changed loader or message parses everything again. The result
is the fresh parse's, pickled: records and diagnostics with their positions.

The cache lives next to the history's, in the repository's git folder
(``.git/rectify/``); without a git folder, or one we cannot write, there is none. A
damaged file is ignored and rewritten, never trusted. Only the files of the last load
are kept, so the cache stays the size of the project.
"""

from __future__ import annotations

import hashlib
import io
import os
import pickle
import sys
import tempfile
from functools import cache
from pathlib import Path
from typing import Any

import pydantic
import pydantic_core
import yaml

from site_builder.diagnostics import Diagnostic
from site_builder.model.source import Source

FILE_NAME = "load-cache-v1.pickle"
_PACKAGES = ("model", "load", "diagnostics")

Loaded = tuple[Any, list[Diagnostic]]  # (record or None, diagnostics)


@cache
def code_digest() -> str:
    """A digest of everything that decides what a file loads into."""
    package = Path(__file__).resolve().parent.parent
    digest = hashlib.sha256()
    for version in (pydantic.VERSION, pydantic_core.__version__, yaml.__version__, sys.version):
        digest.update(version.encode() + b"\0")
    for name in _PACKAGES:
        for source in sorted((package / name).rglob("*.py")):
            digest.update(source.relative_to(package).as_posix().encode() + b"\0")
            digest.update(source.read_bytes() + b"\0")
    return digest.hexdigest()


def git_folder(root: Path) -> Path | None:
    """The repository's git folder: ``.git``, or where a ``.git`` file points (a worktree)."""
    dot_git = root / ".git"
    if dot_git.is_dir():
        return dot_git
    if dot_git.is_file():
        try:
            first = dot_git.read_text(encoding="utf-8").splitlines()[0]
        except (OSError, UnicodeDecodeError, IndexError):
            return None
        if first.startswith("gitdir:"):
            folder = (root / first[len("gitdir:") :].strip()).resolve()
            return folder if folder.is_dir() else None
    return None


class LoadCache:
    """Parsed files by path, record type and content; ``hits`` and ``parses`` count a load."""

    def __init__(self, folder: Path | None, code: str | None = None) -> None:
        self.path = folder / FILE_NAME if folder is not None else None
        self.code = code or code_digest()
        self.hits = self.parses = 0
        self._old: dict[str, tuple[str, bytes]] = {}
        self._new: dict[str, tuple[str, bytes]] = {}
        self._changed = False
        found = _read(self.path)
        if isinstance(found, dict) and found.get("code") == self.code:
            entries = found.get("entries")
            if isinstance(entries, dict):
                self._old = entries

    @classmethod
    def for_root(cls, root: Path) -> LoadCache:
        """The cache of the repository at ``root``; an inert one if it has no git folder
        we may write to."""
        folder = git_folder(root)
        if folder is None or not os.access(folder, os.W_OK | os.X_OK):
            return cls(None)
        return cls(folder / "rectify")

    def load(self, rel: str, model: type, raw: bytes, parse: Any) -> Loaded:
        """``parse()``'s result for this file's bytes: from the cache when they are known."""
        if self.path is None:
            self.parses += 1
            return parse()
        key = f"{model.__module__}.{model.__qualname__}:{rel}"
        digest = hashlib.blake2b(raw, digest_size=20).hexdigest()
        entry = self._old.get(key)
        if isinstance(entry, tuple) and len(entry) == 2 and entry[0] == digest:
            loaded = _unpack(entry[1])
            if loaded is not None:
                self.hits += 1
                self._new[key] = entry
                return loaded
        self.parses += 1
        self._changed = True
        result = parse()
        self._new[key] = (digest, dumps(result))
        return result

    def save(self) -> None:
        """Keep this load's files only; written whole or not at all, errors ignored."""
        if self.path is None or not (self._changed or self._new.keys() != self._old.keys()):
            return
        data = pickle.dumps(
            {"code": self.code, "entries": self._new}, protocol=pickle.HIGHEST_PROTOCOL
        )
        try:
            self.path.parent.mkdir(parents=True, exist_ok=True)
            fd, tmp = tempfile.mkstemp(dir=self.path.parent, suffix=".tmp")
            try:
                with os.fdopen(fd, "wb") as handle:
                    handle.write(data)
                os.replace(tmp, self.path)
            except BaseException:
                Path(tmp).unlink(missing_ok=True)
                raise
        except OSError:
            return  # a cache we cannot write is no cache: the next load parses again
        self._old, self._changed = dict(self._new), False


class RecordPickler(pickle.Pickler):
    """Pickles records as the caches keep them (this one and the history's blob cache).
    A slotted dataclass pickles its state through dataclasses.fields() on every instance,
    and unpickles it the same way: its constructor is the same state, faster."""

    def reducer_override(self, obj: Any) -> Any:
        if type(obj) is Source:
            return Source, (obj.file, obj.line, obj.col, obj.commit)
        return NotImplemented


def dumps(value: object) -> bytes:
    out = io.BytesIO()
    RecordPickler(out, protocol=pickle.HIGHEST_PROTOCOL).dump(value)
    return out.getvalue()


def _read(path: Path | None) -> object:
    if path is None:
        return None
    try:
        return pickle.loads(path.read_bytes())
    except Exception:  # missing, truncated or garbage: parsed again and rewritten
        return None


def _unpack(packed: object) -> Loaded | None:
    try:
        loaded = pickle.loads(packed)  # type: ignore[arg-type]
    except Exception:
        return None
    if isinstance(loaded, tuple) and len(loaded) == 2 and isinstance(loaded[1], list):
        return loaded
    return None
