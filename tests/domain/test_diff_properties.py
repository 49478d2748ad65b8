"""Properties of the diff engine and of as-of resolution, over generated
scales and statements."""

from __future__ import annotations

from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st

from service.domain.diff import SAME, Snapshot, diff, take_snapshot
from service.domain.model import NO_POSITION, UNCLEAR

from .strategies import dates, datasets

# Small worlds find the edge cases quickly; no deadline, the machine is shared.
FAST = settings(max_examples=60, deadline=None, suppress_health_check=[HealthCheck.too_slow])

MIRRORED_CHANGE = {"first_stated": "withdrawn", "withdrawn": "first_stated"}


@st.composite
def snapshot_pairs(draw):
    """A dataset and two snapshots of it: any actors, any dates."""
    dataset = draw(datasets())
    actors = list(dataset.actors.values())
    topics = list(dataset.topics.values())
    left = take_snapshot(dataset, draw(st.sampled_from(actors)), draw(dates), topics)
    right = take_snapshot(dataset, draw(st.sampled_from(actors)), draw(dates), topics)
    return dataset, topics, left, right


@FAST
@given(snapshot_pairs())
def test_a_snapshot_diffed_with_itself_is_no_new_statement_or_unknown_where_silent(world):
    _, topics, snapshot, _ = world
    for d in diff(snapshot, snapshot, topics):
        # Both sides rest on one statement: silence in between, never "unchanged".
        assert d.verdict == ("no_new_statement" if d.left.statement else "unknown")
        if d.left.stance_value is None:
            assert d.distance is None and d.direction is None
        else:
            assert (d.distance, d.direction) == (0, SAME)
        assert d.conditions_added == d.conditions_removed == ()


@FAST
@given(snapshot_pairs())
def test_two_actors_holding_the_same_positions_agree_or_are_unknown(world):
    dataset, topics, snapshot, _ = world
    other = next(a for a in dataset.actors.values() if a.id != snapshot.actor.id)
    twin = Snapshot(other, snapshot.as_of, snapshot.positions)
    for d in diff(snapshot, twin, topics):
        assert d.kind == "comparison"
        assert d.verdict == ("unknown" if d.left.stance_value is None else "agree")


@FAST
@given(snapshot_pairs())
def test_swapping_sides_negates_distance_and_keeps_the_verdict(world):
    _, topics, left, right = world
    for there, back in zip(diff(left, right, topics), diff(right, left, topics)):
        if there.distance is None:
            assert back.distance is None
        else:
            assert back.distance == -there.distance
        if there.kind == "comparison":
            assert back.verdict == there.verdict
        elif "took_side" in (there.verdict, back.verdict):
            # Coming down on a side after an unclear statement, seen backwards,
            # is a side given up for a statement that takes none: unknown.
            assert {there.verdict, back.verdict} == {"took_side", "unknown"}
        else:  # one actor over time: appearing backwards is withdrawing
            assert back.verdict == MIRRORED_CHANGE.get(there.verdict, there.verdict)
        assert (back.conditions_added, back.conditions_removed) == (
            there.conditions_removed, there.conditions_added)
        flipped = {there.topic.up_word: there.topic.down_word,
                   there.topic.down_word: there.topic.up_word}
        assert back.direction == flipped.get(there.direction, there.direction)


@FAST
@given(snapshot_pairs())
def test_reversed_and_opposed_exactly_when_the_sides_are_crossed(world):
    _, topics, left, right = world
    for d in diff(left, right, topics):
        crossed = (d.left.side is not None and d.right.side is not None
                   and {d.left.side, d.right.side} == {-1, 1})
        assert (d.verdict in ("reversed", "opposed")) == crossed


@FAST
@given(snapshot_pairs())
def test_silence_and_unclear_are_never_unchanged_or_agreement(world):
    _, topics, left, right = world
    for d in diff(left, right, topics):
        stances = {d.left.stance, d.right.stance}
        took_side = d.kind == "change" and d.left.stance == UNCLEAR and d.right.stance_value
        same = (d.kind == "change" and d.left.statement is not None
                and d.left.statement == d.right.statement)
        if same:  # one statement on both dates: nothing new was said, whatever it said
            assert d.verdict == "no_new_statement"
        elif took_side:
            assert d.verdict == "took_side"
        elif UNCLEAR in stances or stances == {NO_POSITION}:
            assert d.verdict == "unknown"
        if NO_POSITION in stances or UNCLEAR in stances:
            assert d.verdict not in ("unchanged", "agree", "shifted", "reversed", "differ",
                                     "opposed")
            assert d.verdict != "took_side" or d.left.stance == UNCLEAR
            assert d.distance is None
        if d.verdict == "first_stated":
            assert d.left.stance == NO_POSITION and d.right.stance_value is not None
        if d.verdict == "withdrawn":
            assert d.right.stance == NO_POSITION and d.left.stance_value is not None


@FAST
@given(datasets(), dates)
def test_as_of_never_returns_a_later_or_retracted_statement_and_takes_the_latest(dataset, as_of):
    for actor in dataset.actors:
        for topic in dataset.topics:
            position = dataset.position(actor, topic, as_of)
            eligible = [s for s in dataset.statements
                        if s.actor == actor and s.topic == topic
                        and s.stated_on <= as_of and not s.retracted]
            if not eligible:
                assert position.stance == NO_POSITION and position.statement is None
                continue
            statement = position.statement
            assert statement.stated_on <= as_of and not statement.retracted
            assert statement.stated_on == max(s.stated_on for s in eligible)
            assert position.stance == statement.stance
