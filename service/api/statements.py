"""/v1/statements: the sourced statements every position rests on."""

from __future__ import annotations

import marshmallow as ma

from ..domain.model import DATE_PRECISIONS, QUOTE_KINDS
from ..http.args import Blueprint, today
from ..http.dates import RecordDate
from ..store.kinds import STATEMENTS
from .actors import SpeakerInSchema, SpeakerSchema
from .pagination import PageArgs
from .records import derived_schema, record_collection, record_routes

blp = Blueprint("statements", __name__, url_prefix="/v1/statements",
                description="Sourced statements of position.")


class SourceSchema(ma.Schema):
    id = ma.fields.String(allow_none=True, required=True, metadata={
        "description": "The source record cited (`/v1/sources/{id}`), whose citation the other "
                       "fields repeat; null for a citation recorded without one.",
        "example": "ap-2025-03-20"})
    publisher = ma.fields.String(required=True, metadata={"example": "Associated Press"})
    title = ma.fields.String(allow_none=True, required=True, metadata={"example": None})
    byline = ma.fields.String(allow_none=True, required=True,
                              metadata={"example": "Arhirova and Lawless"})
    url = ma.fields.String(allow_none=True, required=True, metadata={
        "example": "https://apnews.com/article/ukraine-starmer-backstop"})
    published_on = ma.fields.Date(required=True, metadata={"example": "2025-03-20"})
    published_on_basis = ma.fields.String(allow_none=True, required=True, metadata={
        "description": "Where `published_on` comes from when the source's own text does not "
                       "give it; null when it does.",
        "example": "AP's dateline, outside the report's text: the source file is dated only "
                   "2025-03."})
    location = ma.fields.String(allow_none=True, required=True, metadata={
        "description": "Where in the source: paragraph, page, timestamp.", "example": "¶28"})


class AnchorSchema(ma.Schema):
    paragraph = ma.fields.Integer(required=True, metadata={
        "description": "The source's paragraph (¶, its non-empty lines counted from 1).",
        "example": 28})
    exact = ma.fields.String(required=True, metadata={
        "description": "The source's own words the statement rests on (W3C TextQuoteSelector).",
        "example": "Starmer says the plan won’t work without that U.S. “backstop.”"})
    prefix = ma.fields.String(required=True, metadata={
        "description": "The text just before `exact` in the paragraph (empty at its start).",
        "example": "of any breaches of a truce. "})
    suffix = ma.fields.String(required=True, metadata={
        "description": "The text just after `exact` in the paragraph (empty at its end).",
        "example": ""})
    verified = ma.fields.Boolean(allow_none=True, required=True, metadata={
        "description": "True: checked on its last write against the source's kept text (which "
                       "never changes), and stored in the source's own characters. Null: it "
                       "could not be checked (`unverified` says why).", "example": True})
    unverified = ma.fields.String(allow_none=True, required=True, metadata={
        "description": "Why the selector is not verified: a translated quote, or a source "
                       "that keeps no text; null when verified.", "example": None})


class AnchorInSchema(ma.Schema):
    paragraph = ma.fields.Integer(required=True, strict=True,
                                  validate=ma.validate.Range(min=1, max=100_000),
                                  metadata={"example": 28})
    exact = ma.fields.String(required=True, validate=ma.validate.Length(min=1, max=2000),
                             metadata={"example": "Starmer says the plan won't work without "
                                                  "that U.S. \"backstop.\""})
    prefix = ma.fields.String(load_default="", validate=ma.validate.Length(max=2000),
                              metadata={"example": "of any breaches of a truce."})
    suffix = ma.fields.String(load_default="", validate=ma.validate.Length(max=2000),
                              metadata={"example": ""})


ANCHOR_DOC = (
    "Where the quote rests in its source (`source.id`): a paragraph and a W3C "
    "TextQuoteSelector. Where the source keeps its text, every write checks it: words not in "
    "the paragraph, a prefix or suffix that does not fit, or a paragraph `source.location` "
    "does not cite are 422 naming `anchor.exact`, `anchor.prefix`, `anchor.suffix` or "
    "`anchor.paragraph`, and a `verbatim` quote outside `exact` is 422 on `quote`. Straight "
    "and curly quotes and whitespace are not told apart; what is stored is the source's own "
    "characters. A `translation` quote, or a source without text, is stored unverified.")

DATE_PRECISION_DOC = ("How exact the date is: `day`, `month`, `approximate`, or "
                      "`on_or_before` when the source only bounds it (said by that day; "
                      "sentences say \"by\").")


