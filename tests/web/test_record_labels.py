"""The record's own words in the reader's language: actor names, topic names and
questions, stance labels and the generated sentences, from the labels stored with the
record (the bundled dataset's, or an API write's), English wherever a label is missing."""

from __future__ import annotations

import html as html_lib
import re

import pytest
from markupsafe import escape

from service.domain import diff as domain_diff
from service.domain.labels import actor_in, topic_in
from service.domain.model import Position
from service.store.dataset_io import bundled
from service.web import verdicts
from service.web.i18n import use_language

from ..api.test_writes import make_key

RECORD = bundled()
ACTORS = {a.id: a for a in RECORD.actors}
TOPICS = {t.id: t for t in RECORD.topics}
MARCH_20 = "as_of=2025-03-20"


@pytest.fixture
def admin(app):
    return {"Authorization": "Bearer " + make_key(app, "data-team", "admin")}


def page(client, path: str) -> str:
    response = client.get(path)
    assert response.status_code == 200, response.get_data(as_text=True)[:500]
    return html_lib.unescape(response.get_data(as_text=True))


def label(lang: str, kind: str, item_id: str, *path: str) -> str:
    """A label of the bundled dataset: what the page must show."""
    words = (ACTORS if kind == "actor" else TOPICS)[item_id].labels[lang]
    for key in path:
        words = words[key]
    return words


@pytest.mark.parametrize("lang", ["fr", "de", "uk"])
def test_matrix_shows_the_records_labels_in_the_readers_language(client, lang):
    html = page(client, f"/embed/matrix?{MARCH_20}&actors=uk,us,russia&topics=backstop,"
                        f"ceasefire_scope&lang={lang}")
    for actor in ("uk", "us", "russia"):
        assert label(lang, "actor", actor, "name") in html
    # The English names are gone from the page's text (only ids and aliases remain in URLs).
    assert ">United Kingdom<" not in html and ">United States<" not in html
    for topic in ("backstop", "ceasefire_scope"):
        assert label(lang, "topic", topic, "name") in html
        assert " ".join(label(lang, "topic", topic, "question").split()) in " ".join(html.split())
    # Each cell's stance, as the record holds it on 20 March, in the page's language.
    positions = {(s.actor, s.topic): s.stance for s in RECORD.statements
                 if s.stated_on.isoformat() <= "2025-03-20"}
    for (actor, topic), stance in positions.items():
        if actor in ("uk", "us", "russia") and topic in ("backstop", "ceasefire_scope"):
            assert label(lang, "topic", topic, "stances", stance, "label") in html
    assert "Firmly for it" not in html


@pytest.mark.parametrize("lang, none", [("fr", "Aucune position enregistrée"),
                                        ("uk", "Позицію не зафіксовано")])
def test_spectrum_and_its_svg_show_the_scale_and_parties_translated(client, lang, none):
    for path in (f"/embed/topics/peacekeepers/spectrum?{MARCH_20}&lang={lang}",
                 f"/embed/topics/peacekeepers/spectrum.svg?{MARCH_20}&lang={lang}"):
        text = page(client, path)
        for stance in TOPICS["peacekeepers"].scale:
            words = label(lang, "topic", "peacekeepers", "stances", stance.value, "label")
            # Wrapped onto lines in the SVG: every word is there.
            assert all(word in text for word in words.split()), words
            assert stance.label not in text or stance.label == words
        assert label(lang, "actor", "russia", "name") in text
        assert none in text and "No recorded position" not in text


def test_steps_and_timeline_sentences_are_built_in_the_readers_language(client):
    steps = page(client, "/embed/actors/russia/steps?topic=ceasefire_scope&actors=us&lang=uk")
    assert label("uk", "actor", "russia", "name") in steps
    assert label("uk", "topic", "ceasefire_scope", "question") in " ".join(steps.split())
    timeline = page(client, "/embed/actors/us/timeline?to=2025-03-31&lang=fr")
    sentences = re.findall(r'<p class="change">.*?</p>', timeline, re.S)
    assert sentences
    name = label("fr", "actor", "us", "name")
    assert all(name in s for s in sentences)
    assert not any(re.search(r"\b(moved|first stated|from|since)\b", s) for s in sentences)
    assert "Évolution des positions : " + name in timeline


