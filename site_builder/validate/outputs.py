"""Ids name the files the site is made of: two records must never name the same file.

The renderer writes ``rounds/<round>.md``, ``units/<round>/<unit>.md``,
``cases/<case>.md`` (beside the case list ``cases/index.md``) and
``downloads/<round>-<unit>.csv``. Ids are unique as typed, but ``A`` and ``a`` are
one file on the file systems of Windows and macOS, ``index`` is the case list, and
round ``r1-a`` with unit ``b`` downloads as the same file as round ``r1`` with unit
``a-b``: the later one would silently replace the earlier.
"""

from __future__ import annotations

from collections.abc import Iterator

from site_builder.diagnostics import Diagnostic, diag
from site_builder.model import Project
from site_builder.model.source import Source

# Files the renderer writes itself, which no record may claim.
RESERVED = {"cases/index.md": "典型案例列表"}


def output_names(project: Project) -> Iterator[Diagnostic]:
    claimed: dict[str, str] = {path.casefold(): what for path, what in RESERVED.items()}

    def claim(path: str, what: str, src: Source) -> Diagnostic | None:
        key = path.casefold()
        if key in claimed:
            return diag(
                "R012", src.file, src.line, src.col, what=what, path=path, other=claimed[key]
            )
        claimed[key] = what
        return None

    files: list[tuple[str, str, Source]] = []
    for round_ in project.rounds:
        files.append((f"rounds/{round_.id}.md", f"轮次“{round_.id}”", round_.src))
    for round_ in project.rounds:
        for team in round_.teams:
            for entry in team.units:
                path = f"units/{round_.id}/{entry.unit}.md"
                files.append((path, f"轮次“{round_.id}”的单位“{entry.unit}”", entry.src))
    for case in project.cases:
        files.append((f"cases/{case.id}.md", f"典型案例“{case.id}”", case.src))
    for ledger in project.ledgers:
        path = f"downloads/{ledger.round}-{ledger.unit}.csv"
        files.append((path, f"台账 {ledger.key} 的下载", ledger.src))
    seen: set[tuple[str, str]] = set()
    for path, what, src in files:
        if (path, what) in seen:
            continue  # the same id twice is R004's to report
        seen.add((path, what))
        if (found := claim(path, what, src)) is not None:
            yield found
