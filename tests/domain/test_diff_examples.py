"""The diff engine on the bundled data, as a reader of the 20 March 2025 AP report
would check it (docs/DATA.md, "What the change does to diffs").

The record, read from the report: from 19 March Russia and Ukraine have agreed in
principle to a limited ceasefire whose targets "remained to be seen" (¶5,
`limited_targets_unsettled`, unranked: its breadth is left open) and the US has pushed for a full 30-day
ceasefire (¶9, `full`, level 3, on or before 19 March); on 20 March Zelensky
backs halting strikes on power production and civilian facilities (¶6,
`energy_and_civilian`, level 2). Nothing is recorded before 19 March. On
peacekeepers Britain and France have said they are willing to send troops
(¶26, `wants_force`, +2) and Russia will not accept troops from NATO countries
(¶28, `rejects_some`, -1). The US has no backstop statement (¶28 records an
absence)."""

from __future__ import annotations

import dataclasses
import datetime as dt

import pytest

from service.domain.diff import Snapshot, diff, take_snapshot
from service.domain.model import Position
from service.domain.timeline import timeline
from service.store.dataset_io import load_bundled, parse_dataset

from .reference import StatementList

MARCH = {day: dt.date(2025, 3, day) for day in (1, 10, 11, 18, 19, 20)}


@pytest.fixture(scope="module")
def dataset() -> StatementList:
    return StatementList(*parse_dataset(load_bundled())[:3])


def one(dataset, left, left_day, right, right_day, topic):
    topic = dataset.topics[topic]
    (result,) = diff(take_snapshot(dataset, dataset.actors[left], MARCH[left_day], [topic]),
                     take_snapshot(dataset, dataset.actors[right], MARCH[right_day], [topic]),
                     [topic])
    return result


def test_russia_and_the_uk_are_opposed_on_peacekeepers_three_steps_apart(dataset):
    # rejects_some (-1, against) to wants_force (+2, for): rejects_some, undecided,
    # open, wants_force is three steps, across the middle.
    d = one(dataset, "russia", 20, "uk", 20, "peacekeepers")
    assert (d.verdict, d.distance, d.direction) == ("opposed", 3, "more willing")
    assert d.summary == ("Russia and United Kingdom are opposed: Rejects some countries' troops "
                         "vs Wants a force; United Kingdom is 3 steps more willing")
    back = one(dataset, "uk", 20, "russia", 20, "peacekeepers")
    assert (back.verdict, back.distance, back.direction) == ("opposed", -3, "less willing")


def test_the_uk_and_france_agree_on_sending_troops_and_neither_sets_a_condition(dataset):
    # ¶26 states no condition; the backstop Starmer wants (¶28) is another topic.
    d = one(dataset, "uk", 20, "france", 20, "peacekeepers")
    assert (d.verdict, d.distance, d.direction) == ("agree", 0, "same")
    assert d.conditions_added == d.conditions_removed == ()
    assert d.summary == "United Kingdom and France agree: Wants a force"


def test_a_limited_ceasefire_with_targets_unsettled_is_not_ranked_against_a_full_one(dataset):
    # Same side of the question, but the report leaves Russia's breadth open (¶5): no steps.
    d = one(dataset, "us", 20, "russia", 20, "ceasefire_scope")
    assert (d.verdict, d.distance, d.direction) == ("unknown", None, None)
    assert d.summary == ("Cannot rank United States against Russia: Full ceasefire vs Limited, "
                         "targets not settled; Limited, targets not settled is not ranked on "
                         "this scale")
    back = one(dataset, "russia", 20, "us", 20, "ceasefire_scope")
    assert (back.verdict, back.distance, back.direction) == ("unknown", None, None)


def test_russia_and_ukraine_are_not_said_to_differ_in_breadth_on_20_march(dataset):
    # ¶5: both agreed the same limited deal; the report gives no Russian view on civilian
    # facilities, so naming them does not make Ukraine "2 steps broader" than Russia.
    d = one(dataset, "russia", 20, "ukraine", 20, "ceasefire_scope")
    assert (d.verdict, d.distance, d.direction) == ("unknown", None, None)
    assert "step" not in d.summary and "broader" not in d.summary
    assert d.summary == ("Cannot rank Russia against Ukraine: Limited, targets not settled vs "
                         "Energy and civilian infrastructure; Limited, targets not settled is "
                         "not ranked on this scale")


def test_nothing_is_recorded_on_the_ceasefire_before_19_march(dataset):
    for actor in ("russia", "ukraine", "us"):
        d = one(dataset, actor, 1, actor, 18, "ceasefire_scope")
        assert (d.verdict, d.left.stance, d.right.stance) == (
            "unknown", "no_position", "no_position"), actor


def test_ukraine_first_stated_a_limited_ceasefire_on_19_march(dataset):
    d = one(dataset, "ukraine", 11, "ukraine", 19, "ceasefire_scope")
    assert (d.kind, d.verdict, d.distance, d.direction) == ("change", "first_stated", None, None)
    assert d.right.stance == "limited_targets_unsettled"
    assert d.summary == ("Ukraine first stated a position: Limited, targets not settled, "
                         "on 19 March 2025")


def test_ukraine_named_the_targets_on_20_march_and_moved_no_steps(dataset):
    # The report's only direction for Ukraine is the other way ("originally had sought a
    # broader ceasefire", ¶6): naming the targets is told in words, never as broadening.
    d = one(dataset, "ukraine", 19, "ukraine", 20, "ceasefire_scope")
    assert (d.verdict, d.distance, d.direction) == ("shifted", None, None)
    assert (d.left.stance, d.right.stance) == ("limited_targets_unsettled", "energy_and_civilian")
    # Zelensky saying Ukraine would identify civilian infrastructure is a step, not a condition.
    assert d.conditions_added == d.conditions_removed == ()
    assert d.summary == ("Ukraine named the targets on 20 March 2025: from Limited, targets not "
                         "settled to Energy and civilian infrastructure")


