"""/v1/notes: editors' notes on an actor x topic cell.

A note says what was considered and not coded, or why a cell is silent
("considered ¶30: about Ukraine's army and EU path, not peacekeepers"). It is
never a position: positions, the matrix, compare and the embeds show it beside
the cell. It has two texts: `text`, the editors' working note with its ¶
references, and `reader_text`, the plain sentence the embeds show readers. Notes are append-only like statements: a correction or a retraction
is a new revision, and the history stays readable.
"""

from __future__ import annotations

import marshmallow as ma

from ..domain.validation import READER_TEXT_MAX, DomainError, check_reader_text
from ..http.args import Blueprint
from ..store.kinds import NOTES
from .pagination import PageArgs
from .records import derived_schema, record_collection, record_routes, revision_schema
from .statements import SLUG, SourceInSchema, SourceSchema

blp = Blueprint("notes", __name__, url_prefix="/v1/notes",
                description="Editors' notes on a cell: what was considered, why it is silent.")

READER_TEXT_DOC = ("For readers: the note as one plain sentence, which the embeds show "
                   "instead of `text`; no paragraph references (¶). Null: readers see nothing "
                   "of the note.")
READER_TEXT_EXAMPLE = "The report quotes no German view on troops."


def _plain_sentence(value: str) -> None:
    try:
        check_reader_text(value)
    except DomainError as exc:
        raise ma.ValidationError(str(exc)) from exc


class NoteSchema(ma.Schema):
    id = ma.fields.String(required=True, metadata={"example": "germany-peacekeepers-considered"})
    actor = ma.fields.String(required=True, metadata={"example": "germany"})
    topic = ma.fields.String(required=True, metadata={"example": "peacekeepers"})
    text = ma.fields.String(required=True, metadata={
        "description": "For editors: what was considered and why it is not a position.",
        "example": "Considered ¶30: about Ukraine's army and EU path, not peacekeepers."})
    reader_text = ma.fields.String(allow_none=True, required=True, metadata={
        "description": READER_TEXT_DOC, "example": READER_TEXT_EXAMPLE})
    source = ma.fields.Nested(SourceSchema, required=True, metadata={
        "description": "The source considered; `location` says where in it."})
    status = ma.fields.String(required=True, metadata={"enum": ["current", "retracted"]})
    revision = ma.fields.Integer(required=True, metadata={"example": 1})
    recorded_at = ma.fields.AwareDateTime(required=True, metadata={
        "example": "2025-03-21T09:30:00+00:00"})


NoteRevisionSchema = revision_schema(NoteSchema, "NoteRevisionSchema")


class NoteQueryArgs(PageArgs):
    actor = ma.fields.String(metadata={"description": "Actor id or alias."})
    topic = ma.fields.String(metadata={"description": "Topic id."})
    include_retracted = ma.fields.Boolean(load_default=False)


class NoteInSchema(ma.Schema):
    id = ma.fields.String(validate=[ma.validate.Length(min=1, max=128), SLUG], metadata={
        "description": "Optional slug; generated from actor and topic when absent.",
        "example": "germany-backstop-considered"})
    actor = ma.fields.String(required=True, validate=ma.validate.Length(min=1, max=64),
                             metadata={"example": "germany"})
    topic = ma.fields.String(required=True, validate=ma.validate.Length(min=1, max=64),
                             metadata={"example": "peacekeepers"})
    text = ma.fields.String(required=True, validate=ma.validate.Length(min=1, max=2000),
                            metadata={"example": "Considered ¶30: about Ukraine's army and EU "
                                                 "path, not peacekeepers."})
    reader_text = ma.fields.String(
        allow_none=True, load_default=None,
        validate=[ma.validate.Length(min=1, max=READER_TEXT_MAX), _plain_sentence],
        metadata={"description": READER_TEXT_DOC, "example": READER_TEXT_EXAMPLE})
    source = ma.fields.Nested(SourceInSchema, required=True)


# A correction sends the fields that change (a note stays on its cell), and why.
NoteChangesSchema = derived_schema(
    NoteInSchema, "NoteChangesSchema", exclude=("id", "actor", "topic"), optional=True,
    reason=ma.fields.String(allow_none=True, validate=ma.validate.Length(max=2000), metadata={
        "description": "Why (for a correction: what was wrong).",
        "example": "The paragraph number was wrong."}))


record_collection(
    blp, NOTES, NoteSchema, NoteQueryArgs, lambda record, args, actor, topic, **page:
    record.notes(actor, topic, args["include_retracted"], **page), NoteInSchema,
    docs={"list": """List notes

        Every current note, by id; narrowed to one actor or topic if asked.
        """, "create": """Record a note on a cell (scope editor)

        A duplicate id is 409; an unknown actor or topic is 422.
        """})
record_routes(
    blp, NOTES, NoteSchema, NoteRevisionSchema, "NoteHistory", NoteChangesSchema,
    # Each write's example names a note of its own, so trying them in any order works.
    examples={"id": "germany-peacekeepers-considered", "retract": "france-backstop-considered"},
    docs={"get": """Get one note

        The current revision; a retracted note stays readable with status `retracted`.
        """, "history": """Every revision of a note

        Corrections and retractions never overwrite: each is a revision, oldest
        first, with who recorded it and when. An unknown note is a 404.
        """, "revise": """Correct a note (scope editor)

        Send the fields that change; the old revision stays in the history.
        Needs If-Match with the current ETag.
        """, "retract": """Retract a note (scope editor)

        A new revision with status `retracted`: it is shown nowhere any more,
        and stays readable here. If-Match is optional (a stale one is 412).
        """})
