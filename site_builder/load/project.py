"""Find the project's files and load every one of them, collecting diagnostics."""

from __future__ import annotations

from pathlib import Path

from site_builder.diagnostics import Diagnostic, diag
from site_builder.load.evaluation import load_evaluations
from site_builder.load.records import build_record
from site_builder.load.yaml_strict import MAX_BYTES, decode, parse_yaml
from site_builder.model import Project
from site_builder.model.district import (
    Case,
    Catalogue,
    Registry,
    Round,
    SelfChecks,
    Settings,
    Signers,
)
from site_builder.model.ledger import Ledger
from site_builder.model.types import ID_PATTERN

# Fixed names under rounds/; any other rounds/*.yml is a round.
SETTINGS = "settings.yml"
REGISTRY = "units.yml"
CATALOGUE = "common_problems.yml"
SELF_CHECKS = "self_checks.yml"
SIGNERS = "signers.yml"
CASES_DIR = "cases"
RESERVED = {SETTINGS, REGISTRY, CATALOGUE, SELF_CHECKS, SIGNERS}


def load_project(root: str | Path) -> tuple[Project, list[Diagnostic]]:
    """Load every file of the project at ``root``; bad files become diagnostics."""
    root = Path(root)
    diagnostics: list[Diagnostic] = []

    def load(path: Path, model):
        record, found = load_yaml_file(root, path, model)
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

    for path in _files(rounds_dir, "*.y*ml", diagnostics, root):
        if path.name in RESERVED or path.suffix not in (".yml", ".yaml"):
            continue
        if (record := load(path, Round)) is not None:
            project.rounds.append(record)
    for path in _files(rounds_dir / CASES_DIR, "*.md", diagnostics, root):
        record, found = load_case(root, path)
        diagnostics.extend(found)
        if record is not None:
            project.cases.append(record)

    ledgers_dir = root / "ledgers"
    for path in _files(ledgers_dir, "**/*", diagnostics, root):
        rel = _rel(root, path)
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
    load_evaluations(root, project, diagnostics)  # rounds/evaluations/: 八查 and bulletins
    return project, diagnostics


def _rel(root: Path, path: Path) -> str:
    return path.relative_to(root).as_posix()


def _files(folder: Path, pattern: str, diagnostics: list[Diagnostic], root: Path) -> list[Path]:
    """Files under ``folder`` in a stable order; symbolic links are refused."""
    if not folder.is_dir():
        return []
    # A linked folder (ledgers/ itself, rounds/cases/) would bring in everything under it.
    if (linked := _linked(root, folder)) is not None:
        diagnostics.append(diag("Y012", _rel(root, linked), target=str(linked.readlink())))
        return []
    found = []
    for path in sorted(folder.glob(pattern)):
        if path.is_symlink():
            diagnostics.append(diag("Y012", _rel(root, path), target=str(path.readlink())))
        elif path.is_file() and not path.name.startswith("."):
            found.append(path)
    return found


def _linked(root: Path, path: Path) -> Path | None:
    """The first symbolic link among ``path`` and its folders below ``root``, if any."""
    inside = [p for p in (path, *path.parents) if p != root and p.is_relative_to(root)]
    return next((p for p in reversed(inside) if p.is_symlink()), None)


def _read(root: Path, path: Path) -> tuple[bytes | None, list[Diagnostic]]:
    if (linked := _linked(root, path)) is not None:
        # Fixed names (rounds/settings.yml …) are opened directly: refuse links here too.
        return None, [diag("Y012", _rel(root, path), target=str(linked.readlink()))]
    try:
        # Never more than the limit plus one byte: a huge file costs no memory.
        with path.open("rb") as handle:
            raw = handle.read(MAX_BYTES + 1)
        if len(raw) > MAX_BYTES:
            return None, [diag("Y008", _rel(root, path), size=path.stat().st_size, limit=MAX_BYTES)]
        return raw, []
    except OSError as exc:
        return None, [diag("Y009", _rel(root, path), detail=exc.strerror or str(exc))]


def load_yaml_file(root: Path, path: Path, model):
    raw, problems = _read(root, path)
    if raw is None:
        return None, problems
    return build_record(parse_yaml(raw, _rel(root, path)), model)


def load_case(root: Path, path: Path) -> tuple[Case | None, list[Diagnostic]]:
    """A warning case: YAML front matter between '---' lines, then Markdown facts."""
    rel = _rel(root, path)
    raw, problems = _read(root, path)
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
    if isinstance(parsed.data, dict):
        if not ID_PATTERN.match(path.stem):
            parsed.diagnostics.append(diag("S006", rel, value=path.stem))
            return None, parsed.diagnostics
        parsed.data.setdefault("id", path.stem)
        parsed.data["body"] = "".join(lines[end + 1 :]).strip()
    return build_record(parsed, Case)
