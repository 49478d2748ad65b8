"""The columnar statement table gives back exactly the statements put in, and a
refreshed snapshot answers what a snapshot built from scratch answers."""

from __future__ import annotations

import dataclasses
import datetime as dt

import pytest
from hypothesis import HealthCheck, event, given, settings
from hypothesis import strategies as st

from service.domain.dataset import DEAD_ROWS_LIMIT, Dataset
from service.domain.model import Source, Speaker, Statement
from service.domain.statement_table import RECENTLY_DECODED, StatementTable

text = st.text(min_size=1, max_size=20)  # any code point: arenas are UTF-8
optional_text = st.none() | text


@st.composite
def statements(draw, n: int = 0) -> Statement:
    recorded = draw(st.none() | st.datetimes(
        min_value=dt.datetime(1960, 1, 1), max_value=dt.datetime(2100, 1, 1),
        timezones=st.sampled_from([dt.timezone.utc, dt.timezone(dt.timedelta(hours=2))])))
    return Statement(
        id=f"{draw(text)}-{n}", actor=draw(text), topic=draw(text), stance=draw(text),
        summary=draw(st.text(max_size=80)), quote=draw(st.text(max_size=80)),
        quote_kind=draw(st.sampled_from(("verbatim", "paraphrase"))),
        stated_on=draw(st.dates()), date_precision=draw(st.sampled_from(("day", "month"))),
        source=Source(draw(text), draw(st.dates()), draw(optional_text), draw(optional_text),
                      draw(optional_text), draw(optional_text)),
        speaker=draw(st.none() | st.builds(Speaker, text, optional_text)),
        conditions=tuple(draw(st.lists(text, max_size=3))),
        status=draw(st.sampled_from(("current", "retracted"))),
        revision=draw(st.integers(1, 2 ** 31)), recorded_at=recorded,
        recorded_by=draw(optional_text), note=draw(optional_text),
    )


# The first draw of st.text() on a fresh clone builds Hypothesis's Unicode
# tables (about a second, once): not slow generation, so not a failure.
@settings(max_examples=150, deadline=None, suppress_health_check=[HealthCheck.too_slow])
@given(st.lists(statements(), max_size=4))
def test_every_field_comes_back_equal(originals):
    table = StatementTable()
    rows = [table.append(s) for s in originals]
    table.seal()
    for row, original in zip(rows, originals):
        back = table.statement(row)
        assert back == original
        # Equal datetimes in different zones are ==; what is shown is the isoformat.
        assert repr(back.recorded_at and back.recorded_at.isoformat()) == \
            repr(original.recorded_at and original.recorded_at.isoformat())
        assert table.id(row) == original.id


def test_a_copy_appends_without_touching_the_original():
    first = Statement("a", "uk", "backstop", "supports", "S", "Q", "verbatim", dt.date(2025, 3, 20),
                      "day", Source("AP", dt.date(2025, 3, 20)))
    table = StatementTable()
    table.append(first)
    table.seal()
    copy = table.copy()
    second = copy.append(Statement("b", "fr", "backstop", "opposes", "S2", "Q2", "paraphrase",
                                   dt.date(2025, 3, 21), "day", Source("AFP", dt.date(2025, 3, 21))))
    copy.seal()
    assert len(table) == 1 and len(copy) == 2
    assert table.code_of("actor", "fr") is None
    assert copy.statement(0) == first and copy.statement(second).actor == "fr"


def _statement(n: int, stance: str = "s0", day: int = 0) -> Statement:
    return Statement(f"st{n}", "a0", "t0", stance, "s", "q", "paraphrase",
                     dt.date(2025, 3, 1) + dt.timedelta(days=day), "day",
                     Source("Wire", dt.date(2025, 3, 1)))


def _same(a: Dataset, b: Dataset) -> bool:
    return list(a.chronological) == list(b.chronological) and dict(a.statements) == dict(b.statements)


def test_a_refresh_answers_what_a_full_build_answers():
    statements = [_statement(n, day=n) for n in range(20)]
    old = Dataset([], [], statements)
    revised = _statement(3, stance="s1", day=25)
    added = _statement(99, day=2)
    new = old.refreshed([revised, added], version=1)
    assert new.version == 1 and new.superseded_rows == 1
    expected = Dataset([], [], [*statements[:3], revised, *statements[4:], added], version=1)
    assert _same(new, expected)
    assert new.statements["st3"].stance == "s1" and old.statements["st3"].stance == "s0"
    assert new.trail("a0", "t0", dt.date.min, dt.date(2025, 3, 26))[-1] == revised


def test_too_many_superseded_rows_ask_for_a_full_load():
    statements = [_statement(n) for n in range(20)]
    old = Dataset([], [], statements)
    allowed = int(DEAD_ROWS_LIMIT * 20)  # rows kept dead, of a table that grows by as many
    assert old.refreshed([_statement(n, "s1") for n in range(allowed)], version=1) is not None
    assert old.refreshed([_statement(n, "s1") for n in range(allowed + 3)], version=1) is None


