"""docs/guide/promises.md states measured figures: its section is a rendering of a run's."""

from __future__ import annotations

import security_figures
from security_figures import FIGURES, PAGE, figures_in, render_section, section_of


def test_figures_section_is_generated_from_a_test_run() -> None:
    page = PAGE.read_text(encoding="utf-8")
    data = figures_in(page)
    assert data is not None, "run the suite, then: python tests/security_figures.py"
    assert section_of(page) == render_section(data), "the section was edited by hand"
    assert set(FIGURES) <= set(data["figures"]), set(FIGURES) - set(data["figures"])
    assert data["run"]["commit"] and data["run"]["started"]


def test_the_page_promises_what_its_figures_show() -> None:
    figures = figures_in(PAGE.read_text(encoding="utf-8"))["figures"]
    assert figures["input.crashes"] == 0
    assert figures["input.bombs_refused"] == figures["input.bombs"] > 0
    assert figures["input.names_outside"] == 0
    assert figures["injection.executed"] == figures["injection.interpreted"] == 0
    assert figures["audience.leaks"] == 0 and figures["audience.values"] > 0
    assert figures["atomic.sites_intact"] == figures["atomic.kills"] > 0
    assert figures["merge.conflicts"] == 0 and figures["tamper.rewrites_refused"] > 0


def test_render_section_names_the_run() -> None:
    data = {"run": dict(security_figures.RUN), "figures": {key: 0 for key in FIGURES}}
    section = render_section(data)
    assert data["run"]["started"] in section and data["run"]["commit"] in section
    for title, label, _ in FIGURES.values():
        assert label in section and title in section
