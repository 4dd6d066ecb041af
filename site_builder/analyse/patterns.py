"""The failure patterns of DOMAIN.md, each with the evidence that triggered it."""

from __future__ import annotations

import re
from dataclasses import dataclass, field
from datetime import date, timedelta

from site_builder.analyse.trail import is_relapse
from site_builder.history import Event, Kind
from site_builder.model import Project
from site_builder.model.labels import PATTERN
from site_builder.model.ledger import Ledger
from site_builder.model.refs import ItemRef
from site_builder.model.wording import cn_date

# Posts that should not carry a unit's rectification alone: 主体责任 lies with the secretary.
_SUPPORTING_POSTS = re.compile(r"纪工委书记|纪委书记|纪检组长|纪检委员|组织委员|党建办|纪工委")
_PAPER_EVIDENCE = re.compile(r"情况说明|说明材料|自查报告")


@dataclass(frozen=True)
class Finding:
    code: str  # a pattern code from PATTERNS
    evidence: list[str] = field(default_factory=list)


PATTERNS = PATTERN


def ledger_findings(
    project: Project, ledger: Ledger, feedback: date, as_of: date, events: list[Event]
) -> list[Finding]:
    checks = (
        _strong_start(ledger, feedback, as_of),
        _box_ticking(ledger, events),
        _incomplete(project, ledger, feedback),
        _soft_accountability(ledger),
        _symptoms_only(ledger),
        _weak_principal(ledger),
        _relapse(project, ledger, events),
    )
    return [f for f in checks if f is not None]


def _strong_start(ledger: Ledger, feedback: date, as_of: date) -> Finding | None:
    closures = [p.closed_on for p in ledger.problems if p.closed_on]
    early = [d for d in closures if d <= feedback + timedelta(days=60)]
    late_open = [
        (m, (as_of - m.deadline).days)
        for p in ledger.problems
        for m in p.measures
        if m.status not in ("done", "withdrawn") and m.deadline and (as_of - m.deadline).days > 180
    ]
    if len(early) >= 2 and late_open and len(early) >= len(closures) / 2:
        worst = max(days for _, days in late_open)
        return Finding(
            "strong_start",
            [
                f"反馈后 60 天内销号 {len(early)} 个问题，此后仅销号 {len(closures) - len(early)} 个",
                f"{len(late_open)} 条措施逾期超过 180 天未完成（最长逾期 {worst} 天）",
            ],
        )
    return None


def _box_ticking(ledger: Ledger, events: list[Event]) -> Finding | None:
    evidence = []
    for p in ledger.problems:
        if p.status != "closed":
            continue
        titles = [e.title for m in p.measures for e in m.evidence]
        if titles and all(_PAPER_EVIDENCE.search(t) for t in titles):
            evidence.append(f"{p.id} 销号佐证只有“{titles[0]}”之类的说明材料")
    postponed = [e for e in events if e.kind is Kind.POSTPONED and not _approved(ledger, e)]
    for e in postponed:
        item = ItemRef.parse(e.item).within
        evidence.append(f"{item} 完成时限 {cn_date(e.old)} 推迟到 {cn_date(e.new)}（{e.days} 天）")
    return Finding("box_ticking", evidence) if evidence else None


def _approved(ledger: Ledger, event: Event) -> bool:
    """A postponement in the history that an approved 延期申请 of the ledger covers."""
    ref = ItemRef.parse(event.item)
    if not ref.is_measure or not event.new:
        return False
    measure = next(
        (
            m
            for p in ledger.problems
            if p.id == ref.problem
            for m in p.measures
            if m.id == ref.measure
        ),
        None,
    )
    try:
        record = measure.postponement_to(date.fromisoformat(event.new)) if measure else None
    except ValueError:
        return False
    return record is not None and record.approved


def _incomplete(project: Project, ledger: Ledger, feedback: date) -> Finding | None:
    if not ledger.problems or any(p.source != "feedback" for p in ledger.problems):
        return None
    # Common problems the district named in earlier rounds, before this unit's feedback.
    rounds = project.round_by_id
    own_start = rounds[ledger.round].start if ledger.round in rounds else feedback
    named = [
        c.code
        for c in project.common_problems
        if any(
            r in rounds and rounds[r].start < own_start and rounds[r].end < feedback
            for r in c.named_in
        )
    ]
    if not named:
        return None
    return Finding(
        "incomplete",
        [
            f"{len(ledger.problems)} 个问题全部来自巡察反馈，没有认领共性问题、上级新要求或自查问题",
            f"反馈前区委已指出共性问题 {len(named)} 项（{'、'.join(named[:6])}{'等' if len(named) > 6 else ''}）",
        ],
    )


def _soft_accountability(ledger: Ledger) -> Finding | None:
    soft = [p.id for p in ledger.problems if p.accountability_is_soft]
    if not soft:
        return None
    return Finding("soft_accountability", [f"{pid} 只追究直接责任，未追究领导责任" for pid in soft])


def _symptoms_only(ledger: Ledger) -> Finding | None:
    closed = [p for p in ledger.problems if p.status == "closed"]
    bare = [p.id for p in closed if not p.mechanisms]
    if len(bare) >= 2 and len(bare) * 2 >= len(closed):
        return Finding(
            "symptoms_only",
            [f"已销号 {len(closed)} 个问题中 {len(bare)} 个没有建立长效机制（{'、'.join(bare)}）"],
        )
    return None


def _weak_principal(ledger: Ledger) -> Finding | None:
    leaders = [m.leader for p in ledger.problems for m in p.measures if m.leader]
    supporting = [name for name in leaders if _SUPPORTING_POSTS.search(name)]
    if leaders and len(supporting) * 10 >= len(leaders) * 6:
        names = sorted(set(supporting))
        return Finding(
            "weak_principal",
            [
                f"{len(supporting)}/{len(leaders)} 条措施的责任领导是 {'、'.join(names[:3])}，"
                "而非主要负责人或班子成员分工负责"
            ],
        )
    return None


def _relapse(project: Project, ledger: Ledger, events: list[Event]) -> Finding | None:
    evidence = [
        f"{ItemRef.parse(e.item).within} 已销号后于 {cn_date(e.landed.date())}重新打开"
        for e in events
        if is_relapse(e)
    ]
    codes = {p.common_code: p.id for p in ledger.problems if p.common_code}
    rounds = project.round_by_id
    for other in project.ledgers_by_unit.get(ledger.unit, []):
        earlier = (
            other.round in rounds
            and ledger.round in rounds
            and rounds[other.round].start < rounds[ledger.round].start
        )
        if other.unit != ledger.unit or not earlier:
            continue
        for p in other.problems:
            if p.common_code in codes:
                evidence.append(
                    f"{codes[p.common_code]} 与{rounds[other.round].name} {p.id} "
                    f"属同一共性问题 {p.common_code}，再次被发现"
                )
    return Finding("relapse", evidence) if evidence else None
