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


def ledger_files(unit: str) -> set[str]:
    """The fingerprinted files of a ledger: its unit page, its report page, its downloads."""
    return {
        f"units/r1/{unit}.md",
        f"reports/r1/{unit}.md",
        f"downloads/r1-{unit}.csv",
        f"downloads/r1-{unit}.json",
    }


# The base district's 未巡先改 notice: a page of its own, fingerprinted too.
NOTICES = {"evaluation/notices/GX01.md"}
EVERY_LEDGER = {rel for unit in UNITS for rel in ledger_files(unit)}
EVERY_PAGE = EVERY_LEDGER | NOTICES


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


def test_a_merged_change_re_renders_only_its_ledgers_files(repo, tmp_path) -> None:
    out = tmp_path / "out"
    first = built(repo.root, out)
    assert set(first["rendered"]) == EVERY_PAGE
    assert built(repo.root, out)["rendered"] == []  # nothing changed: nothing rendered
    before = mtimes(out)

    merged_change(repo, "jyj", "“三重一大”事项未经集体研究", "“三重一大”事项未经党组集体研究")
    state = built(repo.root, out)
    # (a) the changed unit's page, report and downloads only; the pages listing it are
    # rendered as before (they are not fingerprinted) and rewritten where their text changed.
    assert sorted(state["rendered"]) == sorted(ledger_files("jyj"))
    after = mtimes(out)
    assert after["units/r1/jyj.md"] > before["units/r1/jyj.md"]
    assert "“三重一大”事项未经党组集体研究" in (out / "docs/units/r1/jyj.md").read_text("utf-8")
    for page in UNIT_PAGES - {"units/r1/jyj.md"}:
        assert after[page] == before[page], page
    # (b) every file of the docs tree equals a cold render of the same commit.
    cold = tmp_path / "cold"
    assert set(built(repo.root, cold)["rendered"]) == EVERY_PAGE
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
    assert set(built(repo.root, out)["rendered"]) == EVERY_PAGE


def test_other_code_re_renders_every_unit_page(repo, tmp_path, monkeypatch) -> None:
    out = tmp_path / "out"
    built(repo.root, out)
    monkeypatch.setattr(fingerprint, "code_digest", lambda: "templates of another version")
    assert set(built(repo.root, out)["rendered"]) == EVERY_PAGE


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


def assert_same_as_cold(root: Path, out: Path, cold: Path) -> None:
    """Every file of the rebuilt docs tree equals a cold render of the same commit: a key
    that misses an input its template reads leaves a stale file, and this fails."""
    built(root, cold)
    kept, fresh = docs(out), docs(cold)
    assert kept.keys() == fresh.keys()
    differ = {rel for rel in kept if kept[rel] != fresh[rel]}
    assert differ == {"build-info.json"}, differ


RUBRIC = "rounds/evaluations/rubric.yml"
EVALUATION = """\
round: r1
unit: {unit}
evaluated_on: 2018-01-15
evaluators:
- 韩素琴（区委巡察办）
leadership:
  leading_group: true
  personally_deploys: true
  drafts_measures: false
  holds_to_account: true
  supervises: true
  person_in_charge: 张明（党政办主任）
meetings:
- date: 2017-07-10
  title: {meeting}
clues:
  clues_received: 2
  clues_closed: 1
  petitions_received: 2
  petitions_closed: 2
site_check:
  checked: 4
  confirmed: 3
satisfaction:
  satisfied: 30
  basically_satisfied: 10
  dissatisfied: 10
"""


def test_an_evaluation_changed_re_renders_its_scorecard_only(tmp_path) -> None:
    files = district()
    files[RUBRIC] = (ROOT / RUBRIC).read_text(encoding="utf-8")
    for unit in ("wcjd", "jyj"):
        files[f"rounds/evaluations/r1/{unit}.yml"] = EVALUATION.format(
            unit=unit, meeting="党组会议专题研究整改"
        )
    repo = GitRepo(tmp_path / "repo")
    repo.commit(files, "建立整改台账和评估")
    out = tmp_path / "out"
    first = built(repo.root, out)
    cards = {"evaluation/r1/wcjd.md", "evaluation/r1/jyj.md"}
    assert cards <= set(first["rendered"])
    assert built(repo.root, out)["rendered"] == []

    # A meeting's title: printed on the card, not scored, so the ranking stays as it was.
    changed = EVALUATION.format(unit="jyj", meeting="党组会议专题研究部署整改")
    repo.commit({"rounds/evaluations/r1/jyj.yml": changed}, "更正会议名称")
    rendered = set(built(repo.root, out)["rendered"])
    assert "evaluation/r1/jyj.md" in rendered
    assert "evaluation/r1/wcjd.md" not in rendered
    assert not rendered & (ledger_files("wcjd") | ledger_files("czj")), rendered
    assert_same_as_cold(repo.root, out, tmp_path / "cold")


def test_a_renamed_unit_re_renders_its_downloads_and_report(repo, tmp_path) -> None:
    # The CSV prints the unit's name, which is not in the ledger: it is in the key.
    out = tmp_path / "out"
    built(repo.root, out)
    units = (repo.root / "rounds/units.yml").read_text(encoding="utf-8")
    repo.commit({"rounds/units.yml": units.replace("区财政局党组", "区财政局党委")}, "更正单位名称")
    rendered = set(built(repo.root, out)["rendered"])
    assert ledger_files("czj") <= rendered
    assert not rendered & (ledger_files("wcjd") | ledger_files("jyj")), rendered
    csv = (out / "docs/downloads/r1-czj.csv").read_text(encoding="utf-8-sig")
    assert "区财政局党委" in csv
    assert "区财政局党委" in (out / "docs/downloads/ledger.csv").read_text(encoding="utf-8-sig")
    assert_same_as_cold(repo.root, out, tmp_path / "cold")


def test_a_key_without_the_unit_name_leaves_a_stale_download(repo, tmp_path, monkeypatch):
    # The check above can fail: with the unit's name left out of the downloads' key, the
    # renamed unit's CSV is kept with the old name and differs from a cold render.
    original = fingerprint.PageCache.key

    def key(self, *inputs):  # the downloads' key without the unit's name
        if inputs and inputs[0] == "downloads":
            inputs = inputs[:2] + inputs[3:]
        return original(self, *inputs)

    monkeypatch.setattr(fingerprint.PageCache, "key", key)
    out = tmp_path / "out"
    built(repo.root, out)
    units = (repo.root / "rounds/units.yml").read_text(encoding="utf-8")
    repo.commit({"rounds/units.yml": units.replace("区财政局党组", "区财政局党委")}, "更正单位名称")
    assert "downloads/r1-czj.csv" not in built(repo.root, out)["rendered"]
    with pytest.raises(AssertionError):
        assert_same_as_cold(repo.root, out, tmp_path / "cold")
