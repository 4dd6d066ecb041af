"""Scorecards of the quantitative evaluation (八查): item, check and total scores, grade,
change since the unit's previous evaluation, ranking per round, and shortfalls.

How the parts combine: an item earns ``points × ratio`` (indicators), all or nothing
(yes/no entries), ``per`` points per entry up to its points (counts) or the
evaluators' score (graded items). Items that do not apply are left out and the
check's remaining items are scaled up to its weight; a check with no item that
applies is left out and the total is scaled to 100 over the checks that apply.
"""

from __future__ import annotations

from collections.abc import Mapping
from dataclasses import dataclass, field

from site_builder.analyse.indicators import COMPUTE, Context, Indicator, forms_distribution
from site_builder.analyse.trail import current_closures
from site_builder.history import Event, History
from site_builder.model import Project
from site_builder.model.evaluation import (
    ENTERED,
    Check,
    Evaluation,
    Rubric,
    ScoringItem,
    rubric_for,
)
from site_builder.model.wording import points


@dataclass(frozen=True)
class ItemScore:
    item: ScoringItem
    earned: float | None  # None: does not apply
    basis: tuple[str, ...]  # the inputs, in Chinese

    @property
    def applies(self) -> bool:
        return self.earned is not None

    @property
    def earned_points(self) -> float:
        """The points earned; 0 when the item does not apply (callers count applicable items)."""
        return 0.0 if self.earned is None else self.earned


@dataclass(frozen=True)
class CheckScore:
    check: Check
    items: tuple[ItemScore, ...]

    @property
    def available(self) -> float:
        return sum(i.item.points for i in self.items if i.applies)

    @property
    def earned(self) -> float:
        return sum(i.earned_points for i in self.items if i.applies)

    @property
    def score(self) -> float | None:
        """Points out of the check's weight, or None when no item applies."""
        if not self.available:
            return None
        return round(self.check.weight * self.earned / self.available, 1)

    @property
    def rate(self) -> float | None:
        return self.earned / self.available if self.available else None


@dataclass(frozen=True)
class Shortfall:
    code: str
    name: str
    rate: float
    reasons: tuple[str, ...]


@dataclass
class Scorecard:
    evaluation: Evaluation
    rubric: Rubric
    unit_name: str
    checks: list[CheckScore]
    indicators: dict[str, Indicator]
    forms: dict[int, int]
    total: float = 0.0
    grade: str = ""
    shortfalls: list[Shortfall] = field(default_factory=list)
    rank: int = 0
    of: int = 0  # units ranked in the round
    previous: Scorecard | None = None

    @property
    def round(self) -> str:
        return self.evaluation.round

    @property
    def unit(self) -> str:
        return self.evaluation.unit

    @property
    def change(self) -> float | None:
        return round(self.total - self.previous.total, 1) if self.previous else None

    def check(self, code: int) -> CheckScore | None:
        return next((c for c in self.checks if c.check.code == code), None)

    def check_change(self, code: int) -> float | None:
        if self.previous is None:
            return None
        now, before = self.check(code), self.previous.check(code)
        if now is None or before is None or now.score is None or before.score is None:
            return None
        return round(now.score - before.score, 1)


@dataclass
class Results:
    """Every scorecard, ranked within its round."""

    by_round: dict[str, list[Scorecard]] = field(default_factory=dict)

    def card(self, round_id: str, unit_id: str) -> Scorecard | None:
        return next((c for c in self.by_round.get(round_id, []) if c.unit == unit_id), None)

    def all(self) -> list[Scorecard]:
        cards = [c for cards in self.by_round.values() for c in cards]
        return sorted(cards, key=lambda c: (-c.total, c.evaluation.evaluated_on, c.unit))


def _entered_item(item: ScoringItem, evaluation: Evaluation) -> ItemScore:
    value = evaluation.entered(item.field or "")
    label = ENTERED.get(item.field or "", ((), item.name))[1]
    if item.method == "yes_no":
        if isinstance(value, str) and value:
            return ItemScore(item, item.points, (f"{label}：{value}",))
        if value is True:
            return ItemScore(item, item.points, (f"评估组确认：{label}",))
        return ItemScore(item, 0.0, (f"评估组未确认：{label}",))
    entries = value if isinstance(value, list) else []
    count = len(entries)
    per = item.per or 0.0
    lines = [f"{label} {count} 项，每项 {per:g} 分，最多 {item.points:g} 分"]
    for entry in entries[:6]:
        when, more = getattr(entry, "date", None), getattr(entry, "minutes", None)
        more = more or getattr(entry, "detail", None)
        line = f"{when} {entry.title}" if when else entry.title
        lines.append(f"{line}（{more}）" if more else line)
    return ItemScore(item, min(item.points, count * per), tuple(lines))


def _graded_item(item: ScoringItem, evaluation: Evaluation) -> ItemScore:
    judgement = evaluation.judgement(item.id)
    if judgement is None:
        return ItemScore(item, 0.0, ("评估组未评分，按 0 分计",))
    score = max(0.0, min(item.points, judgement.score))
    lines = [f"评估组评分 {judgement.score:g}/{item.points:g}"]
    if judgement.note:
        lines.append(judgement.note)
    return ItemScore(item, score, tuple(lines))


