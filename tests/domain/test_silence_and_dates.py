"""Sentences say no more than the record (issue 21): silence between two dates is
`no_new_statement`, never `unchanged`; a date the source only bounds reads "by";
a position says how old it is."""

from __future__ import annotations

import datetime as dt

import pytest

from service.domain.dates import when_stated
from service.domain.diff import diff, take_snapshot
from service.domain.model import Source, Statement
from service.domain.timeline import timeline

from .reference import StatementList
from .test_steps import GAPPED, US

SOURCE = Source("Associated Press", dt.date(2025, 3, 20))
MAR = {d: dt.date(2025, 3, d) for d in range(1, 32)}


def said(stance: str, day: dt.date, precision: str = "day", sid: str | None = None) -> Statement:
    return Statement(id=sid or f"us-{stance}-{day}", actor="us", topic=GAPPED.id, stance=stance,
                     summary=stance, quote=stance, quote_kind="paraphrase", speaker=None,
                     stated_on=day, date_precision=precision, source=SOURCE)


def change(record: StatementList, start: dt.date, end: dt.date):
    (d,) = diff(take_snapshot(record, US, start, [GAPPED]),
                take_snapshot(record, US, end, [GAPPED]), [GAPPED])
    return d


def test_silence_between_two_dates_is_no_new_statement_not_unchanged():
    record = StatementList([US], [GAPPED], [said("ease_some", MAR[19], "on_or_before")])
    d = change(record, MAR[19], MAR[20])
    assert (d.verdict, d.distance) == ("no_new_statement", 0)
    assert "unchanged" not in d.summary
    assert d.summary == ("United States: no new statement since 19 March 2025 up to "
                         "20 March 2025; last stated Ease some by 19 March 2025")


def test_a_new_statement_of_the_same_stance_is_unchanged_and_says_it_was_restated():
    record = StatementList([US], [GAPPED], [said("ease_some", MAR[11]),
                                            said("ease_some", MAR[20], sid="us-again")])
    d = change(record, MAR[11], MAR[20])
    assert d.verdict == "unchanged"
    assert d.summary == "United States unchanged: restated Ease some on 20 March 2025"


@pytest.mark.parametrize("precision,words", [
    ("day", "on 19 March 2025"), ("on_or_before", "by 19 March 2025"),
    ("month", "in March 2025"), ("approximate", "about 19 March 2025")])
def test_a_change_states_its_date_as_precisely_as_the_source(precision, words):
    assert when_stated(MAR[19], precision) == words
    record = StatementList([US], [GAPPED], [said("lift_all", MAR[19], precision)])
    (event,) = timeline(record, GAPPED, [US], None, MAR[31])
    assert event.change.summary == f"United States first stated a position: Lift them all, {words}"


def test_a_position_says_how_many_days_before_as_of_it_was_stated():
    record = StatementList([US], [GAPPED], [said("ease_some", MAR[1])])
    held = record.positions([US], [GAPPED], MAR[31])[US.id, GAPPED.id]
    assert (held.stated_on, held.age_days) == (MAR[1], 30)
    silent = record.positions([US], [GAPPED], dt.date(2025, 2, 1))[US.id, GAPPED.id]
    assert (silent.stated_on, silent.age_days) == (None, None)
