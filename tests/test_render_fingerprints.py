"""Page fingerprints: a rebuild renders the unit pages whose inputs changed, and nothing it
keeps differs from a cold render of the same commit."""

from __future__ import annotations

import json
import shutil
from datetime import date
from pathlib import Path

import pytest

from site_builder.pipeline import build
from site_builder.render import fingerprint

from conftest import BASE_FILES, ROOT
from gitrepo import REVIEWER, GitRepo

AS_OF = date(2017, 12, 1)
UNITS = ("wcjd", "jyj", "czj")
UNIT_PAGES = {f"units/r1/{unit}.md" for unit in UNITS}


def district() -> dict[str, str]:
    """The base district with three inspected units in round 1, each with a ledger."""
    rounds = BASE_FILES["rounds/r1.yml"].rstrip()
    entry = rounds[rounds.index("              - unit: wcjd") :]
    for unit in UNITS[1:]:
        rounds += "\n" + entry.replace("unit: wcjd", f"unit: {unit}")
    units = BASE_FILES["rounds/units.yml"].replace(
        "            kind: bureau\n",
        "            kind: bureau\n            inspected_in: [r1]\n"
        "          - id: czj\n            name: 区财政局党组\n            kind: bureau\n"
        "            inspected_in: [r1]\n",
        1,
    )
    ledger = BASE_FILES["ledgers/r1/wcjd.yml"]
    files = {**BASE_FILES, "rounds/r1.yml": rounds + "\n", "rounds/units.yml": units}
    for unit in UNITS[1:]:
        files[f"ledgers/r1/{unit}.yml"] = ledger.replace("unit: wcjd", f"unit: {unit}")
    files["rounds/settings.yml"] = "min_measure_chars: 8\n"
    return files


@pytest.fixture
def repo(tmp_path: Path) -> GitRepo:
    repo = GitRepo(tmp_path / "repo")
    repo.commit(district(), "建立整改台账")
    return repo


def built(root: Path, out: Path) -> dict:
    result = build(root, out, as_of=AS_OF)
    assert result.site_dir is not None, [d.as_text() for d in result.diagnostics]
    return json.loads((out / fingerprint.STATE_FILE).read_text(encoding="utf-8"))


def docs(out: Path) -> dict[str, bytes]:
    root = out / "docs"
    return {p.relative_to(root).as_posix(): p.read_bytes() for p in root.rglob("*") if p.is_file()}


def mtimes(out: Path) -> dict[str, int]:
    root = out / "docs"
    return {p.relative_to(root).as_posix(): p.stat().st_mtime_ns for p in root.rglob("*.md")}


def merged_change(repo: GitRepo, unit: str, old: str, new: str) -> None:
    """A change on a branch, merged by a reviewer: what a rebuild usually follows."""
    path = repo.root / f"ledgers/r1/{unit}.yml"
    repo.git("checkout", "-q", "-b", "update")
    repo.commit({f"ledgers/r1/{unit}.yml": path.read_text(encoding="utf-8").replace(old, new)},
                "更新整改进展")  # fmt: skip
    repo.git("checkout", "-q", "main")
    repo.git("merge", "-q", "--no-ff", "-m", "合并：更新整改进展", "update", who=REVIEWER)


def test_a_merged_change_re_renders_only_its_unit_page(repo, tmp_path) -> None:
    out = tmp_path / "out"
    first = built(repo.root, out)
    assert set(first["rendered"]) == UNIT_PAGES
    assert built(repo.root, out)["rendered"] == []  # nothing changed: nothing rendered
    before = mtimes(out)

    merged_change(repo, "jyj", "“三重一大”事项未经集体研究", "“三重一大”事项未经党组集体研究")
    state = built(repo.root, out)
    # (a) the changed unit's page only; the pages listing it are rendered as before
    # (they are not fingerprinted) and rewritten where their text changed.
    assert state["rendered"] == ["units/r1/jyj.md"]
    after = mtimes(out)
    assert after["units/r1/jyj.md"] > before["units/r1/jyj.md"]
    assert "“三重一大”事项未经党组集体研究" in (out / "docs/units/r1/jyj.md").read_text("utf-8")
    for page in UNIT_PAGES - {"units/r1/jyj.md"}:
        assert after[page] == before[page], page
    # (b) every file of the docs tree equals a cold render of the same commit.
    cold = tmp_path / "cold"
    assert set(built(repo.root, cold)["rendered"]) == UNIT_PAGES
    kept, fresh = docs(out), docs(cold)
    assert kept.keys() == fresh.keys()
    differ = {rel for rel in kept if kept[rel] != fresh[rel]}
    # The build's own record names when it ran and the build before it (provenance).
    assert differ == {"build-info.json"}, differ
    site = (out / "site/units/r1/jyj/index.html").read_text(encoding="utf-8")
    assert "“三重一大”事项未经党组集体研究" in site


def test_a_clue_handed_over_re_renders_its_unit_page(repo, tmp_path) -> None:
    # The 对账 view lists a unit's clues from rounds/clues/, outside the ledger.
    out = tmp_path / "out"
    built(repo.root, out)
    clues = (
        "round: r1\nclues:\n  - {id: XS01, unit: jyj, summary: 反映公务接待超标准, "
        "handed_over_on: 2017-11-10, receiver: 区纪委监委, status: 立案}\n"
    )
    repo.commit({"rounds/clues/r1.yml": clues}, "登记移交问题线索")
    assert built(repo.root, out)["rendered"] == ["units/r1/jyj.md"]
    assert "反映公务接待超标准" in (out / "docs/units/r1/jyj.md").read_text(encoding="utf-8")


def test_a_settings_value_re_renders_every_unit_page(repo, tmp_path) -> None:
    out = tmp_path / "out"
    built(repo.root, out)
    # A value no unit page prints: the pages are rendered all the same.
    repo.commit({"rounds/settings.yml": "min_measure_chars: 9\n"}, "调整设置")
    assert set(built(repo.root, out)["rendered"]) == UNIT_PAGES


def test_other_code_re_renders_every_unit_page(repo, tmp_path, monkeypatch) -> None:
    out = tmp_path / "out"
    built(repo.root, out)
    monkeypatch.setattr(fingerprint, "code_digest", lambda: "templates of another version")
    assert set(built(repo.root, out)["rendered"]) == UNIT_PAGES


def test_the_code_digest_covers_every_template(tmp_path) -> None:
    package = tmp_path / "site_builder"
    shutil.copytree(ROOT / "site_builder", package, ignore=shutil.ignore_patterns("__pycache__"))
    digest = fingerprint.code_digest.__wrapped__  # not the cached answer
    before = digest(package)
    partial = package / "render/templates/_problem.md.j2"
    partial.write_text(partial.read_text(encoding="utf-8") + "\n", encoding="utf-8")
    assert digest(package) != before


def test_a_page_edited_after_the_build_is_rendered_again(repo, tmp_path) -> None:
    out = tmp_path / "out"
    built(repo.root, out)
    page = out / "docs/units/r1/czj.md"
    original = page.read_bytes()
    page.write_bytes(original + b"\n<!-- edited by hand -->\n")
    assert built(repo.root, out)["rendered"] == ["units/r1/czj.md"]
    assert page.read_bytes() == original