def test_in_english_the_pages_sentences_are_the_apis(client):
    """web/verdicts.py rebuilds the diff engine's sentences from translated parts; in
    English they must read word for word as the API's."""
    compare = client.get("/v1/compare?actors=uk,russia,us,ukraine&as_of=2025-03-20").get_json()
    api_sentences = {p["summary"] for t in compare["topics"] for p in t["pairs"]}
    html = page(client, "/embed/compare?actors=uk,russia,us,ukraine&as_of=2025-03-20")
    shown = set(re.findall(r'<li data-pair="[^"]*">(.*?)</li>', html, re.S))
    assert shown and shown <= api_sentences
    timeline = client.get("/v1/topics/ceasefire_scope/timeline").get_json()
    html = page(client, "/embed/actors/russia/timeline?to=2025-03-31")
    api = {e["summary"] for e in timeline["events"] if e.get("actor") == "russia"}
    shown = {s.split("</span> ", 1)[1].strip() for s in
             re.findall(r'<p class="change">(.*?)</p>', html, re.S)}
    assert api & shown


def test_no_possessive_and_counted_nouns_agree_in_english(app):
    us = ACTORS["us"]
    statement = next(s for s in RECORD.statements if s.actor == "us")
    topic = TOPICS[statement.topic]
    held = Position("us", topic.id, statement.stated_on, statement.stance, statement,
                    topic.stance(statement.stance))
    gone = Position("us", topic.id, statement.stated_on, "no_position")
    (d,) = domain_diff.diff(domain_diff.Snapshot(us, statement.stated_on, {topic.id: held}),
                            domain_diff.Snapshot(us, statement.stated_on, {topic.id: gone}),
                            [topic])
    assert d.verdict == "withdrawn"
    assert "'s" not in d.summary and d.summary.startswith("United States: the position")
    with app.test_request_context():
        use_language("en")
        assert verdicts.change(d) == d.summary
        assert [verdicts.steps(n) for n in (1, -2)] == ["1 step", "2 steps"]


def test_a_one_statement_chart_says_1_statement(client):
    counts = {}
    for s in RECORD.statements:
        counts[s.actor, s.topic] = counts.get((s.actor, s.topic), 0) + 1
    actor, topic = next(cell for cell, n in counts.items() if n == 1)
    svg = page(client, f"/embed/actors/{actor}/steps.svg?topic={topic}")
    assert " 1 statement from " in svg and " 1 statements" not in svg


def test_ukrainian_counts_take_their_plural_forms(app):
    with app.test_request_context():
        use_language("uk")
        assert [verdicts.steps(n) for n in (1, 2, 5, 11, 21, 22)] == [
            "1 крок", "2 кроки", "5 кроків", "11 кроків", "21 крок", "22 кроки"]
        use_language("fr")
        assert [verdicts.steps(n) for n in (1, 2, 5)] == ["1 échelon", "2 échelons", "5 échelons"]
        use_language("de")
        assert [verdicts.steps(n) for n in (1, 2)] == ["1 Stufe", "2 Stufen"]


def test_a_missing_label_falls_back_to_english_word_by_word(client, admin):
    # French for the topic's name only: its question and stances are then the record's English.
    response = client.patch("/v1/topics/backstop", json={"labels": {"fr": {"name": "Filet"}}},
                            headers=admin)
    assert response.status_code == 200, response.get_json()
    assert response.get_json()["labels"]["fr"] == {"name": "Filet"}
    assert response.get_json()["labels"]["uk"] == TOPICS["backstop"].labels["uk"]  # kept
    html = page(client, f"/embed/matrix?{MARCH_20}&actors=uk,us&topics=backstop&lang=fr")
    assert "Filet" in html
    assert " ".join(TOPICS["backstop"].question.split()) in " ".join(html.split())
    assert "Firmly for it" in html  # the US's stance on 20 March, in the record's English
    assert label("fr", "actor", "us", "name") in html  # the actors' labels are untouched


