"""Distance counts steps along a topic's scale, whatever its level numbers; and a
statement that took no side followed by one that takes a side is `took_side`."""

from __future__ import annotations

import datetime as dt

import pytest

from service.domain.diff import Snapshot, diff
from service.domain.model import Actor, Position, StanceValue, Topic
from service.domain.timeline import timeline
from service.domain.validation import check_scale

from .reference import StatementList

# A scale whose levels leave gaps: -1, 1, 3. Three values, so two steps end to end.
GAPPED = Topic(
    id="sanctions_relief",
    question="Should sanctions on Russia be eased as part of a deal?",
    scale=(
        StanceValue("keep_all", -1, -1, "Keep every sanction", "No easing."),
        StanceValue("ease_some", 1, 1, "Ease some", "Ease some sanctions."),
        StanceValue("lift_all", 3, 1, "Lift them all", "Lift every sanction."),
    ),
    up_word="towards easing",
    down_word="towards keeping",
)
US = Actor("us", "United States", "state")
RUSSIA = Actor("russia", "Russia", "state")
DAY1, DAY2 = dt.date(2025, 3, 19), dt.date(2025, 3, 20)


def held(actor: Actor, stance: str, day: dt.date, topic: Topic = GAPPED) -> Snapshot:
    return Snapshot(actor, day, {topic.id: Position(actor.id, topic.id, day, stance, None,
                                                    topic.stance(stance))})


def test_a_scale_with_gaps_in_its_levels_is_a_valid_scale():
    check_scale(GAPPED)  # levels increase; gaps are allowed
    assert [GAPPED.step(s) for s in GAPPED.scale] == [0, 1, 2]


def test_a_move_across_a_gapped_scale_counts_steps_not_level_difference():
    (d,) = diff(held(US, "keep_all", DAY1), held(US, "lift_all", DAY2), [GAPPED])
    # Levels -1 to 3 differ by 4; the scale has two steps between them.
    assert (d.verdict, d.distance, d.direction) == ("reversed", 2, "towards easing")
    assert d.summary == ("United States reversed, moving towards easing: from Keep every "
                         "sanction to Lift them all (2 steps)")
    (back,) = diff(held(US, "lift_all", DAY1), held(US, "keep_all", DAY2), [GAPPED])
    assert (back.distance, back.direction) == (-2, "towards keeping")


def test_neighbouring_values_two_levels_apart_are_one_step_apart():
    (d,) = diff(held(US, "ease_some", DAY1), held(US, "lift_all", DAY2), [GAPPED])
    assert (d.verdict, d.distance) == ("shifted", 1)
    assert d.summary == ("United States moved towards easing: from Ease some to Lift them all "
                         "(1 step)")


def test_comparing_two_actors_on_a_gapped_scale_counts_steps():
    (d,) = diff(held(RUSSIA, "keep_all", DAY2), held(US, "lift_all", DAY2), [GAPPED])
    assert (d.kind, d.verdict, d.distance) == ("comparison", "opposed", 2)
    assert d.summary == ("Russia and United States are opposed: Keep every sanction vs Lift "
                         "them all; United States is 2 steps towards easing")


# -- took_side ------------------------------------------------------------------

@pytest.mark.parametrize("stance", ["keep_all", "ease_some", "lift_all"])
def test_a_stance_after_an_unclear_statement_is_took_side(stance):
    (d,) = diff(held(US, "unclear", DAY1), held(US, stance, DAY2), [GAPPED])
    label = GAPPED.stance(stance).label
    assert (d.kind, d.verdict, d.distance, d.direction) == ("change", "took_side", None, None)
    assert d.summary == (f"United States took a side: {label}, after a statement that took "
                         "no clear side")


def test_an_unclear_statement_after_a_stance_claims_nothing():
    (d,) = diff(held(US, "lift_all", DAY1), held(US, "unclear", DAY2), [GAPPED])
    assert (d.verdict, d.distance) == ("unknown", None)
    assert d.summary == ("Cannot say whether United States moved: a statement on 20 March 2025 "
                         "that takes no clear side")


def test_unclear_then_unclear_or_silence_is_unknown_not_took_side():
    (again,) = diff(held(US, "unclear", DAY1), held(US, "unclear", DAY2), [GAPPED])
    (silent,) = diff(held(US, "unclear", DAY1), held(US, "no_position", DAY2), [GAPPED])
    assert again.verdict == silent.verdict == "unknown"


def test_two_actors_one_unclear_are_never_took_side():
    (d,) = diff(held(RUSSIA, "unclear", DAY2), held(US, "lift_all", DAY2), [GAPPED])
    assert d.verdict == "unknown"


def test_the_timeline_tells_took_side_after_an_unclear_statement():
    from service.domain.model import Source, Statement

    source = Source("Associated Press", DAY2)

    def said(stance, day):
        return Statement(id=f"us-{stance}-{day}", actor="us", topic=GAPPED.id, stance=stance,
                         summary=stance, quote=stance, quote_kind="paraphrase", speaker=None,
                         stated_on=day, date_precision="day", source=source)

    record = StatementList([US], [GAPPED], [said("unclear", DAY1), said("ease_some", DAY2)])
    events = timeline(record, GAPPED, [US], None, DAY2)
    assert [(e.date, e.change.verdict) for e in events] == [(DAY1, "unknown"),
                                                           (DAY2, "took_side")]
    assert events[-1].change.summary == ("United States took a side: Ease some, on "
                                         "20 March 2025, after a statement that took no "
                                         "clear side")
