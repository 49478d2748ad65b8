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