def test_an_api_write_adds_a_language_that_round_trips_and_shows_in_the_embed(client, admin):
    response = client.patch("/v1/actors/russia", json={"labels": {
        "de": {"name": "Russische Föderation"}, "pt-BR": {"name": "Rússia"}}}, headers=admin)
    assert response.status_code == 200, response.get_json()
    stored = client.get("/v1/actors/russia").get_json()["labels"]
    assert stored["de"] == {"name": "Russische Föderation"} and stored["pt-BR"] == {"name": "Rússia"}
    assert stored["fr"] == ACTORS["russia"].labels["fr"]  # other languages kept
    assert "Russische Föderation" in page(client, f"/embed/matrix?{MARCH_20}&lang=de")
    # null removes a language
    client.patch("/v1/actors/russia", json={"labels": {"pt-BR": None}}, headers=admin)
    assert "pt-BR" not in client.get("/v1/actors/russia").get_json()["labels"]


# A label the schema refuses (empty, not a language tag, an unknown key) is a 400 like any
# malformed body; one the record's rules refuse (English, blank, a stance not on the scale,
# settled_word on a ranked stance) is a 422. Both are problem+json and write nothing.
@pytest.mark.parametrize("path, body, status", [
    ("/v1/actors/uk", {"labels": {"fr": {"name": ""}}}, 400),
    ("/v1/actors/uk", {"labels": {"fr": {"name": "   "}}}, 422),
    ("/v1/actors/uk", {"labels": {"French": {"name": "Royaume-Uni"}}}, 400),
    ("/v1/actors/uk", {"labels": {"en": {"name": "Britain"}}}, 422),
    ("/v1/actors/uk", {"labels": {"fr": {"nom": "Royaume-Uni"}}}, 400),
    ("/v1/topics/backstop", {"labels": {"fr": {"stances": {"maybe": {"label": "Peut-être"}}}}},
     422),
    ("/v1/topics/backstop", {"labels": {"uk": {"question": ""}}}, 400),
    ("/v1/topics/backstop", {"labels": {"de": {"stances": {"supports": {"settled_word": "x"}}}}},
     422),
])
def test_bad_labels_are_refused_as_a_problem(client, admin, path, body, status):
    response = client.patch(path, json=body, headers=admin)
    assert response.status_code == status, response.get_json()
    assert response.mimetype == "application/problem+json"
    assert "labels" in str(response.get_json())
    assert client.get(path).get_json()["labels"] == (
        ACTORS["uk"] if "actors" in path else TOPICS["backstop"]).labels


def test_localised_copies_keep_ids_and_scale_order():
    for lang in ("fr", "de", "uk"):
        topic = topic_in(TOPICS["ceasefire_scope"], lang)
        assert topic.stance_values == TOPICS["ceasefire_scope"].stance_values
        assert topic.stance("limited_targets_unsettled").settled_word == label(
            lang, "topic", "ceasefire_scope", "stances", "limited_targets_unsettled",
            "settled_word")
        assert actor_in(ACTORS["us"], lang).id == "us"


def test_the_records_own_english_texts_say_they_are_english(client):
    """Summaries, quotes and notes are the newsroom's English words: on a French page they
    carry lang="en" (a screen reader reads them as English); on an English page, nothing."""
    path = f"/embed/matrix?{MARCH_20}&actors=uk,us&topics=backstop,peacekeepers"
    summary = next(s.summary for s in RECORD.statements if s.actor == "uk"
                   and s.topic == "backstop")
    french = client.get(path + "&lang=fr").get_data(as_text=True)
    assert f'<span lang="en">{escape(summary)}</span>' in french
    assert '<span lang="en">' not in client.get(path).get_data(as_text=True)
