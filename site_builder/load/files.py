"""Reading the project's files: symbolic links refused, size capped before reading."""

from __future__ import annotations

from pathlib import Path

from site_builder.diagnostics import Diagnostic, diag
from site_builder.load.cache import LoadCache
from site_builder.load.records import build_record
from site_builder.load.yaml_strict import MAX_BYTES, parse_yaml


def rel_path(root: Path, path: Path) -> str:
    return path.relative_to(root).as_posix()


def listed_files(
    folder: Path, pattern: str, diagnostics: list[Diagnostic], root: Path
) -> list[Path]:
    """Files under ``folder`` in a stable order; symbolic links are refused."""
    if not folder.is_dir():
        return []
    # A linked folder (ledgers/ itself, rounds/cases/) would bring in everything under it.
    if (linked := linked_below(root, folder)) is not None:
        diagnostics.append(diag("Y012", rel_path(root, linked), target=str(linked.readlink())))
        return []
    found = []
    for path in sorted(folder.glob(pattern)):
        if path.is_symlink():
            diagnostics.append(diag("Y012", rel_path(root, path), target=str(path.readlink())))
        elif path.is_file() and not path.name.startswith("."):
            found.append(path)
    return found


def linked_below(root: Path, path: Path) -> Path | None:
    """The first symbolic link among ``path`` and its folders below ``root``, if any."""
    try:
        parts = path.relative_to(root).parts
    except ValueError:
        return None
    current = root
    for part in parts:  # from the top down: the outermost link is the one to name
        current = current / part
        if current.is_symlink():
            return current
    return None


def read_capped(root: Path, path: Path) -> tuple[bytes | None, list[Diagnostic]]:
    if (linked := linked_below(root, path)) is not None:
        # Fixed names (rounds/settings.yml …) are opened directly: refuse links here too.
        return None, [diag("Y012", rel_path(root, path), target=str(linked.readlink()))]
    try:
        # Never more than the limit plus one byte: a huge file costs no memory.
        with path.open("rb") as handle:
            raw = handle.read(MAX_BYTES + 1)
        if len(raw) > MAX_BYTES:
            return None, [
                diag("Y008", rel_path(root, path), size=path.stat().st_size, limit=MAX_BYTES)
            ]
        return raw, []
    except OSError as exc:
        return None, [diag("Y009", rel_path(root, path), detail=exc.strerror or str(exc))]


def load_yaml_file(root: Path, path: Path, model, cache: LoadCache | None = None):
    """The record of a YAML file and its diagnostics; parsed only if ``cache`` has not seen
    these bytes (links and the size cap are checked every time)."""
    raw, problems = read_capped(root, path)
    if raw is None:
        return None, problems
    rel = rel_path(root, path)
    if cache is None:
        return build_record(parse_yaml(raw, rel), model)
    return cache.load(rel, model, raw, lambda: build_record(parse_yaml(raw, rel), model))
