"""Printing diagnostics and summaries for people and for machines."""

from __future__ import annotations

import argparse
import sys
from collections import Counter
from enum import StrEnum
from pathlib import Path

from site_builder.diagnostics import Diagnostic, Severity
from site_builder.diagnostics.core import dumps_json


class OutputFormat(StrEnum):
    """How diagnostics are printed: for people, for programs, or as GitHub annotations."""

    TEXT = "text"
    JSON = "json"
    GITHUB = "github"


def _output_format(text: str) -> OutputFormat:
    try:
        return OutputFormat(text)
    except ValueError:
        known = "、".join(OutputFormat)
        raise argparse.ArgumentTypeError(f"输出格式“{text}”无法识别，可选：{known}") from None


def add_format(p: argparse.ArgumentParser) -> None:
    """The --format option, checked by argparse and parsed into an OutputFormat."""
    p.add_argument(
        "--format",
        type=_output_format,
        default=OutputFormat.TEXT,
        metavar="格式",
        help="输出格式：text（默认）、json 或 github（GitHub Actions 注释）",
    )


def print_diagnostics(
    diagnostics: list[Diagnostic], fmt: OutputFormat | str = OutputFormat.TEXT
) -> None:
    if fmt == "json":
        print(dumps_json(diagnostics))
        return
    for d in diagnostics:
        print(d.as_github() if fmt == "github" else d.as_text())
    if fmt == "text":
        print(summary(diagnostics), file=sys.stderr)


def summary(diagnostics: list[Diagnostic]) -> str:
    counts = Counter(d.severity for d in diagnostics)
    errors, warnings = counts[Severity.ERROR], counts[Severity.WARNING]
    if not errors and not warnings:
        return "校验通过：没有发现问题。"
    files = len({d.file for d in diagnostics})
    verdict = "校验未通过" if errors else "校验通过"
    return f"{verdict}：{files} 个文件中有 {errors} 个错误、{warnings} 个警告。"


def existing_root(text: str | Path) -> Path | None:
    """The ledger repository folder, or None after saying it does not exist."""
    root = Path(text)
    if not root.is_dir():
        print(f"找不到目录：{root}", file=sys.stderr)
        return None
    return root
