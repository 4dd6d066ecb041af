"""The blob cache: what history reading derives from immutable objects, kept on disk.

Parsed ledger blobs are keyed by blob id, path and schema version; signature checks
by commit id and the allowed-signers content. Objects never change, so a rebuild
after one new commit parses only the new blobs and verifies only the new merges.

The trail cache (``trail_cache.py``), the whole result for one head, is pickled and
written through the same helpers (``dumps``, ``write_atomic``, ``read_pickle``).
"""

from __future__ import annotations

import hashlib
import os
import pickle
import tempfile
from collections.abc import Iterator
from pathlib import Path

from site_builder.diagnostics import Diagnostic
from site_builder.load.cache import RecordPickler, dumps
from site_builder.load.records import build_record
from site_builder.load.yaml_strict import parse_yaml
from site_builder.model.ledger import Ledger

# Bump when the model or the loader changes what a blob parses into.
SCHEMA_VERSION = 3  # 3: control characters refused by the loader (Y014, Y015)
CACHE_FORMAT = 2  # 2: each parsed blob pickled on its own, unpickled when used

Parsed = tuple[Ledger | None, list[Diagnostic]]


def dump_atomic(path: Path, value: object) -> None:
    """Pickle ``value`` into ``path`` whole or not at all, streamed to the file: the same
    bytes as ``write_atomic(path, dumps(value))`` without a second copy of them in memory
    (the blob cache is hundreds of megabytes at city size)."""
    path.parent.mkdir(parents=True, exist_ok=True)
    fd, tmp = tempfile.mkstemp(dir=path.parent, suffix=".tmp")
    try:
        with os.fdopen(fd, "wb") as handle:
            RecordPickler(handle, protocol=pickle.HIGHEST_PROTOCOL).dump(value)
    except BaseException:
        os.unlink(tmp)
        raise
    os.replace(tmp, path)


def write_atomic(path: Path, data: bytes) -> None:
    """Write ``data`` to ``path`` whole or not at all (a killed build leaves the old file)."""
    path.parent.mkdir(parents=True, exist_ok=True)
    fd, tmp = tempfile.mkstemp(dir=path.parent, suffix=".tmp")
    with os.fdopen(fd, "wb") as handle:
        handle.write(data)
    os.replace(tmp, path)


def read_pickle(path: Path | None) -> object | None:
    if path is None or not path.exists():
        return None
    try:
        return pickle.loads(path.read_bytes())
    except Exception:  # a damaged cache is rebuilt, never trusted
        return None


def parse_blob(data: bytes, path: str) -> Parsed:
    return build_record(parse_yaml(data, path), Ledger)


def parse_packed(jobs: list[tuple[bytes, str]]) -> list[bytes]:
    """Parse blobs and pickle each result: the work a parsing process does."""
    return [dumps(parse_blob(data, path)) for data, path in jobs]


class BlobCache:
    """Parsed blobs, each kept pickled: a whole history's ledgers as live objects would
    need gigabytes at city size, and most are needed once."""

    def __init__(self, folder: Path | None) -> None:
        name = f"ledger-blobs-v{SCHEMA_VERSION}.{CACHE_FORMAT}.pickle"
        self.path = folder / name if folder else None
        self.entries: dict[str, bytes] = {}
        self.signatures: dict[str, tuple[str, str]] = {}
        self.dirty = False
        self.hits = self.misses = 0
        # Blobs parsed elsewhere (history/parallel.py), arriving in the order asked for.
        self._coming: Iterator[tuple[str, bytes]] = iter(())
        found = read_pickle(self.path)
        if isinstance(found, tuple) and len(found) == 2:
            self.entries, self.signatures = found

    def expect(self, coming: Iterator[tuple[str, bytes]]) -> None:
        """Take (key, pickled result) pairs as they arrive, instead of parsing here."""
        self._coming = coming

    def _arrived(self, key: str) -> bytes | None:
        for got, packed in self._coming:
            self.entries[got] = packed
            self.misses += 1
            self.dirty = True
            if got == key:
                return packed
        return None

    def parse(self, blob: str, path: str, read) -> Parsed:
        key = f"{blob}:{path}"
        packed = self.entries.get(key)
        if packed is not None:
            self.hits += 1
            return pickle.loads(packed)
        packed = self._arrived(key)
        if packed is not None:
            return pickle.loads(packed)
        self.misses += 1
        found = parse_blob(read(blob), path)
        self.entries[key] = dumps(found)
        self.dirty = True
        return found

    def save(self) -> None:
        if not (self.path and self.dirty):
            return
        dump_atomic(self.path, (self.entries, self.signatures))
        self.dirty = False


class LedgerStates:
    """The latest ledger of each key; cached ones are unpickled only when touched."""

    def __init__(self, packed: dict[str, bytes] | None = None) -> None:
        self._packed = dict(packed or {})
        self._live: dict[str, Ledger] = {}

    def get(self, key: str, default: Ledger | None = None) -> Ledger | None:
        if key in self._live:
            return self._live[key]
        if key in self._packed:
            self._live[key] = pickle.loads(self._packed.pop(key))
            return self._live[key]
        return default

    def __setitem__(self, key: str, ledger: Ledger) -> None:
        self._packed.pop(key, None)
        self._live[key] = ledger

    def pop(self, key: str, default: Ledger | None = None) -> Ledger | None:
        found = self.get(key, default)
        self._live.pop(key, None)
        return found

    def pack(self) -> dict[str, bytes]:
        return {**self._packed, **{key: dumps(led) for key, led in self._live.items()}}


def code_digest(*modules) -> str:
    """A digest of the source of ``modules``: a cached result is only as good as its code."""
    digest = hashlib.sha256()
    for module in modules:
        digest.update(Path(module.__file__).read_bytes())
    return digest.hexdigest()
