"""/v1/topics: the questions that decide a deal, each with its ordered stance scale."""

from __future__ import annotations

import marshmallow as ma
from flask import url_for
from flask.views import MethodView

from .. import database
from ..http.args import Blueprint, languages
from ..http.lookups import topic_or_404
from ..store import write as w
from .auth import current_key
from .pagination import PAGINATION_HEADERS, PageArgs, page_of, page_schema
from .writes import outcome, write, write_operation

blp = Blueprint("topics", __name__, url_prefix="/v1/topics",
                description="Questions and their stance scales.")


class StanceValueSchema(ma.Schema):
    value = ma.fields.String(required=True, metadata={"example": "energy_only"})
    level = ma.fields.Integer(required=True, allow_none=True, metadata={"example": 1,
        "description": "Position on the scale; distance between stances counts the ranked steps "
                       "between them. Level 0 is the neutral point. null: unranked, a stance "
                       "whose breadth the source leaves open; it counts no steps against "
                       "any other."})
    side = ma.fields.Integer(required=True, metadata={
        "description": "-1 against, 0 neutral, +1 for. Crossing sides is a reversal.",
        "enum": [-1, 0, 1], "example": 1})
    label = ma.fields.String(required=True, metadata={"example": "Energy infrastructure only"})
    definition = ma.fields.String(required=True, metadata={
        "example": "A halt to strikes on energy infrastructure only."})
    settled_word = ma.fields.String(allow_none=True, metadata={
        "description": "Only on an unranked stance: what a move from it to a ranked stance "
                       "is called (ceasefire_scope's unsettled stance: \"named the targets\")."})


class DirectionsSchema(ma.Schema):
    up = ma.fields.String(required=True, metadata={
        "description": "What a move up the scale is called.", "example": "broader"})
    down = ma.fields.String(required=True, metadata={
        "description": "What a move down the scale is called.", "example": "narrower"})


VOCABULARY_DOC = ("Words that put a sentence of a source on this topic, for the candidate "
                  "sentences (`/v1/sources/{id}/candidates`): case-insensitive, whole words, "
                  "a trailing `*` takes any ending.")


LABELS_DOC = ("The topic's words in other languages, by language tag (BCP 47: `fr`, `de`, `uk`): "
              "its short `name`, its `question`, the `directions` words and each stance's "
              "`label`, `definition` (and `settled_word`) by stance value. The embeds show them "
              "to readers of that language, and the English word wherever one is missing. A "
              "write's `labels` replace the languages it gives and keep the others; a language "
              "given as null is removed. English is the topic's own fields.")


def _label(max_length: int, example: str) -> ma.fields.String:
    return ma.fields.String(validate=ma.validate.Length(min=1, max=max_length),
                            metadata={"example": example})


class StanceTranslationSchema(ma.Schema):
    label = _label(200, "Énergie seulement")
    definition = _label(2000, "Un arrêt des frappes sur les infrastructures énergétiques seulement.")
    settled_word = ma.fields.String(validate=ma.validate.Length(min=1, max=64), metadata={
        "description": "Only on an unranked stance."})


class DirectionTranslationSchema(ma.Schema):
    up = _label(64, "plus large")
    down = _label(64, "plus étroit")


class TopicTranslationSchema(ma.Schema):
    name = _label(200, "Portée du cessez-le-feu")
    question = _label(1000, "Quelle doit être l'étendue d'un cessez-le-feu ?")
    directions = ma.fields.Nested(DirectionTranslationSchema)
    stances = ma.fields.Dict(keys=ma.fields.String(), values=ma.fields.Nested(StanceTranslationSchema),
                             metadata={"description": "By stance value (of this topic's scale)."})


LABELS_EXAMPLE = {"fr": {"name": "Portée du cessez-le-feu",
                         "stances": {"energy_only": {"label": "Énergie seulement"}}}}


class TopicSchema(ma.Schema):
    id = ma.fields.String(required=True, metadata={"example": "ceasefire_scope"})
    question = ma.fields.String(required=True, metadata={
        "example": "How broad should a ceasefire be?"})
    scale = ma.fields.List(ma.fields.Nested(StanceValueSchema), required=True, metadata={
        "description": "Stance values in order. `no_position` and `unclear` are outside every scale."})
    directions = ma.fields.Nested(DirectionsSchema, required=True)
    vocabulary = ma.fields.List(ma.fields.String(), required=True, metadata={
        "description": VOCABULARY_DOC, "example": ["ceasefire", "truce", "energy infrastructure"]})
    labels = ma.fields.Dict(keys=ma.fields.String(), values=ma.fields.Nested(TopicTranslationSchema),
                            required=True, metadata={"description": LABELS_DOC,
                                                     "example": LABELS_EXAMPLE})


TopicPageSchema = page_schema(TopicSchema, "TopicPage")

SLUG = ma.validate.Regexp(r"^[a-z0-9][a-z0-9_.-]*$", error="Use lower-case letters, digits, '-', '_' and '.'.")


class StanceValueInSchema(ma.Schema):
    value = ma.fields.String(required=True, validate=[ma.validate.Length(min=1, max=64), SLUG],
                             metadata={"example": "supports"})
    level = ma.fields.Integer(required=True, strict=True, allow_none=True,
                              validate=ma.validate.Range(min=-1000, max=1000),
                              metadata={"example": 1,
                                        "description": "null: unranked (see the Topic schema)."})
    side = ma.fields.Integer(required=True, strict=True, validate=ma.validate.OneOf([-1, 0, 1]),
                             metadata={"example": 1})
    label = ma.fields.String(required=True, validate=ma.validate.Length(min=1, max=200),
                             metadata={"example": "Supports"})
    definition = ma.fields.String(required=True, validate=ma.validate.Length(min=1, max=2000),
                                  metadata={"example": "For easing sanctions as part of a deal."})
    settled_word = ma.fields.String(allow_none=True, validate=ma.validate.Length(min=1, max=64),
                                    # No example: the example stance is ranked, and a
                                    # ranked stance with a settled_word is a 422.
                                    metadata={"description": "Only on an unranked stance "
                                              "(level null); null or absent on a ranked one."})


