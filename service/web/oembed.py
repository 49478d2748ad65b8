"""GET /oembed: the embed code for one of our embed URLs (oEmbed 1.0, "rich").

A CMS that knows the endpoint turns a pasted Standpoint URL into the iframe.
Only URLs of this server's embed pages are answered (else 404); only JSON is
offered, so format=xml is 501, as the oEmbed spec asks.
"""

from __future__ import annotations

from urllib.parse import parse_qsl, urlsplit

import marshmallow as ma
from flask import current_app, request
from flask.views import MethodView
from werkzeug.exceptions import HTTPException

from .. import database
from ..api.args import Blueprint, QueryArgs
from ..api.lookups import actor_or_404
from ..api.problems import Problem
from .embed import EMBED_PAGES, EmbedPage
from .snippet import embed_code

blp = Blueprint("oembed", __name__, url_prefix="", description="oEmbed discovery of the embeds.")

PROVIDER = "Standpoint"
DEFAULT_WIDTH = 640


class OEmbedArgs(QueryArgs):
    url = ma.fields.String(required=True, validate=ma.validate.Length(min=1, max=2048), metadata={
        "description": "An embed page of this server, e.g. "
                       "https://standpoint.example/embed/matrix?as_of=2025-03-20"})
    maxwidth = ma.fields.Integer(validate=ma.validate.Range(min=1, max=10_000))
    maxheight = ma.fields.Integer(validate=ma.validate.Range(min=1, max=100_000))
    format = ma.fields.String(load_default="json", validate=ma.validate.Length(max=16), metadata={
        "description": "Only `json`; anything else is 501 Not Implemented (oEmbed 1.0 §2.3.4)."})


class OEmbedSchema(ma.Schema):
    class Meta:
        ordered = True

    version = ma.fields.String(required=True, metadata={"example": "1.0"})
    type = ma.fields.String(required=True, metadata={"enum": ["rich"]})
    title = ma.fields.String(required=True, metadata={
        "example": "Where the parties stand (Standpoint)"})
    provider_name = ma.fields.String(required=True, metadata={"example": PROVIDER})
    provider_url = ma.fields.String(required=True, metadata={"example": "https://standpoint.example/"})
    html = ma.fields.String(required=True, metadata={
        "description": "The iframe, and a small script that resizes it to the page's height.",
        "example": '<iframe src="https://standpoint.example/embed/matrix?as_of=2025-03-20" '
                   'title="Where the parties stand (Standpoint)" width="640" height="900" '
                   'style="width:100%;max-width:640px;border:0" loading="lazy"></iframe>\n'
                   '<script>...</script>'})
    width = ma.fields.Integer(required=True, metadata={"example": DEFAULT_WIDTH})
    height = ma.fields.Integer(required=True, metadata={"example": 900})
    cache_age = ma.fields.Integer(required=True, metadata={"example": 60})


def _not_ours(url: str) -> Problem:
    return Problem(404, "not-an-embed", f"'{url}' is not an embed page of this server; "
                   "embed URLs start with /embed/.")


def _query_args(schema: ma.Schema, query: str) -> dict:
    """A query string as the page's own parser reads it: every value of a list
    parameter (`actors=uk&actors=russia`), the last one of any other."""
    values: dict[str, list[str]] = {}
    for key, value in parse_qsl(query, keep_blank_values=True):
        values.setdefault(key, []).append(value)
    return {key: found if isinstance(schema.fields.get(key), ma.fields.List) else found[-1]
            for key, found in values.items()}


def _embed_page(url: str) -> EmbedPage:
    """The embed page `url` points at, after checking it would answer 200."""
    parts = urlsplit(url)
    if parts.scheme not in ("http", "https") or parts.netloc.lower() != request.host.lower():
        raise _not_ours(url)
    try:
        endpoint, view_args = current_app.url_map.bind(request.host).match(parts.path, method="GET")
    except HTTPException:
        raise _not_ours(url) from None
    page = EMBED_PAGES.get(endpoint)
    if page is None or page.args().validate(_query_args(page.args(), parts.query)):
        raise _not_ours(url)
    if "actor_id" in view_args:
        actor_or_404(database.record(), view_args["actor_id"])
    return page


@blp.route("/oembed")
class OEmbed(MethodView):
    @blp.doc(operationId="getOEmbed")
    @blp.arguments(OEmbedArgs, location="query")
    @blp.response(200, OEmbedSchema)
    @blp.alt_response(404, response="NOT_FOUND")
    @blp.alt_response(501, response="NOT_IMPLEMENTED")
    def get(self, args):
        """oEmbed for an embed page

        The iframe embed code (oEmbed 1.0 type `rich`) for a URL of one of this
        server's embed pages, sized within `maxwidth` and `maxheight`.
        """
        if args["format"].lower() != "json":
            raise Problem(501, "unsupported-format",
                          f"oEmbed format '{args['format']}' is not offered; use format=json.")
        url = args["url"].strip()
        page = _embed_page(url)
        width = min(DEFAULT_WIDTH, args.get("maxwidth", DEFAULT_WIDTH))
        height = min(page.height, args.get("maxheight", page.height))
        title = f"{page.title} (Standpoint)"
        return {
            "version": "1.0",
            "type": "rich",
            "title": title,
            "provider_name": PROVIDER,
            "provider_url": request.host_url,
            "html": embed_code(url, title, width, height),
            "width": width,
            "height": height,
            "cache_age": current_app.config["CACHE_MAX_AGE"],
        }
