"""The diff engine on the bundled data, as a reader of the 20 March 2025 AP report
would check it."""

from __future__ import annotations

import dataclasses
import datetime as dt

import pytest

from service.domain.diff import Snapshot, diff, take_snapshot
from service.domain.model import Position
from service.domain.timeline import timeline
from service.store.dataset_io import load_bundled, parse_dataset

from .reference import StatementList

MARCH = {day: dt.date(2025, 3, day) for day in (1, 10, 11, 19, 20)}


@pytest.fixture(scope="module")
def dataset() -> StatementList:
    return StatementList(*parse_dataset(load_bundled()))


def one(dataset, left, left_day, right, right_day, topic):
    topic = dataset.topics[topic]
    (result,) = diff(take_snapshot(dataset, dataset.actors[left], MARCH[left_day], [topic]),
                     take_snapshot(dataset, dataset.actors[right], MARCH[right_day], [topic]),
                     [topic])
    return result


def test_russia_and_the_uk_are_opposed_on_peacekeepers_four_steps_apart(dataset):
    d = one(dataset, "russia", 20, "uk", 20, "peacekeepers")
    assert (d.verdict, d.distance, d.direction) == ("opposed", 4, "more willing")
    assert d.summary == ("Russia and United Kingdom are opposed: Rejects vs Will send troops; "
                         "United Kingdom is 4 steps more willing")
    back = one(dataset, "uk", 20, "russia", 20, "peacekeepers")
    assert (back.verdict, back.distance, back.direction) == ("opposed", -4, "less willing")


def test_the_uk_and_france_agree_on_sending_troops_but_only_the_uk_asks_for_a_backstop(dataset):
    d = one(dataset, "uk", 20, "france", 20, "peacekeepers")
    assert (d.verdict, d.distance) == ("agree", 0)
    assert d.conditions_removed == ("a US backstop",)
    assert "only United Kingdom sets condition a US backstop" in d.summary


def test_ukraine_narrowed_its_ceasefire_from_full_to_energy_only(dataset):
    d = one(dataset, "ukraine", 11, "ukraine", 19, "ceasefire_scope")
    assert (d.kind, d.verdict, d.distance, d.direction) == ("change", "shifted", -2, "narrower")
    assert d.summary == ("Ukraine moved narrower: from Full ceasefire to Energy infrastructure "
                         "only (2 steps)")


def test_ukraine_from_11_to_20_march_is_shifted_narrower_with_a_new_condition(dataset):
    d = one(dataset, "ukraine", 11, "ukraine", 20, "ceasefire_scope")
    assert (d.verdict, d.distance, d.direction) == ("shifted", -1, "narrower")
    assert (d.left.stance, d.right.stance) == ("full", "energy_and_civilian")
    assert d.conditions_added and not d.conditions_removed


def test_the_us_followed_the_same_narrowing(dataset):
    d = one(dataset, "us", 11, "us", 20, "ceasefire_scope")
    assert (d.verdict, d.left.stance, d.right.stance, d.distance) == (
        "shifted", "full", "energy_only", -2)


def test_a_position_first_stated_inside_the_window(dataset):
    d = one(dataset, "ukraine", 1, "ukraine", 11, "ceasefire_scope")
    assert (d.verdict, d.distance) == ("first_stated", None)
    assert d.summary == "Ukraine first stated a position: Full ceasefire"


def test_the_us_backstop_is_unclear_so_nothing_is_claimed_about_it(dataset):
    d = one(dataset, "uk", 20, "us", 20, "backstop")
    assert (d.verdict, d.distance, d.direction) == ("unknown", None, None)
    assert "United States has a statement that takes no clear side" in d.summary


@pytest.mark.parametrize("other", ["uk", "france", "russia", "us", "ukraine"])
def test_germany_said_nothing_so_every_comparison_is_unknown(dataset, other):
    topics = list(dataset.topics.values())
    diffs = diff(take_snapshot(dataset, dataset.actors["germany"], MARCH[20], topics),
                 take_snapshot(dataset, dataset.actors[other], MARCH[20], topics), topics)
    assert [d.verdict for d in diffs] == ["unknown"] * len(topics)


def test_the_ceasefire_timeline_tells_the_week_in_order(dataset):
    topic = dataset.topics["ceasefire_scope"]
    events = timeline(dataset, topic, dataset.actors.values(), None, MARCH[20])
    told = [(e.date.day, e.statement.actor, e.change.verdict, e.change.right.stance)
            for e in events]
    assert told == [
        (11, "ukraine", "first_stated", "full"),
        (11, "us", "first_stated", "full"),
        (19, "russia", "first_stated", "energy_only"),
        (19, "ukraine", "shifted", "energy_only"),
        (19, "us", "shifted", "energy_only"),
        (20, "ukraine", "shifted", "energy_and_civilian"),
    ]
    # From a start date, positions held before it are the baseline, not news.
    later = timeline(dataset, topic, dataset.actors.values(), MARCH[19], MARCH[20])
    assert [(e.statement.actor, e.change.left.stance) for e in later] == [
        ("ukraine", "energy_only")]


def test_a_retracted_statement_shows_as_withdrawn_between_data_versions(dataset):
    # A retraction removes the statement from every date of the new data
    # version, so "withdrawn" is what a diff of the record before and after
    # the retraction reports.
    actors, topics, statements = parse_dataset(load_bundled())
    retracted = [dataclasses.replace(s, status="retracted", revision=2)
                 if s.id == "russia-peacekeepers-2025-03-20" else s for s in statements]
    after = StatementList(actors, topics, retracted)
    topic = [dataset.topics["peacekeepers"]]
    (d,) = diff(take_snapshot(dataset, dataset.actors["russia"], MARCH[20], topic),
                take_snapshot(after, after.actors["russia"], MARCH[20], topic), topic)
    assert (d.verdict, d.left.stance, d.right.stance) == ("withdrawn", "rejects", "no_position")
    assert d.summary == ("Russia's position Rejects was withdrawn: no recorded position "
                         "as of 2025-03-20")


@pytest.mark.parametrize("before,after,change,comparison", [
    ("rejects", "resists", "shifted", "differ"),            # same side
    ("resists", "undecided", "shifted", "differ"),          # into the neutral middle: half flip
    ("undecided", "open_to_involvement", "shifted", "differ"),  # out of it
    ("resists", "open_to_involvement", "reversed", "opposed"),  # across: full flop
    ("will_send_troops", "rejects", "reversed", "opposed"),
    ("undecided", "undecided", "unchanged", "agree"),
])
def test_only_crossing_from_one_side_to_the_other_is_a_reversal(dataset, before, after, change,
                                                                   comparison):
    topic = dataset.topics["peacekeepers"]
    uk, russia = dataset.actors["uk"], dataset.actors["russia"]

    def held(actor, stance, day):
        return Snapshot(actor, MARCH[day], {topic.id: Position(
            actor.id, topic.id, MARCH[day], stance, None, topic.stance(stance))})

    (moved,) = diff(held(uk, before, 11), held(uk, after, 20), [topic])
    (apart,) = diff(held(uk, before, 20), held(russia, after, 20), [topic])
    assert (moved.verdict, apart.verdict) == (change, comparison)
