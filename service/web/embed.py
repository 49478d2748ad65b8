"""Embeddable pages: standalone HTML for newsroom iframes, served by the app.

They are flask-smorest routes parsed with the same strict argument schemas as
the API (bad parameters are a 400 problem+json, unknown actors a 404), and
documented in openapi.yaml as text/html. Every asset is shipped with the
package; the pages read fine without JavaScript, which only reports the
page height to the parent frame (static/embed.js).
"""

from __future__ import annotations

import datetime as dt
import hashlib
from dataclasses import dataclass

import marshmallow as ma
from flask import Response, current_app, render_template, request, url_for
from flask.views import MethodView

from .. import database
from ..api.args import Blueprint, IdList, QueryArgs, as_of_field, today
from ..api.changes import day_before
from ..api.lookups import actor_or_404, actors_or_404, topics_or_404
from ..api.positions import PositionsArgs
from . import page_data
from .filters import long_date

blp = Blueprint("embed", __name__, url_prefix="/embed", template_folder="templates",
                description="Embeddable HTML pages for newsroom iframes.")

MAX_COMPARED = 8

HTML_HEADERS = {
    "Content-Security-Policy": {
        "description": "script-src and style-src 'self' (no inline code); frame-ancestors "
                       "from STANDPOINT_EMBED_FRAME_ANCESTORS (default `*`).",
        "schema": {"type": "string"},
    },
}
HTML_RESPONSE = {"type": "string", "description": "A standalone HTML page.", "example": (
    '<!doctype html>\n<html lang="en" data-embed-id="standpoint-matrix-b8ffbd11c1">\n'
    '<head><meta charset="utf-8"><title>Where the parties stand on 20 March 2025 · Standpoint'
    '</title>...</head>\n<body class="embed embed-matrix"><main>\n'
    '<h1>Where the parties stand on 20 March 2025</h1>...</main></body>\n</html>\n')}


def content_security_policy() -> str:
    ancestors = current_app.config.get("EMBED_FRAME_ANCESTORS") or "*"
    return ("default-src 'none'; script-src 'self'; style-src 'self'; img-src 'self' data:; "
            f"base-uri 'none'; form-action 'none'; frame-ancestors {ancestors}")


def render_embed(kind: str, template: str, title: str, data_url: str, **context) -> Response:
    # A stable id per embedded view, for the Datawrapper-style height message.
    digest = hashlib.sha1(request.full_path.encode("utf-8")).hexdigest()[:10]
    html = render_template(
        template, kind=kind, title=title, embed_id=f"standpoint-{kind}-{digest}",
        data_url=data_url, home_url=url_for("index.Front"),
        oembed_url=url_for("oembed.OEmbed", url=request.url, format="json"), **context)
    response = Response(html, mimetype="text/html")
    response.headers["Content-Security-Policy"] = content_security_policy()
    response.headers["X-Content-Type-Options"] = "nosniff"
    response.headers["Referrer-Policy"] = "strict-origin-when-cross-origin"
    return response


class EmbedCompareArgs(QueryArgs):
    actors = IdList(required=True, min_ids=2, max_ids=MAX_COMPARED,
        metadata={"description": "2 to 8 different actor ids or aliases to set side by side: repeat the parameter or separate ids with commas."})
    as_of = as_of_field()
    topics = IdList(metadata={"description": "Topic ids: repeat the parameter or separate ids with commas; default all."})


class EmbedTimelineArgs(QueryArgs):
    from_ = ma.fields.Date(data_key="from", metadata={
        "description": "First day of the period (YYYY-MM-DD, inclusive): the position held "
                       "just before it is the starting point, then every change from it on. "
                       "Default: from the first statement.", "example": "2025-03-01"})
    to = ma.fields.Date(load_default=today, metadata={
        "description": "Last day of the period (YYYY-MM-DD); default today (UTC)."})
    topics = IdList(metadata={"description": "Topic ids: repeat the parameter or separate ids with commas; default all."})

    @ma.validates_schema
    def _range(self, data, **_):
        if data.get("from_") and data["from_"] > data["to"]:
            raise ma.ValidationError("must not be before `from`", "to")


def _ids(items) -> str:
    return ",".join(item.id for item in items)


