"""Money recovered or returned (清退 / 追缴 / 挽回损失), summed per unit, round and district."""

from __future__ import annotations

from collections.abc import Iterator
from dataclasses import dataclass, field
from decimal import Decimal

from site_builder.model import Project
from site_builder.model.ledger import Ledger
from site_builder.model.money import Amount


@dataclass
class MoneyTotals:
    by_kind: dict[str, Decimal] = field(default_factory=dict)

    def add(self, amount: Amount) -> None:
        self.by_kind[amount.kind] = self.by_kind.get(amount.kind, Decimal(0)) + amount.amount

    @property
    def total(self) -> Decimal:
        return sum(self.by_kind.values(), Decimal(0))


def ledger_amounts(ledger: Ledger) -> Iterator[Amount]:
    for problem in ledger.problems:
        yield from problem.money
        for measure in problem.measures:
            yield from measure.money


@dataclass
class DistrictMoney:
    units: dict[str, MoneyTotals] = field(default_factory=dict)  # ledger key r5/wcjd
    rounds: dict[str, MoneyTotals] = field(default_factory=dict)
    district: MoneyTotals = field(default_factory=MoneyTotals)


def money_totals(project: Project) -> DistrictMoney:
    found = DistrictMoney()
    for ledger in project.ledgers:
        for amount in ledger_amounts(ledger):
            found.units.setdefault(ledger.key, MoneyTotals()).add(amount)
            found.rounds.setdefault(ledger.round, MoneyTotals()).add(amount)
            found.district.add(amount)
    return found
