"""The site's monthly pages (月报): one report per month, each computed from the
repository as it stood at the month's end (analyse.monthly), so a past month's page never
changes when later commits land; and the trend over months.

Months run from the month of the first feedback to the site's as-of month. The as-of
month is read from the site's own analysis (its figures so far). Every earlier month is
read from the main-line commit that was the tip at the month's end, walking the months in
order (history.month_records.RecordsWalk): each version of a rounds/ file is loaded once,
each ledger version reduced once to its figures (analyse.month_figures; kept by blob in
OUT/month-reports/ too), and the history's events counted by the day they landed: the
events of a first-parent line's prefix are the prefix of its events, so the figures equal
those of a checkout of that commit (tests/test_monthly.py checks it). The reports are kept
in OUT/month-reports/, keyed by the month and that commit: a rebuild recomputes only the
months added since (or all, after a history rewrite), reads the others back with their
rows still packed (a page whose month is unchanged is not rendered) and knows each
report's digest, which the month pages are keyed by (render/months_view.py).
"""

from __future__ import annotations

import hashlib
import os
import pickle
from dataclasses import dataclass
from datetime import date
from pathlib import Path

from site_builder.analyse.month_figures import (
    LedgerFigures,
    Registers,
    TrailDays,
    ledger_figures,
    registers,
)
from site_builder.analyse.monthly import MonthlyReport, month_report, report_from_records
from site_builder.analyse.stage import Analysis
from site_builder.history import History
from site_builder.history.cache import SCHEMA_VERSION, read_pickle, write_atomic
from site_builder.history.git import GitError
from site_builder.history.month_records import RecordsWalk, tips_as_of
from site_builder.model import Project

MONTHS_FORMAT = 2  # bump when MonthlyReport or its figures change


def month_keys(first: date, last: date) -> list[str]:
    """'YYYY-MM' for every month from ``first``'s to ``last``'s, both included."""
    keys = []
    year, month = first.year, first.month
    while (year, month) <= (last.year, last.month):
        keys.append(f"{year:04d}-{month:02d}")
        year, month = (year + 1, 1) if month == 12 else (year, month + 1)
    return keys


def site_months(project_feedback: list[date], as_of: date) -> list[str]:
    """The months the site keeps a page for: from the first feedback to the as-of month."""
    earliest = min((d for d in project_feedback if d <= as_of), default=None)
    return month_keys(earliest, as_of) if earliest else []


def _cached(cache_dir: Path, month: str, commit: str) -> MonthlyReport | None:
    path = cache_dir / f"{month}-{commit}.v{MONTHS_FORMAT}.pickle"
    try:
        data = path.read_bytes()
        # Our own cache in the build folder, written by this code.
        report = pickle.loads(data)  # noqa: S301
    except (OSError, pickle.UnpicklingError, EOFError, AttributeError, ValueError):
        return None
    if not isinstance(report, MonthlyReport):
        return None
    report.digest = _digest(data)  # its rows stay packed until a page reads them
    return report


def _store(cache_dir: Path, report: MonthlyReport) -> None:
    cache_dir.mkdir(parents=True, exist_ok=True)
    path = cache_dir / f"{report.month}-{report.commit}.v{MONTHS_FORMAT}.pickle"
    temporary = path.with_suffix(f".{os.getpid()}.tmp")
    data = _packed(report)
    temporary.write_bytes(data)
    temporary.replace(path)


def _packed(report: MonthlyReport) -> bytes:
    """``report`` pickled, its digest set to that of the bytes."""
    data = pickle.dumps(report, pickle.HIGHEST_PROTOCOL)
    report.digest = _digest(data)
    return data


def _digest(data: bytes) -> str:
    return hashlib.blake2b(data, digest_size=16).hexdigest()


