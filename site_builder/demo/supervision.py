"""The demo's 督办 records, entered on the day each was issued: every version of a
rounds/supervision/ file holds the records dated up to that day, so a report for a past
month sees only the 督办 issued by then."""

from __future__ import annotations

from datetime import date

from site_builder.model.supervision import SupervisionFile


def supervision_versions(file: SupervisionFile, raw: bytes) -> list[tuple[date, bytes]]:
    """(day, content) per distinct record date; the last version is the file as written."""
    lines = raw.decode("utf-8").splitlines(keepends=True)
    records = sorted(file.records, key=lambda r: r.src.line)
    if not records:
        return []
    starts = [r.src.line - 1 for r in records] + [len(lines)]
    header = "".join(lines[: starts[0]])
    chunks = ["".join(lines[a:b]) for a, b in zip(starts, starts[1:], strict=False)]
    days = sorted({r.date for r in records})
    versions = []
    for day in days[:-1]:
        kept = "".join(c for r, c in zip(records, chunks, strict=True) if r.date <= day)
        versions.append((day, (header + kept).encode("utf-8")))
    versions.append((days[-1], raw))
    return versions
