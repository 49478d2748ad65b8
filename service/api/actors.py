"""/v1/actors: who takes part in the talks."""

from __future__ import annotations

import marshmallow as ma
from flask import url_for
from flask.views import MethodView

from .. import database
from ..domain.model import ACTOR_KINDS
from ..http.args import Blueprint, languages
from ..http.lookups import actor_or_404
from ..store import write as w
from .auth import current_key
from .pagination import PAGINATION_HEADERS, PageArgs, page_of, page_schema
from .writes import outcome, write, write_operation

blp = Blueprint("actors", __name__, url_prefix="/v1/actors", description="Parties to the talks.")


class SpeakerSchema(ma.Schema):
    name = ma.fields.String(required=True, metadata={"example": "Keir Starmer"})
    role = ma.fields.String(allow_none=True, required=True, metadata={"example": "Prime Minister"})


MENTIONS_DOC = ("Names by which a text mentions the actor besides its name and its "
                "spokespeople's, for the candidate sentences (`/v1/sources/{id}/candidates`): "
                "case-sensitive, whole words.")


LABELS_DOC = ("The actor's name in other languages, by language tag (BCP 47: `fr`, `de`, `uk`): "
              "the embeds show it to readers of that language, and the English `name` where a "
              "language has none. A write's `labels` replace the languages it gives and keep the "
              "others; a language given as null is removed. English is `name` itself.")


class ActorTranslationSchema(ma.Schema):
    name = ma.fields.String(required=True, validate=ma.validate.Length(min=1, max=200),
                            metadata={"example": "Royaume-Uni"})


class ActorSchema(ma.Schema):
    id = ma.fields.String(required=True, metadata={"description": "Canonical slug.", "example": "uk"})
    name = ma.fields.String(required=True, metadata={"example": "United Kingdom"})
    kind = ma.fields.String(required=True, metadata={"example": "state"})
    country_code = ma.fields.String(
        allow_none=True, required=True,
        metadata={"description": "ISO 3166-1 alpha-2, where the actor has one.", "example": "GB"},
    )
    aliases = ma.fields.List(ma.fields.String(), required=True,
                             metadata={"description": "Other ids that resolve to this actor.",
                                       "example": ["gb", "united-kingdom"]})
    spokespeople = ma.fields.List(ma.fields.Nested(SpeakerSchema), required=True)
    mentions = ma.fields.List(ma.fields.String(), required=True, metadata={
        "description": MENTIONS_DOC, "example": ["Britain", "U.K."]})
    labels = ma.fields.Dict(keys=ma.fields.String(), values=ma.fields.Nested(ActorTranslationSchema),
                            required=True, metadata={
        "description": LABELS_DOC, "example": {"fr": {"name": "Royaume-Uni"}}})


ActorPageSchema = page_schema(ActorSchema, "ActorPage")

SLUG = ma.validate.Regexp(r"^[a-z0-9][a-z0-9_.-]*$", error="Use lower-case letters, digits, '-', '_' and '.'.")


class SpeakerInSchema(ma.Schema):
    name = ma.fields.String(required=True, validate=ma.validate.Length(min=1, max=200),
                            metadata={"example": "Keir Starmer"})
    role = ma.fields.String(allow_none=True, load_default=None, validate=ma.validate.Length(max=200),
                            metadata={"example": "Prime Minister"})


class ActorChangesSchema(ma.Schema):
    """Actor fields; all optional (PATCH sends what changes)."""

    name = ma.fields.String(validate=ma.validate.Length(min=1, max=200),
                            metadata={"example": "United Kingdom"})
    kind = ma.fields.String(validate=ma.validate.OneOf(ACTOR_KINDS), metadata={"example": "state"})
    country_code = ma.fields.String(allow_none=True, validate=ma.validate.Regexp(
        r"^[A-Z]{2}$", error="ISO 3166-1 alpha-2, upper case."), metadata={"example": "GB"})
    aliases = ma.fields.List(ma.fields.String(validate=[ma.validate.Length(min=1, max=64), SLUG]),
                             validate=ma.validate.Length(max=50), metadata={
        "description": "Other ids that resolve to this actor; none may name another actor (409).",
        "example": ["gb", "united-kingdom"]})
    spokespeople = ma.fields.List(ma.fields.Nested(SpeakerInSchema), validate=ma.validate.Length(max=50))
    mentions = ma.fields.List(ma.fields.String(validate=ma.validate.Length(min=1, max=200)),
                              validate=ma.validate.Length(max=100), metadata={
        "description": MENTIONS_DOC, "example": ["Britain", "U.K."]})
    labels = languages(
        ma.fields.Nested(ActorTranslationSchema, allow_none=True),
        metadata={"description": LABELS_DOC, "example": {"uk": {"name": "Велика Британія"}}})


