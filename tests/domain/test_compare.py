"""Comparing parties on a date, as /v1/compare and the compare embed both show it
(the one computation in service/domain/compare.py), on the bundled record of the
20 March 2025 AP report: on peacekeepers Britain and France want a force (¶26,
+2) and Russia rejects troops from NATO countries (¶28, -1)."""

from __future__ import annotations

import datetime as dt

import pytest

from service.domain.compare import compare
from service.store.dataset_io import load_bundled, parse_dataset

from .reference import StatementList

MARCH_20 = dt.date(2025, 3, 20)


@pytest.fixture(scope="module")
def dataset() -> StatementList:
    return StatementList(*parse_dataset(load_bundled())[:3])


def _compare(dataset, actor_ids, topic_ids=None):
    actors = [dataset.actors[a] for a in actor_ids]
    topics = [dataset.topics[t] for t in topic_ids] if topic_ids else list(dataset.topics.values())
    return compare(dataset, actors, topics, MARCH_20)


def test_every_pair_once_per_topic_left_before_right_in_the_order_asked(dataset):
    found = _compare(dataset, ["uk", "france", "russia"], ["peacekeepers"])
    assert [(d.left_actor.id, d.right_actor.id) for d in found.pairs["peacekeepers"]] == [
        ("uk", "france"), ("uk", "russia"), ("france", "russia")]
    assert [p.actor for p in found.positions(dataset.topics["peacekeepers"])] == [
        "uk", "france", "russia"]


def test_the_fault_lines_are_the_opposed_pairs_and_only_those(dataset):
    found = _compare(dataset, ["uk", "france", "russia"], ["peacekeepers"])
    assert [(d.left_actor.id, d.right_actor.id, d.distance) for d in found.fault_lines] == [
        ("uk", "russia", -3), ("france", "russia", -3)]
    assert all(d.verdict == "opposed" for d in found.fault_lines)
    # Britain and France agree: never a fault line.
    assert found.pairs["peacekeepers"][0].verdict == "agree"


def test_fault_lines_run_farthest_apart_first_across_topics_and_per_topic(dataset):
    found = _compare(dataset, ["uk", "france", "russia", "ukraine", "us"])
    assert found.fault_lines
    distances = [abs(d.distance or 0) for d in found.fault_lines]
    assert distances == sorted(distances, reverse=True)
    for topic in dataset.topics.values():
        on_topic = found.fault_lines_on(topic)
        opposed = [d for d in found.pairs[topic.id] if d.verdict == "opposed"]
        # The same pairs, farthest apart first; equally far, in the order asked.
        assert on_topic == sorted(opposed, key=lambda d: -abs(d.distance or 0))


def test_silence_is_never_a_fault_line(dataset):
    # The US has no recorded backstop statement (¶28 records an absence): unknown, not opposed.
    found = _compare(dataset, ["uk", "us"], ["backstop"])
    (pair,) = found.pairs["backstop"]
    assert pair.verdict == "unknown"
    assert found.fault_lines == []
