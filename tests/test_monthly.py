"""`rectify monthly`: the month's report upward equals the site's figures as of the
month's last day, read from the ledgers as they stood then; later commits change nothing."""

from __future__ import annotations

import json
import subprocess
import sys
from datetime import date

import pytest
from docx import Document
from openpyxl import load_workbook

from site_builder.analyse import analyse
from site_builder.analyse.monthly import report_from_records
from site_builder.history import History, read_history
from site_builder.history.snapshot import RecordsAt
from site_builder.load import load_project
from site_builder.pipeline import monthly_report
from site_builder.render.views import build_site_data

from conftest import ROOT
from gitrepo import GitRepo


@pytest.fixture(scope="module")
def demo_repo(tmp_path_factory):
    path = tmp_path_factory.mktemp("demo") / "repo"
    result = subprocess.run(
        [sys.executable, "-m", "site_builder", "demo", str(path), "--source", str(ROOT)],
        capture_output=True,
        text=True,
        timeout=900,
    )
    assert result.returncode == 0, result.stderr
    return path


def git(repo, *args: str) -> str:
    return subprocess.run(
        ["git", *args], cwd=repo, capture_output=True, text=True, check=True
    ).stdout.strip()


@pytest.mark.slow
def test_monthly_figures_equal_the_sites_as_of_the_months_end(demo_repo, tmp_path) -> None:
    report, _ = monthly_report(demo_repo, "2020-11")
    assert report is not None and report.last == date(2020, 11, 30)
    # The site, built independently from a clone reset to the last commit of November.
    tip = git(demo_repo, "log", "--first-parent", "--before=2020-11-30T23:59:59+08:00",
              "-n1", "--format=%H")  # fmt: skip
    assert report.commit == tip
    clone = tmp_path / "clone"
    git(tmp_path, "clone", "-q", str(demo_repo), str(clone))
    git(clone, "reset", "-q", "--hard", tip)
    project, diagnostics = load_project(clone)
    history, _ = read_history(clone, project.signers)
    site = build_site_data(project, analyse(project, history, date(2020, 11, 30)), diagnostics)
    units = {(r.id, u.unit.id): u for r in site.rounds for u in r.units}
    compared = 0
    for round_ in report.rounds:
        for unit in round_.units:
            view = units[(round_.round, unit.unit)]
            f = unit.figures
            assert f.problems == view.stats.problems - view.stats.withdrawn
            assert f.closed == view.stats.closed
            assert f.overdue == view.stats.overdue
            assert (f.postponed, f.relapsed) == (view.trail.postponed, view.trail.reopened)
            compared += 1
    assert compared == sum(len(r.units) for r in site.rounds) > 100
    assert report.total.overdue == site.total.overdue
    # Clues by status and money recovered: the overview's and each round page's figures.
    assert site.clues is not None and report.total.clues == site.clues.district.__dict__
    assert sum(report.total.clues.values()) > 0
    for round_ in report.rounds:
        assert round_.total.clues == site.clues.rounds[round_.round].__dict__
        money = site.money.rounds.get(round_.round)
        assert sum(round_.total.money.values()) == (money.total if money else 0)
    by_kind = site.money.district.by_kind
    assert report.total.money == {k: by_kind.get(k, 0) for k in report.total.money}
    assert report.total.money["recovered"] > 0
    # The ledgers of November, not today's: r5's closures went on after November.
    today, _ = load_project(demo_repo)
    closed_now = sum(p.status == "closed" for led in today.ledgers for p in led.problems)
    assert report.total.closed < closed_now
    # Hand-checked in rounds/supervision/r5.yml: two 督办通知 in November (rlgs 11-09,
    # wcnsq 11-16); the reminder of 10-26 is October's.
    r5 = next(r for r in report.rounds if r.round == "r5")
    assert r5.total.dubian == 2
    assert {u.unit: u.figures.dubian for u in r5.units if u.figures.dubian} == {
        "rlgs": 1,
        "wcnsq": 1,
    }


