"""A second reader of the bundled record: every statement and note checked against the report.

The record is read with yaml.safe_load and nothing else (the service's loader is not used), and
the report is split into paragraphs the way the record numbers them: the non-empty lines of the
source file, the photo caption being ¶1 and subheadings counting.
"""

from __future__ import annotations

import datetime as dt
import os
import re
from pathlib import Path

import pytest
import yaml

REPO = Path(__file__).resolve().parents[2]
# STANDPOINT_RECORD_UNDER_TEST: another copy of the record to read (tests/data/break_the_record.py
# hands this reader deliberately broken copies, to see it fail).
DATASET = Path(os.environ.get("STANDPOINT_RECORD_UNDER_TEST")
               or REPO / "service" / "data" / "dataset.yaml")
DATA_DOC = REPO / "docs" / "DATA.md"
SOURCES = Path(__file__).resolve().parents[3] / "shared" / "sources"
SOURCE_FILES = {"ap-2025-03-20": "000_946682fb2bb0df7b.txt"}  # named source -> file

RECORD = yaml.safe_load(DATASET.read_text("utf-8"))
STATEMENTS = RECORD["statements"]
NOTES = RECORD["notes"]
TOPICS = {topic["id"]: topic for topic in RECORD["topics"]}
ACTORS = {actor["id"]: actor for actor in RECORD["actors"]}

# Exactly the keys of standpoint-dataset/3; a text cut by a flow mapping leaves a stray key.
# `published_on_basis`: where the day of publication comes from, the file giving no day;
# `text_file` and `sha256`: the report's text, kept beside the record and pinned.
SOURCE_KEYS = {"publisher", "title", "byline", "url", "published_on", "published_on_basis",
               "language", "text_file", "sha256"}
# A statement or note cites a source record by id, and where in it.
CITED_KEYS = {"id", "location"}
KEYS = {
    "record": {"format", "edited_at", "sources", "reading", "topics", "actors", "statements",
               "notes"},
    "topic": {"id", "question", "vocabulary", "directions", "scale"},
    "directions": {"up", "down"},
    "level": {"value", "level", "side", "label", "definition"},
    # A stance whose breadth the report leaves open: no level, and words for naming it.
    "unranked": {"value", "level", "side", "label", "definition", "settled_word"},
    "actor": {"id", "name", "kind", "country_code", "aliases", "mentions", "spokespeople"},
    "person": {"name", "role"},
    "statement": {"id", "actor", "topic", "stance", "conditions", "summary", "quote",
                  "quote_kind", "speaker", "stated_on", "date_precision", "source", "anchor"},
    "anchor": {"paragraph", "prefix", "exact", "suffix"},
    "note": {"id", "actor", "topic", "text", "reader_text", "source"},
}

# The days the report dates things by, read from the report (published Thursday 20 March 2025).
# Its "Monday" (¶10) and "Friday" (¶31) are days after publication: nothing is dated by them.
REPORT_DAYS = {"thursday": dt.date(2025, 3, 20), "wednesday": dt.date(2025, 3, 19),
               "saturday": dt.date(2025, 3, 15)}
MONTHS = ["january", "february", "march", "april", "may", "june", "july", "august",
          "september", "october", "november", "december"]
STOPWORDS = {"that", "this", "with", "from", "have", "will", "would", "their", "there", "they",
             "what", "when", "which", "been", "into", "only", "about", "some", "being"}

LOCATION = re.compile(r"¶\d+(?:-\d+)?(?:, ¶\d+(?:-\d+)?)*")
PARAGRAPH_REF = re.compile(r"¶(\d+)(?:-(\d+))?")


def paragraph_numbers(text: str) -> list[int]:
    numbers = []
    for first, last in PARAGRAPH_REF.findall(text):
        first, last = int(first), int(last or first)
        assert first <= last, f"backwards range in {text!r}"
        numbers.extend(range(first, last + 1))
    return numbers


def normal(text: str) -> str:
    """Straight quotes and apostrophes, single spaces: the report's text as the YAML may hold it."""
    text = (text.replace("\u2019", "'").replace("\u2018", "'")
            .replace("\u201c", '"').replace("\u201d", '"'))
    return re.sub(r"\s+", " ", text).strip()


def words(text: str) -> list[str]:
    return re.findall(r"[a-z0-9]+", normal(text).lower())


def source_name(cited: dict) -> str:
    """Which named source a cited source is (`source.id`)."""
    assert cited.get("id") in RECORD["sources"], f"source {cited} names no source of the record"
    return cited["id"]


