"""Find the project's files and load every one of them, collecting diagnostics."""

from __future__ import annotations

import gc
from collections.abc import Iterator
from contextlib import contextmanager
from pathlib import Path

from site_builder.diagnostics import Diagnostic, diag
from site_builder.load.cache import LoadCache
from site_builder.load.evaluation import load_evaluations
from site_builder.load.files import (
    listed_files,
    load_yaml_file,
    read_capped,
    rel_path,
)
from site_builder.load.records import build_record
from site_builder.load.supervision import load_supervision
from site_builder.load.yaml_characters import written_characters
from site_builder.load.yaml_strict import decode, parse_yaml
from site_builder.model import Project
from site_builder.model.clues import ClueLedger
from site_builder.model.district import (
    Case,
    Catalogue,
    Registry,
    Round,
    SelfChecks,
    Settings,
    Signers,
)
from site_builder.model.feedback import FeedbackList
from site_builder.model.ledger import Ledger
from site_builder.model.types import ID_PATTERN

# Fixed names under rounds/; any other rounds/*.yml is a round.
SETTINGS = "settings.yml"
REGISTRY = "units.yml"
CATALOGUE = "common_problems.yml"
SELF_CHECKS = "self_checks.yml"
SIGNERS = "signers.yml"
CASES_DIR = "cases"
FEEDBACK_DIR = "feedback"
CLUES_DIR = "clues"
RESERVED = {SETTINGS, REGISTRY, CATALOGUE, SELF_CHECKS, SIGNERS}


def load_project(
    root: str | Path, cache: LoadCache | None = None
) -> tuple[Project, list[Diagnostic]]:
    """Load every file of the project at ``root``; bad files become diagnostics.

    Files already parsed in an earlier load are taken from ``cache`` (by default the
    repository's, in its git folder: ``load/cache.py``) when their bytes are the same.
    """
    root = Path(root)
    cache = cache if cache is not None else LoadCache.for_root(root)
    with cyclic_gc_paused():
        project, diagnostics = _load_project(root, cache)
    cache.save()
    return project, diagnostics


@contextmanager
def cyclic_gc_paused() -> Iterator[None]:
    """Loading (and reading a history) builds a hundred thousand records or more that
    stay alive and makes no garbage cycles: Python's cycle collector would walk them
    again and again (a third of the load, 40 % of a history read at 2,000 units).
    Reference counting still frees everything; the collector is back on, as it was,
    when the work is done."""
    enabled = gc.isenabled()
    gc.disable()
    try:
        yield
    finally:
        if enabled:
            gc.enable()


def _load_project(root: Path, cache: LoadCache) -> tuple[Project, list[Diagnostic]]:
    diagnostics: list[Diagnostic] = []

    def load(path: Path, model):
        record, found = load_yaml_file(root, path, model, cache)
        diagnostics.extend(found)
        return record

    rounds_dir = root / "rounds"
    settings = load(rounds_dir / SETTINGS, Settings) if (rounds_dir / SETTINGS).exists() else None
    project = Project(root=str(root), settings=settings or Settings())

    if (rounds_dir / REGISTRY).exists():
        registry = load(rounds_dir / REGISTRY, Registry)
        project.units = list(registry.units) if registry else []
    if (rounds_dir / CATALOGUE).exists():
        catalogue = load(rounds_dir / CATALOGUE, Catalogue)
        project.common_problems = list(catalogue.common_problems) if catalogue else []
    if (rounds_dir / SELF_CHECKS).exists():
        checks = load(rounds_dir / SELF_CHECKS, SelfChecks)
        project.self_checks = list(checks.self_checks) if checks else []

    if (rounds_dir / SIGNERS).exists():
        project.signers = load(rounds_dir / SIGNERS, Signers) or Signers()

    for path in listed_files(rounds_dir, "*.y*ml", diagnostics, root):
        if path.name in RESERVED or path.suffix not in (".yml", ".yaml"):
            continue
        if (record := load(path, Round)) is not None:
            project.rounds.append(record)
    for path in listed_files(rounds_dir / CASES_DIR, "*.md", diagnostics, root):
        record, found = load_case(root, path)
        diagnostics.extend(found)
        if record is not None:
            project.cases.append(record)

    load_feedback_lists(root, project, diagnostics, cache)
    load_clues(root, project, diagnostics, cache)
    ledgers_dir = root / "ledgers"
    for path in listed_files(ledgers_dir, "**/*", diagnostics, root):
        rel = rel_path(root, path)
        parts = path.relative_to(ledgers_dir).parts
        if len(parts) != 2 or path.suffix not in (".yml", ".yaml"):
            diagnostics.append(
                diag(
                    "Y011",
                    rel,
                    detail=("台账文件应放在 ledgers/<轮次>/<单位>.yml，例如 ledgers/r1/wcjd.yml。"),
                )
            )
            continue
        if (record := load(path, Ledger)) is not None:
            project.ledgers.append(record)
    load_evaluations(root, project, diagnostics, cache)  # rounds/evaluations/: 八查, bulletins
    load_supervision(root, project, diagnostics, cache)  # rounds/supervision/: 督办 records
    return project, diagnostics


