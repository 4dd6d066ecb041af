"""Each audience built from the demo repository (a real history of 850 commits), and every
byte of every output searched: the public site holds no name of a person held accountable
(any version), no editor or approver, no sensitive value; a unit's site holds nothing of
other units' ledgers; the internal site (the control) holds them all.
"""

from __future__ import annotations

import re
import subprocess
import sys
from pathlib import Path

import pytest
from test_audience import find_values, is_published, published_text

from site_builder.audience import PUBLIC, for_audience, parse_audience, sensitive_values
from site_builder.history import History
from site_builder.masking import masked
from site_builder.pipeline import check_project

from conftest import ROOT

pytestmark = pytest.mark.slow  # builds the demo repository and three audience sites

UNIT = "wcjd"


def rectify(*args: str) -> None:
    done = subprocess.run(
        [sys.executable, "-m", "site_builder", *args], capture_output=True, text=True, timeout=900
    )
    assert done.returncode == 0, done.stderr[-3000:]


@pytest.fixture(scope="module")
def demo(tmp_path_factory: pytest.TempPathFactory) -> Path:
    root = tmp_path_factory.mktemp("demo") / "repo"
    rectify("demo", str(root), "--source", str(ROOT))
    return root


@pytest.fixture(scope="module")
def sites(demo: Path) -> dict[str, Path]:
    built = {}
    for audience in ("internal", "public", f"unit:{UNIT}"):
        out = demo.parent / audience.replace(":", "-")
        rectify("build", "--root", str(demo), "--out", str(out), "--audience", audience)
        built[audience] = out / "site"
    return built


def git(root: Path, *args: str) -> str:
    return subprocess.run(
        ["git", *args], cwd=root, capture_output=True, text=True, check=True
    ).stdout


def accountable_in_history(root: Path) -> set[str]:
    """Every person ever named in an accountability entry, in any commit."""
    diff = git(root, "log", "-p", "--no-color", "--format=", "--", "ledgers")
    return {m.group(1) for m in re.finditer(r"^[-+ ]\s*-?\s*person:\s*(\S+)", diff, re.M)}


def test_public_demo_site_names_nobody_held_accountable(demo, sites) -> None:
    names = sorted(accountable_in_history(demo))
    project, diagnostics = check_project(demo)
    public, _, _ = for_audience(PUBLIC, project, History(), diagnostics)
    published = published_text(public)
    values = [v for v in sensitive_values(project) if not is_published(v, published)]
    identities = git(demo, "log", "--format=%an%n%ae%n%cn%n%ce").split()
    # Example addresses the guides print are published on purpose; every other is not.
    editors = sorted({i for i in identities if not is_published(i, published)})

    leaks, files = find_values(sites["public"], names + values + editors)
    internal, _ = find_values(sites["internal"], names)
    assert len(names) > 50 and files > 300 and editors
    assert len(internal) > len(names) // 2, "the search does not find what it looks for"
    assert leaks == {}, {v: where[:3] for v, where in list(leaks.items())[:10]}
    # Masked, not dropped: the text that named 刘海涛 still reads, as 刘某某.
    seen, _ = find_values(sites["public"], [masked("刘海涛") + ""])
    assert seen and masked("刘海涛") == "刘某某"


def test_unit_demo_site_holds_nothing_of_other_units(demo, sites) -> None:
    project, _ = check_project(demo)
    audience = parse_audience(f"unit:{UNIT}")
    shown, _, _ = for_audience(audience, project, History(), [])
    own = published_text(shown)
    others = {
        text
        for ledger in project.ledgers if ledger.unit != UNIT
        for p in ledger.problems
        for text in [p.title, *(m.text or "" for m in p.measures)]
        if len(text) >= 12 and text not in own
    }  # fmt: skip
    other_units = {u.name for u in project.units if u.id != UNIT and u.name not in own}
    leaks, _ = find_values(sites[f"unit:{UNIT}"], sorted(others | other_units))
    control, _ = find_values(sites["internal"], sorted(others)[:40])
    assert len(others) > 100 and len(control) == 40
    assert leaks == {}, {v: where[:3] for v, where in list(leaks.items())[:10]}
    # Its own ledgers of every round are there.
    rounds = sorted({led.round for led in project.ledgers if led.unit == UNIT})
    assert len(rounds) > 1
    for round_id in rounds:
        assert (sites[f"unit:{UNIT}"] / "units" / round_id / UNIT / "index.html").is_file()


def test_every_audience_site_carries_its_audience(sites) -> None:
    import json

    for audience, site in sites.items():
        info = json.loads((site / "build-info.json").read_text(encoding="utf-8"))
        assert info["audience"] == audience