@pytest.fixture(scope="module")
def paragraphs() -> dict[str, list[str]]:
    found = {}
    for name, filename in SOURCE_FILES.items():
        path = SOURCES / filename
        if not path.is_file():
            pytest.skip(f"the source report {path} is absent: the record cannot be checked "
                        "against it (clone with shared/ beside the repository)")
        found[name] = [line for line in path.read_text("utf-8").splitlines() if line.strip()]
    return found


def cited(paragraphs, item) -> list[tuple[int, str]]:
    """The paragraphs an item's source.location cites, as (number, text)."""
    location = item["source"]["location"]
    assert LOCATION.fullmatch(location), f"location {location!r}: write ¶28, ¶6-7 or ¶5, ¶9"
    report = paragraphs[source_name(item["source"])]
    numbers = paragraph_numbers(location)
    missing = [n for n in numbers if not 1 <= n <= len(report)]
    assert not missing, f"{location}: the report has {len(report)} paragraphs, not {missing}"
    return [(n, report[n - 1]) for n in numbers]


def quoted_spans(text: str) -> list[str]:
    return [normal(span) for span in re.findall(r"\u201c([^\u201d]*)\u201d", text)]


# --- the record's shape: no stray keys, no cut texts ---------------------------------------

def check_keys(kind: str, mapping: dict, where: str) -> None:
    assert isinstance(mapping, dict), f"{where}: not a mapping"
    assert set(mapping) == KEYS[kind], (
        f"{where}: keys {sorted(map(str, mapping))}; a {kind} has exactly {sorted(KEYS[kind])} "
        "(a stray key is usually a text cut at a comma by a flow mapping)")


def check_text(value, where: str) -> None:
    assert isinstance(value, str) and value.strip(), f"{where}: not a non-empty string"


def check_cited_source(source: dict, where: str) -> None:
    assert isinstance(source, dict) and set(source) == CITED_KEYS, (
        f"{where}.source: keys {sorted(map(str, source))}, expected {sorted(CITED_KEYS)}")
    source_name(source)


def test_every_mapping_has_exactly_its_keys_and_every_text_is_whole():
    check_keys("record", RECORD, "record")
    assert RECORD["format"] == "standpoint-dataset/3"
    for name, source in RECORD["sources"].items():
        assert set(source) == SOURCE_KEYS, f"sources.{name}: keys {sorted(source)}"
        assert isinstance(source["published_on"], dt.date)
    for topic in RECORD["topics"]:
        where = f"topic {topic.get('id')}"
        check_keys("topic", topic, where)
        check_keys("directions", topic["directions"], f"{where}.directions")
        check_text(topic["question"], f"{where}.question")
        for level in topic["scale"]:
            kind = "unranked" if level.get("level") is None else "level"
            check_keys(kind, level, f"{where}.scale.{level.get('value')}")
            for key in ("value", "label", "definition"):
                check_text(level[key], f"{where}.scale.{level['value']}.{key}")
    for actor in RECORD["actors"]:
        check_keys("actor", actor, f"actor {actor.get('id')}")
        for person in actor["spokespeople"]:
            check_keys("person", person, f"actor {actor['id']} spokesperson")
    for statement in STATEMENTS:
        where = f"statement {statement.get('id')}"
        check_keys("statement", statement, where)
        for key in ("summary", "quote"):
            check_text(statement[key], f"{where}.{key}")
        assert isinstance(statement["conditions"], list)
        for condition in statement["conditions"]:
            check_text(condition, f"{where}.conditions")
        if statement["speaker"] is not None:
            check_keys("person", statement["speaker"], f"{where}.speaker")
        assert isinstance(statement["stated_on"], dt.date), f"{where}: stated_on is not a date"
        assert statement["quote_kind"] in ("verbatim", "paraphrase")
        assert statement["date_precision"] in ("day", "month", "approximate", "on_or_before")
        check_cited_source(statement["source"], where)
        check_keys("anchor", statement["anchor"], f"{where}.anchor")
        check_text(statement["anchor"]["exact"], f"{where}.anchor.exact")
    for note in NOTES:
        where = f"note {note.get('id')}"
        check_keys("note", note, where)
        check_text(note["text"], f"{where}.text")
        check_text(note["reader_text"], f"{where}.reader_text")
        check_cited_source(note["source"], where)


