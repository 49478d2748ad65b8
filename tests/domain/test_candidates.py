"""Candidate sentences: every statement of the bundled record is among the report's candidates,
with dates worked out from its weekday words and the day of publication."""

from __future__ import annotations

import datetime as dt

import pytest
import yaml

from service.domain.candidates import Reading, date_guesses, sentence_spans
from service.source_data import (
    DATA,
    anchors,
    bundled_candidates,
    figures,
    reading,
    sources,
)

RECORD = yaml.safe_load((DATA / "dataset.yaml").read_text("utf-8"))
THURSDAY = dt.date(2025, 3, 20)  # the report's day of publication
READING = reading()


def when(guess):
    return guess.date, guess.precision


def test_every_bundled_statement_is_found_among_the_candidates():
    result = figures()
    assert result["missed"] == []
    assert result["found"] == result["statements"] == 11


def test_the_candidates_are_those_docs_sources_md_measures():
    # docs/SOURCES.md gives these figures; a change to the finder or its words changes them,
    # and the page must say so.
    result = figures()
    assert (result["candidates"], result["candidates_holding_a_statement"],
            result["suggestions"]) == (9, 6, 21)
    assert [c.paragraph for c in bundled_candidates()] == [5, 6, 7, 9, 9, 18, 26, 28, 28]


def test_no_candidate_date_contradicts_the_record():
    # Each statement's date is proposed, or a later bound that is still true of it (the
    # US push of ¶9 is bounded by 19 March only through ¶5's "Wednesday": the finder, reading
    # one sentence, bounds it by the day of publication).
    source = sources()["ap-2025-03-20"]
    from service.domain.candidates import finds
    for statement in RECORD["statements"]:
        found = [c for c in bundled_candidates()
                 if finds(c, source, anchors()[statement["id"]], statement["actor"],
                          statement["topic"])]
        recorded = (statement["stated_on"], statement["date_precision"])
        for candidate in found:
            guesses = {(g.date, g.precision) for g in candidate.dates}
            assert recorded in guesses or all(
                precision == "on_or_before" and day >= statement["stated_on"]
                for day, precision in guesses), (statement["id"], guesses)
    assert figures()["dated_otherwise"] == ["us-ceasefire-scope-2025-03-19"]


@pytest.mark.parametrize(("words", "day"), [
    ("agreed in principle Wednesday", dt.date(2025, 3, 19)),   # the day before
    ("speaking in Norway on Thursday, said", THURSDAY),         # the day itself
    ("a video meeting on Saturday", dt.date(2025, 3, 15)),      # five days before
    ("said on Friday", dt.date(2025, 3, 14)),                   # the Friday before, not after
])
def test_a_past_weekday_is_that_day_of_the_week_up_to_publication(words, day):
    assert when(date_guesses(f"He {words}.", THURSDAY, READING)[0]) == (day, "day")


@pytest.mark.parametrize("words", ["will meet Monday in Riyadh",
                                   "is expected to decide Friday to clear"])
def test_a_weekday_to_come_dates_nothing(words):
    assert [when(g) for g in date_guesses(f"They {words}.", THURSDAY, READING)] == [
        (THURSDAY, "on_or_before")]


def test_originally_gives_only_a_bound():
    assert [when(g) for g in date_guesses("He originally had sought a broader ceasefire.",
                                        THURSDAY, READING)] == [(THURSDAY, "on_or_before")]
    # With a weekday, the day is for what was said that day and the bound for the earlier wish.
    assert [when(g) for g in date_guesses(
        "Speaking on Thursday, he said that although he originally had sought a broader "
        "ceasefire, he was committed to it.", THURSDAY, READING)] == [
        (THURSDAY, "day"), (THURSDAY, "on_or_before")]


def test_months_and_weeks_use_the_record_s_precisions():
    assert when(date_guesses("Zelensky told NBC News last month that", THURSDAY, READING)[0]) == (
        dt.date(2025, 2, 1), "month")
    assert when(date_guesses("after Trump spoke with the leaders this week", THURSDAY,
                        READING)[0]) == (dt.date(2025, 3, 17), "approximate")
    assert when(date_guesses("Starmer says the plan won't work", THURSDAY, READING)[0]) == (
        THURSDAY, "on_or_before")


def test_a_full_stop_after_an_abbreviation_does_not_end_the_sentence():
    text = ("Russia has said it will not accept any troops. And Trump has given no sign the "
            "U.S. will guarantee it. Starmer says the plan won’t work without that U.S. "
            "“backstop.” Gov. Roman Busargin said so.")
    assert [text[s:e] for s, e in sentence_spans(text, READING.abbreviations)] == [
        "Russia has said it will not accept any troops.",
        "And Trump has given no sign the U.S. will guarantee it.",
        "Starmer says the plan won’t work without that U.S. “backstop.”",
        "Gov. Roman Busargin said so.",
    ]


def test_the_words_are_on_the_record_s_actors_and_topics():
    # Every topic has its vocabulary and every actor is read with its names; the words live
    # on the actor and the topic (dataset.yaml), the cues under the language (`reading: en`).
    assert set(READING.mentions) == {a["id"] for a in RECORD["actors"]}
    assert set(READING.vocabulary) == {t["id"] for t in RECORD["topics"]}
    assert READING.mentions["uk"] == ("United Kingdom", "Keir Starmer", "Starmer", "Britain",
                                      "U.K.")
    assert READING.speech_cues == tuple(RECORD["reading"]["en"]["speech_cues"])


def test_the_words_are_data():
    # An editor's new word finds a new sentence without a line of Python.
    source = sources()["ap-2025-03-20"]
    from service.domain.candidates import candidates
    before = {c.sentence for c in candidates(source, "s", THURSDAY, READING)}
    more = Reading({**READING.mentions, "germany": READING.mentions["germany"] + ("German",)},
                   {**READING.vocabulary, "military_aid": ("military aid",)},
                   READING.speech_cues + ("expected to decide",), READING.bound_cues,
                   READING.future_cues, READING.abbreviations)
    added = {c.sentence for c in candidates(source, "s", THURSDAY, more)} - before
    assert added == {("The German parliament’s budget committee is expected to decide Friday to "
                      "clear up to 3 billion euros ($3.3 billion) in extra funding for German "
                      "military aid to Ukraine this year.")}
