"""The per-actor index answers exactly what filtering the whole record would."""

from __future__ import annotations

import datetime as dt

import pytest

from bench.synthetic import generate
from service.domain.dataset import Dataset
from service.store.dataset_io import parse_dataset


@pytest.fixture(scope="module")
def dataset() -> Dataset:
    actors, topics, statements = parse_dataset(generate(2000, seed=3))
    return Dataset(actors, topics, statements)


@pytest.mark.parametrize("start, end", [(None, None), (dt.date(2017, 1, 1), None),
                                        (None, dt.date(2019, 6, 30)),
                                        (dt.date(2018, 2, 1), dt.date(2018, 2, 1)),
                                        (dt.date(2020, 1, 1), dt.date(2022, 12, 31))])
def test_between_one_actor_is_the_filtered_record(dataset, start, end):
    for actor in ("actor-01", "actor-17", "actor-50", "nobody"):
        expected = [s for s in dataset.between(start, end) if s.actor == actor]
        assert dataset.between(start, end, actor=actor) == expected


@pytest.mark.parametrize("start, end", [(None, None), (dt.date(2018, 2, 1), dt.date(2020, 6, 30))])
@pytest.mark.parametrize("actor", [None, "actor-07", "nobody"])
@pytest.mark.parametrize("topic", [None, "topic-03", "no-such-topic"])
@pytest.mark.parametrize("include_retracted", [True, False])
def test_listing_is_the_filtered_record(dataset, start, end, actor, topic, include_retracted):
    """listing() filters by stored codes, without building a statement per row
    it drops: it must keep exactly what filtering the built statements keeps."""
    expected = [s for s in dataset.between(start, end)
                if (actor is None or s.actor == actor) and (topic is None or s.topic == topic)
                and (include_retracted or not s.retracted)]
    listed = dataset.listing(start, end, actor=actor, topic=topic,
                             include_retracted=include_retracted)
    assert list(listed) == expected and len(listed) == len(expected)
    if actor is None and topic is None and not include_retracted:
        assert any(s.retracted for s in dataset.between(start, end))  # the filter had work to do
