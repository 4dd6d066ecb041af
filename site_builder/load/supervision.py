"""Load rounds/supervision/<round>.yml: the 督办 records of each round."""

from __future__ import annotations

from pathlib import Path

from site_builder.diagnostics import Diagnostic, diag
from site_builder.load.cache import LoadCache
from site_builder.load.files import listed_files, load_yaml_file, rel_path
from site_builder.model.project import Project
from site_builder.model.supervision import SupervisionFile

FOLDER = "rounds/supervision"


def load_supervision(
    root: Path, project: Project, diagnostics: list[Diagnostic], cache: LoadCache | None = None
) -> None:
    """Fill ``project.supervision``; a file whose name is not its round is reported (V002)."""
    for path in listed_files(root / FOLDER, "*", diagnostics, root):
        rel = rel_path(root, path)
        if path.suffix not in (".yml", ".yaml"):
            diagnostics.append(
                diag("Y011", rel, detail="督办记录应放在 rounds/supervision/<轮次>.yml。")
            )
            continue
        record, found = load_yaml_file(root, path, SupervisionFile, cache)
        diagnostics.extend(found)
        if record is None:
            continue
        if record.round != path.stem:
            diagnostics.append(
                diag("V002", rel, record.src.line, record.src.col, round=record.round)
            )
        project.supervision.append(record)
