"""/v1/sources: the sources statements cite, with the text their anchors are checked against.

A source is an append-only record like a statement (create, correct with If-Match, retract,
history). It may keep its text (plain text, or an HTML page reduced to its main text): its
paragraphs are numbered the way statements cite them (¶, the non-empty lines) and pinned by
their SHA-256, and the text never changes once recorded. A source the newsroom may not keep
a copy of has no text and says why (`text_withheld`).

Who may read the text: everyone sees a source's citation, digest and paragraph count; its
paragraphs and the candidate sentences drawn from them are served to the newsroom's keys only
(reporters, who code from them, and editors), because the text is a publisher's copyrighted
report kept for verification, not for republishing (docs/DATA.md, "Serving the report's text").
"""

from __future__ import annotations

import marshmallow as ma
from flask.views import MethodView

from .. import database
from ..domain.candidates import candidates, finds, reading_for, sentence_spans
from ..domain.selectors import Anchor, TextQuoteSelector
from ..domain.source_text import html_to_text, source_text
from ..http.args import Blueprint
from ..http.dates import RecordDate
from ..http.problems import Problem
from ..store.kinds import SOURCES
from .auth import requires
from .pagination import PageArgs
from .records import derived_schema, record_collection, record_routes, revision_schema
from .statements import SLUG, URL_PATTERN, _not_future

blp = Blueprint("sources", __name__, url_prefix="/v1/sources",
                description="Sources statements cite, with the text their quotes are checked "
                            "against.")

EXAMPLE_ID = "ap-2025-03-20"
LANGUAGE = ma.validate.Regexp(r"^[a-z]{2,3}(-[A-Za-z0-9]{2,8})*$",
                              error="A BCP 47 language tag, such as en or pt-BR.")
BASIS_EXAMPLE = ("AP's dateline, outside the report's text: the source file is dated only "
                 "2025-03.")


class SourceRecordSchema(ma.Schema):
    id = ma.fields.String(required=True, metadata={"example": EXAMPLE_ID})
    publisher = ma.fields.String(required=True, metadata={"example": "Associated Press"})
    title = ma.fields.String(allow_none=True, required=True, metadata={"example": None})
    byline = ma.fields.String(allow_none=True, required=True,
                              metadata={"example": "Arhirova and Lawless"})
    url = ma.fields.String(allow_none=True, required=True, metadata={"example": None})
    published_on = ma.fields.Date(required=True, metadata={"example": "2025-03-20"})
    published_on_basis = ma.fields.String(allow_none=True, required=True, metadata={
        "description": "Where `published_on` comes from when the source's own text does not "
                       "give it; null when it does.", "example": BASIS_EXAMPLE})
    language = ma.fields.String(allow_none=True, required=True, metadata={
        "description": "BCP 47 tag of the text's language: the candidate finder reads it "
                       "with that language's cues.", "example": "en"})
    text_kept = ma.fields.Boolean(required=True, metadata={
        "description": "Whether the newsroom keeps the source's text (then `sha256` and "
                       "`paragraphs` describe it, and editors can read it at "
                       "`/v1/sources/{id}/paragraphs`).", "example": True})
    text_withheld = ma.fields.String(allow_none=True, required=True, metadata={
        "description": "Why no text is kept (rights, a broadcast, a conversation); null when "
                       "it is.", "example": None})
    sha256 = ma.fields.String(allow_none=True, required=True, metadata={
        "description": "Hex SHA-256 of the kept text's UTF-8 bytes (Unicode NFC).",
        "example": "b1f6580e38385ba61da99c00e7d59cf5e2f7361e898b6e84a6df250ae12dc426"})
    paragraphs = ma.fields.Integer(attribute="paragraph_count", allow_none=True, required=True,
                                   metadata={"description": "How many paragraphs (¶) the kept "
                                             "text has: its non-empty lines.", "example": 34})
    status = ma.fields.String(required=True, metadata={"enum": ["current", "retracted"]})
    revision = ma.fields.Integer(required=True, metadata={"example": 1})
    recorded_at = ma.fields.AwareDateTime(required=True, metadata={
        "example": "2025-03-21T09:30:00+00:00"})


SourceRevisionSchema = revision_schema(SourceRecordSchema, "SourceRevisionSchema")


class SourceQueryArgs(PageArgs):
    include_retracted = ma.fields.Boolean(load_default=False)