def monthly_series(
    root: Path, project: Project, analysis: Analysis, cache_dir: Path
) -> list[MonthlyReport]:
    """A report per month of ``site_months``, oldest first. The as-of month is read from
    the records and history the site is made of; each earlier month from the records at
    its last day's main-line tip and the history events landed by then."""
    history = analysis.history
    feedback = [
        entry.feedback_on
        for round_ in project.rounds
        for team in round_.teams
        for entry in team.units
        if entry.unit in project.unit_by_id
    ]
    months = site_months(feedback, analysis.as_of)
    reports = []
    ends = {month: month_end(date.fromisoformat(month + "-01")) for month in months[:-1]}
    if ends and history.available:
        try:
            reports = _past_months(root, history, ends, cache_dir)
        except GitError:
            reports = []
    if months:
        current = report_from_records(project, history, analysis.as_of, months[-1], history.head)
        _packed(current)
        reports.append(current)
    return reports


def _past_months(
    root: Path, history: History, ends: dict[str, date], cache_dir: Path
) -> list[MonthlyReport]:
    tips_path = cache_dir / f"tips.v{MONTHS_FORMAT}.pickle"
    before = read_pickle(tips_path)
    before = before if isinstance(before, tuple) and len(before) == 2 else None
    tips = tips_as_of(root, list(ends.values()), history.head, before)
    if history.head is not None and before != (history.head, tips):
        cache_dir.mkdir(parents=True, exist_ok=True)
        write_atomic(tips_path, pickle.dumps((history.head, tips), pickle.HIGHEST_PROTOCOL))
    found = {
        month: _cached(cache_dir, month, commit)
        for month, last in ends.items()
        if (commit := tips.get(last)) is not None  # no commit yet by then: no page
    }
    missing = [month for month, report in found.items() if report is None]
    if missing:
        trail = TrailDays(history.events)
        known = _ledgers_cached(cache_dir)
        size = len(known)
        kept: dict[str, Registers] = {}  # by version of rounds/
        with RecordsWalk(root) as records:
            for month in missing:
                last, commit = ends[month], tips[ends[month]]
                assert commit is not None
                version, base = records.base(commit)
                if version not in kept:
                    kept[version] = registers(base)
                ledgers = {}
                # In path order: of two files with one key, the last counts (load_project).
                for path, blob in records.ledger_blobs(commit):
                    name = f"{blob}:{path}"
                    if name in known:
                        entry = known[name]
                    else:
                        ledger = records.ledger(path, blob)
                        entry = (ledger.key, ledger_figures(ledger)) if ledger else None
                        known[name] = entry
                    if entry is not None:
                        ledgers[entry[0]] = entry[1]
                report = month_report(
                    base, kept[version], ledgers, trail.counts(last), last, month, commit
                )
                _store(cache_dir, report)
                found[month] = report
        if len(known) != size:
            _store_ledgers(cache_dir, known)
    return [report for report in found.values() if report is not None]


LedgerEntry = tuple[str, LedgerFigures] | None  # a ledger version's key and figures


def _ledgers_path(cache_dir: Path) -> Path:
    return cache_dir / f"ledgers.v{MONTHS_FORMAT}.{SCHEMA_VERSION}.pickle"


def _ledgers_cached(cache_dir: Path) -> dict[str, LedgerEntry]:
    """Each ledger version's figures (by blob and path) from earlier builds."""
    found = read_pickle(_ledgers_path(cache_dir))
    return found if isinstance(found, dict) else {}


def _store_ledgers(cache_dir: Path, known: dict[str, LedgerEntry]) -> None:
    write_atomic(_ledgers_path(cache_dir), pickle.dumps(known, pickle.HIGHEST_PROTOCOL))


def month_end(first: date) -> date:
    next_month = date(first.year + first.month // 12, first.month % 12 + 1, 1)
    return date.fromordinal(next_month.toordinal() - 1)


@dataclass(frozen=True)
class TrendPoint:
    month: str
    closed: int  # problems closed in the month
    overdue: int  # measures overdue at the month's end
    relapsed: int  # problems reopened after closure during the month (改后又犯)


def trend(reports: list[MonthlyReport]) -> list[TrendPoint]:
    points = []
    before = 0
    for report in reports:
        relapsed = report.total.relapsed
        points.append(
            TrendPoint(report.month, report.total.closed_month, report.total.overdue,
                       max(relapsed - before, 0))
        )  # fmt: skip
        before = relapsed
    return points
