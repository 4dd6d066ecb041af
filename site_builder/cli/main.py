"""`rectify` / `python -m site_builder`: the command-line entry point.

Every command lives in a module of this package that registers it: `register(sub)`
adds a subparser whose `func` takes the parsed arguments and returns the exit code.
"""

from __future__ import annotations

import argparse
import importlib

from site_builder import __version__

COMMANDS: tuple[str, ...] = (
    "site_builder.cli.site",  # validate, build, serve
    "site_builder.cli.trail",  # log, history, check-change, signoff, purge
    "site_builder.cli.repository",  # check-workflows, demo, diagnostics
    "site_builder.cli.synth",
    "site_builder.cli.sheets",
    "site_builder.cli.editor",
    "site_builder.cli.evaluation",
    "site_builder.cli.supervision",
)


def parser() -> argparse.ArgumentParser:
    top = argparse.ArgumentParser(
        prog="rectify", description="巡察整改台账：校验 YAML 台账，生成内部检索站点。"
    )
    top.add_argument("--version", action="version", version=f"%(prog)s {__version__}")
    sub = top.add_subparsers(dest="command", required=True, metavar="命令")
    for module in COMMANDS:
        importlib.import_module(module).register(sub)
    return top


def main(argv: list[str] | None = None) -> int:
    args = parser().parse_args(argv)
    try:
        return args.func(args)
    except KeyboardInterrupt:
        return 130
    except BrokenPipeError:
        return 0
