"""Indicators of the eight checks (八查) computed from the ledger, its history and the record.

Each indicator is a ratio from 0 to 1 with the figures it came from, so a scorecard
can show why a unit got its points. ``None`` means the indicator does not apply
(nothing to measure, e.g. no closed problem yet); the rubric's scoring then leaves
the item out rather than giving or taking points for it. The ledger is read as it
stood on the evaluation date: a measure completed or a problem closed after that
date counts as not yet done.
"""

from __future__ import annotations

import re
from collections import Counter
from collections.abc import Callable, Mapping
from dataclasses import dataclass, field
from datetime import date

from site_builder.history import STATE_LABELS, Event, Kind, State
from site_builder.model.evaluation import INDICATORS, Evaluation
from site_builder.model.ledger import Ledger, Measure, Problem

# Posts that support the rectification but should not carry it alone (主体责任不强);
# the same reading as analyse.patterns uses for its 'weak_principal' finding.
SUPPORTING_POSTS = re.compile(r"纪工委书记|纪委书记|纪检组长|纪检委员|组织委员|党建办|纪工委")
PAPER_EVIDENCE = re.compile(r"情况说明|说明材料|自查报告")


@dataclass(frozen=True)
class Indicator:
    key: str
    ratio: float | None  # 0..1, or None when it does not apply
    inputs: tuple[str, ...]

    @property
    def label(self) -> str:
        return INDICATORS[self.key]


@dataclass(frozen=True)
class Context:
    """What an indicator may read: the ledger, its history and the evaluators' record."""

    evaluation: Evaluation
    ledger: Ledger | None
    events: list[Event]  # this ledger's events, in order
    history_available: bool
    basically_weight: float = 0.5
    closures: Mapping[str, Event] = field(default_factory=dict)  # the standing closures

    @property
    def day(self) -> date:
        return self.evaluation.evaluated_on

    def problems(self) -> list[Problem]:
        return [p for p in self.ledger.problems if p.status != "withdrawn"] if self.ledger else []

    def measures(self) -> list[tuple[Problem, Measure]]:
        return [(p, m) for p in self.problems() for m in p.measures if m.status != "withdrawn"]

    def closed(self) -> list[Problem]:
        return [
            p
            for p in self.problems()
            if p.status == "closed" and (p.closed_on is None or p.closed_on <= self.day)
        ]

    def done(self) -> list[tuple[Problem, Measure]]:
        return [
            (p, m)
            for p, m in self.measures()
            if m.status == "done" and (m.completed_on is None or m.completed_on <= self.day)
        ]


def _ratio(part: int, whole: int) -> float:
    return min(1.0, part / whole) if whole else 0.0


def _ids(pairs: list, limit: int = 6) -> str:
    names = [f"{p.id}/{m.id}" if m is not None else p.id for p, m in pairs]
    return "、".join(names[:limit]) + ("等" if len(names) > limit else "")


def _no_ledger(key: str) -> Indicator:
    return Indicator(key, 0.0, ("没有整改台账",))


def leader_coverage(ctx: Context) -> Indicator:
    if ctx.ledger is None:
        return _no_ledger("leader_coverage")
    measures = ctx.measures()
    if not measures:
        return Indicator("leader_coverage", None, ("台账没有整改措施",))
    missing = [(p, m) for p, m in measures if not m.leader]
    supporting = [(p, m) for p, m in measures if m.leader and SUPPORTING_POSTS.search(m.leader)]
    covered = len(measures) - len(missing) - len(supporting)
    lines = [f"措施 {len(measures)} 条，责任领导为班子成员的 {covered} 条"]
    if supporting:
        names = "、".join(sorted({m.leader for _, m in supporting if m.leader})[:3])
        lines.append(f"由纪检、组织委员或党建办牵头的 {len(supporting)} 条（{names}）")
    if missing:
        lines.append(f"没有填写责任领导的 {len(missing)} 条（{_ids(missing)}）")
    return Indicator("leader_coverage", _ratio(covered, len(measures)), tuple(lines))


