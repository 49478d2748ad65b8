"""Reads of the record, each answered through an index.

A `Record` is the record as one read transaction sees it. A position as of a
date is one index seek; a grid of positions is one query of one seek per
cell; trails and listings read only the rows they return (and count).
"""

from __future__ import annotations

import datetime as dt
from collections.abc import Sequence
from functools import cached_property

import sqlalchemy as sa

from ..domain.model import NO_POSITION, Actor, Note, Position, Statement, Topic
from . import codec, tables
from .kinds import NOTES, SOURCES, STATEMENTS, Kind

CURRENT = tables.current_statements
NOTES_TABLE = tables.current_notes
# The order positions are resolved in: later stated_on wins, then the later
# recording, then the id, so the order is total and repeatable.
CHRONOLOGICAL = (CURRENT.c.stated_on, CURRENT.c.recorded_at, CURRENT.c.statement_id)


# Built once: every request asks it, a 304 asks nothing else.
DATA_VERSION = sa.select(sa.func.coalesce(sa.func.max(tables.changes.c.seq), 0))


def data_version(conn: sa.Connection) -> int:
    """The sequence number of the last write: it names every representation."""
    return conn.execute(DATA_VERSION).scalar_one()


def _newest_first(columns=CHRONOLOGICAL):
    return [c.desc() for c in columns]


