"""The audit page (签字与治理): changes to the rules of the trail, and the history's notices.

Only the internal site has it: it names who changed the signers file and who approved.
"""

from __future__ import annotations

from dataclasses import dataclass
from datetime import date

from site_builder.history.governance import GovernanceChange
from site_builder.model.wording import commit_subject

# The history's notices a reader of the audit page needs (the rest are data errors that
# the unit pages already show).
AUDIT_CODES = ("H004", "H005", "H007", "H008", "H009")


@dataclass(frozen=True)
class GovernanceRow:
    day: date | None
    commit: str
    author: str
    subject: str
    paths: str
    approval: str
    effect: str
    confirmed: bool


def governance_rows(changes: list[GovernanceChange]) -> list[GovernanceRow]:
    """Newest first, as a reader looks for the latest change."""
    rows = []
    for change in reversed(changes):
        signoff = change.signoff
        who = f" · {signoff.approver}" if signoff.approver else ""
        effect = {True: "已生效", False: "未生效", None: "—"}[change.adopted]
        rows.append(
            GovernanceRow(
                change.day,
                change.commit[:10],
                change.author,
                commit_subject(change.subject),
                "、".join(change.paths),
                f"{signoff.label}{who}",
                effect,
                signoff.state == "confirmed",
            )
        )
    return rows