def ledger_completeness(ctx: Context) -> Indicator:
    if ctx.ledger is None:
        return _no_ledger("ledger_completeness")
    problems = ctx.problems()
    if not problems:
        return Indicator("ledger_completeness", None, ("台账没有问题",))
    measures = ctx.measures()
    bare = [(p, None) for p in problems if not any(m.status != "withdrawn" for m in p.measures)]
    complete = [(p, m) for p, m in measures if m.deadline and m.owner and m.leader]
    lines = [
        f"措施 {len(measures)} 条：有完成时限 {sum(bool(m.deadline) for _, m in measures)} 条、"
        f"有责任人 {sum(bool(m.owner) for _, m in measures)} 条、"
        f"有责任领导 {sum(bool(m.leader) for _, m in measures)} 条，三项齐全 {len(complete)} 条"
    ]
    if bare:
        lines.append(f"没有整改措施的问题 {len(bare)} 个（{_ids(bare)}），按缺项计")
    return Indicator(
        "ledger_completeness", _ratio(len(complete), len(measures) + len(bare)), tuple(lines)
    )


def on_time(ctx: Context) -> Indicator:
    if ctx.ledger is None:
        return _no_ledger("on_time")
    due = [(p, m) for p, m in ctx.measures() if m.deadline and m.deadline <= ctx.day]
    if not due:
        return Indicator("on_time", None, (f"截至评估日 {ctx.day} 没有到期的措施",))
    punctual = [
        (p, m)
        for p, m in due
        if m.status == "done" and m.completed_on and m.deadline and m.completed_on <= m.deadline
    ]
    late_done = [
        (p, m)
        for p, m in due
        if m.status == "done"
        and m.completed_on
        and m.deadline
        and m.deadline < m.completed_on <= ctx.day
    ]
    overdue = [pm for pm in due if pm not in punctual and pm not in late_done]
    lines = [f"截至评估日 {ctx.day} 到期措施 {len(due)} 条，按时完成 {len(punctual)} 条"]
    if late_done:
        lines.append(f"逾期完成 {len(late_done)} 条（{_ids(late_done)}）")
    if overdue:
        lines.append(f"逾期未完成 {len(overdue)} 条（{_ids(overdue)}）")
    return Indicator("on_time", _ratio(len(punctual), len(due)), tuple(lines))


def closure(ctx: Context) -> Indicator:
    if ctx.ledger is None:
        return _no_ledger("closure")
    problems = ctx.problems()
    if not problems:
        return Indicator("closure", None, ("台账没有问题",))
    closed = ctx.closed()
    open_ = [(p, None) for p in problems if p not in closed]
    lines = [f"问题 {len(problems)} 个（不含撤销），截至评估日已销号 {len(closed)} 个"]
    if open_:
        lines.append(f"未销号 {len(open_)} 个（{_ids(open_)}）")
    return Indicator("closure", _ratio(len(closed), len(problems)), tuple(lines))


def _closure_states(ctx: Context) -> dict[str, State | None]:
    """The sign-off state of each problem's latest closure that still stands."""
    return {
        ref: event.signoff.state
        for ref, event in ctx.closures.items()
        if event.kind is Kind.CLOSED and ctx.ledger and ref.startswith(ctx.ledger.key + "/")
    }


def confirmed_closures(ctx: Context) -> Indicator:
    if not ctx.history_available:
        return Indicator("confirmed_closures", None, ("没有 git 修改记录，无法核实销号审批",))
    if ctx.ledger is None:
        return _no_ledger("confirmed_closures")
    closed = ctx.closed()
    if not closed:
        return Indicator("confirmed_closures", None, ("截至评估日没有已销号的问题",))
    states = _closure_states(ctx)
    found = Counter(states.get(ctx.ledger.problem_ref(p)) for p in closed)
    confirmed = found.pop(State.CONFIRMED, 0)
    lines = [f"已销号 {len(closed)} 个，销号经审批确认 {confirmed} 个"]
    for state, count in sorted(found.items(), key=lambda kv: str(kv[0])):
        label = STATE_LABELS[state] if state else "修改记录中没有销号"
        lines.append(f"{label} {count} 个")
    return Indicator("confirmed_closures", _ratio(confirmed, len(closed)), tuple(lines))