def month_site(root, as_of: date, cache):
    """The site's data with its month pages, as a build on ``as_of`` makes it."""
    from site_builder.analyse.months import monthly_series, trend
    from site_builder.pipeline import check_project

    project, diagnostics = check_project(root)
    history, _ = read_history(root, project.signers)
    analysis = analyse(project, history, as_of)
    site = build_site_data(project, analysis, diagnostics)
    site.months = monthly_series(root, project, analysis, cache)
    site.trend = trend(site.months)
    return site


def run_monthly(repo, month: str, out) -> dict:
    result = subprocess.run(
        [sys.executable, "-m", "site_builder", "monthly", month, "--root", str(repo),
         "--out", str(out), "--json"],
        capture_output=True, text=True, timeout=900,
    )  # fmt: skip
    assert result.returncode == 0, result.stderr
    return json.loads(result.stdout)


LEDGER = """\
round: r1
unit: wcjd
plan:
  objective: 对照反馈意见逐项整改
  submitted_on: 2017-08-01
problems:
- id: P01
  title: 公务用车管理不规范
  category: work_style
  status: {status}
  closed_on: {closed_on}
  measures:
  - id: M1
    text: 建立公务用车使用登记台账，每月在街道公示栏公示
    deadline: 2017-12-31
    owner: 王芳（党政办副主任）
    leader: 李建军（办事处主任）
    status: {measure}
    completed_on: {closed_on}
    evidence: [公务用车登记台账（2017年11月）]
"""


def test_a_past_month_is_unchanged_by_later_commits(make_repo, tmp_path) -> None:
    from datetime import datetime

    root = make_repo(
        {"ledgers/r1/wcjd.yml": LEDGER.format(status="open", closed_on="", measure="in_progress")}
    )
    repo = GitRepo(root, start=datetime(2017, 11, 20))
    repo.commit({}, "建立台账")
    before = run_monthly(root, "2017-11", tmp_path / "a")
    # A later commit closes P01 with a November date and backdates a 督办 into November.
    repo.start = datetime(2018, 1, 5)
    repo.commit(
        {
            "ledgers/r1/wcjd.yml": LEDGER.format(
                status="closed", closed_on="2017-11-25", measure="done"
            ),
            "rounds/supervision/r1.yml": (
                "round: r1\nrecords:\n- unit: wcjd\n  date: 2017-11-28\n  kind: reminder\n"
                "  by: 区委巡察办\n  items: [P01/M1]\n"
            ),
        },
        "补录销号和督办",
    )
    after = run_monthly(root, "2017-11", tmp_path / "b")
    assert after == before
    saved = (tmp_path / "b" / "月报-2017-11.json").read_text(encoding="utf-8")
    assert json.loads(saved) == before
    assert before["total"]["累计销号"] == 0 and before["total"]["本月督办"] == 0
    # The month after the commit sees it: the test could fail.
    january = run_monthly(root, "2018-01", tmp_path / "c")
    assert january["total"]["累计销号"] == 1 and january["commit"] != before["commit"]

    # The files carry the same figures.
    book = load_workbook(tmp_path / "a" / "月报-2017-11.xlsx")
    rows = list(book["月报"].iter_rows(values_only=True))
    assert rows[0][0] == "示例区巡察整改情况月报（2017年11月）"
    header = rows[2]
    unit_row = next(r for r in rows if r[1] == "坞城街道党工委")
    assert unit_row[header.index("问题数")] == before["total"]["问题数"]
    document = Document(tmp_path / "a" / "月报-2017-11.docx")
    assert "截至2017年11月30日" in document.paragraphs[1].text
    cells = [c.text for c in document.tables[0].rows[1].cells]
    assert cells[:3] == ["区委第一轮巡察", "坞城街道党工委", str(before["total"]["问题数"])]


def test_a_month_before_the_first_commit_is_refused_plainly(make_repo, tmp_path) -> None:
    from datetime import datetime

    root = make_repo()
    GitRepo(root, start=datetime(2017, 11, 20)).commit({}, "建立台账")
    result = subprocess.run(
        [sys.executable, "-m", "site_builder", "monthly", "2017-10", "--root", str(root)],
        capture_output=True, text=True, timeout=300,
    )  # fmt: skip
    assert result.returncode == 1 and "还没有提交" in result.stderr
    bad = subprocess.run(
        [sys.executable, "-m", "site_builder", "monthly", "2017-13", "--root", str(root)],
        capture_output=True, text=True, timeout=300,
    )  # fmt: skip
    assert bad.returncode == 2 and "无法识别" in bad.stderr and "Traceback" not in bad.stderr


