"""One generated ledger as a timeline, and its content on any day.

A ledger is planned once, as dated facts (when each measure was done, postponed,
withdrawn; when a problem closed, relapsed, got a mechanism or an accountability
decision). ``state_at(day)`` writes what its staff would have committed that day, so
every version is consistent and the final one validates clean.
"""

from __future__ import annotations

import random
from dataclasses import dataclass, field
from datetime import date, timedelta
from typing import Any

from site_builder.model.district import CommonProblem
from site_builder.synth import texts
from site_builder.synth.names import LEADER_POSTS, OWNER_POSTS, UnitSpec, person, with_post

DAY = timedelta(days=1)


@dataclass
class MeasureLine:
    id: str
    text: str
    deadline: date
    owner: str
    leader: str
    evidence: list[str]
    completed_on: date | None = None
    first_deadline: date | None = None  # the deadline before a postponement
    postponed_on: date | None = None
    first_owner: str | None = None
    owner_changed_on: date | None = None
    withdrawn_on: date | None = None
    withdrawn_reason: str = ""


@dataclass
class ProblemLine:
    id: str
    title: str
    description: str
    category: str
    source: str
    common_code: str | None
    added_on: date
    measures: list[MeasureLine] = field(default_factory=list)
    closed_on: date | None = None
    relapse: tuple[date, date] | None = None  # (first closure, reopened): 改后又犯
    mechanism: dict | None = None
    mechanism_on: date | None = None
    accountability: list[dict] = field(default_factory=list)
    accountability_on: date | None = None

    def active(self) -> list[MeasureLine]:
        return [m for m in self.measures if m.withdrawn_on is None]


