"""/v1/statements: the sourced statements every position rests on."""

from __future__ import annotations

import marshmallow as ma
from flask.views import MethodView

from .. import store
from ..domain.model import DATE_PRECISIONS, QUOTE_KINDS
from .actors import SpeakerSchema
from .args import Blueprint
from .lookups import actor_or_404, topic_or_404
from .pagination import PAGINATION_HEADERS, PageArgs, page_schema, paginate
from .problems import Problem

blp = Blueprint("statements", __name__, url_prefix="/v1/statements",
                description="Sourced statements of position.")


class SourceSchema(ma.Schema):
    class Meta:
        ordered = True

    publisher = ma.fields.String(required=True, metadata={"example": "Associated Press"})
    title = ma.fields.String(allow_none=True, required=True)
    byline = ma.fields.String(allow_none=True, required=True)
    url = ma.fields.String(allow_none=True, required=True)
    published_on = ma.fields.Date(required=True, metadata={"example": "2025-03-20"})
    location = ma.fields.String(allow_none=True, required=True, metadata={
        "description": "Where in the source: paragraph, page, timestamp.", "example": "¶28"})


class StatementSchema(ma.Schema):
    class Meta:
        ordered = True

    id = ma.fields.String(required=True, metadata={"example": "uk-backstop-2025-03-20"})
    actor = ma.fields.String(required=True, metadata={"example": "uk"})
    topic = ma.fields.String(required=True, metadata={"example": "backstop"})
    stance = ma.fields.String(required=True, metadata={
        "description": "A value of the topic's scale, or `unclear`.", "example": "requires"})
    conditions = ma.fields.List(ma.fields.String(), required=True, metadata={
        "description": "What the actor makes its stance depend on."})
    summary = ma.fields.String(required=True)
    quote = ma.fields.String(required=True)
    quote_kind = ma.fields.String(required=True, metadata={
        "enum": list(QUOTE_KINDS),
        "description": "`verbatim` words of the speaker, or a close `paraphrase` from the source."})
    speaker = ma.fields.Nested(SpeakerSchema, allow_none=True, required=True)
    stated_on = ma.fields.Date(required=True, metadata={"example": "2025-03-20"})
    date_precision = ma.fields.String(required=True, metadata={"enum": list(DATE_PRECISIONS)})
    source = ma.fields.Nested(SourceSchema, required=True)
    status = ma.fields.String(required=True, metadata={"enum": ["current", "retracted"]})
    revision = ma.fields.Integer(required=True)
    recorded_at = ma.fields.AwareDateTime(required=True)


StatementPageSchema = page_schema(StatementSchema, "StatementPage")


class StatementQueryArgs(PageArgs):
    actor = ma.fields.String(metadata={"description": "Actor id or alias."})
    topic = ma.fields.String(metadata={"description": "Topic id."})
    from_ = ma.fields.Date(data_key="from", metadata={"description": "Earliest stated_on (inclusive)."})
    to = ma.fields.Date(metadata={"description": "Latest stated_on (inclusive)."})
    include_retracted = ma.fields.Boolean(load_default=False, metadata={
        "description": "Also list retracted statements (they never count for positions)."})

    @ma.validates_schema
    def _range(self, data, **_):
        if data.get("from_") and data.get("to") and data["from_"] > data["to"]:
            raise ma.ValidationError("must not be before `from`", "to")


@blp.route("")
class Statements(MethodView):
    @blp.doc(operationId="listStatements")
    @blp.arguments(StatementQueryArgs, location="query")
    @blp.response(200, StatementPageSchema, headers=PAGINATION_HEADERS)
    def get(self, args):
        """List statements

        Filtered by actor, topic and a range of `stated_on` dates; oldest first.
        """
        dataset = store.snapshot()
        actor = actor_or_404(dataset, args["actor"]).id if "actor" in args else None
        topic = topic_or_404(dataset, args["topic"]).id if "topic" in args else None
        statements = [
            s for s in dataset.between(args.get("from_"), args.get("to"))
            if (actor is None or s.actor == actor)
            and (topic is None or s.topic == topic)
            and (args["include_retracted"] or not s.retracted)
        ]
        return paginate(statements, args["page"], args["per_page"])


@blp.route("/<string:statement_id>")
class StatementItem(MethodView):
    @blp.doc(operationId="getStatement")
    @blp.response(200, StatementSchema)
    def get(self, statement_id):
        """Get one statement

        The current revision; a retracted statement stays readable with status `retracted`.
        """
        statement = store.snapshot().statements.get(statement_id)
        if statement is None:
            raise Problem(404, "unknown-statement", f"No statement '{statement_id}'.")
        return statement