@blp.route("/matrix")
class MatrixPage(MethodView):
    @blp.doc(operationId="getMatrixEmbed")
    @blp.arguments(PositionsArgs, location="query")
    @blp.response(200, HTML_RESPONSE, content_type="text/html", headers=HTML_HEADERS,
                  description="The actors x topics grid as an embeddable page.")
    def get(self, args):
        """Embeddable page: who stands where

        The actors x topics grid as of a date, each cell with its stance in words,
        the quote, speaker, date and source; a legend of each scale.
        Frame it in an iframe; it posts its height to the parent page.
        """
        record = database.record()
        actors = actors_or_404(record, args.get("actors"))
        topics = topics_or_404(record, args.get("topics"))
        as_of = args["as_of"]
        return render_embed(
            "matrix", "embed_matrix.html", f"Where the parties stand on {long_date(as_of)}",
            url_for("positions.Positions", as_of=as_of.isoformat(), actors=_ids(actors),
                    topics=_ids(topics)),
            rows=page_data.matrix(record, actors, topics, as_of), topics=topics, as_of=as_of)


@blp.route("/compare")
class ComparePage(MethodView):
    @blp.doc(operationId="getCompareEmbed")
    @blp.arguments(EmbedCompareArgs, location="query")
    @blp.response(200, HTML_RESPONSE, content_type="text/html", headers=HTML_HEADERS,
                  description="Positions side by side with the fault lines marked.")
    def get(self, args):
        """Embeddable page: parties side by side

        For each topic, the actors' positions side by side; pairs on opposite
        sides of the scale (fault lines) are named and marked.
        """
        record = database.record()
        actors = actors_or_404(record, args["actors"])
        topics = topics_or_404(record, args.get("topics"))
        as_of = args["as_of"]
        names = ", ".join(a.name for a in actors[:-1]) + f" and {actors[-1].name}"
        return render_embed(
            "compare", "embed_compare.html", f"{names} on {long_date(as_of)}",
            url_for("comparisons.Compare", as_of=as_of.isoformat(), actors=_ids(actors),
                    topics=_ids(topics)),
            comparisons=page_data.compare(record, actors, topics, as_of), topics=topics,
            as_of=as_of)


@blp.route("/actors/<string:actor_id>/timeline")
class TimelinePage(MethodView):
    @blp.doc(operationId="getActorTimelineEmbed")
    @blp.arguments(EmbedTimelineArgs, location="query")
    @blp.response(200, HTML_RESPONSE, content_type="text/html", headers=HTML_HEADERS,
                  description="How the actor's positions moved, change by change.")
    def get(self, args, actor_id):
        """Embeddable page: how an actor moved

        Per topic, the position held just before `from`, then each change stated from
        `from` to `to` (both inclusive), in order, with the diff engine's verdict (first
        stated, took a side, shifted along the scale or in its conditions, reversed) in
        plain words, and the editors' notes on the cell.
        """
        record = database.record()
        actor = actor_or_404(record, actor_id)
        topics = topics_or_404(record, args.get("topics"))
        start: dt.date | None = args.get("from_")
        end: dt.date = args["to"]
        data_args = {"actor": actor.id, "to": end.isoformat()}
        if start:
            data_args["from"] = start.isoformat()
        return render_embed(
            "timeline", "embed_timeline.html",
            f"How {actor.name}'s positions moved"
            + (f", {long_date(start)} to {long_date(end)}" if start else f", up to {long_date(end)}"),
            url_for("statements.Statements", **data_args),
            timelines=page_data.timeline(record, actor, topics, start and day_before(start), end),
            topics=topics,
            start=start, end=end, actor=actor)


@dataclass(frozen=True)
class EmbedPage:
    args: type[ma.Schema]
    title: str
    height: int  # a first guess for the iframe; the page then reports its real height


# By endpoint: what oEmbed needs to know of each page.
EMBED_PAGES = {
    "embed.MatrixPage": EmbedPage(PositionsArgs, "Where the parties stand", 900),
    "embed.ComparePage": EmbedPage(EmbedCompareArgs, "Parties side by side", 700),
    "embed.TimelinePage": EmbedPage(EmbedTimelineArgs, "How a party's positions moved", 700),
}
