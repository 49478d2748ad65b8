"""/v1/matrix: the actors x topics grid dashboards draw, with a legend."""

from __future__ import annotations

import marshmallow as ma
from flask.views import MethodView

from .. import database
from ..domain.model import Position, Statement
from ..http.args import Blueprint, PositionsArgs
from ..http.lookups import actors_or_404, topics_or_404
from .csv_format import csv_twin
from .notes import NoteSchema
from .records import derived_schema
from .statements import StatementSchema
from .topics import TopicSchema

blp = Blueprint("matrix", __name__, url_prefix="/v1",
                description="The actors x topics grid of positions on a date.")


def source_line(statement: Statement) -> str:
    """`Associated Press, 2025-03-20, ¶28`: enough to cite under a cell."""
    source = statement.source
    parts = (source.publisher, source.published_on.isoformat(), source.location)
    return ", ".join([p for p in parts if p])  # a list, not a generator: once per cell


# The statement a cell rests on: a statement less what the cell already says
# (actor, topic, stance) and the bookkeeping, its source as one line.
CellStatementSchema = derived_schema(
    StatementSchema, "CellStatementSchema",
    exclude=("actor", "topic", "stance", "status", "revision", "recorded_at"),
    source=ma.fields.Function(source_line, required=True, metadata={
        "type": "string", "example": "Associated Press, 2025-03-20, ¶28"}))


class CellSchema(ma.Schema):
    topic = ma.fields.String(required=True, metadata={"example": "peacekeepers"})
    stance = ma.fields.String(required=True, metadata={"example": "wants_force"})
    label = ma.fields.String(required=True, metadata={"example": "Wants a force"})
    level = ma.fields.Integer(allow_none=True, required=True)
    side = ma.fields.Integer(allow_none=True, required=True, metadata={"enum": [-1, 0, 1, None]})
    statement = ma.fields.Nested(CellStatementSchema, allow_none=True, required=True, metadata={
        "description": "What the cell rests on; null for no_position."})
    age_days = ma.fields.Integer(allow_none=True, required=True, metadata={
        "description": "Days from the statement's `stated_on` to `as_of`; null for "
                       "no_position.", "example": 0})
    notes = ma.fields.List(ma.fields.Nested(NoteSchema), required=True, metadata={
        "description": "Editors' notes on the cell; never a position."})


class MatrixRowSchema(ma.Schema):
    actor = ma.fields.String(required=True, metadata={"example": "uk"})
    name = ma.fields.String(required=True, metadata={"example": "United Kingdom"})
    cells = ma.fields.List(ma.fields.Nested(CellSchema), required=True, metadata={
        "description": "One cell per topic, in the order of `topics`."})


class MatrixSchema(ma.Schema):
    as_of = ma.fields.Date(required=True)
    topics = ma.fields.List(ma.fields.Nested(TopicSchema), required=True, metadata={
        "description": "The columns, each with its scale and direction words: the legend."})
    rows = ma.fields.List(ma.fields.Nested(MatrixRowSchema), required=True)


# The statement's fields the columns lay out (summary is left to the JSON);
# any other field of a cell's statement is a column of its own, by its name. The anchor
# (a selector of the quote's words in the source) is left to the JSON like the summary.
_LAID_OUT = {"id", "stated_on", "date_precision", "speaker", "quote", "quote_kind", "conditions",
             "source", "summary", "anchor"}
_MORE = tuple(name for name in CellStatementSchema().fields if name not in _LAID_OUT)
MATRIX_COLUMNS = ("as_of", "actor", "actor_name", "topic", "stance", "label", "level", "side",
                  "statement", "stated_on", "date_precision", "age_days", "speaker", "speaker_role", "quote",
                  "quote_kind", "conditions", "source_publisher", "source_title", "source_url",
                  "source_location", "source_published_on", *_MORE, "notes", "reader_notes")


def _cell_row(as_of, name: str, cell: Position) -> tuple:
    """Everything a journalist needs to attribute the cell: whether the quote is
    the speaker's words or the source's paraphrase, how exact the date is,
    and where to find it; or, for a silent cell, the editors' notes."""
    s = cell.statement
    speaker = s.speaker if s else None
    source = s.source if s else None
    return (as_of, cell.actor, name, cell.topic, cell.stance, cell.label, cell.level, cell.side,
            s and s.id, s and s.stated_on, s and s.date_precision, cell.age_days,
            speaker and speaker.name,
            speaker and speaker.role, s and s.quote, s and s.quote_kind, s and s.conditions,
            source and source.publisher, source and source.title, source and source.url,
            source and source.location, source and source.published_on,
            *(s and getattr(s, more) for more in _MORE),
            # One note a line: a note's text may hold the "; " that joins other lists.
            "\n".join(note.text for note in cell.notes),
            "\n".join(note.reader_text for note in cell.notes if note.reader_text))


def matrix_table(result: dict):
    return MATRIX_COLUMNS, (_cell_row(result["as_of"], row["name"], cell)
                            for row in result["rows"] for cell in row["cells"])


def matrix_answer(args: dict) -> dict:
    record = database.record()
    actors = actors_or_404(record, args.get("actors"))
    topics = topics_or_404(record, args.get("topics"))
    as_of = args["as_of"]
    positions = record.positions(actors, topics, as_of)
    return {"as_of": as_of, "topics": topics, "rows": [
        {"actor": actor.id, "name": actor.name, "cells": [positions[actor.id, t.id] for t in topics]}
        for actor in actors]}


@blp.route("/matrix")
class Matrix(MethodView):
    @blp.read("getMatrix", MatrixSchema, PositionsArgs)
    def get(self, args):
        """The actors x topics grid on a date

        Each cell: stance, level, side, label, the statement it rests on and the
        editors' notes. `topics` carries the scales for a legend. As a table:
        `/v1/matrix.csv`.
        """
        return matrix_answer(args)


csv_twin(blp, "/matrix", PositionsArgs, matrix_answer, matrix_table, "getMatrixCsv",
         "The actors x topics grid on a date, as CSV",
         "One row per cell, columns: " + ", ".join(MATRIX_COLUMNS) + ".", MATRIX_COLUMNS)
