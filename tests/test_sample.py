"""The sample district shipped at the top of the repository."""

from __future__ import annotations

from site_builder.diagnostics import Severity
from site_builder.pipeline import check_project

from conftest import ROOT


def test_sample_validates_without_errors() -> None:
    project, diagnostics = check_project(ROOT)
    errors = [d.as_text() for d in diagnostics if d.severity is Severity.ERROR]
    assert errors == []
    # Only the intended cases: soft accountability (问责偏软), an unapproved postponement
    # (过关心态), a cadre held to account by a body without authority (干部管理权限),
    # and a supplementary feedback item not yet in the plan, which is not yet due.
    # C001: a ledger that names the person it held accountable in its text, which the
    # public build masks.
    assert {d.code for d in diagnostics} <= {"A001", "A002", "C001", "F002", "L012"}
    assert {"A001", "A002", "F002", "L012"} <= {d.code for d in diagnostics}
    assert {d.file for d in diagnostics if d.code == "C001"} <= {"ledgers/r2/mzj.yml"}


def test_sample_has_the_office_records() -> None:
    project, _ = check_project(ROOT)
    pilots = {u.id for u in project.units if u.pilot}
    lists = {f.unit: f for f in project.feedback_lists}
    assert set(lists) == pilots
    assert all(10 <= len(f.items) <= 30 for f in lists.values())
    measures = [m for led in project.ledgers for p in led.problems for m in p.measures]
    assert {"immediate", "long_term"} <= {m.time_limit for m in measures}
    assert "stage_done" in {m.status for m in measures}
    postponements = [p for m in measures for p in m.postponements]
    assert {p.approved for p in postponements} == {True, False}
    entries = [a for led in project.ledgers for p in led.problems for a in p.accountability]
    assert {a.form for a in entries} == {1, 2, 3, 4}
    assert all(a.decided_by and a.cadre_level for a in entries)
    assert {"village", "community"} <= {u.kind for u in project.units}
    assert {c.status for c in project.clues} == {"preliminary", "filed", "concluded", "shelved"}
    assert {c.receiver for c in project.clues} == {"discipline", "organisation"}
    money = [
        a for led in project.ledgers for p in led.problems for m in p.measures for a in m.money
    ]
    assert {a.kind for a in money} == {"refund", "recovered", "loss_recovered"}
    sent_back = [led for led in project.ledgers if len(led.plan.reviews) > 1]
    assert [r.outcome for r in sent_back[0].plan.reviews] == ["returned", "passed"]


def test_sample_has_the_promised_size() -> None:
    project, _ = check_project(ROOT)
    assert len(project.rounds) == 5
    assert {r.start.year for r in project.rounds} == {2017, 2018, 2019, 2020}
    assert len([u for u in project.units if u.inspected_in]) == 124
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
        assert ledger.plan.current_review is not None, ledger.key
        assert any(m.evidence for p in problems for m in p.measures), ledger.key
        assert any(p.accountability for p in problems) or ledger.key == "r3/dyzx", ledger.key


def test_no_filler_text_repeated_across_more_than_three_units() -> None:
    # A common problem (共性问题, with its code) may read the same everywhere; others may not.
    project, _ = check_project(ROOT)
    units: dict[str, set[str]] = {}
    for ledger in project.ledgers:
        for problem in ledger.problems:
            if problem.common_code:
                continue
            for text in (problem.title, *(m.text for m in problem.measures if m.text)):
                units.setdefault(text, set()).add(ledger.unit)
    assert {t: len(u) for t, u in units.items() if len(u) > 3} == {}
