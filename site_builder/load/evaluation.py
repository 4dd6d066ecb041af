"""Load rounds/evaluations/: rubrics, evaluation records (八查) and bulletins."""

from __future__ import annotations

from pathlib import Path

from site_builder.diagnostics import Diagnostic, diag
from site_builder.load.cache import LoadCache
from site_builder.load.files import linked_below, load_yaml_file
from site_builder.model.evaluation import Bulletins, Evaluation, Rubric
from site_builder.model.project import Project

FOLDER = "rounds/evaluations"
RUBRIC = "rubric.yml"
BULLETINS = "bulletins.yml"
_PLACES = (
    "量化评估文件应放在 rounds/evaluations/ 下：rubric.yml（评估细则）、bulletins.yml（通报），"
    "或 <轮次>/<单位>.yml（评估记录）、<轮次>/rubric.yml（该轮评估细则）。"
)


def load_evaluations(
    root: Path, project: Project, diagnostics: list[Diagnostic], cache: LoadCache | None = None
) -> None:
    """Fill the project's rubric, round rubrics, evaluations and bulletins."""
    folder = root / FOLDER
    if not folder.is_dir():
        return
    if (linked := linked_below(root, folder)) is not None:
        diagnostics.append(
            diag("Y012", linked.relative_to(root).as_posix(), target=str(linked.readlink()))
        )
        return
    for path in sorted(folder.rglob("*")):
        rel = path.relative_to(root).as_posix()
        if path.is_symlink():
            diagnostics.append(diag("Y012", rel, target=str(path.readlink())))
            continue
        if not path.is_file() or path.name.startswith("."):
            continue
        parts = path.relative_to(folder).parts
        if path.suffix not in (".yml", ".yaml"):
            diagnostics.append(diag("Y011", rel, detail=_PLACES))
        elif parts == (RUBRIC,):
            project.rubric = _load(root, path, Rubric, diagnostics, cache)
        elif parts == (BULLETINS,):
            bulletins = _load(root, path, Bulletins, diagnostics, cache)
            project.bulletins = list(bulletins.bulletins) if bulletins else []
        elif len(parts) == 2 and parts[1] == RUBRIC:
            if (rubric := _load(root, path, Rubric, diagnostics, cache)) is not None:
                project.round_rubrics[parts[0]] = rubric
        elif len(parts) == 2:
            if (record := _load(root, path, Evaluation, diagnostics, cache)) is not None:
                project.evaluations.append(record)
        else:
            diagnostics.append(diag("Y011", rel, detail=_PLACES))


def _load(root: Path, path: Path, model, diagnostics: list[Diagnostic], cache: LoadCache | None):
    record, found = load_yaml_file(root, path, model, cache)
    diagnostics.extend(found)
    return record
