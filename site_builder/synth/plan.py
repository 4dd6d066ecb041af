"""Turn planned ledgers into dated steps: branches, reviewer merges, squashes, direct commits.

Each ledger gets about ``commits_per_unit`` commits. A version lands as a web-style
merge (``Merge pull request #N``; the reviewer is the merge's author), an offline
sign-off merge with an ``Approved-by:`` trailer, a squash commit with that trailer, or
a direct commit. Some branches carry two commits. A few merges depart from the
rules: self-approval, an approver not on the list, a signature by the wrong key.
"""

from __future__ import annotations

import hashlib
import random
from dataclasses import dataclass, field
from datetime import date, datetime, time, timedelta, timezone

from site_builder.demo.scenario import OFFICE, OUTSIDER
from site_builder.history.writer import Person
from site_builder.model.district import Reviewer
from site_builder.synth import texts
from site_builder.synth.district import DistrictPlan
from site_builder.synth.ledger import LedgerLine
from site_builder.synth.names import person

CST = timezone(timedelta(hours=8))
# How a version lands, and how often.
MODES = {"web": 60, "offline": 20, "squash": 13, "direct": 7}
TWO_COMMIT_BRANCHES = 0.35
MERGED = ("web", "offline")
COMMITS_PER_VERSION = sum(
    w * ((2 + TWO_COMMIT_BRANCHES) if m in MERGED else 1) for m, w in MODES.items()
) / sum(MODES.values())
DEPARTURE = 0.01  # share of merges that are self-approved, and of those merged by an outsider
WRONG_KEY = 0.05  # share of signed approvals signed with another reviewer's key
# The first ledger shows every departure on versions that change items, so even a tiny
# repository has them.
SHOWCASE = [("web", "self"), ("web", "outsider"), ("direct", ""), ("offline", "wrong_key"),
            ("web", "signed")]  # fmt: skip
# Facts that change no problem or measure.
NOT_ITEMS = ("审核通过", "整改报告", "长效机制", "问责处理")


@dataclass(order=True)
class Step:
    when: datetime
    seq: int
    kind: str = field(compare=False)  # office | branch | merge | squash | direct
    ledger: LedgerLine | None = field(compare=False, default=None)
    day: date | None = field(compare=False, default=None)  # the ledger's content on this day
    files: dict[str, bytes] = field(compare=False, default_factory=dict)  # office steps
    author: Person = field(compare=False, default=OFFICE)
    message: str = field(compare=False, default="")
    branch: str = field(compare=False, default="")
    mode: str = field(compare=False, default="")
    approver: Person | None = field(compare=False, default=None)
    sign_with: str | None = field(compare=False, default=None)  # a demo key's name


def _at(day: date, minute: int) -> datetime:
    return datetime.combine(day, time(9, 0), CST) + timedelta(minutes=minute)


def version_days(
    line: LedgerLine, count: int, rng: random.Random, events: list[tuple[date, str]]
) -> list[date]:
    """``count`` days to commit on: the plan, the relapses, the last fact, and a spread."""
    first, last = line.submitted_on, max(d for d, _ in events)
    must = {first, last}
    for p in line.problems:
        if p.relapse:
            must.update(p.relapse)
    candidates = {d for d, _ in events if first < d < last}
    month = date(first.year, first.month, 28)
    while month < last:  # monthly progress reports
        if month > first:
            candidates.add(month)
        month = (month + timedelta(days=10)).replace(day=28)
    candidates -= must
    extra = max(0, count - len(must))
    chosen = rng.sample(sorted(candidates), min(extra, len(candidates)))
    return sorted(must | set(chosen))


def _labels(events: list[tuple[date, str]], since: date | None, day: date) -> list[str]:
    return [label for d, label in events if (since is None or d > since) and d <= day]


def _changes_items(labels: list[str]) -> bool:
    return any(not any(w in label for w in NOT_ITEMS) for label in labels)


def _message(labels: list[str], since: date | None, day: date) -> str:
    if since is None:
        return "报送整改方案和整改台账"
    for word in ("报送整改报告", "问题反弹", "销号", "申请延期", "撤销措施", "增加自查问题"):
        picked = [label for label in labels if word in label]
        if picked:
            return "；".join(picked[:3])
    return f"更新 {day.year}年{day.month:02d}月 整改进展"