def test_site_month_pages_equal_rectify_monthly_and_are_cached(demo_repo, tmp_path) -> None:
    from site_builder.analyse.months import monthly_series, trend
    from site_builder.pipeline import check_project

    project, diagnostics = check_project(demo_repo)
    history, _ = read_history(demo_repo, project.signers)
    as_of = project.settings.as_of or date(2020, 12, 31)
    analysis = analyse(project, history, as_of)
    series = monthly_series(demo_repo, project, analysis, tmp_path / "cache")
    months = [r.month for r in series]
    assert months[0] == "2017-06" and months[-1] == f"{as_of:%Y-%m}" and len(months) > 40
    assert series[-1].last == as_of  # the as-of month: the site's own figures so far
    by_month = {r.month: r for r in series}
    for month in ("2017-08", "2019-12", "2020-11"):
        report, _ = monthly_report(demo_repo, month)  # from a checkout of the month's end
        assert report is not None and by_month[month].commit == report.commit
        assert by_month[month].rounds == report.rounds and by_month[month].total == report.total
    # Every past month equals the report of the whole project as it stood at its commit
    # (history.snapshot.RecordsAt: every ledger read at that commit, none reused).
    with RecordsAt(demo_repo) as records:
        for past in series[:-1]:
            assert past.commit is not None
            landed = [e for e in history.events if e.landed.date() <= past.last]
            shown = History(available=True, head=past.commit, events=landed)
            whole = report_from_records(
                records.project(past.commit), shown, past.last, past.month, past.commit
            )
            assert repr(whole) == repr(past), past.month  # Decimal places included
    # Kept per month and commit: a second build reads them back, the same figures.
    kept = list((tmp_path / "cache").glob("????-??-*.pickle"))
    assert len(kept) == len(series) - 1
    again = monthly_series(demo_repo, project, analysis, tmp_path / "cache")
    assert [r.total for r in again] == [r.total for r in series]
    assert [r.digest for r in again] == [r.digest for r in series] and series[0].digest
    assert again[5].rounds == series[5].rounds  # rows read back when asked for
    points = trend(series)
    assert sum(p.closed for p in points) > 300 and max(p.overdue for p in points) > 0
    assert sum(p.relapsed for p in points) == series[-1].total.relapsed


