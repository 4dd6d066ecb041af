"""Two branches closing different problems of one ledger merge without conflict.

Every pair of neighbouring problems of real sample ledgers is closed on two branches
(status, closing date, each measure done with its date and one more piece of
evidence, the edits a unit makes) and the branches are merged with a real
``git merge``. Under the documented layout (block style, one field per line, each
problem starting with its own ``- id:``) no pair conflicts; the flow style the guide
warns against (a whole problem on one line) conflicts at once.
"""

from __future__ import annotations

import re
from datetime import date
from pathlib import Path

import security_figures

from site_builder.diagnostics import has_errors
from site_builder.load import load_project, parse_yaml
from site_builder.load.dump import dump_yaml
from site_builder.model import Ledger, Project
from site_builder.model.ledger import Evidence
from site_builder.pipeline import check_project
from site_builder.sheets import import_xlsx, ledger_workbook

from conftest import BASE_FILES, ROOT
from gitrepo import REVIEWER, GitRepo

SAMPLE_LEDGERS = ["ledgers/r1/wcjd.yml", "ledgers/r5/ctgs.yml"]
_DATE = re.compile(r"^\d{4}-\d{2}-\d{2}$")


def plain(data):
    """Parsed YAML back to what the sample's writer wrote: dates as dates, no marks."""
    if isinstance(data, dict):
        return {k: plain(v) for k, v in data.items() if k != "__src__"}
    if isinstance(data, list):
        return [plain(v) for v in data]
    return date.fromisoformat(data) if isinstance(data, str) and _DATE.match(data) else data


def header(text: str) -> str:
    return "".join(line for line in text.splitlines(True) if line.startswith("#"))


def close(data: dict, index: int, day: date) -> dict:
    """Problem ``index`` closed as staff write it: fields where they belong, evidence added."""
    problems = data["problems"]
    old = problems[index]
    new: dict = {}
    for key, value in old.items():
        if key in ("closed_on",):
            continue
        new[key] = value
        if key == "status" or (key == "source" and "status" not in old):
            new["status"] = "closed"
            new["closed_on"] = day
    new.setdefault("status", "closed")
    new.setdefault("closed_on", day)
    measures = []
    for m in old.get("measures", []):
        m = dict(m)
        if m.get("status") != "withdrawn":
            m["status"], m["completed_on"] = "done", day
            m["evidence"] = [*m.get("evidence", []), f"销号佐证（{m['id']}，{day}）"]
        measures.append(m)
    new["measures"] = measures
    return {**data, "problems": [*problems[:index], new, *problems[index + 1 :]]}


def merge_pair(tmp: Path, rel: str, text: str, i: int, spaced: bool) -> bool:
    """Close problems i and i+1 on two branches, merge both; True when git merges cleanly."""
    data = plain(parse_yaml(text.encode(), rel).data)

    def render(d: dict) -> str:
        body = dump_yaml(d)
        if spaced:  # the guide's layout: a blank line before each problem
            body = re.sub(r"\n(- id: )", r"\n\n\1", body)
        return header(text) + body

    repo = GitRepo(tmp / f"{Path(rel).stem}-{i}-{spaced}")
    repo.commit({rel: render(data)}, "台账")
    repo.branch("close-a")
    repo.commit({rel: render(close(data, i, date(2020, 9, 1)))}, "销号 A")
    repo.checkout("main")
    repo.branch("close-b")
    repo.commit({rel: render(close(data, i + 1, date(2020, 9, 2)))}, "销号 B")
    repo.merge("close-a", who=REVIEWER)
    try:
        repo.merge("close-b", who=REVIEWER)
    except AssertionError:
        return False
    merged = plain(parse_yaml((repo.root / rel).read_bytes(), rel).data)
    assert merged == close(close(data, i, date(2020, 9, 1)), i + 1, date(2020, 9, 2))
    return True


def test_neighbouring_problems_closed_on_two_branches_merge_cleanly(tmp_path: Path) -> None:
    merges = conflicts = 0
    for rel in SAMPLE_LEDGERS:
        text = (ROOT / rel).read_text(encoding="utf-8")
        count = len(parse_yaml(text.encode(), rel).data["problems"])
        for i in range(count - 1):
            for spaced in (False, True):
                merges += 1
                conflicts += not merge_pair(tmp_path, rel, text, i, spaced)
    security_figures.record(merge__merges=merges, merge__conflicts=conflicts)
    assert merges > 15 and conflicts == 0


