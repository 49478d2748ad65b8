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
from flask.views import MethodView
from werkzeug.http import quote_etag

from .. import database
from ..domain.model import Note
from ..domain.validation import READER_TEXT_MAX, DomainError, check_reader_text
from ..http.args import Blueprint
from ..http.lookups import actor_or_404, topic_or_404
from ..http.problems import Problem
from ..store import write as w
from .auth import current_key, requires
from .pagination import PAGINATION_HEADERS, PageArgs, page_schema, paginate
from .revisions import (WRITTEN_HEADERS, matches_if_match, optional_if_match, require_if_match,
                        revision_etag, written)
from .statements import SLUG, RetractionSchema, SourceInSchema, SourceSchema
from .writes import IdempotencyHeaders, IdempotentIfMatchHeaders, write

blp = Blueprint("notes", __name__, url_prefix="/v1/notes",
                description="Editors' notes on a cell: what was considered, why it is silent.")

NOTE_ID = {"in": "path", "name": "note_id", "example": "germany-peacekeepers-considered"}
# Each write's example names a note of its own, so trying them in any order works.
RETRACTED_NOTE_ID = {**NOTE_ID, "example": "france-backstop-considered"}


READER_TEXT_DOC = ("For readers: the note as one plain sentence, which the embeds show "
                   "instead of `text`; no paragraph references (¶). Null: readers see nothing "
                   "of the note.")
READER_TEXT_EXAMPLE = "The report quotes no German view on troops."


def _plain_sentence(value: str) -> None:
    try:
        check_reader_text(value)
    except DomainError as exc:
        raise ma.ValidationError(str(exc)) from exc


def reader_text_field(**kwargs) -> ma.fields.String:
    return ma.fields.String(
        allow_none=True, validate=[ma.validate.Length(min=1, max=READER_TEXT_MAX), _plain_sentence],
        metadata={"description": READER_TEXT_DOC, "example": READER_TEXT_EXAMPLE}, **kwargs)


class NoteSchema(ma.Schema):
    class Meta:
        ordered = True

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


class NoteRevisionSchema(NoteSchema):
    recorded_by = ma.fields.String(required=True, metadata={"example": "bundled dataset"})
    reason = ma.fields.String(allow_none=True, required=True, metadata={
        "description": "Why this revision was made: the correction or the retraction's reason.",
        "example": None})


class NoteHistorySchema(ma.Schema):
    class Meta:
        ordered = True

    id = ma.fields.String(required=True, metadata={"example": "germany-peacekeepers-considered"})
    revisions = ma.fields.List(ma.fields.Nested(NoteRevisionSchema), required=True, metadata={
        "description": "Every revision, oldest first; the last one is current."})


NotePageSchema = page_schema(NoteSchema, "NotePage")


class NoteQueryArgs(PageArgs):
    actor = ma.fields.String(metadata={"description": "Actor id or alias."})
    topic = ma.fields.String(metadata={"description": "Topic id."})
    include_retracted = ma.fields.Boolean(load_default=False)


class NoteChangesSchema(ma.Schema):
    class Meta:
        ordered = True

    text = ma.fields.String(validate=ma.validate.Length(min=1, max=2000), metadata={
        "example": "Considered ¶30: about Ukraine's army and EU path, not peacekeepers."})
    reader_text = reader_text_field()
    source = ma.fields.Nested(SourceInSchema)
    reason = ma.fields.String(allow_none=True, validate=ma.validate.Length(max=2000), metadata={
        "description": "Why (for a correction: what was wrong).",
        "example": "The paragraph number was wrong."})


class NoteInSchema(ma.Schema):
    class Meta:
        ordered = True

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
    reader_text = reader_text_field(load_default=None)
    source = ma.fields.Nested(SourceInSchema, required=True)


def _written(note: Note, status: int):
    return written(note, NoteSchema(), "notes.NoteItem", status, note_id=note.id)


def _note_or_404(note_id: str) -> Note:
    note = database.record().note(note_id)
    if note is None:
        raise Problem(404, "unknown-note", f"No note '{note_id}'.")
    return note


