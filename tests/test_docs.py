"""The docs are tested too: commands, codes and the two README commands."""

from __future__ import annotations

import re

from site_builder.cli.main import parser
from site_builder.diagnostics import CATALOGUE
from site_builder.diagnostics.docs import catalogue_markdown

from conftest import ROOT

README = (ROOT / "README.md").read_text(encoding="utf-8")


def subcommands() -> list[str]:
    action = next(a for a in parser()._actions if a.dest == "command")
    return sorted(action.choices)


def test_every_command_is_in_the_readme() -> None:
    for name in subcommands():
        assert f"rectify {name}" in README, name


def test_diagnostics_page_is_generated_from_the_catalogue() -> None:
    page = (ROOT / "docs/guide/diagnostics.md").read_text(encoding="utf-8")
    assert page == catalogue_markdown(), "run: rectify diagnostics > docs/guide/diagnostics.md"
    for code in CATALOGUE:
        assert f"| {code} |" in page


def test_readme_opens_with_the_two_commands() -> None:
    first_block = re.search(r"```sh\n(.*?)```", README, re.S).group(1)
    commands = [line.split("#")[0].strip() for line in first_block.splitlines()]
    assert commands == ["make serve", "make test"]
    makefile = (ROOT / "Makefile").read_text(encoding="utf-8")
    assert re.search(r"^serve:", makefile, re.M) and re.search(r"^test:", makefile, re.M)


def test_ci_runs_the_readme_test_command() -> None:
    ci = (ROOT / ".ci/run").read_text(encoding="utf-8")
    assert "make test" in ci and "RECTIFY_REQUIRE_BROWSER=1" in ci


def test_architecture_names_every_package() -> None:
    page = (ROOT / "docs/architecture.md").read_text(encoding="utf-8")
    packages = [
        p.name
        for p in (ROOT / "site_builder").iterdir()
        if p.is_dir() and (p / "__init__.py").exists()
    ]
    for name in packages:
        assert f"`{name}/`" in page, name


def test_data_model_doc_covers_every_file_kind() -> None:
    page = (ROOT / "docs/guide/data-model.md").read_text(encoding="utf-8")
    for path in (
        "rounds/settings.yml",
        "rounds/units.yml",
        "rounds/common_problems.yml",
        "rounds/self_checks.yml",
        "rounds/cases/",
        "rounds/signers.yml",
        "ledgers/",
    ):
        assert path in page, path