def _score_item(item: ScoringItem, evaluation: Evaluation, found: dict[str, Indicator]):
    if item.method == "indicator":
        indicator = found.get(item.indicator or "")
        if indicator is None:
            return ItemScore(item, 0.0, (f"计算指标“{item.indicator}”不存在",))
        earned = None if indicator.ratio is None else round(item.points * indicator.ratio, 2)
        return ItemScore(item, earned, indicator.inputs)
    if item.method == "graded":
        return _graded_item(item, evaluation)
    return _entered_item(item, evaluation)


def _part(card: Scorecard, ref: str) -> tuple[str, list[ItemScore]]:
    """The name and applicable items of a shortfall reference: a check ("6") or an item ("3.2")."""
    for check in card.checks:
        if ref == str(check.check.code):
            return f"第 {ref} 查“{check.check.name}”", [s for s in check.items if s.applies]
        for score in check.items:
            if ref == score.item.id:
                return f"{ref} {score.item.name}", [score] if score.applies else []
    return ref, []


def _item_line(s: ItemScore) -> str:
    return f"{s.item.id} {s.item.name} {points(s.earned)}/{points(s.item.points)} 分：{s.basis[0]}"


def _shortfalls(card: Scorecard) -> list[Shortfall]:
    """A rule is met when any check or item it lists scores under its threshold."""
    found = []
    for rule in card.rubric.shortfalls:
        reasons: list[str] = []
        rates: list[float] = []
        for ref in rule.items:
            name, items = _part(card, ref)
            available = sum(s.item.points for s in items)
            if not available:
                continue
            rate = sum(s.earned_points for s in items) / available
            if rate * 100 >= rule.below:
                continue
            rates.append(rate)
            weakest = sorted(
                (s for s in items if s.earned_points < s.item.points),
                key=lambda s: s.earned_points - s.item.points,
            )
            if len(items) == 1:
                reasons.append(f"{_item_line(items[0])}（得分率 {rate:.0%}，低于 {rule.below:g}%）")
                continue
            reasons.append(f"{name}得分率 {rate:.0%}，低于 {rule.below:g}%")
            reasons += [_item_line(s) for s in weakest[:2]]
        if reasons:
            found.append(Shortfall(rule.code, rule.name, min(rates), tuple(reasons)))
    return found


def score_evaluation(
    project: Project,
    history: History,
    evaluation: Evaluation,
    closures: Mapping[str, Event] | None = None,
) -> Scorecard | None:
    """The scorecard of one evaluation record; None when no rubric applies."""
    rubric = rubric_for(project, evaluation.round)
    if rubric is None:
        return None
    ledger = project.ledger_by_key.get(evaluation.key)
    context = Context(
        evaluation,
        ledger,
        history.by_ledger().get(evaluation.key, []),
        history.available,
        rubric.basically_satisfied_weight,
        current_closures(history.events) if closures is None else closures,
    )
    indicators = {key: compute(context) for key, compute in COMPUTE.items()}
    checks = [
        CheckScore(check, tuple(_score_item(i, evaluation, indicators) for i in check.items))
        for check in sorted(rubric.checks, key=lambda c: c.code)
    ]
    unit = project.unit_by_id.get(evaluation.unit)
    card = Scorecard(
        evaluation,
        rubric,
        unit.name if unit else evaluation.unit,
        checks,
        indicators,
        forms_distribution(ledger),
    )
    counted = [(c.check.weight, score) for c in checks if (score := c.score) is not None]
    weights = sum(weight for weight, _ in counted)
    card.total = round(100 * sum(score for _, score in counted) / weights, 1) if weights else 0.0
    card.grade = rubric.grade(card.total)
    card.shortfalls = _shortfalls(card)
    return card


def evaluate(
    project: Project,
    history: History | None = None,
    closures: Mapping[str, Event] | None = None,
) -> Results:
    """Score every evaluation, rank each round and link each unit's previous evaluation."""
    history = history or History()
    if closures is None:
        closures = current_closures(history.events)
    results = Results()
    scored = [score_evaluation(project, history, e, closures) for e in project.evaluations]
    cards = [c for c in scored if c is not None]
    starts = {r.id: r.start for r in project.rounds}

    def order(card: Scorecard) -> tuple:
        day = card.evaluation.evaluated_on
        return (day, starts.get(card.round, day), card.round)

    for card in sorted(
        cards, key=lambda c: (starts.get(c.round, c.evaluation.evaluated_on), c.round)
    ):
        results.by_round.setdefault(card.round, []).append(card)
    for ranked in results.by_round.values():
        ranked.sort(key=lambda c: (-c.total, c.unit))
        for card in ranked:
            card.rank = 1 + sum(other.total > card.total for other in ranked)
            card.of = len(ranked)
    for card in cards:
        earlier = [c for c in cards if c.unit == card.unit and order(c) < order(card)]
        if earlier:
            card.previous = max(earlier, key=order)
    return results