def _main_text(data: dict) -> dict:
    """An HTML page's main text (trafilatura), as the source's text."""
    if data.get("html") is None:
        return data
    try:
        text = html_to_text(data.pop("html"))
    except ValueError as exc:
        raise Problem(422, "unprocessable", f"html: {exc}.",
                      errors={"html": [f"{exc}: send the text instead, or text_withheld"]}) \
            from exc
    return {**data, "text": text}


class SourceRecordInSchema(ma.Schema):
    """A new source: its citation, its language, and its text (`text` or `html`) or why it
    has none (`text_withheld`)."""

    id = ma.fields.String(validate=[ma.validate.Length(min=1, max=128), SLUG], metadata={
        "description": "Optional slug; generated from publisher and date when absent.",
        "example": "reuters-2025-03-21-starmer"})
    publisher = ma.fields.String(required=True, validate=ma.validate.Length(min=1, max=200),
                                 metadata={"example": "Reuters"})
    title = ma.fields.String(allow_none=True, load_default=None,
                             validate=ma.validate.Length(max=500), metadata={"example": None})
    byline = ma.fields.String(allow_none=True, load_default=None,
                              validate=ma.validate.Length(max=200), metadata={"example": None})
    url = ma.fields.String(allow_none=True, load_default=None, validate=[
        ma.validate.Length(max=2000),
        ma.validate.Regexp(URL_PATTERN, error="Not an http(s) URL with a host name.")],
        metadata={"example": "https://www.reuters.com/world/europe/starmer-backstop"})
    published_on = RecordDate(required=True, validate=_not_future,
                              metadata={"example": "2025-03-21"})
    published_on_basis = ma.fields.String(allow_none=True, load_default=None,
                                          validate=ma.validate.Length(max=500),
                                          metadata={"example": None})
    language = ma.fields.String(required=True, validate=[ma.validate.Length(max=35), LANGUAGE],
                                metadata={"example": "en"})
    text = ma.fields.String(allow_none=True, validate=ma.validate.Length(min=1, max=1_000_000),
                            metadata={"description": "The text, one paragraph a line (blank "
                                      "lines between them are allowed): kept as sent, in "
                                      "Unicode NFC. Fixed once recorded.",
                                      "example": "Starmer says the plan won't work without a "
                                                 "U.S. backstop.\n\nRussia rejects it."})
    html = ma.fields.String(validate=ma.validate.Length(min=1, max=1_000_000), metadata={
        "description": "Instead of `text`: an HTML page, reduced to its main text (one "
                       "paragraph a line; navigation and boilerplate dropped). A page with no "
                       "main text is 422 on `html`.",
        "example": "<html><body><article><p>Starmer says the plan won't work without a "
                   "U.S. backstop.</p></article></body></html>"})
    text_withheld = ma.fields.String(allow_none=True, validate=ma.validate.Length(min=1, max=500),
                                     metadata={"description": "Instead of a text: why the "
                                               "newsroom keeps none (rights, a broadcast).",
                                               "example": None})

    @ma.validates_schema
    def _one_text(self, data, **_):
        if data.get("html") is not None and data.get("text") is not None:
            raise ma.ValidationError("Send the text or the HTML page, not both.", "html")

    @ma.post_load
    def _from_html(self, data, **_):
        return _main_text(data)


# A correction sends the fields that change; the text is fixed once recorded (422 `text`).
SourceChangesSchema = derived_schema(
    SourceRecordInSchema, "SourceChangesSchema", exclude=("id",), optional=True,
    reason=ma.fields.String(allow_none=True, validate=ma.validate.Length(max=2000), metadata={
        "description": "Why (for a correction: what was wrong).",
        "example": "The byline was incomplete."}))


# A whole body, as an editor sends one: the text (not the HTML page too: one or the other).
NEW_SOURCE_EXAMPLE = {
    "id": "example-news-2025-03-21", "publisher": "Example News", "title": "An example report",
    "url": "https://news.example.org/an-example-report", "published_on": "2025-03-21",
    "language": "en", "text": "The first paragraph of the report.\n\nIts second paragraph.",
}


class ParagraphSchema(ma.Schema):
    number = ma.fields.Integer(required=True, metadata={"example": 28})
    text = ma.fields.String(required=True, metadata={
        "example": "Starmer says the plan won’t work without that U.S. “backstop.”"})


class SourceTextSchema(ma.Schema):
    id = ma.fields.String(required=True, metadata={"example": EXAMPLE_ID})
    sha256 = ma.fields.String(required=True, metadata={
        "example": "b1f6580e38385ba61da99c00e7d59cf5e2f7361e898b6e84a6df250ae12dc426"})
    language = ma.fields.String(allow_none=True, required=True, metadata={"example": "en"})
    paragraphs = ma.fields.List(ma.fields.Nested(ParagraphSchema), required=True, metadata={
        "description": "Every paragraph, numbered as statements cite them (¶)."})