class StatementSchema(ma.Schema):
    id = ma.fields.String(required=True, metadata={"example": "uk-backstop-2025-03-20"})
    actor = ma.fields.String(required=True, metadata={"example": "uk"})
    topic = ma.fields.String(required=True, metadata={"example": "backstop"})
    stance = ma.fields.String(required=True, metadata={
        "description": "A value of the topic's scale, or `unclear`.", "example": "requires"})
    conditions = ma.fields.List(ma.fields.String(), required=True, metadata={
        "description": "What the actor makes its stance depend on.", "example": []})
    summary = ma.fields.String(required=True, metadata={
        "example": "Starmer says the plan for a European force will not work without a US "
                   "\"backstop\", reserve firepower in case of any breaches of a truce."})
    quote = ma.fields.String(required=True, metadata={
        "example": "Starmer says the plan won’t work without that U.S. “backstop.”"})
    quote_kind = ma.fields.String(required=True, metadata={
        "enum": list(QUOTE_KINDS), "example": "paraphrase",
        "description": "`verbatim` words of the speaker, a close `paraphrase` from the source, "
                       "or a `translation` of the source's words (its anchor is not checked)."})
    speaker = ma.fields.Nested(SpeakerSchema, allow_none=True, required=True)
    stated_on = ma.fields.Date(required=True, metadata={"example": "2025-03-20"})
    date_precision = ma.fields.String(required=True, metadata={
        "enum": list(DATE_PRECISIONS), "description": DATE_PRECISION_DOC,
        "example": "on_or_before"})
    source = ma.fields.Nested(SourceSchema, required=True)
    anchor = ma.fields.Nested(AnchorSchema, allow_none=True, required=True, metadata={
        "description": "Where the quote rests in the source; null for a statement recorded "
                       "without one."})
    status = ma.fields.String(required=True, metadata={"enum": ["current", "retracted"]})
    revision = ma.fields.Integer(required=True, metadata={"example": 1})
    recorded_at = ma.fields.AwareDateTime(required=True, metadata={
        "example": "2025-03-21T09:30:00+00:00"})



class StatementQueryArgs(PageArgs):
    actor = ma.fields.String(metadata={"description": "Actor id or alias."})
    topic = ma.fields.String(metadata={"description": "Topic id."})
    from_ = RecordDate(data_key="from", metadata={"description": "Earliest stated_on (inclusive)."})
    to = RecordDate(metadata={"description": "Latest stated_on (inclusive)."})
    include_retracted = ma.fields.Boolean(load_default=False, metadata={
        "description": "Also list retracted statements (they never count for positions)."})

    @ma.validates_schema
    def _range(self, data, **_):
        if data.get("from_") and data.get("to") and data["from_"] > data["to"]:
            raise ma.ValidationError("must not be before `from`", "to")


class RevisionSchema(StatementSchema):
    recorded_by = ma.fields.String(required=True, metadata={
        "description": "Name of the API key (or import) that recorded this revision.",
        "example": "bundled dataset"})
    note = ma.fields.String(attribute="reason", allow_none=True, required=True, metadata={
        "description": "Why this revision was made: the correction or the retraction's reason.",
        "example": None})


# -- write schemas -------------------------------------------------------------

SLUG = ma.validate.Regexp(r"^[a-z0-9][a-z0-9_.-]*$", error="Use lower-case letters, digits, '-', '_' and '.'.")


def _not_future(value):
    if value > today():
        raise ma.ValidationError("Must not be in the future.")


URL_PATTERN = r"^https?://[A-Za-z0-9-]+(\.[A-Za-z0-9-]+)*\.[A-Za-z]{2,63}(:[0-9]{1,5})?([/?#][!-~]*)?$"


class SourceInSchema(ma.Schema):
    """A citation: a source record's id (its citation is then taken from the record), or
    the citation itself (publisher and published_on required)."""

    id = ma.fields.String(validate=[ma.validate.Length(min=1, max=128), SLUG], metadata={
        "description": "A source record (`/v1/sources/{id}`): the other fields are taken from "
                       "it, and any given must agree with it (else 422).",
        "example": "ap-2025-03-20"})
    publisher = ma.fields.String(validate=ma.validate.Length(min=1, max=200), metadata={
        "description": "Required without `id`.", "example": "Associated Press"})
    published_on = RecordDate(validate=_not_future, metadata={
        "description": "Required without `id`.", "example": "2025-03-20"})
    title = ma.fields.String(allow_none=True, validate=ma.validate.Length(max=500),
                             metadata={"example": None})
    byline = ma.fields.String(allow_none=True, validate=ma.validate.Length(max=200),
                              metadata={"example": (
                                  "Arhirova and Lawless; Dasha Litvinova, Geir Moulson, Lorne "
                                  "Cook and Brian Melley contributed")})
    # One documented rule, the same for the spec and the server (marshmallow's Url
    # validator cannot be written as a JSON Schema): http(s), a dotted host name, then
    # visible ASCII (percent-encode the rest).
    url = ma.fields.String(allow_none=True, validate=[
        ma.validate.Length(max=2000),
        ma.validate.Regexp(URL_PATTERN, error="Not an http(s) URL with a host name.")],
        metadata={"example": None})
    location = ma.fields.String(allow_none=True, validate=ma.validate.Length(max=200),
                                metadata={"example": "¶28"})
    published_on_basis = ma.fields.String(
        allow_none=True, validate=ma.validate.Length(max=500),
        metadata={"description": "Where `published_on` comes from, when the source's text "
                                 "does not give it.", "example": None})

    @ma.validates_schema
    def _cited(self, data, **_):
        if not data.get("id"):
            missing = {key: ["Required without `id`."] for key in ("publisher", "published_on")
                       if key not in data}
            if missing:
                raise ma.ValidationError(missing)

    @ma.post_load
    def _defaults(self, data, **_):
        # A citation without a record carries every field; one naming a record takes the
        # rest from it (store/kinds.py), so what it leaves out stays out.
        if not data.get("id"):
            return {"title": None, "byline": None, "url": None, "location": None,
                    "published_on_basis": None, **data}
        return data


