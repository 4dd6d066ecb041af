"""The docs are tested too: commands, codes and the two README commands."""

from __future__ import annotations

import os
import re
import shutil
import subprocess
import sys
from pathlib import Path

import pytest

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


def _browser_test_without_chromium(tmp_path: Path, require: str | None) -> str:
    """Run one browser test with no Chromium on PATH; pytest's summary line."""
    env = {k: v for k, v in os.environ.items() if k != "RECTIFY_REQUIRE_BROWSER"}
    tools = tmp_path / "bin"  # git only: no chromium, no chromium-browser
    tools.mkdir(exist_ok=True)
    if not (tools / "git").exists():
        (tools / "git").symlink_to(shutil.which("git") or "/usr/bin/git")
    env["PATH"] = str(tools)
    if require is not None:
        env["RECTIFY_REQUIRE_BROWSER"] = require
    result = subprocess.run(
        [sys.executable, "-m", "pytest", "-q", "-p", "no:cacheprovider", "-rfs",
         "tests/browser/test_csp.py"],
        cwd=ROOT, env=env, capture_output=True, text=True, timeout=300,
    )  # fmt: skip
    return result.stdout


@pytest.mark.slow
def test_ci_makes_a_run_without_a_browser_fail(tmp_path: Path) -> None:
    """CI's setting turns browser tests that cannot run into failures, not silent skips."""
    ci = (ROOT / ".ci/run").read_text(encoding="utf-8")
    exported = re.search(r"^export RECTIFY_REQUIRE_BROWSER=(\S+)$", ci, re.M)
    assert exported and re.search(r"^make test$", ci, re.M), "CI runs `make test` with it"
    required = _browser_test_without_chromium(tmp_path, exported.group(1))
    assert re.search(r"\d+ failed", required) and "passed" not in required, required
    assert "RECTIFY_REQUIRE_BROWSER=1 but no Chromium on PATH" in required, required
    local = _browser_test_without_chromium(tmp_path, None)
    assert re.search(r"\d+ skipped", local) and "failed" not in local, local
    assert "browser test skipped: no Chromium on PATH" in local, local


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