def test_ids_are_unique_and_references_known():
    ids = [item["id"] for item in STATEMENTS + NOTES]
    duplicates = sorted({i for i in ids if ids.count(i) > 1})
    assert not duplicates, f"duplicate ids: {duplicates}"
    for item in STATEMENTS + NOTES:
        assert item["actor"] in ACTORS, f"{item['id']}: unknown actor {item['actor']}"
        assert item["topic"] in TOPICS, f"{item['id']}: unknown topic {item['topic']}"
    assert {"uk", "france", "russia", "us", "ukraine", "germany"} <= set(ACTORS)
    assert set(TOPICS) == {"peacekeepers", "backstop", "ceasefire_scope"}


def test_scales_have_consecutive_levels_and_sides_that_never_go_back():
    # Level 0 is the neutral point of every scale: a level's sign is its side, and the
    # levels of each side run outwards from it one step at a time (a scale with no neutral
    # stance leaves level 0 empty, and says why in its topic).
    for topic in TOPICS.values():
        ranked = [level for level in topic["scale"] if level["level"] is not None]
        levels = [level["level"] for level in ranked]
        sides = [level["side"] for level in topic["scale"]]
        values = [level["value"] for level in topic["scale"]]
        assert all(type(n) is int for n in levels + sides), topic["id"]
        for level in ranked:
            assert (level["level"] > 0) - (level["level"] < 0) == level["side"], (
                f"{topic['id']}.{level['value']}: level {level['level']} on side "
                f"{level['side']}; level 0 is the neutral point, below it against, above it for")
        below = sorted(-n for n in levels if n < 0)
        above = sorted(n for n in levels if n > 0)
        assert below == list(range(1, len(below) + 1)) and above == list(
            range(1, len(above) + 1)), f"{topic['id']}: levels {levels} skip a step"
        assert levels == sorted(levels), f"{topic['id']}: levels {levels} out of order"
        assert sides == sorted(sides) and set(sides) <= {-1, 0, 1}, f"{topic['id']}: sides {sides}"
        assert len(set(values)) == len(values)
        assert not {"no_position", "unclear"} & set(values), "off-scale values are reserved"


# Words with which a stance's own definition says the report leaves its breadth open.
OPEN_BREADTH = ("without saying which", "not settled", "remained to be seen")
# Words of ranking: an unranked stance is never told in them.
RANKING_WORDS = re.compile(r"\b(\d+ steps?|broader|narrower|level \d)\b")


def test_a_stance_whose_breadth_is_left_open_is_unranked():
    for topic in TOPICS.values():
        for level in topic["scale"]:
            where = f"{topic['id']}.{level['value']}"
            text = f"{level['label']} {normal(level['definition'])}".lower()
            if any(phrase in text for phrase in OPEN_BREADTH):
                assert level["level"] is None, (
                    f"{where} leaves its breadth open ({level['label']!r}) but is ranked at level "
                    f"{level['level']}: mark it unranked (level: null)")
            if level["level"] is None:
                assert level["side"] != 0, f"{where}: unranked, yet the neutral point"
                check_text(level.get("settled_word"), f"{where}.settled_word")


def test_an_unranked_stance_is_told_without_levels_or_steps():
    unranked = {(t["id"], level["value"]) for t in TOPICS.values() for level in t["scale"]
                if level["level"] is None}
    for item in STATEMENTS:
        if (item["topic"], item["stance"]) in unranked:
            found = RANKING_WORDS.findall(normal(item["summary"]).lower())
            assert not found, f"{item['id']}: unranked stance, yet its summary ranks it: {found}"


def test_a_publication_day_the_source_file_does_not_give_says_where_it_comes_from(paragraphs):
    for name, source in RECORD["sources"].items():
        header = paragraphs[name][0]  # the file's own date line leads the caption
        if source["published_on"].isoformat() not in header:
            check_text(source.get("published_on_basis"), f"sources.{name}.published_on_basis")
            assert "outside" in source["published_on_basis"].lower(), (
                f"sources.{name}: the day comes from outside the report; say so")


def test_no_cell_has_two_statements_on_one_date():
    # As of that date the position would be whichever one the store happened to sort last.
    seen = {}
    for statement in STATEMENTS:
        key = (statement["actor"], statement["topic"], statement["stated_on"])
        assert key not in seen, f"{statement['id']} and {seen[key]} share {key}"
        seen[key] = statement["id"]


def test_docs_data_names_every_statement_and_note():
    doc = DATA_DOC.read_text("utf-8")
    missing = [item["id"] for item in STATEMENTS + NOTES if f"`{item['id']}`" not in doc]
    assert not missing, f"docs/DATA.md does not account for: {missing}"


# --- each statement against the report -----------------------------------------------------

