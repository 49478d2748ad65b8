"""The store's indexed reads give exactly the positions and trails the domain's
rules define (tests/domain/reference.py), on any record hypothesis can draw."""

from __future__ import annotations

import datetime as dt

import sqlalchemy as sa
from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st

from service.store import codec, tables
from service.store.read import Record
from service.store.write import append_revisions

from ..domain.strategies import dates, datasets


def stored(dataset) -> sa.Engine:
    """The drawn record in a fresh in-memory SQLite database."""
    engine = sa.create_engine("sqlite://")
    tables.metadata.create_all(engine)
    now = dt.datetime(2025, 4, 1, tzinfo=dt.timezone.utc)
    with engine.begin() as conn:
        conn.execute(tables.actors.insert(), [{**codec.actor_to(a), "updated_at": now}
                                              for a in dataset.actors.values()])
        conn.execute(tables.topics.insert(), [{**codec.topic_to(t), "updated_at": now}
                                              for t in dataset.topics.values()])
        if dataset.statements:
            append_revisions(conn, [codec.statement_row(s) for s in dataset.statements])
    return engine


@settings(max_examples=60, deadline=None, suppress_health_check=[HealthCheck.too_slow])
@given(datasets(), dates, st.one_of(st.none(), dates))
def test_positions_and_trails_are_those_the_rules_define(dataset, as_of, after):
    engine = stored(dataset)
    actors, topics = list(dataset.actors.values()), list(dataset.topics.values())
    with engine.connect() as conn:
        record = Record(conn)
        found = record.positions(actors, topics, as_of)
        expected = dataset.positions(actors, topics, as_of)
        assert {k: (p.stance, p.statement and p.statement.id) for k, p in found.items()} == {
            k: (p.stance, p.statement and p.statement.id) for k, p in expected.items()}
        for actor in actors:
            for topic in topics:
                trail = [s.id for s in record.trail(actor.id, topic.id, after, as_of)]
                assert trail == [s.id for s in dataset.trail(actor.id, topic.id, after, as_of)]
                assert record.trail_count(actor.id, topic.id, after, as_of) == len(trail)
                assert [s.id for s in record.trail(actor.id, topic.id, after, as_of, last=2)] \
                    == trail[-2:]
    engine.dispose()


def test_on_the_same_day_the_later_recording_wins_whatever_the_ids():
    """Two statements stated on one day: the one recorded later is the position
    (a correction made as a new statement), even when its id sorts first."""
    from dataclasses import replace

    from service.domain.model import Actor, Source, StanceValue, Statement, Topic

    from ..domain.reference import StatementList

    topic = Topic("t0", "Question?", (StanceValue("no", -1, -1, "No", "No."),
                                       StanceValue("yes", 1, 1, "Yes", "Yes.")))
    day = dt.date(2025, 3, 20)
    first = Statement(id="z-first", actor="a0", topic="t0", stance=topic.scale[0].value,
                      summary="s", quote="q", quote_kind="paraphrase", stated_on=day,
                      date_precision="day", source=Source("Wire", day),
                      recorded_at=dt.datetime(2025, 3, 20, 9, tzinfo=dt.timezone.utc))
    later = replace(first, id="a-later", stance=topic.scale[-1].value,
                    recorded_at=dt.datetime(2025, 3, 20, 10, tzinfo=dt.timezone.utc))
    dataset = StatementList([Actor("a0", "Actor", "state")], [topic], [first, later])
    engine = stored(dataset)
    with engine.connect() as conn:
        position = Record(conn).positions(list(dataset.actors.values()), [topic], day)["a0", "t0"]
    assert position.statement.id == "a-later"
    engine.dispose()