@dataclass
class LedgerLine:
    round: str
    unit: UnitSpec
    round_name: str
    feedback: date
    as_of: date
    submitted_on: date
    reviewed_on: date
    started: date
    plan: dict
    review: dict
    problems: list[ProblemLine] = field(default_factory=list)
    report: dict | None = None
    report_on: date | None = None

    @property
    def path(self) -> str:
        return f"ledgers/{self.round}/{self.unit.id}.yml"

    def header(self) -> str:
        return f"# {self.unit.name} {self.round_name}整改台账\n# 巡察反馈日期：{self.feedback}\n"

    def events(self) -> list[tuple[date, str]]:
        """Dated facts with a short label each, for choosing commit days and messages."""
        found = [
            (self.submitted_on, "报送整改方案和整改台账"),
            (self.reviewed_on, "整改方案审核通过"),
        ]
        found.append((self.started, "整改措施启动"))
        for p in self.problems:
            if p.added_on > self.submitted_on:
                found.append((p.added_on, f"增加自查问题 {p.id}"))
            if p.closed_on:
                found.append((p.closed_on, f"{p.id} 整改销号"))
            if p.relapse:
                found.append((p.relapse[0], f"{p.id} 整改销号"))
                found.append((p.relapse[1], f"{p.id} 问题反弹，重新打开"))
            if p.mechanism_on:
                found.append((p.mechanism_on, f"{p.id} 建立长效机制"))
            if p.accountability_on:
                found.append((p.accountability_on, f"{p.id} 问责处理"))
            for m in p.measures:
                ref = f"{p.id}/{m.id}"
                if m.completed_on:
                    found.append((m.completed_on, f"{ref} 完成整改"))
                if m.postponed_on:
                    found.append((m.postponed_on, f"{ref} 申请延期"))
                if m.owner_changed_on:
                    found.append((m.owner_changed_on, f"{ref} 调整责任人"))
                if m.withdrawn_on:
                    found.append((m.withdrawn_on, f"{ref} 撤销措施"))
        if self.report_on:
            found.append((self.report_on, "报送整改报告"))
        return sorted((d, label) for d, label in found if d <= self.as_of)

    def state_at(self, day: date) -> dict:
        plan = {"objective": self.plan["objective"], "submitted_on": self.submitted_on}
        plan["leading_group"] = self.plan["leading_group"]
        if self.reviewed_on <= day:
            plan["review"] = self.review
        data: dict = {"round": self.round, "unit": self.unit.id, "plan": plan}
        data["problems"] = [self._problem(p, day) for p in self.problems if p.added_on <= day]
        if self.report and self.report_on and self.report_on <= day:
            data["report"] = self.report
        return data

    def _problem(self, p: ProblemLine, day: date) -> dict:
        window = p.relapse is not None and p.relapse[0] <= day < p.relapse[1]
        out: dict[str, Any] = {"id": p.id, "title": p.title, "description": p.description}
        out |= {"category": p.category, "source": p.source}
        if p.common_code:
            out["common_code"] = p.common_code
        if window and p.relapse is not None:
            out |= {"status": "closed", "closed_on": p.relapse[0]}
        elif p.closed_on and p.closed_on <= day:
            out |= {"status": "closed", "closed_on": p.closed_on}
        else:
            out["status"] = "open"
        out["measures"] = [
            self._measure(m, day, p.relapse[0] if window and p.relapse else None)
            for m in p.measures
        ]
        if p.mechanism and p.mechanism_on and p.mechanism_on <= day:
            out["mechanisms"] = [p.mechanism]
        if p.accountability and p.accountability_on and p.accountability_on <= day:
            out["accountability"] = p.accountability
        return out

    def _measure(self, m: MeasureLine, day: date, first_closure: date | None) -> dict:
        postponed = m.postponed_on is not None and day < m.postponed_on
        moved = m.owner_changed_on is not None and day < m.owner_changed_on
        out: dict[str, Any] = {"id": m.id, "text": m.text}
        out["deadline"] = m.first_deadline if postponed and m.first_deadline else m.deadline
        out["owner"] = m.first_owner if moved and m.first_owner else m.owner
        out["leader"] = m.leader
        if m.withdrawn_on and m.withdrawn_on <= day:
            out |= {"status": "withdrawn", "withdrawn_reason": m.withdrawn_reason}
        elif first_closure:  # closed once on paper, before the relapse showed
            done = first_closure - 3 * DAY
            out |= {"status": "done", "completed_on": (done), "progress": "已完成整改。"}
            out["evidence"] = ["整改情况说明"]
        elif m.completed_on and m.completed_on <= day:
            out |= {"status": "done", "completed_on": m.completed_on}
            out |= {"progress": "已完成，佐证材料已归档。", "evidence": list(m.evidence)}
        elif day >= self.started:
            target = m.completed_on or max(m.deadline, day + DAY)
            share = (day - self.started) / max(target - self.started, DAY)
            stage = texts.STAGES[min(int(share * len(texts.STAGES)), len(texts.STAGES) - 1)]
            out |= {"status": "in_progress", "progress": f"截至{_cn_day(day)}，{stage}。"}
        else:
            out["status"] = "not_started"
        return out


def _issuer(unit: UnitSpec) -> str:
    """The unit's name without its party organisation: who issues its documents."""
    for suffix in ("党工委", "党总支", "党支部", "党委", "党组"):
        if unit.name.endswith(suffix):
            return unit.name.removesuffix(suffix).removesuffix("机关")
    return unit.name


def _cn_day(day: date) -> str:
    return f"{day.year}年{day.month}月{day.day}日"