by_id = pytest.mark.parametrize("statement", STATEMENTS, ids=[s["id"] for s in STATEMENTS])


@by_id
def test_id_names_actor_topic_and_date(statement):
    topic = statement["topic"].replace("_", "-")
    expected = f"{statement['actor']}-{topic}-{statement['stated_on']}"
    assert re.fullmatch(re.escape(expected) + r"(-[a-z0-9]+)?", statement["id"]), expected


@by_id
def test_stance_is_on_its_topics_scale(statement):
    values = {level["value"] for level in TOPICS[statement["topic"]]["scale"]}
    assert statement["stance"] != "no_position", "silence is never a statement"
    assert statement["stance"] in values | {"unclear"}, (
        f"{statement['stance']} is not on the {statement['topic']} scale {sorted(values)}")


@by_id
def test_quote_is_in_the_cited_paragraphs(paragraphs, statement):
    texts = cited(paragraphs, statement)
    quote = normal(statement["quote"])
    if statement["quote_kind"] == "verbatim":
        assert statement["speaker"] is not None, "a verbatim quote has a named speaker"
        words_only = quote.strip('"').rstrip(",.")
        spans = [span for _, text in texts for span in quoted_spans(text)]
        assert any(words_only in span for span in spans), (
            f"not inside the report's quotation marks in {statement['source']['location']}: "
            f"{words_only!r}")
    else:
        assert any(quote in normal(text) for _, text in texts), (
            f"paraphrase not found word for word in {statement['source']['location']}: {quote!r}")


@by_id
def test_anchor_is_the_report_s_words_in_a_cited_paragraph(paragraphs, statement):
    # Read here without the service's selector code: prefix + exact + suffix is a run of
    # the paragraph's text, and the paragraph is one the statement cites.
    anchor = statement["anchor"]
    texts = dict(cited(paragraphs, statement))
    assert anchor["paragraph"] in texts, f"¶{anchor['paragraph']} is not cited"
    run = normal(anchor["prefix"] + " " + anchor["exact"] + " " + anchor["suffix"])
    paragraph = normal(texts[anchor["paragraph"]])
    assert normal(anchor["exact"]) in paragraph
    assert re.sub(r" ([,.])", r"\1", run) in paragraph or run in paragraph, run


def quote_paragraphs(paragraphs, statement) -> list[tuple[int, str]]:
    """The cited paragraphs that hold the quote, with the one just before each (it may
    introduce the speaker, as ¶6 introduces ¶7's words)."""
    texts = cited(paragraphs, statement)
    quote = normal(statement["quote"]).strip('"').rstrip(",.")
    holding = {n for n, text in texts if quote in normal(text)} or {n for n, _ in texts}
    return [(n, text) for n, text in texts if n in holding or n + 1 in holding]


@by_id
def test_speaker_is_named_where_the_quote_is(paragraphs, statement):
    # Speakers only where the source names them: the speaker's name must be in the
    # paragraph the quoted words come from, not merely somewhere in the cited ones.
    if statement["speaker"] is None:
        return
    surname = statement["speaker"]["name"].split()[-1]
    location = statement["source"]["location"]
    assert any(surname in text for _, text in cited(paragraphs, statement)), (
        f"{statement['speaker']['name']} is not named in {location}")
    assert any(surname in text for _, text in quote_paragraphs(paragraphs, statement)), (
        f"{statement['speaker']['name']} is named in {location}, but not in the paragraph the "
        "quote comes from: that sentence names no speaker (set speaker: null)")


@by_id
def test_conditions_come_from_the_cited_paragraphs(paragraphs, statement):
    report_words = {word for _, text in cited(paragraphs, statement) for word in words(text)}
    for condition in statement["conditions"]:
        key_words = [w for w in words(condition) if len(w) >= 4 and w not in STOPWORDS]
        assert key_words, f"condition {condition!r} has no words to check"
        missing = [w for w in key_words if not any(r.startswith(w[:5]) for r in report_words)]
        assert not missing, (f"condition {condition!r}: {missing} not in "
                             f"{statement['source']['location']} (borrowed from elsewhere?)")


@by_id
def test_quoted_words_in_the_summary_are_the_reports(paragraphs, statement):
    text = " ".join(normal(t) for _, t in cited(paragraphs, statement)).lower()
    for phrase in re.findall(r'"([^"]+)"', normal(statement["summary"])):
        assert phrase.lower().rstrip(",.") in text, f"summary quotes {phrase!r}, not in the report"


