"""Money recovered or returned (清退 / 追缴 / 挽回损失), summed per unit, round and district."""

from __future__ import annotations

from collections.abc import Iterator
from dataclasses import dataclass, field
from datetime import date
from decimal import Decimal

from site_builder.model import Project
from site_builder.model.labels import MONEY_KIND
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

    def labelled(self) -> list[tuple[str, Decimal]]:
        """[(清退, yuan), (追缴, yuan), (挽回损失, yuan)] in that order, zeros included."""
        return [(label, self.by_kind.get(kind, Decimal(0))) for kind, label in MONEY_KIND.items()]


def ledger_amounts(ledger: Ledger, as_of: date | None = None) -> Iterator[Amount]:
    """The ledger's amounts; with ``as_of``, those dated after it are left out (an amount
    without a date counts from when it was written: the records of that day hold it)."""
    for problem in ledger.problems:
        amounts = [*problem.money, *(a for m in problem.measures for a in m.money)]
        yield from (a for a in amounts if as_of is None or a.on is None or a.on <= as_of)


def unit_money(ledger: Ledger | None, as_of: date | None = None) -> MoneyTotals:
    totals = MoneyTotals()
    for amount in ledger_amounts(ledger, as_of) if ledger else ():
        totals.add(amount)
    return totals


@dataclass
class DistrictMoney:
    units: dict[str, MoneyTotals] = field(default_factory=dict)  # ledger key r5/wcjd
    rounds: dict[str, MoneyTotals] = field(default_factory=dict)
    district: MoneyTotals = field(default_factory=MoneyTotals)


def money_totals(project: Project, as_of: date | None = None) -> DistrictMoney:
    found = DistrictMoney()
    for ledger in project.ledgers:
        for amount in ledger_amounts(ledger, as_of):
            found.units.setdefault(ledger.key, MoneyTotals()).add(amount)
            found.rounds.setdefault(ledger.round, MoneyTotals()).add(amount)
            found.district.add(amount)
    return found
