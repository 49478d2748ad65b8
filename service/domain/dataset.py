"""An immutable snapshot of the whole record, and as-of position resolution.

The service builds one snapshot per data version and answers every read from
it: the record is small and precious, reads are many, writes are rare.
"""

from __future__ import annotations

import bisect
import datetime as dt
from collections.abc import Iterable

from .model import NO_POSITION, Actor, Position, Statement, Topic


def _order_key(statement: Statement) -> tuple:
    # Later stated_on wins; on the same day the one recorded later wins, and
    # the id breaks any remaining tie so the order is total and repeatable.
    recorded = statement.recorded_at.timestamp() if statement.recorded_at else 0.0
    return (statement.stated_on, recorded, statement.id)


class Dataset:
    """Actors, topics and the current revision of every statement."""

    def __init__(
        self,
        actors: Iterable[Actor],
        topics: Iterable[Topic],
        statements: Iterable[Statement],
        version: int = 0,
    ):
        self.version = version
        self.actors: dict[str, Actor] = {a.id: a for a in actors}
        self.topics: dict[str, Topic] = {t.id: t for t in topics}
        self.aliases: dict[str, str] = {}
        for actor in self.actors.values():
            self.aliases[actor.id] = actor.id
            for alias in actor.aliases:
                self.aliases.setdefault(alias.lower(), actor.id)
        self.statements: dict[str, Statement] = {}
        # Every statement, ordered by stated_on, for date-range listing.
        self.chronological: list[Statement] = []
        # (actor, topic) -> statements that count for positions, oldest first,
        # with a parallel list of their dates for bisecting as_of.
        self._trail: dict[tuple[str, str], list[Statement]] = {}
        self._trail_dates: dict[tuple[str, str], list[dt.date]] = {}
        # The same order per actor, so listing one actor's statements costs
        # its own number of statements, not the whole record's.
        self._by_actor: dict[str, list[Statement]] = {}
        for statement in sorted(statements, key=_order_key):
            self.statements[statement.id] = statement
            self.chronological.append(statement)
            self._by_actor.setdefault(statement.actor, []).append(statement)
            if not statement.retracted:
                self._trail.setdefault((statement.actor, statement.topic), []).append(statement)
        self.chronological_dates = [s.stated_on for s in self.chronological]
        for key, trail in self._trail.items():
            self._trail_dates[key] = [s.stated_on for s in trail]
        self._by_actor_dates = {a: [s.stated_on for s in ss] for a, ss in self._by_actor.items()}
        # (topic, stance) -> its point on the topic's scale, looked up once per cell.
        self._scale_points = {(t.id, v.value): v for t in self.topics.values() for v in t.scale}

    def resolve_actor(self, actor_id: str) -> Actor | None:
        canonical = self.aliases.get(actor_id.lower())
        return self.actors.get(canonical) if canonical else None

    def position(self, actor: str, topic: str, as_of: dt.date) -> Position:
        """The actor's latest non-retracted statement on the topic stated on
        or before `as_of`; `no_position` when there is none."""
        key = (actor, topic)
        dates = self._trail_dates.get(key)
        if dates:
            index = bisect.bisect_right(dates, as_of)
            if index:
                statement = self._trail[key][index - 1]
                stance = statement.stance
                return Position(actor, topic, as_of, stance, statement,
                                self._scale_points.get((topic, stance)))
        return Position(actor, topic, as_of, NO_POSITION)

    def trail(self, actor: str, topic: str, after: dt.date, until: dt.date) -> list[Statement]:
        """Statements that count for positions, stated in (after, until], oldest first."""
        key = (actor, topic)
        dates = self._trail_dates.get(key, [])
        lo = bisect.bisect_right(dates, after)
        hi = bisect.bisect_right(dates, until)
        return self._trail.get(key, [])[lo:hi]

    def between(self, start: dt.date | None, end: dt.date | None,
                actor: str | None = None) -> list[Statement]:
        """Every statement (retracted included) stated within [start, end],
        of one actor if given, oldest first."""
        if actor is None:
            statements, dates = self.chronological, self.chronological_dates
        else:
            statements, dates = self._by_actor.get(actor, []), self._by_actor_dates.get(actor, [])
        lo = 0 if start is None else bisect.bisect_left(dates, start)
        hi = len(statements) if end is None else bisect.bisect_right(dates, end)
        return statements[lo:hi]
