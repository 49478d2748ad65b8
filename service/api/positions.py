"""/v1/positions: who stood where on a date, each cell resting on a sourced statement."""

from __future__ import annotations

import marshmallow as ma
from flask.views import MethodView

from .. import database
from ..domain.model import DATE_PRECISIONS
from ..http.args import Blueprint, PositionsArgs, QueryArgs, as_of_field, topic_ids
from ..http.lookups import actor_or_404, actors_or_404, topics_or_404
from ..store.read import Record
from .notes import NoteSchema
from .statements import DATE_PRECISION_DOC, StatementSchema

blp = Blueprint("positions", __name__, url_prefix="/v1",
                description="Positions of actors on topics as of a date.")


class PositionSchema(ma.Schema):
    actor = ma.fields.String(required=True, metadata={"example": "uk"})
    topic = ma.fields.String(required=True, metadata={"example": "backstop"})
    stance = ma.fields.String(required=True, metadata={
        "description": "A value of the topic's scale, `unclear`, or `no_position` when no "
                       "statement is recorded. Never inferred from silence.",
        "example": "requires"})
    label = ma.fields.String(required=True, metadata={"example": "Firmly for it"})
    level = ma.fields.Integer(allow_none=True, required=True, metadata={
        "description": "Level on the topic's scale; null for no_position and unclear."})
    side = ma.fields.Integer(allow_none=True, required=True, metadata={"enum": [-1, 0, 1, None]})
    statement = ma.fields.Nested(StatementSchema, allow_none=True, required=True, metadata={
        "description": "The statement the position rests on; null for no_position."})
    stated_on = ma.fields.Date(allow_none=True, required=True, metadata={
        "description": "When that statement was made (its `date_precision` says how exactly); "
                       "null for no_position.", "example": "2025-03-20"})
    date_precision = ma.fields.String(
        allow_none=True, required=True,
        metadata={"enum": [*DATE_PRECISIONS, None], "description": DATE_PRECISION_DOC,
                  "example": "on_or_before"})
    age_days = ma.fields.Integer(allow_none=True, required=True, metadata={
        "description": "Days from `stated_on` to `as_of`: how old the position is on that "
                       "date (at least this many when the date is `on_or_before`). Nothing "
                       "newer is recorded, which does not mean it still holds. Null for "
                       "no_position.", "example": 0})
    notes = ma.fields.List(ma.fields.Nested(NoteSchema), required=True, metadata={
        "description": "Editors' notes on the cell (what was considered and not coded, why it "
                       "is silent), published by `as_of`. Never a position."})


class PositionsSchema(ma.Schema):
    as_of = ma.fields.Date(required=True)
    positions = ma.fields.List(ma.fields.Nested(PositionSchema), required=True)


class ActorPositionsArgs(QueryArgs):
    as_of = as_of_field()
    topics = topic_ids()


def positions_grid(record: Record, actors, topics, as_of) -> dict:
    return {"as_of": as_of,
            "positions": list(record.positions(actors, topics, as_of).values())}


@blp.route("/positions")
class Positions(MethodView):
    @blp.read("getPositions", PositionsSchema, PositionsArgs)
    def get(self, args):
        """Positions of actors on topics as of a date

        One entry per requested actor and topic (actor-major order). A cell with
        no statement stated on or before `as_of` is `no_position` with a null statement.
        """
        record = database.record()
        actors = actors_or_404(record, args.get("actors"))
        topics = topics_or_404(record, args.get("topics"))
        return positions_grid(record, actors, topics, args["as_of"])


@blp.route("/actors/<string:actor_id>/positions")
class ActorPositions(MethodView):
    @blp.read("getActorPositions", PositionsSchema, ActorPositionsArgs)
    def get(self, args, actor_id):
        """Positions of one actor as of a date

        The actor's position on each requested topic (default all), in topic order.
        Aliases resolve; a topic with no statement stated on or before `as_of` is
        `no_position` with a null statement. An unknown actor or topic is a 404 that
        lists the valid ids.
        """
        record = database.record()
        actor = actor_or_404(record, actor_id)
        topics = topics_or_404(record, args.get("topics"))
        return positions_grid(record, [actor], topics, args["as_of"])