def load_feedback_lists(
    root: Path, project: Project, diagnostics: list[Diagnostic], cache: LoadCache | None = None
) -> None:
    """rounds/feedback/<round>/<unit>.yml, laid out like ledgers/ and owned by the office."""
    folder = root / "rounds" / FEEDBACK_DIR
    for path in listed_files(folder, "**/*", diagnostics, root):
        parts = path.relative_to(folder).parts
        if len(parts) != 2 or path.suffix not in (".yml", ".yaml"):
            detail = "反馈问题清单应放在 rounds/feedback/<轮次>/<单位>.yml，例如 rounds/feedback/r5/wcjd.yml。"
            diagnostics.append(diag("Y011", rel_path(root, path), detail=detail))
            continue
        record, found = load_yaml_file(root, path, FeedbackList, cache)
        diagnostics.extend(found)
        if record is not None:
            project.feedback_lists.append(record)


def load_clues(
    root: Path, project: Project, diagnostics: list[Diagnostic], cache: LoadCache | None = None
) -> None:
    """rounds/clues/<round>.yml: the round's problem clues (问题线索)."""
    for path in listed_files(root / "rounds" / CLUES_DIR, "*", diagnostics, root):
        if path.suffix not in (".yml", ".yaml"):
            detail = "问题线索台账应放在 rounds/clues/<轮次>.yml，例如 rounds/clues/r5.yml。"
            diagnostics.append(diag("Y011", rel_path(root, path), detail=detail))
            continue
        record, found = load_yaml_file(root, path, ClueLedger, cache)
        diagnostics.extend(found)
        if record is not None:
            if path.stem != record.round:
                diagnostics.append(
                    diag("R015", **_at(record), path=rel_path(root, path), round=record.round)
                )
            project.clues.extend(c.model_copy(update={"round": record.round}) for c in record.clues)


def _at(record) -> dict:
    return {"file": record.src.file, "line": record.src.line, "col": record.src.col}


def load_case(root: Path, path: Path) -> tuple[Case | None, list[Diagnostic]]:
    """A warning case: YAML front matter between '---' lines, then Markdown facts."""
    rel = rel_path(root, path)
    raw, problems = read_capped(root, path)
    if raw is None:
        return None, problems
    text, problems = decode(raw, rel)
    if text is None:
        return None, problems
    lines = text.splitlines(keepends=True)
    end = next((i for i, s in enumerate(lines[1:], 1) if s.strip() == "---"), None)
    if not lines or lines[0].strip() != "---" or end is None:
        return None, [
            *problems,
            diag(
                "Y011",
                rel,
                1,
                1,
                detail=(
                    "典型案例应以 YAML 头部开始：第一行写“---”，接着写字段，再以一行“---”结束，之后写案情。"
                ),
            ),
        ]
    parsed = parse_yaml("".join(lines[1:end]).encode(), rel, line_offset=1)
    parsed.diagnostics[:0] = problems
    # The Markdown after the front matter is a text field too.
    body_refused = written_characters("".join(lines[end + 1 :]), rel, line_offset=end + 1)
    if body_refused:
        return None, parsed.diagnostics + body_refused
    if isinstance(parsed.data, dict):
        if not ID_PATTERN.match(path.stem):
            parsed.diagnostics.append(diag("S006", rel, value=path.stem))
            return None, parsed.diagnostics
        parsed.data.setdefault("id", path.stem)
        parsed.data["body"] = "".join(lines[end + 1 :]).strip()
    return build_record(parsed, Case)
