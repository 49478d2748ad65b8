"""/v1/topics: the questions that decide a deal, each with its ordered stance scale."""

from __future__ import annotations

import marshmallow as ma
from flask.views import MethodView

from .. import store
from .args import Blueprint
from .lookups import topic_or_404
from .pagination import PAGINATION_HEADERS, PageArgs, page_schema, paginate

blp = Blueprint("topics", __name__, url_prefix="/v1/topics",
                description="Questions and their stance scales.")


class StanceValueSchema(ma.Schema):
    class Meta:
        ordered = True

    value = ma.fields.String(required=True, metadata={"example": "energy_only"})
    level = ma.fields.Integer(required=True, metadata={
        "description": "Position on the scale; distance between stances is the difference of levels."})
    side = ma.fields.Integer(required=True, metadata={
        "description": "-1 against, 0 neutral, +1 for. Crossing sides is a reversal.",
        "enum": [-1, 0, 1]})
    label = ma.fields.String(required=True)
    definition = ma.fields.String(required=True)


class DirectionsSchema(ma.Schema):
    up = ma.fields.String(required=True, metadata={
        "description": "What a move up the scale is called.", "example": "broader"})
    down = ma.fields.String(required=True, metadata={
        "description": "What a move down the scale is called.", "example": "narrower"})


class TopicSchema(ma.Schema):
    class Meta:
        ordered = True

    id = ma.fields.String(required=True, metadata={"example": "ceasefire_scope"})
    question = ma.fields.String(required=True)
    scale = ma.fields.List(ma.fields.Nested(StanceValueSchema), required=True, metadata={
        "description": "Stance values in order. `no_position` and `unclear` are outside every scale."})
    directions = ma.fields.Nested(DirectionsSchema, required=True)


TopicPageSchema = page_schema(TopicSchema, "TopicPage")


@blp.route("")
class Topics(MethodView):
    @blp.doc(operationId="listTopics")
    @blp.arguments(PageArgs, location="query")
    @blp.response(200, TopicPageSchema, headers=PAGINATION_HEADERS)
    def get(self, args):
        """List topics

        Each topic with its full ordered scale of stance values.
        """
        topics = sorted(store.snapshot().topics.values(), key=lambda t: t.id)
        return paginate(topics, args["page"], args["per_page"])


@blp.route("/<string:topic_id>")
class TopicItem(MethodView):
    @blp.doc(operationId="getTopic")
    @blp.response(200, TopicSchema)
    def get(self, topic_id):
        """Get one topic with its scale"""
        return topic_or_404(store.snapshot(), topic_id)
