"""The front door: `/` for people, `/v1` for programs."""

from __future__ import annotations

import marshmallow as ma
from flask import Response, render_template, url_for
from flask.views import MethodView

from .. import database
from ..http.args import Blueprint

blp = Blueprint("index", __name__, url_prefix="", description="Where to start.")


class LinkSchema(ma.Schema):
    rel = ma.fields.String(required=True, metadata={"example": "actors"})
    href = ma.fields.String(required=True, metadata={"example": "/v1/actors"})
    title = ma.fields.String(required=True, metadata={"example": "Parties to the talks"})


class IndexSchema(ma.Schema):
    name = ma.fields.String(required=True, metadata={"example": "Standpoint"})
    data_version = ma.fields.Integer(required=True, metadata={
        "description": "Sequence number of the latest write."})
    links = ma.fields.List(ma.fields.Nested(LinkSchema), required=True)


# rel, endpoint, title: every collection and view of the API, in reading order.
COLLECTIONS = (
    ("actors", "actors.Actors", "Parties to the talks"),
    ("topics", "topics.Topics", "The questions, each with its ordered scale of stances"),
    ("statements", "statements.Statements", "Sourced statements of position"),
    ("notes", "notes.Notes", "Editors' notes on a cell: what was considered, why it is silent"),
    ("positions", "positions.Positions", "Who stood where on a date"),
    ("matrix", "matrix.Matrix", "The actors x topics grid, with a legend"),
    ("compare", "comparisons.Compare", "Pairs of actors on a date, and the fault lines"),
    ("diff", "comparisons.Diff", "Any actor at any date against any other"),
    ("changes", "feed.Changes", "Every write, in commit order"),
    ("openapi", "operations.Contract", "The contract: this API's OpenAPI document"),
)


@blp.route("/v1")
class Index(MethodView):
    @blp.doc(operationId="getIndex")
    @blp.response(200, IndexSchema)
    def get(self):
        """Every collection of the API, as links

        Where a program starts: each collection and view with its URL.
        """
        return {"name": "Standpoint", "data_version": database.record().version,
                "links": [{"rel": rel, "href": url_for(endpoint), "title": title}
                          for rel, endpoint, title in COLLECTIONS]}


@blp.route("/")
class Front(MethodView):
    @blp.doc(operationId="getFrontPage")
    @blp.response(200, {"type": "string", "description": "An HTML page."},
                  content_type="text/html", description="What Standpoint is, for people.",
                  example="<!doctype html><html lang=\"en\"><title>Standpoint</title>...</html>")
    def get(self):
        """The front page

        What Standpoint is, its methodology and data licence, and links to the
        documentation, the embeds and the CSV downloads.
        """
        record = database.record()
        html = render_template(
            "front.html", actors=len(record.actors), topics=len(record.topics),
            statements=record.statement_count(), version=record.version, docs_url="/docs")
        return Response(html, mimetype="text/html")