class DirectionsInSchema(ma.Schema):
    up = ma.fields.String(required=True, validate=ma.validate.Length(min=1, max=64),
                          metadata={"example": "more in favour"})
    down = ma.fields.String(required=True, validate=ma.validate.Length(min=1, max=64),
                            metadata={"example": "less in favour"})


class TopicChangesSchema(ma.Schema):
    question = ma.fields.String(validate=ma.validate.Length(min=1, max=1000), metadata={
        "example": "Should sanctions on Russia be eased as part of a deal?"})
    scale = ma.fields.List(ma.fields.Nested(StanceValueInSchema),
                           validate=ma.validate.Length(min=1, max=50), metadata={
        "description": "The whole scale, in order (levels increasing, sides -1 to +1; else 422). "
                       "New values may be added; a value any statement uses cannot be removed "
                       "or renamed (409 naming the statements)."})
    directions = ma.fields.Nested(DirectionsInSchema)
    vocabulary = ma.fields.List(ma.fields.String(validate=ma.validate.Length(min=1, max=200)),
                                validate=ma.validate.Length(max=200), metadata={
        "description": VOCABULARY_DOC, "example": ["sanction*", "sanctions relief"]})
    labels = languages(
        ma.fields.Nested(TopicTranslationSchema, allow_none=True),
        metadata={"description": LABELS_DOC,
                  "example": {"fr": {"name": "Levée des sanctions"}}})


class TopicInSchema(TopicChangesSchema):
    id = ma.fields.String(required=True, validate=[ma.validate.Length(min=1, max=64), SLUG],
                          metadata={"example": "sanctions_relief"})
    question = ma.fields.String(required=True, validate=ma.validate.Length(min=1, max=1000),
                                metadata={"example": "Should sanctions on Russia be eased as part "
                                                     "of a deal?"})
    scale = ma.fields.List(ma.fields.Nested(StanceValueInSchema), required=True,
                           validate=ma.validate.Length(min=1, max=50))
    vocabulary = ma.fields.List(ma.fields.String(validate=ma.validate.Length(min=1, max=200)),
                                load_default=list, validate=ma.validate.Length(max=200),
                                metadata={"description": VOCABULARY_DOC,
                                          "example": ["sanction*", "sanctions relief"]})
    labels = languages(
        ma.fields.Nested(TopicTranslationSchema), load_default=dict,
        metadata={"description": LABELS_DOC,
                  "example": {"fr": {"name": "Levée des sanctions"}}})


NEW_TOPIC_EXAMPLE = {
    "id": "sanctions_relief",
    "question": "Should sanctions on Russia be eased as part of a deal?",
    "directions": {"up": "more in favour", "down": "less in favour"},
    "scale": [
        {"value": "opposes", "level": -1, "side": -1, "label": "Opposes",
         "definition": "Against easing sanctions as part of a deal."},
        {"value": "undecided", "level": 0, "side": 0, "label": "Undecided",
         "definition": "Publicly weighing it; commits neither way."},
        {"value": "supports", "level": 1, "side": 1, "label": "Supports",
         "definition": "For easing sanctions as part of a deal."},
    ],
}


def _written(topic, status: int):
    return outcome(TopicSchema().dump(topic), status,
                   {"Location": url_for("topics.TopicItem", topic_id=topic.id)})


LOCATION = {"Location": {"description": "The topic.", "schema": {"type": "string"}}}


@blp.route("")
class Topics(MethodView):
    @blp.read("listTopics", TopicPageSchema, PageArgs, headers=PAGINATION_HEADERS)
    def get(self, args):
        """List topics

        Each topic with its full ordered scale of stance values.
        """
        topics = list(database.record().topics.values())
        return page_of(args, topics)

    # A whole example body: the scale's rules (level 0 neutral, levels stepping outward,
    # settled_word only when unranked) hold across fields, which per-field examples miss.
    @write_operation(blp, "admin", "createTopic", TopicSchema, body=TopicInSchema,
                     example=NEW_TOPIC_EXAMPLE, written=LOCATION, refusals=(409, 422))
    def post(self, _headers, data):
        """Add a topic with its stance scale (scope admin)

        The scale lists its stance values in order: levels increasing, sides from
        -1 to +1 (else 422). A duplicate id is 409.
        """
        by = current_key().name
        return write(lambda conn: _written(w.create_topic(conn, data, by), 201))


@blp.route("/<string:topic_id>", parameters=[{"in": "path", "name": "topic_id", "example": "backstop"}])
class TopicItem(MethodView):
    @blp.read("getTopic", TopicSchema)
    def get(self, topic_id):
        """Get one topic with its scale

        The question, its ordered stance values and what a move up or down the
        scale is called. An unknown id is a 404 that lists the valid ids.
        """
        return topic_or_404(database.record(), topic_id)

    @write_operation(blp, "admin", "updateTopic", TopicSchema, body=TopicChangesSchema,
                     written=LOCATION, refusals=(404, 409, 422), status=200)
    def patch(self, _headers, changes, topic_id):
        """Change a topic (scope admin)

        The scale can grow; a stance value in use cannot be removed (409).
        """
        by = current_key().name
        return write(lambda conn: _written(w.update_topic(conn, topic_id, changes, by), 200))
