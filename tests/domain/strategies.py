"""Hypothesis strategies: valid topic scales, actors and sourced statements,
gathered into a StatementList (tests/domain/reference.py)."""

from __future__ import annotations

import datetime as dt

from hypothesis import strategies as st

from service.domain.model import UNCLEAR, Actor, Source, StanceValue, Statement, Topic
from service.domain.validation import check_scale

from .reference import StatementList

START = dt.date(2025, 3, 1)
DAYS = 30
SOURCE = Source(publisher="Test Wire", published_on=START)
CONDITIONS = ("a US backstop", "a monitoring mission", "sanctions relief")

dates = st.integers(min_value=0, max_value=DAYS).map(lambda n: START + dt.timedelta(days=n))


@st.composite
def scales(draw) -> tuple[StanceValue, ...]:
    """1 to 6 stances, strictly increasing levels, sides running -1 .. 0 .. +1."""
    size = draw(st.integers(min_value=1, max_value=6))
    levels = sorted(draw(st.sets(st.integers(-5, 5), min_size=size, max_size=size)))
    sides = sorted(draw(st.lists(st.sampled_from((-1, 0, 1)), min_size=size, max_size=size)))
    return tuple(StanceValue(f"s{i}", level, side, f"Stance {i}", f"Stance {i}.")
                 for i, (level, side) in enumerate(zip(levels, sides)))


@st.composite
def topics(draw, topic_id: str) -> Topic:
    topic = Topic(topic_id, f"Question {topic_id}?", draw(scales()), "higher", "lower")
    check_scale(topic)  # the generator only makes scales the domain accepts
    return topic


@st.composite
def datasets(draw) -> StatementList:
    topic_list = [draw(topics(f"t{i}")) for i in range(draw(st.integers(1, 3)))]
    actors = [Actor(f"a{i}", f"Actor {i}", "state") for i in range(draw(st.integers(2, 3)))]
    statements = []
    for n in range(draw(st.integers(0, 14))):
        topic = draw(st.sampled_from(topic_list))
        statements.append(Statement(
            id=f"st{n}",
            actor=draw(st.sampled_from(actors)).id,
            topic=topic.id,
            stance=draw(st.sampled_from((*topic.stance_values, UNCLEAR))),
            summary="s", quote="q", quote_kind="paraphrase",
            stated_on=draw(dates), date_precision="day", source=SOURCE,
            conditions=tuple(draw(st.lists(st.sampled_from(CONDITIONS), max_size=2, unique=True))),
            status=draw(st.sampled_from(("current", "current", "retracted"))),
            # Distinct recording times, in random order relative to stated_on.
            recorded_at=dt.datetime(2025, 4, 1, tzinfo=dt.timezone.utc)
            + dt.timedelta(minutes=draw(st.integers(0, 10_000)), microseconds=n),
        ))
    return StatementList(actors, topic_list, statements)
