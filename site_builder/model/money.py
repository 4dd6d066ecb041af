"""Money recovered or returned (清退 / 追缴 / 挽回损失), in yuan, on problems and measures.

Amounts are written as text the way offices write them (21000, 21,000.00, 2.1万元)
and kept as ``Decimal`` yuan; they are summed per unit, round and district by
``analyse/money.py``.
"""

from __future__ import annotations

import re
from decimal import Decimal, InvalidOperation
from typing import Annotated, Any, Literal

from pydantic import BeforeValidator, PlainSerializer
from pydantic_core import PydanticCustomError

from site_builder.model.terms import word_or_key
from site_builder.model.types import OptDate, OptText, Record

MoneyKind = Literal["refund", "recovered", "loss_recovered"]
MONEY_KIND_WORDS = {
    **dict.fromkeys(["清退", "退还", "清退违规款项"], "refund"),
    **dict.fromkeys(["追缴", "收缴", "追回"], "recovered"),
    **dict.fromkeys(["挽回损失", "挽回经济损失"], "loss_recovered"),
}
_AMOUNT = re.compile(r"^([0-9][0-9,]*(?:\.[0-9]+)?)\s*(万)?\s*元?$")


def _to_yuan(value: Any) -> Any:
    if isinstance(value, Decimal):
        return value
    if isinstance(value, int | float) and not isinstance(value, bool):
        value = str(value)
    if isinstance(value, str) and (m := _AMOUNT.match(value.strip())):
        try:
            amount = Decimal(m[1].replace(",", ""))
        except InvalidOperation:
            pass
        else:
            amount = amount * 10000 if m[2] else amount
            if amount > 0:
                return amount.quantize(Decimal("0.01"))
    raise PydanticCustomError(
        "ledger_amount",
        "金额应是大于 0 的元数，写成 21000、21,000.00 或 2.1万元",
        {"value": value},
    )


Yuan = Annotated[Decimal, BeforeValidator(_to_yuan), PlainSerializer(lambda v: f"{v:.2f}")]


class Amount(Record):
    kind: Annotated[MoneyKind, BeforeValidator(word_or_key(MONEY_KIND_WORDS))]
    amount: Yuan
    on: OptDate = None
    note: OptText = None
