"""Problem clues (问题线索) found in inspection and handed over: rounds/clues/<round>.yml.

The office hands clues over (移交) to the discipline commission or the organisation
department and tracks them: 初核 (preliminary check), 立案 (case filed), 了结
(concluded), 暂存 (set aside). A clue names the problems it concerns and the persons
whose accountability entries came of it. Its summary and outcome are sensitive.
"""

from __future__ import annotations

from typing import Annotated, Literal

from pydantic import BeforeValidator

from site_builder.model.terms import word_or_key
from site_builder.model.types import Id, LedgerDate, ListOf, OptDate, OptText, Record, Text

ClueStatus = Literal["preliminary", "filed", "concluded", "shelved"]
ClueReceiver = Literal["discipline", "organisation"]
CLUE_STATUS_WORDS = {
    **dict.fromkeys(["初核", "初步核实", "正在初核"], "preliminary"),
    **dict.fromkeys(["立案", "已立案", "立案审查"], "filed"),
    **dict.fromkeys(["了结", "已了结", "予以了结", "办结", "已办结"], "concluded"),
    **dict.fromkeys(["暂存", "暂存待查"], "shelved"),
}
CLUE_RECEIVER_WORDS = {
    **dict.fromkeys(["区纪委监委", "纪委监委", "区纪委"], "discipline"),
    **dict.fromkeys(["区委组织部", "组织部"], "organisation"),
}


class Clue(Record):
    id: Id
    unit: Id
    # The round of the file it is in; the loader fills it, staff need not write it.
    round: Id | None = None
    summary: Text
    handed_over_on: LedgerDate
    receiver: Annotated[ClueReceiver, BeforeValidator(word_or_key(CLUE_RECEIVER_WORDS))]
    status: Annotated[ClueStatus, BeforeValidator(word_or_key(CLUE_STATUS_WORDS))] = "preliminary"
    concluded_on: OptDate = None
    outcome: OptText = None
    # Ledger problems the clue concerns, as round/unit/P01, and the persons of those
    # problems' accountability entries that came of it.
    problems: Annotated[list[Text], ListOf] = []
    persons: Annotated[list[Text], ListOf] = []


class ClueLedger(Record):
    round: Id
    clues: Annotated[list[Clue], ListOf] = []
