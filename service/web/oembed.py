"""GET /oembed: the embed code for one of our embed URLs (oEmbed 1.0, "rich").

A CMS that knows the endpoint turns a pasted Standpoint URL into the iframe.
URLs of this server's embed pages are answered, on the host the request came
to or the public address the service is configured with (STANDPOINT_PUBLIC_URL);
anything else is a 404 problem saying why, as oEmbed asks; only JSON is
offered, so format=xml is 501.
"""

from __future__ import annotations

from urllib.parse import parse_qsl, urlsplit

import marshmallow as ma
from flask import current_app, request
from flask.views import MethodView
from werkzeug.exceptions import HTTPException

from ..http.args import Blueprint, QueryArgs
from ..http.problems import Problem
from . import heights as heights_
from .embed import EmbedPage
from .i18n import use_language
from .snippet import embed_code

blp = Blueprint("oembed", __name__, url_prefix="", description="oEmbed discovery of the embeds.")

PAGES = "standpoint.embed_pages"
PROVIDER = "Standpoint"
DEFAULT_WIDTH = 640


class OEmbedArgs(QueryArgs):
    url = ma.fields.String(required=True, validate=ma.validate.Length(min=1, max=2048), metadata={
        "description": "An embed page of this server (on the host asked, or on the public "
                       "address STANDPOINT_PUBLIC_URL), e.g. "
                       "https://standpoint.example/embed/matrix?as_of=2025-03-20"})
    maxwidth = ma.fields.Integer(validate=ma.validate.Range(min=1, max=10_000))
    maxheight = ma.fields.Integer(validate=ma.validate.Range(min=1, max=100_000))
    format = ma.fields.String(load_default="json", validate=ma.validate.Length(max=16), metadata={
        "description": "Only `json`; anything else is 501 Not Implemented (oEmbed 1.0 §2.3.4)."})


class OEmbedSchema(ma.Schema):
    version = ma.fields.String(required=True, metadata={"example": "1.0"})
    type = ma.fields.String(required=True, metadata={"enum": ["rich"]})
    title = ma.fields.String(required=True, metadata={
        "description": "What the embed shows: which parties, on what, as of when.",
        "example": "Where United Kingdom, France and Russia stand on peacekeepers, as of "
                   "20 March 2025"})
    provider_name = ma.fields.String(required=True, metadata={"example": PROVIDER})
    provider_url = ma.fields.String(required=True, metadata={"example": "https://standpoint.example/"})
    html = ma.fields.String(required=True, metadata={
        "description": "The iframe, with its starting heights by width, and a small script "
                       "that sets the first and then resizes it to the page's height.",
        "example": '<iframe src="https://standpoint.example/embed/matrix?as_of=2025-03-20" '
                   'title="Where the parties stand, as of 20 March 2025" width="640" '
                   'height="1000" data-standpoint-heights="360:1150 640:1000 1280:900" '
                   'style="width:100%;max-width:640px;border:0" loading="lazy"></iframe>\n'
                   '<script>...</script>'})
    width = ma.fields.Integer(required=True, metadata={"example": DEFAULT_WIDTH})
    height = ma.fields.Integer(required=True, metadata={"example": 1000})
    cache_age = ma.fields.Integer(required=True, metadata={"example": 60})


def init_app(app, pages: dict[str, EmbedPage]) -> None:
    """`pages`: by endpoint, every page this endpoint answers for."""
    app.extensions[PAGES] = pages


def _cannot(url: str, why: str) -> Problem:
    return Problem(404, "not-an-embed", f"No oEmbed for '{url}': {why}")


def _query_args(schema: ma.Schema, query: str) -> dict:
    """A query string as the page's own parser reads it: every value of a list
    parameter (`actors=uk&actors=russia`), the last one of any other."""
    values: dict[str, list[str]] = {}
    for key, value in parse_qsl(query, keep_blank_values=True):
        values.setdefault(key, []).append(value)
    return {key: found if isinstance(schema.fields.get(key), ma.fields.List) else found[-1]
            for key, found in values.items()}


def public_base() -> str:
    return current_app.config.get("PUBLIC_URL") or request.host_url.rstrip("/")


def _our_path(url: str) -> str:
    """The path of `url` on this server, if `url` is on one of its addresses."""
    parts = urlsplit(url)
    if parts.scheme not in ("http", "https"):
        raise _cannot(url, "only http(s) addresses of embed pages have one.")
    public = urlsplit(current_app.config.get("PUBLIC_URL") or "")
    host = parts.netloc.lower()
    if host == request.host.lower():
        return parts.path
    if public.netloc and host == public.netloc.lower() and \
            parts.path.startswith(public.path.rstrip("/") + "/"):
        return parts.path[len(public.path.rstrip("/")):]
    hosts = " or ".join(sorted({request.host.lower(), public.netloc.lower()} - {""}))
    hint = "" if public.netloc else " (a deployment behind another address sets STANDPOINT_PUBLIC_URL)"
    raise _cannot(url, f"its host '{parts.netloc}' is not this server's, {hosts}{hint}.")


def _embed_page(url: str) -> tuple[EmbedPage, dict, dict]:
    """The embed page `url` points at, its parsed arguments and path ids,
    after checking it would answer 200 (else a 404 saying what it would answer)."""
    path = _our_path(url)
    try:
        endpoint, view_args = current_app.url_map.bind(request.host).match(path, method="GET")
    except HTTPException:
        raise _cannot(url, f"'{path}' is no page here; embed pages are /embed/matrix, "
                           "/embed/compare and /embed/actors/{id}/timeline.") from None
    page = current_app.extensions[PAGES].get(endpoint)
    if page is None:
        raise _cannot(url, f"'{path}' is not an embed page; embed URLs start with /embed/.")
    schema = page.args()
    try:
        args = schema.load(_query_args(schema, urlsplit(url).query))
    except ma.ValidationError as error:
        wrong = "; ".join(f"{field}: {' '.join(map(str, messages)) if isinstance(messages, list) else messages}"
                          for field, messages in error.normalized_messages().items())
        raise _cannot(url, f"the page would answer 400 ({wrong}).") from None
    return page, args, view_args


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
        server's embed pages, sized within `maxwidth` and `maxheight`, with a title
        naming what it shows. A URL that has none is a 404 problem whose `detail`
        says why (another host, not an embed page, or what the page would answer).
        """
        if args["format"].lower() != "json":
            raise Problem(501, "unsupported-format",
                          f"oEmbed format '{args['format']}' is not offered; use format=json.")
        url = args["url"].strip()
        page, page_args, view_args = _embed_page(url)
        use_language(page_args["lang"])
        try:
            title = page.title(page_args, **view_args)
            by_width = page.heights(page_args, **view_args)
        except Problem as problem:
            raise _cannot(url, f"the page would answer {problem.code} "
                               f"({problem.description})") from None
        width = min(DEFAULT_WIDTH, args.get("maxwidth", DEFAULT_WIDTH))
        natural = heights_.at_width(by_width, width)
        height = min(natural, args.get("maxheight", natural))
        return {
            "version": "1.0",
            "type": "rich",
            "title": title,
            "provider_name": PROVIDER,
            "provider_url": public_base() + "/",
            "html": embed_code(url, title, width, height, by_width),
            "width": width,
            "height": height,
            "cache_age": current_app.config["CACHE_MAX_AGE"],
        }
