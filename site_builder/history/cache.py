"""A persistent cache of what history reading derives from immutable objects.

Parsed ledger blobs are keyed by blob id, path and schema version; signature checks
by commit id and the allowed-signers content. Objects never change, so a rebuild
after one new commit parses only the new blobs and verifies only the new merges.
"""

from __future__ import annotations

import os
import pickle
import tempfile
from pathlib import Path

from site_builder.diagnostics import Diagnostic
from site_builder.load.records import build_record
from site_builder.load.yaml_strict import parse_yaml
from site_builder.model.ledger import Ledger

# Bump when the model or the loader changes what a blob parses into.
SCHEMA_VERSION = 2

Parsed = tuple[Ledger | None, list[Diagnostic]]


class BlobCache:
    def __init__(self, folder: Path | None) -> None:
        self.path = folder / f"ledger-blobs-v{SCHEMA_VERSION}.pickle" if folder else None
        self.entries: dict[str, Parsed] = {}
        self.signatures: dict[str, tuple[str, str]] = {}
        self.dirty = False
        self.hits = self.misses = 0
        if self.path and self.path.exists():
            try:
                with self.path.open("rb") as handle:
                    self.entries, self.signatures = pickle.load(handle)
            except Exception:  # a damaged cache is rebuilt, never trusted
                self.entries, self.signatures = {}, {}

    def parse(self, blob: str, path: str, read) -> Parsed:
        key = f"{blob}:{path}"
        found = self.entries.get(key)
        if found is not None:
            self.hits += 1
            return found
        self.misses += 1
        found = build_record(parse_yaml(read(blob), path), Ledger)
        self.entries[key] = found
        self.dirty = True
        return found

    def save(self) -> None:
        if not (self.path and self.dirty):
            return
        self.path.parent.mkdir(parents=True, exist_ok=True)
        fd, tmp = tempfile.mkstemp(dir=self.path.parent, suffix=".tmp")
        with os.fdopen(fd, "wb") as handle:
            pickle.dump((self.entries, self.signatures), handle, protocol=pickle.HIGHEST_PROTOCOL)
        os.replace(tmp, self.path)
        self.dirty = False