@pytest.mark.parametrize("missing", ["", "nobody", "st1x", "st", "st\udc801"])
def test_unknown_ids_are_not_found(missing):
    dataset = Dataset([], [], [_statement(n) for n in range(5)])
    assert missing not in dataset.statements and dataset.statements.get(missing) is None
    with pytest.raises(KeyError):
        dataset.statements[missing]


def _answers(dataset: Dataset) -> dict:
    """Everything the indexes answer, as plain values."""
    days = [dt.date(2025, 3, 1) + dt.timedelta(days=n) for n in range(0, 32, 3)]
    actors = sorted({s.actor for s in dataset.chronological} | {"a0", "a1", "a2"})
    topics = sorted({s.topic for s in dataset.chronological} | {"t0", "t1"})
    return {
        "chronological": list(dataset.chronological),
        "by_id": {i: dataset.statements[i] for i in dataset.statements},
        "by_actor": {a: list(dataset.between(None, None, actor=a)) for a in actors},
        "by_topic": {t: list(dataset.listing(None, None, topic=t)) for t in topics},
        "current": {t: list(dataset.listing(None, None, topic=t, include_retracted=False))
                    for t in topics},
        "trails": {(a, t): list(dataset.trail(a, t, dt.date.min, dt.date.max))
                   for a in actors for t in topics},
        "positions": {(a, t, d): dataset.position(a, t, d) for a in actors for t in topics
                      for d in days},
    }


@st.composite
def revisions(draw, base: list[Statement]) -> list[Statement]:
    """New statements and new revisions of existing ones: corrections that
    move a statement to another actor, topic or date, and retractions."""
    out = {}
    for n in range(draw(st.integers(0, 6))):
        if base and draw(st.booleans()):
            old = draw(st.sampled_from(base))
            new = dataclasses.replace(
                old, revision=old.revision + 1,
                actor=draw(st.sampled_from(("a0", "a1", old.actor))),
                topic=draw(st.sampled_from(("t0", "t1", old.topic))),
                stated_on=old.stated_on + dt.timedelta(days=draw(st.integers(-3, 3))),
                status=draw(st.sampled_from(("current", "retracted"))),
                recorded_at=dt.datetime(2025, 5, 1, tzinfo=dt.timezone.utc))
        else:
            new = _statement(1000 + n, stance=draw(st.sampled_from(("s0", "s1"))),
                             day=draw(st.integers(0, 30)))
            new = dataclasses.replace(new, actor=draw(st.sampled_from(("a0", "a1", "a2"))),
                                      topic=draw(st.sampled_from(("t0", "t1"))))
        out[new.id] = new
    return list(out.values())


@settings(max_examples=150, deadline=None)
@given(st.data())
def test_every_index_of_a_refresh_is_the_full_builds(data):
    base = [dataclasses.replace(_statement(n, day=data.draw(st.integers(0, 30))),
                                actor=data.draw(st.sampled_from(("a0", "a1", "a2"))),
                                topic=data.draw(st.sampled_from(("t0", "t1"))),
                                status=data.draw(st.sampled_from(("current", "current", "retracted"))))
            for n in range(data.draw(st.integers(0, 12)))]
    old = Dataset([], [], base)
    fresh = data.draw(revisions(base))
    new = old.refreshed(fresh, version=1)
    kept = {s.id: s for s in base}
    kept.update({s.id: s for s in fresh})
    superseded = sum(s.id in {b.id for b in base} for s in fresh)
    if new is None:  # too many superseded rows: the store loads everything again
        assert superseded > DEAD_ROWS_LIMIT * (len(base) + len(fresh))
        return
    event(f"refreshed, {superseded} superseded")
    assert _answers(new) == _answers(Dataset([], [], kept.values(), version=1))


def test_statements_stay_right_past_the_recently_decoded_limit():
    """Articles, days and recording times are decoded once and handed out
    again until RECENTLY_DECODED of them are kept; past that the table starts
    over. Every statement must come back equal whichever way it was decoded."""
    count = RECENTLY_DECODED + 50
    originals = [dataclasses.replace(
        _statement(n, day=n % 900),
        source=Source(f"Wire {n % 7}", dt.date(2020, 1, 1) + dt.timedelta(days=n), f"Report {n}",
                      None if n % 3 else "A. Writer", f"https://news.example/{n}", f"¶{n % 5}"),
        recorded_at=dt.datetime(2025, 4, 1, tzinfo=dt.timezone.utc) + dt.timedelta(seconds=n))
        for n in range(count)]
    table = StatementTable()
    for statement in originals:
        table.append(statement)
    table.seal()
    for _ in range(2):  # first decodes, then from what was kept (and started over)
        for row in (*range(count), *range(0, count, 97)):
            assert table.statement(row) == originals[row]