class Record:
    """Actors, topics and statements as one read transaction sees them."""

    def __init__(self, conn: sa.Connection):
        self.conn = conn

    @cached_property
    def version(self) -> int:
        return data_version(self.conn)

    def edited_at(self) -> dt.datetime | None:
        """When the record was last changed by its editors (the latest entry of its log)."""
        at = self.conn.execute(sa.select(sa.func.max(tables.changes.c.at))).scalar()
        return at.replace(tzinfo=dt.UTC) if at and at.tzinfo is None else at

    # -- actors and topics: a few dozen rows, read once per request ----------

    @cached_property
    def actors(self) -> dict[str, Actor]:
        rows = self.conn.execute(sa.select(tables.actors).order_by(tables.actors.c.id))
        return {row.id: codec.actor_from(row._asdict()) for row in rows}

    @cached_property
    def topics(self) -> dict[str, Topic]:
        rows = self.conn.execute(sa.select(tables.topics).order_by(tables.topics.c.id))
        return {row.id: codec.topic_from(row._asdict()) for row in rows}

    @cached_property
    def _aliases(self) -> dict[str, str]:
        aliases = {}
        for actor in self.actors.values():
            for alias in actor.aliases:
                aliases.setdefault(alias.lower(), actor.id)
        return {**aliases, **{actor_id: actor_id for actor_id in self.actors}}

    def resolve_actor(self, actor_id: str) -> Actor | None:
        canonical = self._aliases.get(actor_id.lower())
        return self.actors.get(canonical) if canonical else None

    # -- positions -------------------------------------------------------------

    def positions(self, actors: Sequence[Actor], topics: Sequence[Topic],
                  as_of: dt.date) -> dict[tuple[str, str], Position]:
        """Every (actor, topic) position as of `as_of`: the latest current
        statement stated on or before it, else `no_position`. One query, one
        index seek per cell."""
        latest = CURRENT.alias("latest")
        a, t = tables.actors.alias("a"), tables.topics.alias("t")
        seek = (sa.select(latest.c.statement_id)
                .where(latest.c.actor_id == a.c.id, latest.c.topic_id == t.c.id,
                       latest.c.status == "current", latest.c.stated_on <= as_of)
                .order_by(*_newest_first((latest.c.stated_on, latest.c.recorded_at,
                                          latest.c.statement_id)))
                .limit(1).correlate(a, t).scalar_subquery())
        query = (sa.select(CURRENT)
                 .select_from(a.join(t, sa.true()).join(CURRENT, CURRENT.c.statement_id == seek))
                 .where(a.c.id.in_([actor.id for actor in actors]),
                        t.c.id.in_([topic.id for topic in topics])))
        found = {(s.actor, s.topic): s for s in map(STATEMENTS.from_row, self.conn.execute(query))}
        notes = self.cell_notes(actors, topics, as_of)
        result = {}
        for actor in actors:
            for topic in topics:
                cell = actor.id, topic.id
                statement = found.get(cell)
                stance = statement.stance if statement else NO_POSITION
                result[cell] = Position(actor.id, topic.id, as_of, stance, statement,
                                        topic.stance(stance), notes.get(cell, ()))
        return result

    def cell_notes(self, actors: Sequence[Actor], topics: Sequence[Topic],
                   as_of: dt.date) -> dict[tuple[str, str], tuple[Note, ...]]:
        """The current notes on each cell whose source was published by `as_of`."""
        rows = self.conn.execute(
            sa.select(NOTES_TABLE).where(NOTES_TABLE.c.actor_id.in_([a.id for a in actors]),
                                         NOTES_TABLE.c.topic_id.in_([t.id for t in topics]),
                                         NOTES_TABLE.c.status == "current")
            .order_by(NOTES_TABLE.c.note_id))
        notes: dict[tuple[str, str], tuple[Note, ...]] = {}
        for note in map(NOTES.from_row, rows):
            if note.source.published_on <= as_of:
                notes[note.actor, note.topic] = (*notes.get((note.actor, note.topic), ()), note)
        return notes

    def _trail_query(self, actor_id: str, topic_id: str, after: dt.date | None, until: dt.date):
        where = [CURRENT.c.actor_id == actor_id, CURRENT.c.topic_id == topic_id,
                 CURRENT.c.status == "current", CURRENT.c.stated_on <= until]
        if after is not None:
            where.append(CURRENT.c.stated_on > after)
        return sa.select(CURRENT).where(*where)

    def trail(self, actor_id: str, topic_id: str, after: dt.date | None, until: dt.date,
              last: int | None = None) -> list[Statement]:
        """Statements that count for positions, stated in (after, until],
        oldest first; only the `last` most recent when given."""
        query = self._trail_query(actor_id, topic_id, after, until)
        if last is None:
            rows = self.conn.execute(query.order_by(*CHRONOLOGICAL))
            return [STATEMENTS.from_row(row) for row in rows]
        rows = self.conn.execute(query.order_by(*_newest_first()).limit(last))
        return [STATEMENTS.from_row(row) for row in rows][::-1]

    def trail_count(self, actor_id: str, topic_id: str, after: dt.date | None,
                    until: dt.date) -> int:
        query = self._trail_query(actor_id, topic_id, after, until).with_only_columns(
            sa.func.count())
        return self.conn.execute(query).scalar_one()

    # -- statements --------------------------------------------------------------

    def statement_count(self) -> int:
        """Statements that count for positions (retracted ones do not)."""
        return self.conn.execute(sa.select(sa.func.count()).select_from(CURRENT)
                                 .where(CURRENT.c.status == "current")).scalar_one()

    def statements(self, ids: Sequence[str] | None = None) -> dict[str, Statement]:
        """Current statements by id, oldest first: every one, or those of `ids`
        (for imports and exports, not for answers)."""
        if ids is None:
            rows = self.conn.execute(sa.select(CURRENT).order_by(*CHRONOLOGICAL))
            return {row.statement_id: STATEMENTS.from_row(row) for row in rows}
        found: dict[str, Statement] = {}
        ids = list(ids)
        for start in range(0, len(ids), 500):  # within every database's bound-parameter limit
            rows = self.conn.execute(sa.select(CURRENT).where(
                CURRENT.c.statement_id.in_(ids[start:start + 500])))
            found.update((row.statement_id, STATEMENTS.from_row(row)) for row in rows)
        return found

    def listing(self, start: dt.date | None, end: dt.date | None, actor_id: str | None,
                topic_id: str | None, include_retracted: bool, offset: int,
                limit: int) -> tuple[list[Statement], int]:
        """One page of statements stated within [start, end], oldest first, and the total."""
        where = []
        if start is not None:
            where.append(CURRENT.c.stated_on >= start)
        if end is not None:
            where.append(CURRENT.c.stated_on <= end)
        return self._page(STATEMENTS, actor_id, topic_id, include_retracted, where,
                          CHRONOLOGICAL, offset, limit)

    def notes(self, actor_id: str | None, topic_id: str | None, include_retracted: bool,
              offset: int, limit: int) -> tuple[list[Note], int]:
        """One page of notes by id, and the total."""
        return self._page(NOTES, actor_id, topic_id, include_retracted, [],
                          (NOTES_TABLE.c.note_id,), offset, limit)

    def all_notes(self) -> list[Note]:
        """The current revision of every note, retracted ones included, for exports."""
        return [NOTES.from_row(row) for row in
                self.conn.execute(sa.select(NOTES_TABLE).order_by(NOTES_TABLE.c.note_id))]

    # -- sources -------------------------------------------------------------------

    def sources(self, include_retracted: bool, offset: int, limit: int):
        """One page of sources, newest publication first, and the total."""
        table = SOURCES.current
        where = [] if include_retracted else [table.c.status == "current"]
        total = self.conn.execute(
            sa.select(sa.func.count()).select_from(table).where(*where)).scalar_one()
        rows = self.conn.execute(sa.select(table).where(*where)
                                 .order_by(table.c.published_on.desc(), table.c.source_id)
                                 .offset(offset).limit(limit))
        return [SOURCES.from_row(row) for row in rows], total

    def all_sources(self) -> list:
        """The current revision of every source, retracted ones included, for exports."""
        table = SOURCES.current
        return [SOURCES.from_row(row)
                for row in self.conn.execute(sa.select(table).order_by(table.c.source_id))]

    def statements_on(self, source_id: str) -> list[Statement]:
        """The current statements anchored to a source, oldest first."""
        rows = self.conn.execute(sa.select(CURRENT).where(
            CURRENT.c.source_id == source_id, CURRENT.c.status == "current")
            .order_by(*CHRONOLOGICAL))
        return [STATEMENTS.from_row(row) for row in rows]

    def reading(self, language: str | None) -> dict | None:
        """The candidate finder's cues for a language, or None when the record has none."""
        if language is None:
            return None
        row = self.conn.execute(sa.select(tables.readings).where(
            tables.readings.c.language == language)).first()
        return None if row is None else {key: list(value) for key, value in row._mapping.items()
                                         if key not in ("language", "updated_at")}

    def readings(self) -> dict[str, dict]:
        rows = self.conn.execute(sa.select(tables.readings).order_by(tables.readings.c.language))
        return {row.language: self.reading(row.language) for row in rows}

    # -- any kind of record ----------------------------------------------------------

    def current(self, kind: Kind, item_id: str):
        """The current revision of a record, or None."""
        table = kind.current
        row = self.conn.execute(sa.select(table).where(table.c[kind.id_column] == item_id)).first()
        return kind.from_row(row) if row else None

    def history(self, kind: Kind, item_id: str) -> list:
        """Every revision of a record, oldest first; empty for an unknown id."""
        table = kind.history
        rows = self.conn.execute(sa.select(table).where(table.c[kind.id_column] == item_id)
                                 .order_by(table.c.revision))
        return [kind.from_row(row) for row in rows]

    def _page(self, kind: Kind, actor_id: str | None, topic_id: str | None,
              include_retracted: bool, where: list, order, offset: int, limit: int):
        """One page of a kind's current records on a cell, an actor or a topic, and the total."""
        table = kind.current
        if actor_id is not None:
            where.append(table.c.actor_id == actor_id)
        if topic_id is not None:
            where.append(table.c.topic_id == topic_id)
        if not include_retracted:
            where.append(table.c.status == "current")
        total = self.conn.execute(
            sa.select(sa.func.count()).select_from(table).where(*where)).scalar_one()
        rows = self.conn.execute(sa.select(table).where(*where).order_by(*order)
                                 .offset(offset).limit(limit))
        return [kind.from_row(row) for row in rows], total

    # -- the change log ------------------------------------------------------------

    def changes_since(self, since: int, limit: int) -> list:
        """Every write after `since`, in commit order (writers commit one at a time)."""
        changes = tables.changes
        return self.conn.execute(
            sa.select(changes).where(changes.c.seq > since).order_by(changes.c.seq).limit(limit)
        ).all()