class StatementInSchema(ma.Schema):
    """A new statement. `id` may be given (a slug) or is generated."""

    id = ma.fields.String(validate=[ma.validate.Length(min=1, max=128), SLUG], metadata={
        "description": "Optional slug; generated from actor, topic and date when absent.",
        "example": "uk-backstop-2025-03-21"})
    actor = ma.fields.String(required=True, validate=ma.validate.Length(min=1, max=64), metadata={
        "description": "Actor id or alias.", "example": "uk"})
    topic = ma.fields.String(required=True, validate=ma.validate.Length(min=1, max=64),
                             metadata={"example": "backstop"})
    stance = ma.fields.String(required=True, validate=ma.validate.Length(min=1, max=64), metadata={
        "description": "A value of the topic's scale, or `unclear` (else 422).", "example": "requires"})
    conditions = ma.fields.List(ma.fields.String(validate=ma.validate.Length(min=1, max=500)),
                                load_default=list, validate=ma.validate.Length(max=20),
                                metadata={"example": []})
    summary = ma.fields.String(required=True, validate=ma.validate.Length(min=1, max=2000),
                               metadata={"example": "Starmer says a European force needs a US backstop."})
    quote = ma.fields.String(required=True, validate=ma.validate.Length(min=1, max=2000),
                             metadata={"example": "Starmer says the plan won't work without "
                                                  "that U.S. \"backstop.\""})
    quote_kind = ma.fields.String(required=True, validate=ma.validate.OneOf(QUOTE_KINDS),
                                  metadata={"example": "paraphrase"})
    speaker = ma.fields.Nested(SpeakerInSchema, allow_none=True, load_default=None)
    stated_on = RecordDate(required=True, validate=_not_future, metadata={"example": "2025-03-20"})
    date_precision = ma.fields.String(required=True, validate=ma.validate.OneOf(DATE_PRECISIONS),
                                      metadata={"example": "day"})
    source = ma.fields.Nested(SourceInSchema, required=True)
    anchor = ma.fields.Nested(AnchorInSchema, allow_none=True, load_default=None, metadata={
        "description": ANCHOR_DOC})
    note = ma.fields.String(allow_none=True, validate=ma.validate.Length(max=2000), metadata={
        "description": "Why (for a correction: what was wrong).",
        "example": "Quote corrected against the video."})

    @ma.validates_schema
    def _published_after_stated(self, data, **_):
        source = data.get("source")
        if source and data.get("stated_on") and source.get("published_on") and (
                source["published_on"] < data["stated_on"]):
            raise ma.ValidationError("A source cannot be published before the statement was made.",
                                     "source")


# A correction sends the fields that change.
StatementChangesSchema = derived_schema(
    StatementInSchema, "StatementChangesSchema", exclude=("id",), optional=True,
    examples={"quote": "It will not work without an American backstop."})


record_collection(
    blp, STATEMENTS, StatementSchema, StatementQueryArgs, lambda record, args, actor, topic, **page:
    record.listing(args.get("from_"), args.get("to"), actor, topic, args["include_retracted"],
                   **page), StatementInSchema,
    created={"Location": {"description": "The new statement.", "schema": {"type": "string"}},
             "ETag": {"description": "Its ETag, for If-Match on a correction.",
                      "schema": {"type": "string"}}},
    docs={"list": """List statements

        Filtered by actor, topic and a range of `stated_on` dates; oldest first.
        """, "create": """Record a statement (scope editor)

        Answers 201 with Location. A duplicate id is 409; a stance off the
        topic's scale, an unknown actor, topic or source, or an anchor whose words
        are not in its source's text, is 422 naming the field.
        """})
record_routes(
    blp, STATEMENTS, StatementSchema, RevisionSchema, "History", StatementChangesSchema,
    examples={"id": "uk-backstop-2025-03-20", "revise": "russia-peacekeepers-2025-03-20"},
    docs={"get": """Get one statement

        The current revision; a retracted statement stays readable with status `retracted`.
        """, "history": """Every revision of a statement

        Corrections and retractions never overwrite: each is a revision, with
        who recorded it (`recorded_by`) and when (`recorded_at`).
        """, "revise": """Correct a statement (scope editor)

        Send the fields that change; the result is a new revision and the old
        one stays in the history. Needs If-Match with the current ETag.
        """, "retract": """Retract a statement (scope editor)

        A new revision with status `retracted`: from then on it counts for no
        position and no diff, and it stays readable. If-Match is optional
        here (a stale one is 412): retracting twice is 409 anyway.
        """})