def plan_ledger(
    unit: UnitSpec,
    round_id: str,
    round_name: str,
    feedback: date,
    as_of: date,
    catalogue: list[CommonProblem],
    seed: int,
    showcase: bool = False,
) -> LedgerLine:
    """Plan one ledger; the same arguments always give the same plan.

    A ``showcase`` ledger (the first of a repository) always has a postponement and a
    relapse, so even the smallest repository holds both.
    """
    rng = random.Random(f"{seed}:ledger:{round_id}/{unit.id}")
    submitted = feedback + rng.randint(10, 20) * DAY
    secretary = person(rng)
    line = LedgerLine(
        round=round_id,
        unit=unit,
        round_name=round_name,
        feedback=feedback,
        as_of=as_of,
        submitted_on=submitted,
        reviewed_on=submitted + rng.randint(4, 10) * DAY,
        started=feedback + rng.randint(20, 30) * DAY,
        plan={},
        review={},
    )
    count = rng.randint(3, 9)
    chosen = rng.sample(catalogue, min(count, len(catalogue)))
    late = rng.random() < 0.2  # one problem found later by the unit's own check (举一反三)
    for index, common in enumerate(chosen):
        added = submitted
        source = rng.choices(["feedback", "common", "higher", "self"], [70, 18, 4, 8])[0]
        if late and index == len(chosen) - 1:
            source, added = "self", feedback + rng.randint(45, 120) * DAY
        problem = _plan_problem(line, rng, f"P{index + 1:02d}", common, source, added)
        line.problems.append(problem)
        if showcase and index == 0:
            _showcase(line, rng, problem)
    line.problems = [p for p in line.problems if p.added_on <= as_of]
    line.plan = {
        "objective": (
            f"以巡察整改为契机，全面认领反馈的{len(line.problems)}个问题并举一反三，"
            "在集中整改期内逐项整改到位，同步建立长效机制，防止问题反弹。"
        ),
        "leading_group": f"组长：{secretary}（主要负责人）；成员：班子成员及各科室负责人。",
    }
    line.review = {
        "outcome": "passed",
        "reviewer": f"{person(rng)}（纪委监委监督检查室）、{person(rng)}（组织部组织科）",
        "reviewed_on": line.reviewed_on,
        "findings": ["方案能够全面认领反馈问题，同意实施；请按时间节点报送整改进展。"],
    }
    _plan_report(line, rng)
    return line


def _plan_problem(
    line: LedgerLine,
    rng: random.Random,
    pid: str,
    common: CommonProblem,
    source: str,
    added: date,
) -> ProblemLine:
    category, year = common.category, line.feedback.year - 1
    problem = ProblemLine(
        id=pid,
        title=common.title,
        description=texts.fill(rng.choice(texts.for_code(common.code)[0]), rng, year=year),
        category=category,
        source=source,
        common_code=common.code if source in ("feedback", "common") else None,
        added_on=added,
    )
    start = max(line.started, added)
    for j in range(rng.choices([1, 2, 3], [30, 45, 25])[0]):
        problem.measures.append(_plan_measure(line, rng, common, j, start, year))
    _plan_relapse_and_closure(line, rng, problem)
    if rng.random() < 0.55:
        problem.mechanism_on = start + rng.randint(20, 150) * DAY
        problem.mechanism = {
            "title": f"《{_issuer(line.unit)}{texts.MECHANISMS.get(category, '整改长效机制')}》",
            "issued_on": problem.mechanism_on,
            "document": f"{_issuer(line.unit)}发〔{problem.mechanism_on.year}〕{rng.randint(1, 40)}号",
            "enforcement": rng.sample(texts.for_code(common.code)[2], 1),
        }
    if rng.random() < 0.25:
        problem.accountability_on = line.feedback + rng.randint(15, 60) * DAY
        form, measure = rng.choice(texts.PUNISHMENTS)
        owner = problem.measures[0].owner.split("（")
        leader = problem.measures[0].leader.split("（")
        problem.accountability = [
            {"person": owner[0], "post": owner[1].rstrip("）"), "responsibility": "direct",
             "form": form, "measure": measure, "decided_on": problem.accountability_on},
            {"person": leader[0], "post": leader[1].rstrip("）"), "responsibility": "leadership",
             "form": 1, "measure": "谈话提醒", "decided_on": problem.accountability_on},
        ]  # fmt: skip
    return problem