def no_postponement(ctx: Context) -> Indicator:
    if not ctx.history_available:
        return Indicator("no_postponement", None, ("没有 git 修改记录，无法核实完成时限调整",))
    if ctx.ledger is None:
        return _no_ledger("no_postponement")
    measures = ctx.measures()
    if not measures:
        return Indicator("no_postponement", None, ("台账没有整改措施",))
    moves = [e for e in ctx.events if e.kind is Kind.POSTPONED and e.landed.date() <= ctx.day]
    moved = {e.item for e in moves}
    lines = [f"措施 {len(measures)} 条，推迟过完成时限 {len(moved)} 条"]
    for e in moves[:4]:
        lines.append(f"{e.item.split('/', 2)[2]}：{e.old} → {e.new}（推迟 {e.days} 天）")
    if len(moves) > 4:
        lines.append(f"另有 {len(moves) - 4} 次推迟")
    return Indicator("no_postponement", 1 - _ratio(len(moved), len(measures)), tuple(lines))


def clues_handled(ctx: Context) -> Indicator:
    c = ctx.evaluation.clues
    received = c.clues_received + c.petitions_received
    closed = c.clues_closed + c.petitions_closed
    lines = (
        f"移交问题线索 {c.clues_received} 件、办结 {c.clues_closed} 件；"
        f"信访事项 {c.petitions_received} 件、办结 {c.petitions_closed} 件",
    )
    if received <= 0:
        return Indicator("clues_handled", None, ("巡察组没有移交问题线索和信访事项",))
    return Indicator("clues_handled", _ratio(max(closed, 0), received), lines)


def _accountable(ctx: Context) -> list[Problem]:
    return [p for p in ctx.problems() if p.accountability]


def accountability_list(ctx: Context) -> Indicator:
    reason = ctx.evaluation.clues.none_due_reason
    entries = [a for p in ctx.problems() for a in p.accountability]
    if entries:
        forms = Counter(a.form for a in entries)
        spread = "、".join(f"第{f}种形态 {n} 人次" for f, n in sorted(forms.items()))
        return Indicator(
            "accountability_list",
            1.0,
            (f"问责 {len(entries)} 人次，涉及问题 {len(_accountable(ctx))} 个（{spread}）",),
        )
    if reason:
        return Indicator("accountability_list", None, (f"经评估组核实无需问责：{reason}",))
    return Indicator("accountability_list", 0.0, ("问责清单为空，没有任何问责记录",))


def leadership_accountability(ctx: Context) -> Indicator:
    problems = _accountable(ctx)
    if not problems:
        if ctx.evaluation.clues.none_due_reason:
            return Indicator("leadership_accountability", None, ("经评估组核实无需问责",))
        return Indicator("leadership_accountability", 0.0, ("没有任何问责记录",))
    leading = [
        p for p in problems if any(a.responsibility == "leadership" for a in p.accountability)
    ]
    exempt = [p for p in problems if p not in leading and p.leadership_exempt_reason]
    direct_only = [(p, None) for p in problems if p not in leading and p not in exempt]
    lines = [f"有问责的问题 {len(problems)} 个，追究了领导责任的 {len(leading)} 个"]
    if exempt:
        lines.append(f"写明不追究领导责任理由的 {len(exempt)} 个")
    if direct_only:
        lines.append(f"只追究直接责任的 {len(direct_only)} 个（{_ids(direct_only)}）")
    ratio = _ratio(len(leading) + len(exempt), len(problems))
    return Indicator("leadership_accountability", ratio, tuple(lines))


def substantive_evidence(ctx: Context) -> Indicator:
    if ctx.ledger is None:
        return _no_ledger("substantive_evidence")
    done = ctx.done()
    if not done:
        return Indicator("substantive_evidence", None, ("截至评估日没有已完成的措施",))
    paper = [
        (p, m) for p, m in done if not any(not PAPER_EVIDENCE.search(e.title) for e in m.evidence)
    ]
    lines = [f"已完成措施 {len(done)} 条，佐证材料有实质内容的 {len(done) - len(paper)} 条"]
    if paper:
        lines.append(f"只有情况说明、自查报告类材料或没有佐证的 {len(paper)} 条（{_ids(paper)}）")
    return Indicator(
        "substantive_evidence", _ratio(len(done) - len(paper), len(done)), tuple(lines)
    )


