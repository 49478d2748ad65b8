"""Position events: how a write moved one actor's history on one topic.

A cell's history is its trail of current statements, oldest first, each one a
step: the position held just before it (`left`) against the position it
establishes (`right`), diffed by the same engine as everything else. A write
(a new statement, a correction, a retraction, an import) changes the trail;
its events are the steps it added, changed or removed:

- `added`: a statement now in the trail that was not (a new statement, or one
  moved here by a correction). A restatement that changes nothing
  (`unchanged`) is no event, as in a timeline.
- `changed`: a statement whose step differs (another verdict, stance on either
  side, distance or conditions): a correction of it, or a statement recorded,
  corrected or retracted just before it. A correction of its quote or source
  alone changes no step and makes no event.
- `removed`: a statement no longer in the trail (retracted, or moved to
  another cell by a correction). Its step is the position it established
  against the one that holds on its date now, e.g. `withdrawn` when nothing
  else does; `unchanged` makes no event.

The last step of a trail holds the position as of today (`current`), so a
change of today's position is always one of these events.
"""

from __future__ import annotations

import datetime as dt
from collections.abc import Sequence
from dataclasses import dataclass

from .diff import Snapshot, TopicDiff, diff, position_of
from .model import NO_POSITION, Actor, Position, Statement, Topic, day_before

ADDED, CHANGED, REMOVED = "added", "changed", "removed"


@dataclass(frozen=True, slots=True)
class PositionEvent:
    change: str  # added, changed, removed
    date: dt.date  # the statement's stated_on
    statement: Statement
    step: TopicDiff
    current: bool  # the step is the position as of today (or was, for `removed`)


def _steps(actor: Actor, topic: Topic, trail: Sequence[Statement]) -> dict[str, TopicDiff]:
    """Each statement of the trail, by id: its step."""
    steps: dict[str, TopicDiff] = {}
    before: Position | None = None
    for statement in trail:
        day = statement.stated_on
        if before is None:
            before = Position(actor.id, topic.id, day_before(day), NO_POSITION)
        after = position_of(statement, topic)
        (steps[statement.id],) = diff(Snapshot(actor, before.as_of, {topic.id: before}),
                                      Snapshot(actor, day, {topic.id: after}), [topic])
        before = after
    return steps


def _shape(step: TopicDiff) -> tuple:
    """What a step says, without which revision of a statement says it."""
    return (step.verdict, step.left.stance, step.right.stance, step.distance,
            step.conditions_added, step.conditions_removed)


def _held_on(actor: Actor, topic: Topic, trail: Sequence[Statement], day: dt.date) -> Position:
    """The position the trail gives as of `day`."""
    held = [s for s in trail if s.stated_on <= day]
    if not held:
        return Position(actor.id, topic.id, day, NO_POSITION)
    return position_of(held[-1], topic, day)


def cell_events(actor: Actor, topic: Topic, before: Sequence[Statement],
                after: Sequence[Statement], now: dict[str, Statement]) -> list[PositionEvent]:
    """The events of one cell, oldest first, given its trail before and after a
    write (current statements in position order) and, for removed steps, the
    statements as they are after it (`now`, by id)."""
    old, new = _steps(actor, topic, before), _steps(actor, topic, after)
    last_old = before[-1].id if before else None
    last_new = after[-1].id if after else None
    events = []
    for statement in after:
        step = new[statement.id]
        if statement.id not in old:
            if step.verdict != "unchanged":
                events.append(PositionEvent(ADDED, statement.stated_on, statement, step,
                                            statement.id == last_new))
        elif _shape(old[statement.id]) != _shape(step):
            events.append(PositionEvent(CHANGED, statement.stated_on, statement, step,
                                        statement.id == last_new))
    for statement in before:
        if statement.id in new:
            continue
        day = statement.stated_on
        was = position_of(statement, topic)
        (step,) = diff(Snapshot(actor, day, {topic.id: was}),
                       Snapshot(actor, day, {topic.id: _held_on(actor, topic, after, day)}),
                       [topic])
        if step.verdict != "unchanged":
            events.append(PositionEvent(REMOVED, day, now.get(statement.id, statement), step,
                                        statement.id == last_old))
    events.sort(key=lambda e: e.date)  # stable: a day's steps keep the trail's order
    return events
