"""The district files of a generated repository: settings, registry, rounds, signers, cases.

Rounds scale with the units (about 25 a round, as in the sample) and start at even
steps from 2017 on; every unit is inspected once. Settings and the common-problem
catalogue come from the sample district; the four reviewers with shipped demo keys
may approve every unit, and each district adds two reviewers of its own.
"""

from __future__ import annotations

import random
from dataclasses import dataclass, field
from datetime import date, timedelta

from site_builder.model import Project
from site_builder.model.district import Reviewer, ReviewerRole
from site_builder.synth import texts
from site_builder.synth.ledger import LedgerLine, plan_ledger
from site_builder.synth.names import UnitSpec, district_name, person

FIRST_ROUND = date(2017, 3, 20)
AS_OF = date(2021, 12, 31)
SPAN_DAYS = 1200  # the rounds' starts spread over this many days
UNITS_PER_ROUND = 25
OFFICE_DIRECTOR = "程志刚"
NUMERALS = "零一二三四五六七八九"


def chinese_number(n: int) -> str:
    """1..99 in Chinese numerals, as round names write them (第十二轮)."""
    tens, ones = divmod(n, 10)
    if tens == 0:
        return NUMERALS[ones]
    return ("" if tens == 1 else NUMERALS[tens]) + "十" + (NUMERALS[ones] if ones else "")


@dataclass
class RoundPlan:
    id: str
    name: str
    start: date
    end: date
    units: list[UnitSpec]
    feedback: dict[str, date] = field(default_factory=dict)
    content: dict = field(default_factory=dict)

    @property
    def path(self) -> str:
        return f"rounds/{self.id}.yml"


@dataclass
class DistrictPlan:
    settings: dict
    units: list[UnitSpec]
    rounds: list[RoundPlan]
    ledgers: list[LedgerLine]
    signers: dict
    reviewers: list[Reviewer]
    catalogue: dict
    cases: dict[str, bytes]


