"""What the audit trail adds to progress: confirmed closures, postponements, relapses."""

from __future__ import annotations

from dataclasses import dataclass

from site_builder.history import Event, Kind, State


def current_closures(events: list[Event]) -> dict[str, Event]:
    """The closure event of each item that is still closed (a reopening cancels it)."""
    latest: dict[str, Event] = {}
    for event in events:
        if event.kind in (Kind.CLOSED, Kind.COMPLETED):
            latest[event.item] = event
        elif event.kind is Kind.REOPENED:
            latest.pop(event.item, None)
    return latest


@dataclass
class TrailCounts:
    confirmed: int = 0  # problems closed with a sign-off that holds
    postponed: int = 0  # deadline postponements
    reopened: int = 0  # problems reopened after closure (改后又犯)

    def add(self, other: TrailCounts) -> None:
        self.confirmed += other.confirmed
        self.postponed += other.postponed
        self.reopened += other.reopened


def trail_counts(events: list[Event]) -> TrailCounts:
    problem_closures = [e for e in current_closures(events).values() if e.kind is Kind.CLOSED]
    return TrailCounts(
        confirmed=sum(e.signoff.state is State.CONFIRMED for e in problem_closures),
        postponed=sum(e.kind is Kind.POSTPONED for e in events),
        reopened=sum(e.kind is Kind.REOPENED and e.item.count("/") == 2 for e in events),
    )
