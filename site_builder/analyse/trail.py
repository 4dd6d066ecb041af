"""What the audit trail adds to progress: confirmed closures, postponements, relapses."""

from __future__ import annotations

from collections.abc import Iterable, Mapping
from dataclasses import dataclass

from site_builder.history import Event, Kind, State
from site_builder.model.refs import ItemRef


def current_closures(events: list[Event]) -> dict[str, Event]:
    """The closure event of each item that is still closed (a reopening cancels it)."""
    latest: dict[str, Event] = {}
    for event in events:
        if event.kind in (Kind.CLOSED, Kind.COMPLETED):
            latest[event.item] = event
        elif event.kind is Kind.REOPENED:
            latest.pop(event.item, None)
    return latest


@dataclass(frozen=True)
class TrailCounts:
    confirmed: int = 0  # problems closed with a sign-off that holds
    postponed: int = 0  # deadline postponements
    reopened: int = 0  # problems reopened after closure (改后又犯)

    @classmethod
    def total(cls, items: Iterable[TrailCounts]) -> TrailCounts:
        confirmed = postponed = reopened = 0
        for item in items:
            confirmed += item.confirmed
            postponed += item.postponed
            reopened += item.reopened
        return cls(confirmed, postponed, reopened)


def is_relapse(event: Event) -> bool:
    """A problem (not a measure) reopened after its closure: the figure 改后又犯 counts."""
    return event.kind is Kind.REOPENED and ItemRef.parse(event.item).is_problem


def trail_counts(events: list[Event], closures: Mapping[str, Event] | None = None) -> TrailCounts:
    """Confirmed closures, postponements and relapses among ``events`` (one ledger's, or
    any set); ``closures`` are the standing closures of the whole history, when known."""
    if closures is None:
        closures = current_closures(events)
    items = {e.item for e in events}
    standing = [closures[i] for i in items if i in closures]
    return TrailCounts(
        confirmed=sum(
            e.kind is Kind.CLOSED and e.signoff.state is State.CONFIRMED for e in standing
        ),
        postponed=sum(e.kind is Kind.POSTPONED for e in events),
        reopened=sum(is_relapse(e) for e in events),
    )