def test_the_us_position_counts_from_its_bound_and_never_narrowed(dataset):
    # on_or_before 19 March: held by then, never shown earlier.
    assert dataset.position("us", "ceasefire_scope", MARCH[18]).stance == "no_position"
    assert dataset.position("us", "ceasefire_scope", MARCH[19]).stance == "full"
    d = one(dataset, "us", 19, "us", 20, "ceasefire_scope")
    # Nothing new on 20 March: the record says no more than that (issue 21).
    assert (d.verdict, d.distance, d.left.stance, d.right.stance) == (
        "no_new_statement", 0, "full", "full")
    assert d.summary == ("United States: no new statement since 19 March 2025 up to "
                         "20 March 2025; last stated Full ceasefire by 19 March 2025")


def test_a_position_first_stated_inside_the_window(dataset):
    d = one(dataset, "us", 1, "us", 20, "ceasefire_scope")
    assert (d.verdict, d.distance) == ("first_stated", None)
    # The source only bounds the date: "by", never "on".
    assert d.summary == "United States first stated a position: Full ceasefire, by 19 March 2025"


def test_the_us_has_no_backstop_statement_so_nothing_is_claimed_about_it(dataset):
    # "Trump has given no sign" (¶28) is an absence, not a statement.
    assert [s.id for s in dataset.statements if (s.actor, s.topic) == ("us", "backstop")] == []
    d = one(dataset, "uk", 20, "us", 20, "backstop")
    assert (d.verdict, d.distance, d.direction) == ("unknown", None, None)
    assert (d.left.stance, d.right.stance) == ("requires", "no_position")
    assert d.summary == ("Cannot compare United Kingdom and United States: United States has "
                         "no recorded position")


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
        (19, "russia", "first_stated", "limited_targets_unsettled"),
        (19, "ukraine", "first_stated", "limited_targets_unsettled"),
        (19, "us", "first_stated", "full"),
        (20, "ukraine", "shifted", "energy_and_civilian"),
    ]
    assert events[-1].change.direction is None and events[-1].change.distance is None
    # From a start date, positions held before it are the baseline, not news.
    later = timeline(dataset, topic, dataset.actors.values(), MARCH[19], MARCH[20])
    assert [(e.statement.actor, e.change.left.stance) for e in later] == [
        ("ukraine", "limited_targets_unsettled")]


def test_a_retracted_statement_shows_as_withdrawn_between_data_versions(dataset):
    # A retraction removes the statement from every date of the new data
    # version, so "withdrawn" is what a diff of the record before and after
    # the retraction reports.
    actors, topics, statements, *_ = parse_dataset(load_bundled())
    retracted = [dataclasses.replace(s, status="retracted", revision=2)
                 if s.id == "russia-peacekeepers-2025-03-20" else s for s in statements]
    after = StatementList(actors, topics, retracted)
    topic = [dataset.topics["peacekeepers"]]
    (d,) = diff(take_snapshot(dataset, dataset.actors["russia"], MARCH[20], topic),
                take_snapshot(after, after.actors["russia"], MARCH[20], topic), topic)
    assert (d.verdict, d.left.stance, d.right.stance) == (
        "withdrawn", "rejects_some", "no_position")
    # No possessive ("United States's" read wrong): the name, then what happened.
    assert d.summary == ("Russia: the position Rejects some countries' troops was withdrawn; no "
                         "recorded position as of 20 March 2025")


@pytest.mark.parametrize("before,after,change,comparison", [
    ("rejects_any", "rejects_some", "shifted", "differ"),   # same side
    ("rejects_some", "undecided", "shifted", "differ"),     # into the neutral middle: half flip
    ("undecided", "open", "shifted", "differ"),             # out of it
    ("rejects_some", "open", "reversed", "opposed"),        # across: full flop
    ("wants_force", "rejects_any", "reversed", "opposed"),
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


def test_narrowing_from_full_to_limited_would_be_a_shift_not_a_reversal(dataset):
    # Every ceasefire, however partial, is on the same side (docs/DATA.md).
    topic = dataset.topics["ceasefire_scope"]
    us = dataset.actors["us"]

    def held(stance, day):
        return Snapshot(us, MARCH[day], {topic.id: Position(
            us.id, topic.id, MARCH[day], stance, None, topic.stance(stance))})

    (d,) = diff(held("full", 19), held("energy_only", 20), [topic])
    assert (d.verdict, d.distance, d.direction) == ("shifted", -2, "narrower")
    (unsettled,) = diff(held("full", 19), held("limited_targets_unsettled", 20), [topic])
    assert (unsettled.verdict, unsettled.distance, unsettled.direction) == ("shifted", None, None)
    assert unsettled.summary == ("United States changed from Full ceasefire to Limited, targets "
                                 "not settled, which the scale does not rank")
    (refused,) = diff(held("limited_targets_unsettled", 19), held("no_ceasefire", 20), [topic])
    assert (refused.verdict, refused.distance) == ("reversed", None)
    assert refused.summary == ("United States reversed: from Limited, targets not settled to No "
                               "ceasefire")
    # No ceasefire to the narrowest named scope crosses the empty neutral point: one step.
    (agreed,) = diff(held("no_ceasefire", 19), held("energy_only", 20), [topic])
    assert (agreed.verdict, agreed.distance, agreed.direction) == ("reversed", 1, "broader")
