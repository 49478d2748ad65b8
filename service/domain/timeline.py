"""A topic's timeline: every change of stance by any actor, in date order.

Each statement in the record is diffed, with the same engine as everything
else, against the position the actor held just before it. Restatements that
change nothing (`unchanged`) are left out: they are not changes.
"""

from __future__ import annotations

import datetime as dt
from collections.abc import Sequence
from dataclasses import dataclass

from .diff import PositionSource, Snapshot, TopicDiff, diff, position_of
from .model import NO_POSITION, Actor, Position, Statement, Topic, day_before


@dataclass(frozen=True, slots=True)
class TimelineEvent:
    date: dt.date
    statement: Statement
    change: TopicDiff


def timeline(source: PositionSource, topic: Topic, actors: Sequence[Actor],
             start: dt.date | None, end: dt.date) -> list[TimelineEvent]:
    """Changes on `topic` by statements stated in (start, end], oldest first;
    with no `start`, from the beginning of the record."""
    events: list[TimelineEvent] = []
    held = source.positions(actors, [topic], start) if start else {}
    for actor in actors:
        trail = source.trail(actor.id, topic.id, start, end)
        if not trail:
            continue
        if start:
            before_date, before = start, held[actor.id, topic.id]
        else:
            before_date = day_before(trail[0].stated_on)
            before = Position(actor.id, topic.id, before_date, NO_POSITION)
        for statement in trail:
            after = position_of(statement, topic)
            (change,) = diff(Snapshot(actor, before_date, {topic.id: before}),
                             Snapshot(actor, statement.stated_on, {topic.id: after}), [topic])
            if change.verdict != "unchanged":
                events.append(TimelineEvent(statement.stated_on, statement, change))
            before, before_date = after, statement.stated_on
    # Same-day events by actor id, whatever order actors were asked in; the
    # sort is stable, so one actor's same-day statements keep their order.
    events.sort(key=lambda e: (e.date, e.statement.actor))
    return events
