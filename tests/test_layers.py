"""The pipeline's layers hold: no package imports one above it, and outputs only present.

docs/architecture.md draws the stages in order; this test reads every module's imports
(the ones inside functions too) and fails on an import that goes up the pipeline, on an
import cycle between packages, and on render/export calling an analysis or history
function instead of reading the ``Analysis`` value.
"""

from __future__ import annotations

import ast
import importlib
import inspect
from collections import defaultdict
from pathlib import Path

PACKAGE = Path(__file__).resolve().parent.parent / "site_builder"

# Lowest first. A module may import from its own layer or any layer below it.
LAYERS = [
    {"diagnostics", "model"},
    {"load"},
    {"history", "anchor", "buildlock", "purge", "provenance"},
    {"validate", "workflows", "masking"},
    {"audience"},
    {"analyse"},
    {"sheets", "export"},
    {"render"},
    {"site"},
    {"pipeline"},
    {"demo", "synth", "editor", "city"},
    {"cli", "__main__"},
]
LEVEL = {name: level for level, names in enumerate(LAYERS) for name in names}


def _imports() -> list[tuple[str, str, str, list[str], str]]:
    """(package, module file, imported package, names, module) of every site_builder import."""
    found = []
    for path in sorted(PACKAGE.rglob("*.py")):
        parts = path.relative_to(PACKAGE).parts
        package = parts[0] if len(parts) > 1 else parts[0].removesuffix(".py")
        if package == "__init__":
            continue
        for node in ast.walk(ast.parse(path.read_text(encoding="utf-8"))):
            if isinstance(node, ast.ImportFrom) and node.module:
                dotted = node.module.split(".")
                if dotted[0] != "site_builder" or len(dotted) < 2:
                    continue
                where = str(path.relative_to(PACKAGE))
                found.append((package, where, dotted[1], [a.name for a in node.names], node.module))
    return found


def test_every_package_has_a_layer() -> None:
    packages = {p.name for p in PACKAGE.iterdir() if p.is_dir() and (p / "__init__.py").exists()}
    modules = {p.stem for p in PACKAGE.glob("*.py") if p.stem != "__init__"}
    assert (packages | modules) - set(LEVEL) == set()


def test_no_package_imports_one_above_it() -> None:
    upward = [
        f"{where} imports site_builder.{target}"
        for package, where, target, *_ in _imports()
        if target in LEVEL and LEVEL[target] > LEVEL[package]
    ]
    assert upward == []


def test_no_import_cycle_between_packages() -> None:
    graph: dict[str, set[str]] = defaultdict(set)
    for package, _, target, *_ in _imports():
        if target != package and target in LEVEL:
            graph[package].add(target)
    graph = defaultdict(set, {k: set(v) for k, v in graph.items()})

    def reaches(start: str, goal: str, seen: set[str]) -> bool:
        for nxt in graph[start]:
            if nxt == goal or (nxt not in seen and (seen.add(nxt) or reaches(nxt, goal, seen))):
                return True
        return False

    cycles = sorted(p for p in list(graph) if reaches(p, p, set()))
    assert cycles == []


def test_outputs_only_read_the_analysis() -> None:
    """render/ and export/ take types and constants from analyse/ and history/, never a
    function: computing a figure there would let two pages disagree."""
    calls = []
    for package, where, target, names, module in _imports():
        if package not in ("render", "export") or target not in ("analyse", "history"):
            continue
        imported = importlib.import_module(module)
        for name in names:
            value = getattr(imported, name)
            if inspect.isfunction(value):
                calls.append(f"{where}: {module}.{name}")
    assert calls == []