class SelectorSchema(ma.Schema):
    paragraph = ma.fields.Integer(required=True, metadata={"example": 28})
    exact = ma.fields.String(required=True, metadata={
        "example": "Starmer says the plan won’t work without that U.S. “backstop.”"})
    prefix = ma.fields.String(required=True, metadata={"example": "of any breaches of a truce."})
    suffix = ma.fields.String(required=True, metadata={"example": ""})


class DateGuessSchema(ma.Schema):
    date = ma.fields.Date(required=True, metadata={"example": "2025-03-19"})
    date_precision = ma.fields.String(required=True, metadata={
        "enum": ["day", "month", "approximate", "on_or_before"], "example": "day"})
    words = ma.fields.String(required=True, metadata={
        "description": "The sentence's words the date rests on; empty for the day of "
                       "publication.", "example": "Wednesday"})


class CandidateSchema(ma.Schema):
    paragraph = ma.fields.Integer(required=True, metadata={"example": 28})
    sentence = ma.fields.String(required=True, metadata={
        "example": "Starmer says the plan won’t work without that U.S. “backstop.”"})
    actor = ma.fields.String(required=True, metadata={
        "description": "The suggested actor: the first named.", "example": "uk"})
    topic = ma.fields.String(required=True, metadata={
        "description": "The suggested topic: the most of its words.", "example": "backstop"})
    actors = ma.fields.List(ma.fields.String(), required=True, metadata={
        "description": "Every actor the sentence names, in order of first mention.",
        "example": ["uk", "us"]})
    topics = ma.fields.List(ma.fields.String(), required=True, metadata={
        "example": ["backstop"]})
    cues = ma.fields.List(ma.fields.String(), required=True, metadata={
        "description": "The speech cues found, as written.", "example": ["says", "won’t"]})
    anchor = ma.fields.Nested(SelectorSchema, required=True, metadata={
        "description": "A selector for the whole sentence, to send as a statement's anchor "
                       "(or narrow to the words it rests on)."})
    date = ma.fields.Date(required=True, metadata={"example": "2025-03-20"})
    date_precision = ma.fields.String(required=True, metadata={
        "enum": ["day", "month", "approximate", "on_or_before"], "example": "on_or_before"})
    dates = ma.fields.List(ma.fields.Nested(DateGuessSchema), required=True, metadata={
        "description": "Every date the sentence supports, the most precise first (`date` and "
                       "`date_precision` are the first); a bound cue adds an `on_or_before`."})
    statements = ma.fields.List(ma.fields.String(), required=True, metadata={
        "description": "Current statements already resting on words of this sentence with one "
                       "of its actors and topics.", "example": ["uk-backstop-2025-03-20"]})


class CandidatesSchema(ma.Schema):
    id = ma.fields.String(required=True, metadata={"example": EXAMPLE_ID})
    language = ma.fields.String(allow_none=True, required=True, metadata={"example": "en"})
    reading = ma.fields.Boolean(required=True, metadata={
        "description": "Whether the record has cues for the source's language; without them "
                       "no sentence is proposed.", "example": True})
    sentences = ma.fields.Integer(required=True, metadata={
        "description": "How many sentences the text has.", "example": 49})
    statements = ma.fields.Integer(required=True, metadata={
        "description": "How many current statements rest on this source.", "example": 11})
    statements_found = ma.fields.Integer(required=True, metadata={
        "description": "How many of them lie in a candidate with their actor and topic.",
        "example": 11})
    candidates = ma.fields.List(ma.fields.Nested(CandidateSchema), required=True)


record_collection(
    blp, SOURCES, SourceRecordSchema, SourceQueryArgs, lambda record, args, _actor, _topic,
    **page: record.sources(args["include_retracted"], **page), SourceRecordInSchema,
    reviewed=False, example=NEW_SOURCE_EXAMPLE, create_scope="reporter",
    docs={"list": """List sources

        Every current source, the most recently published first.
        """, "create": """Record a source (scope reporter)

        A reporter records the article she codes from: a source asserts no
        position, its text is fixed once recorded, and every statement or note
        citing it still passes review. Correcting or retracting one is an
        editor's. With its text (`text`, or `html` reduced to its main text) or, when the
        newsroom may not keep one, `text_withheld` saying why (422 on
        `text_withheld` with neither). A duplicate id is 409.
        """})