def test_merged_ledger_validates_with_both_closures(tmp_path: Path) -> None:
    repo = GitRepo(tmp_path / "repo")
    repo.commit(BASE_FILES, "建立台账")
    ledger = BASE_FILES["ledgers/r1/wcjd.yml"]
    # P02 closed on one branch; a new P03 added and closed on another, both at once.
    closed_p02 = ledger.replace(
        "            category: work_style\n",
        "            category: work_style\n            status: closed\n            closed_on: 2017-12-20\n",
    ).replace(
        "                status: in_progress\n",
        "                status: done\n                completed_on: 2017-12-15\n"
        "                evidence:\n                  - 公务用车使用登记台账（2017年12月）\n",
    )
    repo.branch("close-p02")
    repo.commit({"ledgers/r1/wcjd.yml": closed_p02}, "P02 销号")
    repo.checkout("main")
    repo.branch("progress-p01")
    indent = re.search(r"\n( *)measure: 诫勉谈话\n", ledger).group(1)
    dated = ledger.replace(
        "measure: 诫勉谈话\n", f"measure: 诫勉谈话\n{indent}decided_on: 2017-10-09\n"
    )
    repo.commit({"ledgers/r1/wcjd.yml": dated}, "P01 补充问责日期")
    repo.merge("close-p02", who=REVIEWER)
    repo.merge("progress-p01", who=REVIEWER)
    _, found = check_project(repo.root)
    assert [d for d in found if d.severity == "error"] == []
    text = (repo.root / "ledgers/r1/wcjd.yml").read_text(encoding="utf-8")
    assert "closed_on: 2017-12-20" in text and "decided_on: 2017-10-09" in text


def closed_in_model(ledger: Ledger, index: int, day: date) -> Ledger:
    """The ledger with problem ``index`` closed, as a unit fills in its spreadsheet."""
    problem = ledger.problems[index]
    measures = [
        m
        if m.status == "withdrawn"
        else m.model_copy(
            update={
                "status": "done",
                "completed_on": day,
                "evidence": [*m.evidence, Evidence(title=f"销号佐证（{m.id}，{day}）")],
            }
        )
        for m in problem.measures
    ]
    closed = problem.model_copy(update={"status": "closed", "closed_on": day, "measures": measures})
    problems = [*ledger.problems[:index], closed, *ledger.problems[index + 1 :]]
    return ledger.model_copy(update={"problems": problems})


def import_on_branch(repo: GitRepo, project: Project, ledger: Ledger, book: Path) -> None:
    """`rectify import-xlsx` of ``ledger``'s exported workbook, committed on the branch."""
    ledger_workbook(ledger, project).save(book)
    result = import_xlsx(repo.root, book, force=True)
    assert result.target and not has_errors(result.diagnostics), [
        d.as_text() for d in result.diagnostics
    ]
    repo.git("add", "-A")
    repo.git("commit", "-q", "--allow-empty", "-m", f"导入《{book.name}》")


def test_spreadsheet_imports_closing_neighbours_on_two_branches_merge(tmp_path: Path) -> None:
    """The file `import-xlsx` writes keeps neighbouring problems on separate lines.

    Two staff export the same ledger, each closes a different problem in the
    spreadsheet and imports it on their own branch: the merge must not conflict and
    must keep both closures. A writer that put a problem on one line, reordered keys
    or stamped the file with the import's time would turn this red.
    """
    rel = "ledgers/r1/wcjd.yml"
    repo = GitRepo(tmp_path / "repo")
    sample = {
        "rounds/units.yml": (ROOT / "rounds/units.yml").read_text(encoding="utf-8"),
        "rounds/r1.yml": (ROOT / "rounds/r1.yml").read_text(encoding="utf-8"),
        "rounds/common_problems.yml": (ROOT / "rounds/common_problems.yml").read_text(
            encoding="utf-8"
        ),
    }
    repo.commit(sample, "建立名录")
    project, _ = load_project(ROOT)
    ledger = project.ledger_by_key["r1/wcjd"]
    import_on_branch(repo, project, ledger, tmp_path / "wcjd.xlsx")
    base = repo.git("rev-parse", "HEAD")
    pairs = [(i, i + 1) for i in range(0, len(ledger.problems) - 1, 2)]
    merges = 0
    for i, j in pairs:
        for name, index, day in (("a", i, date(2020, 9, 1)), ("b", j, date(2020, 9, 2))):
            repo.branch(f"close-{i}-{name}", "main")
            closed = closed_in_model(ledger, index, day)
            import_on_branch(repo, project, closed, tmp_path / "wcjd.xlsx")
        repo.merge(f"close-{i}-a")
        repo.merge(f"close-{i}-b")  # raises on a conflict
        merged = load_project(repo.root)[0].ledger_by_key["r1/wcjd"]
        both = closed_in_model(closed_in_model(ledger, i, date(2020, 9, 1)), j, date(2020, 9, 2))
        assert merged.model_dump() == both.model_dump(), (rel, i, j)
        repo.git("reset", "-q", "--hard", base)  # back to the ledger before this pair
        merges += 1
    assert merges >= 2