# Words by which the report places a position before the day it reports, without a day.
BOUNDING_WORDS = re.compile(r"\b(originally|earlier|previously|formerly|once|already|had (?:sought|"
                            r"said|wanted|called|pushed))\b")


def days_named(text: str) -> set[dt.date]:
    return {day for name, day in REPORT_DAYS.items() if name in text.lower()}


@by_id
def test_date_is_one_the_report_supports(paragraphs, statement):
    stated_on, precision = statement["stated_on"], statement["date_precision"]
    published = RECORD["sources"][source_name(statement["source"])]["published_on"]
    texts = cited(paragraphs, statement)
    location = statement["source"]["location"]
    assert stated_on <= published, "stated after the report was published"
    if precision == "day":
        # The report only bounds a position its quote calls earlier ("originally had sought"):
        # that is never a day.
        bound = BOUNDING_WORDS.findall(normal(statement["quote"]).lower())
        assert not bound, (f"day precision, but the quote only bounds the date ({bound}): "
                           "use on_or_before, or leave the earlier position uncoded")
        # The day must be named where the quote is: in its paragraph, or in the cited
        # paragraph just before it that introduces the speaker (¶6 dates ¶7's quote).
        dating = [text for _, text in quote_paragraphs(paragraphs, statement)]
        assert any(stated_on in days_named(text) for text in dating), (
            f"day precision, but {location} names no day that is {stated_on} where the quote is")
    elif precision == "on_or_before":
        # "has said", "says": held by the day of the report. An earlier bound needs a day the
        # report names in the cited paragraphs.
        if stated_on != published:
            assert any(stated_on in days_named(text) for _, text in texts), (
                f"on_or_before {stated_on}, earlier than the report, but {location} names no "
                "such day")
    elif precision == "month":
        last_month = (published.replace(day=1) - dt.timedelta(days=1)).month
        months = {MONTHS[stated_on.month - 1]} | ({"last month"} if stated_on.month == last_month
                                                   else set())
        assert any(m in text.lower() for m in months for _, text in texts), (
            f"month precision, but {location} names no month that is {stated_on:%B %Y}")
    else:  # approximate: a relative time the report gives, and a date inside it
        week = published - dt.timedelta(days=published.weekday())
        windows = {"this week": (week, published),
                   "last week": (week - dt.timedelta(days=7), week - dt.timedelta(days=1))}
        fits = [phrase for phrase, (start, end) in windows.items()
                if start <= stated_on <= end and any(phrase in t.lower() for _, t in texts)]
        assert fits, f"approximate {stated_on}: {location} gives no period containing it"


def test_report_days_are_the_days_before_publication():
    published = next(iter(RECORD["sources"].values()))["published_on"]
    for name, day in REPORT_DAYS.items():
        assert day.strftime("%A").lower() == name
        assert published - dt.timedelta(days=6) <= day <= published


# --- notes ---------------------------------------------------------------------------------

by_note = pytest.mark.parametrize("note", NOTES, ids=[n["id"] for n in NOTES])


@by_note
def test_note_cites_paragraphs_that_exist_and_that_it_discusses(paragraphs, note):
    numbers = [n for n, _ in cited(paragraphs, note)]
    discussed = set(paragraph_numbers(note["text"]))
    assert set(numbers) <= discussed, (
        f"location {note['source']['location']} cites paragraphs the text does not discuss: "
        f"{sorted(set(numbers) - discussed)}")


@by_note
def test_note_quotes_the_report_exactly(paragraphs, note):
    report = paragraphs[source_name(note["source"])]
    numbers = set(paragraph_numbers(note["text"])) | {n for n, _ in cited(paragraphs, note)}
    text = " ".join(normal(report[n - 1]) for n in sorted(numbers) if n <= len(report)).lower()
    for phrase in re.findall(r'"([^"]+)"', normal(note["text"])):
        assert phrase.lower().rstrip(",.") in text, (
            f"{note['id']} quotes {phrase!r}, which is not in the paragraphs it discusses")


@by_note
def test_note_is_not_phrased_as_a_stance(note):
    # A scale's labels and its compound values (plain words such as "full" or "open" are
    # left to the reader: the report itself uses them).
    text = normal(note["text"]).lower()
    for level in TOPICS[note["topic"]]["scale"]:
        terms = [level["label"].lower()] + ([level["value"]] if "_" in level["value"] else [])
        for term in terms:
            assert not re.search(rf"\b{re.escape(term)}\b", text), (
                f"{note['id']} uses the scale term {term!r}: a note explains, it takes no side")
