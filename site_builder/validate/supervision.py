"""Checks of the 督办 records (rounds/supervision/): V codes."""

from __future__ import annotations

from collections.abc import Iterator

from site_builder.diagnostics import Diagnostic, diag
from site_builder.model import Project
from site_builder.model.ledger import Ledger
from site_builder.model.supervision import LEDGER_MATTERS, Dubian


def _at(record: Dubian) -> dict:
    return {"file": record.src.file, "line": record.src.line, "col": record.src.col}


def supervision_records(project: Project) -> Iterator[Diagnostic]:
    numbers: dict[str, Dubian] = {}
    for file in project.supervision:
        round_ = project.round_by_id.get(file.round)
        if round_ is None:
            yield diag("V001", file.src.file, file.src.line, file.src.col, round=file.round)
        inspected = round_.inspected() if round_ else {}
        for record in file.records:
            at = _at(record)
            if round_ is not None and record.unit not in inspected:
                yield diag("V003", **at, unit=record.unit, round=file.round)
            ledger = project.ledger_by_key.get(f"{file.round}/{record.unit}")
            if ledger is not None:
                for item in record.items:
                    if not _exists(ledger, item):
                        yield diag("V004", **at, item=item, ledger=ledger.key)
            for what, later in (
                ("回复时限", record.response_due),
                ("回复日期", record.response_received),
            ):
                if later is not None and later < record.date:
                    yield diag("V005", **at, what=what, later=later, date=record.date)
            if record.number:
                if (first := numbers.get(record.number)) is not None:
                    yield diag("V006", **at, number=record.number, first=first.src.line)
                else:
                    numbers[record.number] = record
            elif record.kind in ("notice", "bulletin"):
                yield diag("V007", **at, kind=record.label)
            if record.kind == "notice" and record.response_due is None:
                yield diag("V008", **at)


def _exists(ledger: Ledger, item: str) -> bool:
    if item in LEDGER_MATTERS:
        return True
    problem_id, _, measure_id = item.partition("/")
    problem = next((p for p in ledger.problems if p.id == problem_id), None)
    if problem is None:
        return False
    return not measure_id or any(m.id == measure_id for m in problem.measures)
