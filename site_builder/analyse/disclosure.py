"""What a unit's public notice of rectification progress (整改情况公开) says.

The figures are the site's own: ``ledger_stats`` counts the problems, closures and
measures exactly as the round tables and the overview do, so a notice and the pages
beside it cannot disagree. Accountability is counted from the entries that stand
(``Problem.current_accountability``), by form and by measure, and names nobody.
Built from the records the audience may see (a public build's are already masked).
"""

from __future__ import annotations

from collections import Counter
from collections.abc import Mapping
from dataclasses import dataclass
from datetime import date

from site_builder.analyse.progress import LedgerStats, ledger_stats
from site_builder.model import Project
from site_builder.model.labels import FORM_SHORT, TIME_LIMIT
from site_builder.model.ledger import Ledger


@dataclass(frozen=True)
class TimeLimitCount:
    label: str  # 立行立改 / 限期整改 / 长期坚持
    measures: int
    complete: int  # done, or a 长期坚持 measure's stage done


@dataclass(frozen=True)
class ProblemMeasures:
    """One problem and the measures taken on it, as the notice lists them."""

    title: str
    closed: bool
    measures: tuple[str, ...]


@dataclass(frozen=True)
class Count:
    label: str
    count: int


@dataclass(frozen=True)
class DisclosureNotice:
    round_id: str
    unit_id: str
    unit_name: str
    round_name: str
    team_name: str
    inspected_from: date | None
    inspected_to: date | None
    feedback_on: date | None
    stats: LedgerStats  # the site's figures for this ledger
    from_feedback: int  # problems (not withdrawn) the team fed back
    found_otherwise: int  # common problems, higher requirements, the unit's own
    time_limits: tuple[TimeLimitCount, ...]
    main_measures: tuple[ProblemMeasures, ...]
    mechanisms: tuple[str, ...]  # 长效机制: rules issued, with their document and date
    long_term: tuple[str, ...]  # measures kept up for good (长期坚持)
    by_form: tuple[Count, ...]  # persons held accountable (人次), by the four forms
    by_measure: tuple[Count, ...]  # and by the measure taken (诫勉, 批评教育 …)
    as_of: date

    @property
    def key(self) -> str:
        return f"{self.round_id}/{self.unit_id}"

    @property
    def problems(self) -> int:
        """巡察反馈问题 N 个: every problem of the ledger but those withdrawn."""
        return self.stats.problems - self.stats.withdrawn

    @property
    def held_accountable(self) -> int:
        return sum(c.count for c in self.by_form)


def disclosure_notice(
    project: Project, ledger: Ledger, as_of: date, stats: LedgerStats | None = None
) -> DisclosureNotice:
    """The notice of one ledger (a unit in a round) as of ``as_of``; ``stats`` are the
    ledger's figures when the analysis already has them."""
    if stats is None:
        stats = ledger_stats(ledger, as_of, project.settings.thresholds)
    round_ = project.round_by_id.get(ledger.round)
    unit = project.unit_by_id.get(ledger.unit)
    team = round_.team_of(ledger.unit) if round_ else None
    entry = round_.inspected().get(ledger.unit) if round_ else None
    active = [p for p in ledger.problems if p.status != "withdrawn"]
    limits: dict[str, list[int]] = {key: [0, 0] for key in TIME_LIMIT}
    long_term, main = [], []
    forms: Counter[int] = Counter()
    measures_taken: Counter[str] = Counter()
    mechanisms = []
    for problem in active:
        shown = []
        for measure in problem.measures:
            if measure.status == "withdrawn":
                continue
            limits[measure.time_limit][0] += 1
            limits[measure.time_limit][1] += measure.complete
            if measure.text and measure.status != "not_started":
                shown.append(measure.text)
            if measure.time_limit == "long_term" and measure.text:
                long_term.append(measure.text)
        main.append(ProblemMeasures(problem.title, problem.status == "closed", tuple(shown)))
        for mechanism in problem.mechanisms:
            mechanisms.append(
                _mechanism_text(mechanism.title, mechanism.document, mechanism.issued_on)
            )
        for entry_ in problem.current_accountability:
            forms[entry_.form] += 1
            measures_taken[entry_.measure] += 1
    return DisclosureNotice(
        round_id=ledger.round,
        unit_id=ledger.unit,
        unit_name=unit.name if unit else ledger.unit,
        round_name=round_.name if round_ else ledger.round,
        team_name=team.name if team else "",
        inspected_from=round_.start if round_ else None,
        inspected_to=round_.end if round_ else None,
        feedback_on=entry.feedback_on if entry else None,
        stats=stats,
        from_feedback=sum(p.source == "feedback" for p in active),
        found_otherwise=sum(p.source != "feedback" for p in active),
        time_limits=tuple(
            TimeLimitCount(TIME_LIMIT[key], n, done) for key, (n, done) in limits.items() if n
        ),
        main_measures=tuple(p for p in main if p.measures),
        mechanisms=tuple(dict.fromkeys(mechanisms)),
        long_term=tuple(dict.fromkeys(long_term)),
        by_form=tuple(Count(FORM_SHORT[f], forms[f]) for f in sorted(forms)),
        by_measure=tuple(Count(m, n) for m, n in sorted(measures_taken.items(), key=_most)),
        as_of=as_of,
    )


def disclosure_notices(
    project: Project, as_of: date, known: Mapping[str, LedgerStats] | None = None
) -> list[DisclosureNotice]:
    """Every ledger's notice, by round (oldest first), then unit; ``known`` holds the
    figures the analysis already counted (ledger key -> stats), so none is counted twice."""
    start = {r.id: r.start for r in project.rounds}
    ledgers = sorted(
        project.ledgers, key=lambda led: (start.get(led.round, as_of), led.round, led.unit)
    )
    known = known or {}
    return [disclosure_notice(project, ledger, as_of, known.get(ledger.key)) for ledger in ledgers]


def _mechanism_text(title: str, document: str | None, issued_on: date | None) -> str:
    name = title if title.startswith("《") else f"《{title}》"
    details = [
        d
        for d in (document, f"{issued_on.year}年{issued_on.month}月印发" if issued_on else None)
        if d
    ]
    return name + (f"（{'，'.join(details)}）" if details else "")


def _most(item: tuple[str, int]) -> tuple[int, str]:
    return -item[1], item[0]