def test_month_pages_and_clue_counts_are_internal(make_repo, tmp_path) -> None:
    from datetime import datetime

    from site_builder.analyse.months import monthly_series, trend
    from site_builder.pipeline import check_project
    from site_builder.render.tree import render_docs

    clues = (
        "round: r1\nclues:\n  - {id: XS01, unit: wcjd, summary: 反映公务用车私用, "
        "handed_over_on: 2017-12-10, receiver: 区纪委监委, status: 立案}\n"
    )
    root = make_repo(
        {"ledgers/r1/wcjd.yml": LEDGER.format(status="open", closed_on="", measure="in_progress")}
    )
    repo = GitRepo(root, start=datetime(2017, 11, 20))
    repo.commit({}, "建立台账")
    repo.start = datetime(2018, 1, 5)
    repo.commit({"rounds/clues/r1.yml": clues}, "登记移交问题线索")
    project, diagnostics = check_project(root)
    history, _ = read_history(root, project.signers)
    analysis = analyse(project, history, date(2018, 1, 20))
    site = build_site_data(project, analysis, diagnostics)
    site.months = monthly_series(root, project, analysis, tmp_path / "cache")
    site.trend = trend(site.months)
    # From the first feedback (2017-07), but no page before the first commit; the clue
    # handed over on 2017-12-10 was recorded in January: December's page stays without it.
    assert [r.month for r in site.months] == ["2017-11", "2017-12", "2018-01"]
    assert [sum(r.total.clues.values()) for r in site.months] == [0, 0, 1]
    tree = render_docs(site, tmp_path / "internal")
    docs = tmp_path / "internal"
    assert {"月报": "months/index.md"} in tree.nav
    month = (docs / "months" / "2017-12.md").read_text(encoding="utf-8")
    assert "线索立案" in month and "2017年12月31日当天" in month and "../2018-01/" in month
    index = (docs / "months" / "index.md").read_text(encoding="utf-8")
    assert "<svg" in index and "本月销号问题" in index and "2017年11月" in index
    round_page = (docs / "rounds" / "r1.md").read_text(encoding="utf-8")
    assert "问题线索" in round_page and "立案 1 件" in round_page
    # A public site: no month pages, no clue counts (its records hold no clues at all).
    from site_builder.audience import PUBLIC, for_audience

    shown, public_history, _ = for_audience(PUBLIC, project, history, diagnostics)
    public = build_site_data(shown, analyse(shown, public_history, date(2018, 1, 20)), [])
    public.build = {"audience": "public", "built_at": "2018-01-20T10:00:00+08:00",
                    "commit": None, "dirty": False, "rewrites": []}  # fmt: skip
    tree = render_docs(public, tmp_path / "public")
    assert (
        not (tmp_path / "public" / "months").exists()
        and {"月报": "months/index.md"} not in tree.nav
    )
    text = (tmp_path / "public" / "rounds" / "r1.md").read_text(encoding="utf-8")
    overview = (tmp_path / "public" / "index.md").read_text(encoding="utf-8")
    assert "问题线索" not in text and "问题线索" not in overview and "违规资金" in text