@blp.route("")
class Notes(MethodView):
    @blp.doc(operationId="listNotes")
    @blp.arguments(NoteQueryArgs, location="query")
    @blp.response(200, NotePageSchema, headers=PAGINATION_HEADERS)
    def get(self, args):
        """List notes

        Every current note, by id; narrowed to one actor or topic if asked.
        """
        record = database.record()
        actor = actor_or_404(record, args["actor"]).id if "actor" in args else None
        topic = topic_or_404(record, args["topic"]).id if "topic" in args else None
        page, per_page = args["page"], args["per_page"]
        notes, total = record.notes(actor, topic, args["include_retracted"],
                                    offset=(page - 1) * per_page, limit=per_page)
        return paginate(notes, total, page, per_page)

    @requires(blp, "editor")
    @blp.doc(operationId="createNote")
    @blp.arguments(IdempotencyHeaders, location="headers")
    @blp.arguments(NoteInSchema)
    @blp.response(201, NoteSchema, headers=WRITTEN_HEADERS)
    @blp.alt_response(409, response="CONFLICT")
    @blp.alt_response(422, response="UNPROCESSABLE_ENTITY")
    def post(self, _headers, data):
        """Record a note on a cell (scope editor)

        A duplicate id is 409; an unknown actor or topic is 422.
        """
        by = current_key().name
        return write(lambda conn: _written(w.create_note(conn, data, by), 201))


@blp.route("/<string:note_id>", parameters=[NOTE_ID])
class NoteItem(MethodView):
    @blp.doc(operationId="getNote")
    @blp.response(200, NoteSchema)
    def get(self, note_id):
        """Get one note

        The current revision; a retracted note stays readable with status `retracted`.
        """
        note = _note_or_404(note_id)
        return note, 200, {"ETag": quote_etag(revision_etag(note))}


@blp.route("/<string:note_id>/history", parameters=[NOTE_ID])
class NoteHistory(MethodView):
    @blp.doc(operationId="getNoteHistory")
    @blp.response(200, NoteHistorySchema)
    def get(self, note_id):
        """Every revision of a note

        Corrections and retractions never overwrite: each is a revision, oldest
        first, with who recorded it and when. An unknown note is a 404.
        """
        revisions = database.record().note_history(note_id)
        if not revisions:
            raise Problem(404, "unknown-note", f"No note '{note_id}'.")
        return {"id": note_id, "revisions": revisions}


@blp.route("/<string:note_id>/revisions", parameters=[NOTE_ID])
class NoteRevisions(MethodView):
    @requires(blp, "editor")
    @blp.doc(operationId="reviseNote")
    @blp.arguments(IdempotentIfMatchHeaders, location="headers")
    @blp.arguments(NoteChangesSchema)
    @blp.response(201, NoteSchema, headers=WRITTEN_HEADERS)
    @blp.alt_response(404, response="NOT_FOUND")
    @blp.alt_response(409, response="CONFLICT")
    @blp.alt_response(412, response="PRECONDITION_FAILED")
    @blp.alt_response(422, response="UNPROCESSABLE_ENTITY")
    @blp.alt_response(428, response="PRECONDITION_REQUIRED")
    def post(self, _headers, changes, note_id):
        """Correct a note (scope editor)

        Send the fields that change; the old revision stays in the history.
        Needs If-Match with the current ETag.
        """
        require_if_match("/v1/notes/{id}")
        by = current_key().name
        return write(lambda conn: _written(
            w.revise_note(conn, note_id, changes, by, matches_if_match), 201))


@blp.route("/<string:note_id>/retraction", parameters=[RETRACTED_NOTE_ID])
class NoteRetraction(MethodView):
    @requires(blp, "editor")
    @blp.doc(operationId="retractNote")
    @blp.arguments(IdempotentIfMatchHeaders, location="headers")
    @blp.arguments(RetractionSchema)
    @blp.response(201, NoteSchema, headers=WRITTEN_HEADERS)
    @blp.alt_response(404, response="NOT_FOUND")
    @blp.alt_response(409, response="CONFLICT")
    @blp.alt_response(412, response="PRECONDITION_FAILED")
    def post(self, _headers, data, note_id):
        """Retract a note (scope editor)

        A new revision with status `retracted`: it is shown nowhere any more,
        and stays readable here. If-Match is optional (a stale one is 412).
        """
        by = current_key().name
        return write(lambda conn: _written(
            w.retract_note(conn, note_id, data["reason"], by, optional_if_match), 201))
