"""The sample district shipped at the top of the repository."""

from __future__ import annotations

from site_builder.diagnostics import Severity
from site_builder.pipeline import check_project

from conftest import ROOT


def test_sample_validates_without_errors() -> None:
    project, diagnostics = check_project(ROOT)
    errors = [d.as_text() for d in diagnostics if d.severity is Severity.ERROR]
    assert errors == []
    # The warnings are the intended soft-accountability case (问责偏软) and one ledger that
    # names the person it held accountable in its text (C001), which the public build masks.
    assert {d.code for d in diagnostics} <= {"A001", "C001"}
    assert {d.file for d in diagnostics if d.code == "C001"} == {"ledgers/r2/mzj.yml"}


def test_sample_has_the_promised_size() -> None:
    project, _ = check_project(ROOT)
    assert len(project.rounds) == 5
    assert {r.start.year for r in project.rounds} == {2017, 2018, 2019, 2020}
    assert len(project.units) == 124
    pilots = [u for u in project.units if u.pilot]
    assert len(pilots) == 8 and "坞城街道党工委" in {u.name for u in pilots}
    assert all(any(led.unit == u.id for led in project.ledgers) for u in pilots)
    assert len(project.common_problems) >= 10
    assert len(project.cases) >= 6
    inspected = {(r.id, unit) for r in project.rounds for unit in r.inspected()}
    assert {(led.round, led.unit) for led in project.ledgers} == inspected


def test_pilot_ledgers_are_full() -> None:
    project, _ = check_project(ROOT)
    pilots = {u.id for u in project.units if u.pilot}
    for ledger in project.ledgers:
        if ledger.unit not in pilots:
            continue
        problems = ledger.problems
        assert len(problems) >= 6, ledger.key
        assert ledger.plan.review is not None, ledger.key
        assert any(m.evidence for p in problems for m in p.measures), ledger.key
        assert any(p.accountability for p in problems) or ledger.key == "r3/dyzx", ledger.key