def test_month_rows_equal_the_analysis_functions_on_any_day(demo_repo) -> None:
    """Each row is read from the records reduced once (analyse.month_figures); it equals
    what the site's own functions count on that day, for days around the deadlines."""
    from decimal import Decimal

    from site_builder.analyse.clues import clue_counts
    from site_builder.analyse.indicators import forms_distribution
    from site_builder.analyse.money import unit_money
    from site_builder.analyse.progress import LedgerStats, ledger_stats
    from site_builder.analyse.supervision import records_of
    from site_builder.analyse.trail import trail_counts

    project, _ = load_project(demo_repo)
    history, _ = read_history(demo_repo, project.signers)
    # Days on which open measures fall due (not yet overdue), and the days after (overdue).
    deadlines = sorted(
        {m.approved_deadline for led in project.ledgers for p in led.problems
         for m in p.measures if m.approved_deadline and not m.complete
         and m.status != "withdrawn"}
    )  # fmt: skip
    days = [deadlines[0], deadlines[len(deadlines) // 2], deadlines[-1]]
    days += [date.fromordinal(d.toordinal() + 1) for d in days]  # the day after: overdue
    compared = overdue = 0
    for day in days:
        report = report_from_records(project, history, day, f"{day:%Y-%m}")
        events = history.by_ledger()
        for round_ in report.rounds:
            for row in round_.units:
                key = f"{round_.round}/{row.unit}"
                ledger = project.ledger_by_key.get(key)
                stats = ledger_stats(ledger, day, project.settings.thresholds) if ledger else None
                stats = stats or LedgerStats()
                trail = trail_counts(events.get(key, []))
                clues = clue_counts(project, day, round_.round, row.unit)
                money = unit_money(ledger, day).by_kind
                dubian = records_of(project, round_.round, row.unit, day)
                f = row.figures
                closed_month = sum(
                    p.status == "closed" and p.closed_on is not None
                    and report.first <= p.closed_on <= day
                    for p in (ledger.problems if ledger else [])
                )  # fmt: skip
                assert (f.problems, f.closed, f.overdue, f.closed_month) == (
                    stats.problems - stats.withdrawn, stats.closed, stats.overdue, closed_month
                ), (key, day)  # fmt: skip
                assert (f.postponed, f.relapsed) == (trail.postponed, trail.reopened)
                assert f.forms == forms_distribution(ledger)
                assert f.dubian == sum(r.date >= report.first for r in dubian)
                assert f.clues == clues.__dict__
                want = {k: money.get(k, Decimal("0.00")) for k in f.money}
                assert repr(f.money) == repr(want), (key, day)
                compared += 1
                overdue += f.overdue
    assert compared > 300 and overdue > 0


def test_a_rebuild_after_one_merge_renders_only_the_current_months_page(
    make_repo, tmp_path
) -> None:
    from datetime import datetime

    from site_builder.render.months_view import MONTH_STATE_FILE
    from site_builder.render.tree import render_docs

    root = make_repo(
        {"ledgers/r1/wcjd.yml": LEDGER.format(status="open", closed_on="", measure="in_progress")}
    )
    repo = GitRepo(root, start=datetime(2017, 11, 20))
    repo.commit({}, "建立台账")
    repo.start = datetime(2017, 12, 12)
    repo.commit(
        {"rounds/supervision/r1.yml": (
            "round: r1\nrecords:\n- unit: wcjd\n  date: 2017-12-11\n  kind: reminder\n"
            "  by: 区委巡察办\n  items: [P01/M1]\n"
        )},
        "登记督办提醒",
    )  # fmt: skip

    def build(out):
        site = month_site(root, date(2018, 2, 20), out / "month-reports")
        render_docs(site, out / "docs")
        state = json.loads((out / MONTH_STATE_FILE).read_text(encoding="utf-8"))
        return site, state["rendered"]

    site, rendered = build(tmp_path / "out")
    months = ["2017-11", "2017-12", "2018-01", "2018-02"]
    assert [r.month for r in site.months] == months
    assert rendered == [f"months/{m}.md" for m in months]
    # One merged change in February closes P01.
    repo.start = datetime(2018, 2, 5)
    repo.branch("close-p01")
    closed = LEDGER.format(status="closed", closed_on="2018-02-04", measure="done")
    repo.commit({"ledgers/r1/wcjd.yml": closed}, "P01 销号")
    repo.merge("close-p01")
    site, rendered = build(tmp_path / "out")
    assert rendered == ["months/2018-02.md"]
    # The past months' rows were never read back: their pages were kept as they were.
    assert all("rounds" not in r.__dict__ for r in site.months[:-1])
    february = (tmp_path / "out" / "docs" / "months" / "2018-02.md").read_text(encoding="utf-8")
    assert "本月销号 1 个" in february
    # The same tree as a build from nothing.
    build(tmp_path / "cold")
    docs, cold = tmp_path / "out" / "docs", tmp_path / "cold" / "docs"
    files = sorted(p.relative_to(docs) for p in docs.rglob("*") if p.is_file())
    assert files == sorted(p.relative_to(cold) for p in cold.rglob("*") if p.is_file())
    assert all((docs / f).read_bytes() == (cold / f).read_bytes() for f in files)


def test_month_end_tips_read_incrementally_see_a_backdated_commit(make_repo) -> None:
    """A rebuild reads only the main-line commits since its last head; one carrying an
    older author date (a rebase merge keeps the author's) becomes that month's tip."""
    from datetime import datetime

    from site_builder.history.month_records import tips_as_of

    root = make_repo()
    repo = GitRepo(root, start=datetime(2017, 11, 20))
    november = repo.commit({}, "建立台账")
    repo.start = datetime(2017, 12, 12)
    december = repo.commit({"rounds/clues/r1.yml": "round: r1\nclues: []\n"}, "登记线索")
    days = [date(2017, 10, 31), date(2017, 11, 30), date(2017, 12, 31)]
    first = tips_as_of(root, days, december)
    assert list(first.values()) == [None, november, december]
    assert tips_as_of(root, days, december, (december, first)) == first
    # A commit on main written in November, landed in January with its author date.
    when = "2017-11-25T10:00:00+08:00"
    repo.write({"rounds/clues/r1.yml": "round: r1\nclues: []\n# 补记\n"})
    repo.git("add", "-A")
    repo.git("commit", "-q", "-m", "补记", env={"GIT_AUTHOR_DATE": when})
    head = repo.git("rev-parse", "HEAD")
    again = tips_as_of(root, days, head, (december, first))
    assert again == tips_as_of(root, days, head) == {
        days[0]: None, days[1]: head, days[2]: head
    }  # fmt: skip