def _kept_text(source_id: str):
    source = database.record().current(SOURCES, source_id)
    if source is None:
        raise Problem(404, "unknown-source", f"No source '{source_id}'.")
    if source.text is None:
        raise Problem(404, "no-text", f"Source '{source_id}' keeps no text: "
                                      f"{source.text_withheld}")
    return source, source_text(source.text)


PATH = [{"in": "path", "name": "source_id", "example": EXAMPLE_ID}]


@blp.route("/<string:source_id>/paragraphs", parameters=PATH)
class SourceParagraphs(MethodView):
    @requires(blp, "reporter", body=False)
    @blp.read("getSourceParagraphs", SourceTextSchema, refusals=(404,))
    def get(self, source_id):
        """Read a source's paragraphs (scope reporter)

        The kept text, one entry per paragraph (¶), numbered as statements cite
        them. A source that keeps no text is 404 `no-text`. The newsroom's keys
        only: the text is the publisher's, kept to check quotes against
        (docs/DATA.md).
        """
        source, text = _kept_text(source_id)
        return {"id": source.id, "sha256": source.sha256, "language": source.language,
                "paragraphs": [{"number": p.number, "text": p.text} for p in text.paragraphs]}


@blp.route("/<string:source_id>/candidates", parameters=PATH)
class SourceCandidates(MethodView):
    @requires(blp, "reporter", body=False)
    @blp.read("getSourceCandidates", CandidatesSchema, refusals=(404,))
    def get(self, source_id):
        """Candidate sentences of a source (scope reporter)

        Each sentence that names an actor, uses a topic's vocabulary and carries
        a speech cue, with the suggested actor and topic, a selector for the
        sentence and the dates it supports. The words are data: each actor's
        name, spokespeople and `mentions`, each topic's `vocabulary`, and the
        cues of the source's language. `statements` on each candidate names the
        current statements already resting on it. A source that keeps no text
        is 404 `no-text`.
        """
        source, text = _kept_text(source_id)
        record = database.record()
        cues = record.reading(source.language)
        found = []
        if cues is not None:
            reading = reading_for(record.actors.values(), record.topics.values(), cues)
            found = candidates(text, source.id, source.published_on, reading)
        resting = [(s, Anchor(source.id, s.anchor.paragraph, TextQuoteSelector(
            s.anchor.exact, s.anchor.prefix, s.anchor.suffix)))
            for s in record.statements_on(source.id) if s.anchor is not None]
        holding = {id(c): [s.id for s, anchor in resting if finds(c, text, anchor, s.actor,
                                                                  s.topic)] for c in found}
        abbreviations = tuple(cues["abbreviations"]) if cues else ()
        sentences = sum(len(sentence_spans(p.text, abbreviations)) for p in text.paragraphs)
        return {
            "id": source.id, "language": source.language, "reading": cues is not None,
            "sentences": sentences, "statements": len(resting),
            "statements_found": len({sid for ids in holding.values() for sid in ids}),
            "candidates": [{
                "paragraph": c.paragraph, "sentence": c.sentence, "actor": c.actor,
                "topic": c.topic, "actors": list(c.actors), "topics": list(c.topics),
                "cues": list(c.cues),
                "anchor": {"paragraph": c.anchor.paragraph, "exact": c.anchor.selector.exact,
                           "prefix": c.anchor.selector.prefix,
                           "suffix": c.anchor.selector.suffix},
                "date": c.date.date, "date_precision": c.date.precision,
                "dates": [{"date": g.date, "date_precision": g.precision, "words": g.words}
                          for g in c.dates],
                "statements": holding[id(c)]} for c in found],
        }


record_routes(
    blp, SOURCES, SourceRecordSchema, SourceRevisionSchema, "SourceHistory", SourceChangesSchema,
    examples={"id": EXAMPLE_ID},
    docs={"get": """Get one source

        Its citation, whether its text is kept (with the text's SHA-256 and
        paragraph count), or why not. A retracted source stays readable with
        status `retracted`; the paragraphs are at /v1/sources/{id}/paragraphs.
        """, "history": """Every revision of a source

        Corrections and retractions never overwrite: each is a revision, oldest
        first, with who recorded it and when. An unknown source is a 404.
        """, "revise": """Correct a source (scope editor)

        Send the fields that change (its citation, language). The text is fixed
        once recorded, since statements are verified against it: another text is
        422 on `text` (record it as a new source). Needs If-Match.
        """, "retract": """Retract a source (scope editor)

        A new revision with status `retracted`: statements can no longer cite it,
        and those that do keep their verified anchors (checked against a text
        that stays in the history). If-Match is optional (a stale one is 412).
        """})