def _plan_measure(
    line: LedgerLine, rng: random.Random, common: CommonProblem, j: int, start: date, year: int
) -> MeasureLine:
    kind, evidence = line.unit.kind, texts.for_code(common.code)[2]
    if j == 0 and common.self_check_points and rng.random() < 0.4:
        text = texts.POINT_MEASURE.format(point=rng.choice(common.self_check_points))
    else:
        text = texts.fill(rng.choice(texts.for_code(common.code)[1]), rng, year=year)
    deadline = max(start, line.feedback + rng.randint(30, 240) * DAY)
    measure = MeasureLine(
        id=f"M{j + 1}",
        text=text,
        deadline=deadline,
        owner=with_post(rng, OWNER_POSTS[kind]),
        leader=with_post(rng, LEADER_POSTS[kind]),
        evidence=rng.sample(evidence, rng.randint(1, min(2, len(evidence)))),
    )
    span = max((deadline - start).days, 10)
    done: date | None = start + rng.randint(span * 4 // 10, span * 12 // 10) * DAY
    if rng.random() < 0.12:  # postponed before the first deadline ran out
        measure.first_deadline = deadline
        measure.postponed_on = max(start + 10 * DAY, deadline - rng.randint(0, 20) * DAY)
        measure.deadline = deadline + rng.randint(30, 120) * DAY
        done = (
            measure.postponed_on
            + rng.randint(10, (measure.deadline - measure.postponed_on).days + 10) * DAY
        )
    if rng.random() < 0.05:
        measure.first_owner = measure.owner
        measure.owner = with_post(rng, OWNER_POSTS[kind])
        measure.owner_changed_on = start + rng.randint(20, 100) * DAY
    if j > 0 and rng.random() < 0.03:
        measure.withdrawn_on = start + rng.randint(10, 60) * DAY
        measure.withdrawn_reason = rng.choice(texts.WITHDRAWN_REASONS)
        done = None
    if done is not None and rng.random() < 0.08:  # stalled: never finished
        done = None
    measure.completed_on = done
    return measure


def _showcase(line: LedgerLine, rng: random.Random, problem: ProblemLine) -> None:
    first = problem.measures[0]
    if first.postponed_on is None:
        first.first_deadline = first.deadline
        first.postponed_on = line.started + 10 * DAY
        first.deadline = max(first.deadline, first.postponed_on) + 60 * DAY
        first.completed_on = first.deadline - 5 * DAY
    _plan_relapse_and_closure(line, rng, problem, force_relapse=problem.relapse is None)


def _plan_relapse_and_closure(
    line: LedgerLine, rng: random.Random, problem: ProblemLine, force_relapse: bool = False
) -> None:
    active = problem.active()
    problem.closed_on = None
    if force_relapse or rng.random() < 0.05:  # closed on paper, found again: 改后又犯
        first = max(line.started, problem.added_on) + rng.randint(30, 80) * DAY
        reopened = first + rng.randint(45, 100) * DAY
        if reopened < line.as_of:
            problem.relapse = (first, reopened)
            for m in active:
                if m.completed_on and m.completed_on <= reopened:
                    m.completed_on = reopened + rng.randint(20, 90) * DAY
    for m in problem.measures:
        if m.completed_on and m.completed_on > line.as_of:
            m.completed_on = None
    finished = [m.completed_on for m in active if m.completed_on]
    if len(finished) == len(active):
        closed = max(finished, default=line.as_of) + rng.randint(0, 7) * DAY
        problem.closed_on = closed if closed <= line.as_of else None


def _plan_report(line: LedgerLine, rng: random.Random) -> None:
    if not line.problems or not all(p.closed_on for p in line.problems):
        return
    last = max(p.closed_on for p in line.problems if p.closed_on)
    submitted = last + rng.randint(5, 20) * DAY
    if submitted > line.as_of:
        return
    line.report_on = submitted
    count = len(line.problems)
    line.report = {
        "submitted_on": submitted,
        "summary": (
            f"{_cn_day(line.feedback)}巡察反馈后，{line.unit.name}成立整改领导小组，制定整改方案，"
            f"建立问题、任务、责任三张清单。反馈和认领的{count}个问题已全部整改销号。"
        ),
        "reviewers": [
            {"name": person(rng), "department": "discipline", "signed_on": submitted - 3 * DAY},
            {"name": person(rng), "department": "organisation", "signed_on": submitted - 2 * DAY},
        ],
    }  # fmt: skip
