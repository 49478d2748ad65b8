"""The domain computes with any date it is handed: a statement stored on the first
day Python knows (before the API held dates to the record's span) neither breaks a
timeline nor the events of a write to its cell, so it can still be retracted."""

from __future__ import annotations

import datetime as dt
from dataclasses import replace

from service.domain.events import cell_events
from service.domain.model import FIRST_DATE, LAST_DATE, day_before
from service.domain.timeline import timeline

from .test_events import GERMANY, TOPIC, said

ANCIENT = replace(said("ancient", 1, "supports"), stated_on=dt.date.min)


class OneTrail:
    def trail(self, actor_id, topic_id, start, end):
        return [ANCIENT] if actor_id == GERMANY.id else []


def test_a_timeline_starts_before_a_statement_on_the_first_possible_day():
    (event,) = timeline(OneTrail(), TOPIC, [GERMANY], None, dt.date(2025, 3, 20))
    assert (event.date, event.change.verdict) == (dt.date.min, "first_stated")


def test_events_of_its_cell_are_computed_and_its_retraction_removes_it():
    assert [e.change for e in cell_events(GERMANY, TOPIC, [], [ANCIENT], {})] == ["added"]
    retracted = replace(ANCIENT, status="retracted")
    (removed,) = cell_events(GERMANY, TOPIC, [ANCIENT], [], {"ancient": retracted})
    assert (removed.change, removed.step.verdict) == ("removed", "withdrawn")


def test_the_span_leaves_room_for_the_day_before_it():
    assert day_before(FIRST_DATE) == dt.date(1989, 12, 31) and FIRST_DATE < LAST_DATE
    assert day_before(dt.date.min) == dt.date.min