def site_check(ctx: Context) -> Indicator:
    s = ctx.evaluation.site_check
    if s.checked <= 0:
        return Indicator("site_check", 0.0, ("评估组没有录入实地抽查情况",))
    lines = [f"实地抽查整改事项 {s.checked} 项，整改到位 {s.confirmed} 项"]
    lines += [f"发现：{text}" for text in s.problems_found]
    return Indicator("site_check", _ratio(max(s.confirmed, 0), s.checked), tuple(lines))


def mechanism_coverage(ctx: Context) -> Indicator:
    if ctx.ledger is None:
        return _no_ledger("mechanism_coverage")
    closed = ctx.closed()
    if not closed:
        return Indicator("mechanism_coverage", None, ("截至评估日没有已销号的问题",))
    bare = [(p, None) for p in closed if not p.mechanisms]
    lines = [f"已销号问题 {len(closed)} 个，建立了长效机制的 {len(closed) - len(bare)} 个"]
    if bare:
        lines.append(f"没有长效机制的 {len(bare)} 个（{_ids(bare)}）")
    return Indicator(
        "mechanism_coverage", _ratio(len(closed) - len(bare), len(closed)), tuple(lines)
    )


def mechanism_enforcement(ctx: Context) -> Indicator:
    if ctx.ledger is None:
        return _no_ledger("mechanism_enforcement")
    mechanisms = [
        (p, m)
        for p in ctx.problems()
        for m in p.mechanisms
        if m.issued_on is None or m.issued_on <= ctx.day
    ]
    if not mechanisms:
        return Indicator("mechanism_enforcement", None, ("没有建立长效机制",))
    enforced = [(p, m) for p, m in mechanisms if m.enforcement]
    lines = [f"长效机制 {len(mechanisms)} 项，有执行情况佐证的 {len(enforced)} 项"]
    paper = [f"{p.id} {m.title}" for p, m in mechanisms if not m.enforcement]
    if paper:
        lines.append("没有执行佐证：" + "；".join(paper[:4]) + ("等" if len(paper) > 4 else ""))
    return Indicator("mechanism_enforcement", _ratio(len(enforced), len(mechanisms)), tuple(lines))


def satisfaction(ctx: Context) -> Indicator:
    s = ctx.evaluation.satisfaction
    if s.votes <= 0:
        return Indicator("satisfaction", 0.0, ("没有录入民主测评票数",))
    weight = ctx.basically_weight
    rate = (s.satisfied + weight * s.basically_satisfied) / s.votes
    line = (
        f"有效票 {s.votes} 张：满意 {s.satisfied}、基本满意 {s.basically_satisfied}"
        f"（按 {weight:g} 折算）、不满意 {s.dissatisfied}；满意度 {rate:.1%}"
    )
    lines = [line] + ([f"参加测评：{s.participants}"] if s.participants else [])
    return Indicator("satisfaction", max(0.0, min(1.0, rate)), tuple(lines))


COMPUTE: dict[str, Callable[[Context], Indicator]] = {
    "leader_coverage": leader_coverage,
    "ledger_completeness": ledger_completeness,
    "on_time": on_time,
    "closure": closure,
    "confirmed_closures": confirmed_closures,
    "no_postponement": no_postponement,
    "clues_handled": clues_handled,
    "accountability_list": accountability_list,
    "leadership_accountability": leadership_accountability,
    "substantive_evidence": substantive_evidence,
    "site_check": site_check,
    "mechanism_coverage": mechanism_coverage,
    "mechanism_enforcement": mechanism_enforcement,
    "satisfaction": satisfaction,
}


def forms_distribution(ledger: Ledger | None) -> dict[int, int]:
    """How many people were held to account in each of the four forms (四种形态)."""
    counts = {form: 0 for form in range(1, 5)}
    for problem in ledger.problems if ledger else []:
        for entry in problem.accountability:
            counts[entry.form] += 1
    return counts
