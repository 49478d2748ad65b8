"""The position rules over a plain list of statements: a PositionSource for
the domain's tests, and the oracle the store's indexed queries are checked
against (tests/store/test_read.py)."""

from __future__ import annotations

import datetime as dt
from collections.abc import Iterable, Sequence

from service.domain.diff import position_of
from service.domain.model import NO_POSITION, Actor, Position, Statement, Topic


def _chronological(statement: Statement) -> tuple:
    return statement.stated_on, statement.recorded_at, statement.id


class StatementList:
    """Actors, topics and the current revision of each statement, held in a list."""

    def __init__(self, actors: Iterable[Actor], topics: Iterable[Topic],
                 statements: Iterable[Statement]):
        self.actors = {a.id: a for a in actors}
        self.topics = {t.id: t for t in topics}
        self.statements = list(statements)

    def trail(self, actor_id: str, topic_id: str, after: dt.date | None,
              until: dt.date) -> list[Statement]:
        return sorted((s for s in self.statements
                       if s.actor == actor_id and s.topic == topic_id and not s.retracted
                       and s.stated_on <= until and (after is None or s.stated_on > after)),
                      key=_chronological)

    def positions(self, actors: Sequence[Actor], topics: Sequence[Topic],
                  as_of: dt.date) -> dict[tuple[str, str], Position]:
        result = {}
        for actor in actors:
            for topic in topics:
                trail = self.trail(actor.id, topic.id, None, as_of)
                result[actor.id, topic.id] = (position_of(trail[-1], topic, as_of) if trail else
                                              Position(actor.id, topic.id, as_of, NO_POSITION))
        return result

    def position(self, actor_id: str, topic_id: str, as_of: dt.date) -> Position:
        actor, topic = self.actors[actor_id], self.topics[topic_id]
        return self.positions([actor], [topic], as_of)[actor_id, topic_id]