class Planner:
    """Collects the steps of every ledger; ``steps`` come out in time order."""

    def __init__(self, district: DistrictPlan, commits_per_unit: int, sign_every: int, seed: int):
        self.district = district
        self.seed = seed
        self.sign_every = sign_every
        self.versions = max(1, round(commits_per_unit / COMMITS_PER_VERSION))
        self.steps: list[Step] = []
        self.key_holders = [r for r in district.reviewers if r.ssh_key and "*" in r.units]
        self.own_reviewers: dict[str, list[Reviewer]] = {}
        for reviewer in district.reviewers:
            for unit in reviewer.units:
                if unit != "*":
                    self.own_reviewers.setdefault(unit, []).append(reviewer)

    def add(self, when: datetime, kind: str, **kwargs) -> None:
        self.steps.append(Step(when, len(self.steps), kind, **kwargs))

    def plan(self, base: dict[str, bytes]) -> list[Step]:
        rounds = self.district.rounds
        first = rounds[0].start - timedelta(days=30)
        self.add(_at(first, 0), "office", files=base, message="建立巡察整改台账仓库")
        for r in rounds:
            self.add(
                _at(r.start, 0),
                "office",
                files={r.path: texts.yaml_text(r.content).encode()},
                message=f"{r.name}：登记巡察组、被巡察单位和反馈签收情况",
            )
        for index, line in enumerate(self.district.ledgers):
            self.plan_ledger(line, showcase=index == 0)
        self.steps.sort()
        if self.district.cases:
            last = self.steps[-1].when + timedelta(hours=1)
            self.add(last, "office", files=self.district.cases, message="更新典型案例")
        return self.steps

    def _reviewer(self, rng: random.Random, unit: str) -> Reviewer:
        own = self.own_reviewers.get(unit, [])
        if own and rng.random() < 0.7:
            return rng.choice(own)
        return rng.choice(self.key_holders or self.district.reviewers)

    def plan_ledger(self, line: LedgerLine, showcase: bool = False) -> None:
        rng = random.Random(f"{self.seed}:steps:{line.round}/{line.unit.id}")
        unit = line.unit.id
        digest = hashlib.sha256(unit.encode()).digest()
        minute = digest[0] * 2  # each unit works at its own time of day
        staff = [Person(person(rng), f"{unit}.staff{i}@units.synth.example") for i in (1, 2)]
        events = line.events()
        days = version_days(line, self.versions, rng, events)
        showcase_left = list(SHOWCASE) if showcase else []
        for index, day in enumerate(days):
            since = days[index - 1] if index else None
            following = days[index + 1] if index + 1 < len(days) else day + timedelta(days=5)
            lag = min(timedelta(days=2), (_at(following, minute) - _at(day, minute)) / 2)
            when = _at(day, minute)
            labels = _labels(events, since, day)
            message = _message(labels, since, day)
            author = staff[index % 2]
            mode = "web" if index == 0 else rng.choices(list(MODES), list(MODES.values()))[0]
            departure = ""
            if mode in MERGED:
                departure = rng.choices(["self", "outsider", ""], [DEPARTURE, DEPARTURE, 1])[0]
            if showcase_left and since is not None and _changes_items(labels):
                mode, departure = showcase_left.pop(0)
            approver, sign_with = self._approval(rng, unit, mode, departure)
            if departure == "self" and approver:
                author = Person(approver.name, approver.email)  # wrote and merged it himself
            elif departure == "outsider":
                approver, sign_with = OUTSIDER, None
            common = {"ledger": line, "author": author}
            if mode == "direct":
                self.add(when, "direct", **common, day=day, message=message + "（直接提交）")
                continue
            if mode == "squash":
                self.add(when, "squash", **common, day=day, message=message, approver=approver,
                         sign_with=sign_with)  # fmt: skip
                continue
            branch = f"{unit}/{line.round}-{index:02d}"
            if since is not None and rng.random() < TWO_COMMIT_BRANCHES:
                middle = since + (day - since) / 2
                if since < middle < day:
                    self.add(when - timedelta(minutes=40), "branch", **common, day=middle,
                             message=message + "（初稿）", branch=branch)  # fmt: skip
            self.add(when, "branch", **common, day=day, message=message, branch=branch)
            self.add(when + lag, "merge", **common, day=day, message=message, branch=branch,
                     mode=mode, approver=approver, sign_with=sign_with)  # fmt: skip

    def _approval(
        self, rng: random.Random, unit: str, mode: str, departure: str
    ) -> tuple[Person | None, str | None]:
        if mode == "direct":
            return None, None
        signed = departure in ("signed", "wrong_key") or rng.random() < 1 / self.sign_every
        if self.key_holders and signed:
            reviewer = rng.choice(self.key_holders)
            key = reviewer.email.split("@", 1)[0]
            if departure == "wrong_key" or rng.random() < WRONG_KEY:
                others = [r.email.split("@", 1)[0] for r in self.key_holders if r is not reviewer]
                key = rng.choice(others) if others else key
            return Person(reviewer.name, reviewer.email), key
        reviewer = self._reviewer(rng, unit)
        return Person(reviewer.name, reviewer.email), None