def default_rounds(units: int) -> int:
    return max(1, -(-units // UNITS_PER_ROUND))


def plan_district(source: Project, units: list[UnitSpec], rounds: int, seed: int) -> DistrictPlan:
    rng = random.Random(f"{seed}:district")
    districts = max(u.district for u in units) + 1
    round_plans = _rounds(units, rounds, districts, rng)
    catalogue = list(source.common_problems)
    ledgers = [
        plan_ledger(unit, r.id, r.name, r.feedback[unit.id], AS_OF, catalogue, seed, i == 0)
        for i, (r, unit) in enumerate((r, u) for r in round_plans for u in r.units)
    ]
    named: dict[str, list[str]] = {}
    for ledger in ledgers:
        for problem in ledger.problems:
            if problem.source == "feedback" and problem.common_code:
                rounds_of = named.setdefault(problem.common_code, [])
                if ledger.round not in rounds_of:
                    rounds_of.append(ledger.round)
    common = []
    for item in catalogue:
        data = item.model_dump(mode="json", exclude_none=True)
        data["named_in"] = named.get(item.code, [])
        common.append(data)
    settings = source.settings.model_dump(mode="json", exclude_none=True)
    settings["district"] = "滨河市" if districts > 1 else "东城区"
    settings["as_of"] = AS_OF
    reviewers = _reviewers(source, units, districts, rng)
    signers = {
        "policy": {"require_signature": False},
        "reviewers": [r.model_dump(mode="json", exclude_none=True) for r in reviewers],
    }
    return DistrictPlan(
        settings=settings,
        units=units,
        rounds=round_plans,
        ledgers=ledgers,
        signers=signers,
        reviewers=reviewers,
        catalogue={"common_problems": common},
        cases=_cases(ledgers, rng),
    )


def _rounds(
    units: list[UnitSpec], count: int, districts: int, rng: random.Random
) -> list[RoundPlan]:
    count = max(1, min(count, len(units)))
    step = max(7, SPAN_DAYS // count)
    plans: list[RoundPlan] = []
    per_district: dict[int, int] = {}
    for k in range(count):
        members = units[k * len(units) // count : (k + 1) * len(units) // count]
        home = members[0].district
        per_district[home] = per_district.get(home, 0) + 1
        level = district_name(home, districts)[0] if districts > 1 else "区"
        start = FIRST_ROUND + timedelta(days=k * step)
        plan = RoundPlan(
            id=f"r{k + 1}",
            name=f"{level}委第{chinese_number(per_district[home])}轮巡察",
            start=start,
            end=start + timedelta(days=rng.randint(55, 70)),
            units=members,
        )
        teams = []
        size = 6
        for t in range(0, len(members), size):
            entries = []
            for unit in members[t : t + size]:
                feedback = plan.end + timedelta(days=rng.randint(8, 25))
                plan.feedback[unit.id] = feedback
                leader = person(rng)
                entries.append((unit, feedback, leader))
            team_leader = person(rng)
            teams.append(
                {
                    "name": f"第{chinese_number(t // size + 1)}巡察组",
                    "leader": team_leader,
                    "members": [person(rng) for _ in range(3)],
                    "units": [
                        {
                            "unit": unit.id,
                            "feedback_on": feedback,
                            "receipt": {
                                "principal": {"name": principal, "signed_on": feedback},
                                "team_leader": {"name": team_leader, "signed_on": feedback},
                                "office_director": {"name": OFFICE_DIRECTOR, "signed_on": feedback},
                            },
                        }
                        for unit, feedback, principal in entries
                    ],
                }
            )
        plan.content = {
            "id": plan.id,
            "name": plan.name,
            "start": plan.start,
            "end": plan.end,
            "rectification_days": 90,
            "teams": teams,
        }
        plans.append(plan)
    return plans


def _reviewers(
    source: Project, units: list[UnitSpec], districts: int, rng: random.Random
) -> list[Reviewer]:
    """The sample's reviewers (they hold the demo keys) and two more for each district."""
    reviewers = list(source.signers.reviewers)
    for d in range(districts):
        own = [u.id for u in units if u.district == d]
        roles: tuple[tuple[ReviewerRole, str], ...] = (
            ("discipline", "jw"),
            ("organisation", "zzb"),
        )
        for role, host in roles:
            reviewers.append(
                Reviewer(
                    name=person(rng),
                    email=f"d{d + 1:02d}.{role}@{host}.synth.example",
                    role=role,
                    units=own,
                )
            )
    return reviewers


def _cases(ledgers: list[LedgerLine], rng: random.Random) -> dict[str, bytes]:
    """Typical cases from problems with accountability: about one per 40 ledgers."""
    wanted = max(1, len(ledgers) // 40)
    found = [(led, p) for led in ledgers for p in led.problems if p.accountability_on]
    cases: dict[str, bytes] = {}
    for led, problem in rng.sample(found, min(wanted, len(found))):
        day = problem.accountability_on
        assert day is not None  # found holds only problems with accountability
        name = f"{day.year}-{len(cases) + 1:03d}-{led.unit.id}"
        front = {
            "title": f"{led.unit.name}{problem.title}问题",
            "unit": led.unit.id,
            "round": led.round,
            "date": day,
            "category": problem.category,
            "form": problem.accountability[0]["form"],
            "problems": [f"{led.round}/{led.unit.id}/{problem.id}"],
            "lesson": rng.choice(texts.LESSONS),
        }
        body = (
            f"{led.round_name}中，巡察组发现{led.unit.name}存在以下问题：{problem.description}"
            f"\n\n{day.year}年{day.month}月，对直接责任人给予{problem.accountability[0]['measure']}，"
            "对负有领导责任的班子成员进行谈话提醒。\n"
        )
        cases[f"rounds/cases/{name}.md"] = f"---\n{texts.yaml_text(front)}---\n{body}".encode()
    return cases


def district_files(plan: DistrictPlan) -> dict[str, bytes]:
    """The files of the first commit: settings, registry, signers and catalogue."""
    registry = {
        "units": [
            {"id": u.id, "name": u.name, "kind": u.kind, "inspected_in": [r.id]}
            for r in plan.rounds
            for u in r.units
        ]
    }
    header = "# 合成数据（rectify synth 生成），单位、人员和事件均为虚构。\n"
    return {
        "rounds/settings.yml": (header + texts.yaml_text(plan.settings)).encode(),
        "rounds/units.yml": (header + texts.yaml_text(registry)).encode(),
        "rounds/signers.yml": (
            header
            + "# 四名审批人持有示例密钥（site_builder/demo/keys），切勿用于真实环境。\n"
            + texts.yaml_text(plan.signers)
        ).encode(),
        "rounds/common_problems.yml": (header + texts.yaml_text(plan.catalogue)).encode(),
    }