class ActorInSchema(ActorChangesSchema):
    id = ma.fields.String(required=True, validate=[ma.validate.Length(min=1, max=64), SLUG],
                          metadata={"example": "nato"})
    name = ma.fields.String(required=True, validate=ma.validate.Length(min=1, max=200),
                            metadata={"example": "North Atlantic Treaty Organization"})
    kind = ma.fields.String(required=True, validate=ma.validate.OneOf(ACTOR_KINDS),
                            metadata={"example": "bloc"})
    country_code = ma.fields.String(allow_none=True, load_default=None, validate=ma.validate.Regexp(
        r"^[A-Z]{2}$", error="ISO 3166-1 alpha-2, upper case."), metadata={"example": None})
    aliases = ma.fields.List(ma.fields.String(validate=[ma.validate.Length(min=1, max=64), SLUG]),
                             load_default=list, validate=ma.validate.Length(max=50),
                             metadata={"example": ["otan"]})
    spokespeople = ma.fields.List(ma.fields.Nested(SpeakerInSchema), load_default=list,
                                  validate=ma.validate.Length(max=50), metadata={
        "example": [{"name": "Mark Rutte", "role": "Secretary General"}]})
    mentions = ma.fields.List(ma.fields.String(validate=ma.validate.Length(min=1, max=200)),
                              load_default=list, validate=ma.validate.Length(max=100), metadata={
        "description": MENTIONS_DOC, "example": ["NATO", "the alliance"]})
    labels = languages(
        ma.fields.Nested(ActorTranslationSchema), load_default=dict,
        metadata={"description": LABELS_DOC, "example": {"fr": {"name": "OTAN"}}})


def _written(actor, status: int):
    return outcome(ActorSchema().dump(actor), status,
                   {"Location": url_for("actors.ActorItem", actor_id=actor.id)})


LOCATION = {"Location": {"description": "The actor.", "schema": {"type": "string"}}}


@blp.route("")
class Actors(MethodView):
    @blp.read("listActors", ActorPageSchema, PageArgs, headers=PAGINATION_HEADERS)
    def get(self, args):
        """List actors

        Every party Standpoint records statements for, by id.
        """
        actors = list(database.record().actors.values())
        return page_of(args, actors)

    @write_operation(blp, "admin", "createActor", ActorSchema, body=ActorInSchema,
                     written=LOCATION, refusals=(409,))
    def post(self, _headers, data):
        """Add an actor (scope admin)

        Its id and aliases must not name another actor (409).
        """
        by = current_key().name
        return write(lambda conn: _written(w.create_actor(conn, data, by), 201))


@blp.route("/<string:actor_id>", parameters=[{"in": "path", "name": "actor_id", "example": "uk"}])
class ActorItem(MethodView):
    @blp.read("getActor", ActorSchema)
    def get(self, actor_id):
        """Get one actor

        Aliases resolve: `gb` and `united-kingdom` answer with the actor `uk`.
        An unknown id is a 404 that lists the valid ids.
        """
        return actor_or_404(database.record(), actor_id)

    @write_operation(blp, "admin", "updateActor", ActorSchema, body=ActorChangesSchema,
                     written=LOCATION, refusals=(404, 409), status=200)
    def patch(self, _headers, changes, actor_id):
        """Change an actor (scope admin)

        Send the fields that change. The id is canonical and does not change;
        aliases must not name another actor (409).
        """
        by = current_key().name
        return write(lambda conn: _written(w.update_actor(conn, actor_id, changes, by), 200))
