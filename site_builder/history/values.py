"""What the history read returns: item events with their sign-off, and the whole trail."""

from __future__ import annotations

from collections import defaultdict
from dataclasses import dataclass, field
from datetime import datetime
from functools import cached_property

from site_builder.history.events import Kind
from site_builder.history.governance import GovernanceChange
from site_builder.history.signoff import SignOff


@dataclass(frozen=True, slots=True)
class Event:
    """A change to one problem or measure, with the commit and sign-off that made it.

    Times carry the offset git recorded, so ``landed.date()`` is the day on the clock of
    whoever landed it (as ``git log`` shows it).
    """

    item: str
    kind: Kind
    old: str | None
    new: str | None
    days: int | None
    commit: str  # the commit that made the change (a merge's side-branch tip)
    author: str
    author_email: str
    date: datetime  # the author's time of that commit
    subject: str
    landed: datetime  # when it reached the main line (the merge or the commit itself)
    signoff: SignOff

    @property
    def ledger(self) -> str:
        return "/".join(self.item.split("/")[:2])

    def as_dict(self) -> dict:
        return {
            "item": self.item,
            "kind": str(self.kind),
            "old": self.old,
            "new": self.new,
            "days": self.days,
            "commit": self.commit,
            "author": self.author,
            "author_email": self.author_email,
            "date": self.date.isoformat(),
            "subject": self.subject,
            "landed": self.landed.isoformat(),
            "signoff": {
                "state": str(self.signoff.state),
                "approver": self.signoff.approver,
                "approver_email": self.signoff.approver_email,
                "via": self.signoff.via,
                "commit": self.signoff.commit,
                "reason": self.signoff.reason,
            },
        }


@dataclass
class History:
    available: bool = False
    shallow: bool = False
    head: str | None = None
    events: list[Event] = field(default_factory=list)
    commits: int = 0
    blobs_parsed: int = 0
    # Main-line commits that changed the signers file, settings, rubric, CODEOWNERS or
    # workflows, with their approval.
    governance: list[GovernanceChange] = field(default_factory=list)

    def for_item(self, ref: str) -> list[Event]:
        return [e for e in self.events if e.item == ref or e.item.startswith(ref + "/")]

    @cached_property
    def _grouped(self) -> dict[str, list[Event]]:
        grouped: dict[str, list[Event]] = defaultdict(list)
        for event in self.events:
            grouped[event.ledger].append(event)
        return dict(grouped)

    def by_ledger(self) -> dict[str, list[Event]]:
        """Events grouped by ledger key, grouped once: pages ask per ledger.

        ``events`` is final once read_history returns; a redacted copy made with
        dataclasses.replace groups afresh.
        """
        return self._grouped
