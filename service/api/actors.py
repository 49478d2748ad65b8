"""/v1/actors: who takes part in the talks."""

from __future__ import annotations

import marshmallow as ma
from flask.views import MethodView

from .. import store
from .args import Blueprint
from .lookups import actor_or_404
from .pagination import PAGINATION_HEADERS, PageArgs, page_schema, paginate

blp = Blueprint("actors", __name__, url_prefix="/v1/actors", description="Parties to the talks.")


class SpeakerSchema(ma.Schema):
    name = ma.fields.String(required=True, metadata={"example": "Keir Starmer"})
    role = ma.fields.String(allow_none=True, required=True, metadata={"example": "Prime Minister"})


class ActorSchema(ma.Schema):
    class Meta:
        ordered = True

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


ActorPageSchema = page_schema(ActorSchema, "ActorPage")


@blp.route("")
class Actors(MethodView):
    @blp.doc(operationId="listActors")
    @blp.arguments(PageArgs, location="query")
    @blp.response(200, ActorPageSchema, headers=PAGINATION_HEADERS)
    def get(self, args):
        """List actors

        Every party Standpoint records statements for, by id.
        """
        actors = sorted(store.snapshot().actors.values(), key=lambda a: a.id)
        return paginate(actors, args["page"], args["per_page"])


@blp.route("/<string:actor_id>")
class ActorItem(MethodView):
    @blp.doc(operationId="getActor")
    @blp.response(200, ActorSchema)
    def get(self, actor_id):
        """Get one actor

        Aliases resolve: `gb` and `united-kingdom` answer with the actor `uk`.
        An unknown id is a 404 that lists the valid ids.
        """
        return actor_or_404(store.snapshot(), actor_id)
