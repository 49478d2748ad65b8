"""Embeddable pages: standalone HTML for newsroom iframes, served by the app.

They are flask-smorest routes parsed with the same strict argument schemas as
the API, plus the options a graphics desk sets (theme, its own title and
notes, language, detail); parameters they do not know (tracking ids, what social
sites and CMSs add) are ignored and named in a response header. Errors on these
routes are frameable HTML pages (web/error_page.py). Every asset is shipped
with the package; the pages read fine without JavaScript, which only reports
the page height to the parent frame (static/embed.js).
"""

from __future__ import annotations

import datetime as dt
import hashlib
from dataclasses import dataclass
from typing import Callable
from urllib.parse import unquote_to_bytes

import marshmallow as ma
from urllib.parse import quote

from flask import (Response, current_app, g, has_request_context, render_template, request,
                   url_for)
from flask.views import MethodView

from .. import database
from ..domain.model import day_before
from ..http.args import (Blueprint, DateRange, IdList, PositionsArgs, QueryArgs, as_of_field,
                         today, topic_ids)
from ..http.dates import RecordDate
from . import heights, page_data, titles
from .i18n import LANGUAGES, supported, use_language
from .record_words import actor_or_404, actors_or_404, topics_or_404
from .spec import ERROR_EXAMPLE, ERROR_PAGE

blp = Blueprint("embed", __name__, url_prefix="/embed", template_folder="templates",
                description="Embeddable HTML pages for newsroom iframes.")

MAX_COMPARED = 8

IGNORED_HEADER = "Standpoint-Ignored-Parameters"
HTML_HEADERS = {
    IGNORED_HEADER: {
        "description": "The query parameters the page does not know and ignored (tracking "
                       "ids such as `utm_*`, `fbclid`, `ref`), comma-separated and "
                       "percent-encoded; absent when there were none.",
        "schema": {"type": "string"},
    },
    "Content-Language": {
        "description": "The language of the page's own words: `lang` when it is one the "
                       "pages are written in, else `en`.",
        "schema": {"type": "string"},
    },
    "Content-Security-Policy": {
        "description": "script-src and style-src 'self' (no inline code); frame-ancestors "
                       "from STANDPOINT_EMBED_FRAME_ANCESTORS (default `*`).",
        "schema": {"type": "string"},
    },
}
HTML_RESPONSE = {"type": "string", "description": "A standalone HTML page.", "example": (
    '<!doctype html>\n<html lang="en" data-theme="light" data-embed-id="standpoint-matrix-b8ffbd11c1">\n'
    '<head><meta charset="utf-8"><title>Where the parties stand, as of 20 March 2025 · Standpoint'
    '</title>...</head>\n<body class="embed embed-matrix detail-compact"><main>\n'
    '<h1>Where the parties stand, as of 20 March 2025</h1>...</main></body>\n</html>\n')}
# Errors on embed routes are pages too, so a frame never shows the browser's broken icon.
HTML_ERROR = ERROR_PAGE


def content_security_policy() -> str:
    ancestors = current_app.config.get("EMBED_FRAME_ANCESTORS") or "*"
    return ("default-src 'none'; script-src 'self'; style-src 'self'; img-src 'self' data:; "
            f"base-uri 'none'; form-action 'none'; frame-ancestors {ancestors}")


def page_response(html: str, status: int = 200, mimetype: str = "text/html") -> Response:
    response = Response(html, status=status, mimetype=mimetype)
    response.headers["Content-Security-Policy"] = content_security_policy()
    response.headers["X-Content-Type-Options"] = "nosniff"
    response.headers["Referrer-Policy"] = "strict-origin-when-cross-origin"
    if has_request_context():
        response.headers["Content-Language"] = g.get("embed_lang", "en")
        ignored = g.get("ignored_parameters")
        if ignored:
            response.headers[IGNORED_HEADER] = ignored_header(ignored)
    return response


MAX_IGNORED_LISTED = 20


def ignored_header(names: list[str]) -> str:
    """The ignored names, percent-encoded (a name may hold any byte, a header may not),
    the first 20 of them: a header is no place for a whole URL's worth of junk."""
    listed = [quote(name[:64], safe="") for name in names[:MAX_IGNORED_LISTED]]
    if len(names) > MAX_IGNORED_LISTED:
        listed.append("...")
    return ", ".join(listed)


def canonical_query() -> str:
    """The request's query without the parameters it ignored: the page's identity."""
    ignored = set(g.get("ignored_parameters", ()))
    return "&".join(f"{k}={v}" for k, v in request.args.items(multi=True) if k not in ignored)


def render_embed(kind: str, template: str, title: str, options: dict, data_url: str,
                 csv_url: str, **context) -> Response:
    # A stable id per embedded view, for the Datawrapper-style height message.
    digest = hashlib.sha1(f"{request.path}?{canonical_query()}".encode()).hexdigest()[:10]
    if hides(options, "data_links"):
        data_url = csv_url = None
    html = render_template(
        template, kind=kind, title=options.get("title") or title, options=options,
        embed_id=f"standpoint-{kind}-{digest}", data_url=data_url, csv_url=csv_url,
        home_url=url_for("index.Front"),
        oembed_url=url_for("oembed.OEmbed", url=request.url, format="json"), **context)
    return page_response(html)


THEMES = ("light", "dark", "auto")
DETAILS = ("compact", "full")


class Language(ma.fields.String):
    """`lang`: a language the pages are written in, else English, never an error: a
    desk that asks for Spanish still gets a page. `fr-CA` or `FR` read as `fr`."""

    def _deserialize(self, value, attr, data, **kwargs):
        return supported(super()._deserialize(value, attr, data, **kwargs))


FREE_TEXT = ("title", "subtitle", "notes")
# What a reader's page may leave out (`hide=`): the editors' notes on cells (why a
# party has no position), the credit's data links (CSV, JSON), a chart's downloads.
HIDEABLE = ("editors_notes", "data_links", "downloads")


class HideList(IdList):
    """`hide=editors_notes,downloads` (or repeated, as a GET form's checkboxes send
    it): the parts of the page to leave out, each one of HIDEABLE."""

    def __init__(self, **kwargs):
        # The spec names the parts (one of HIDEABLE, or several with commas), as the
        # server reads them: no schema-valid value is refused.
        part = "(" + "|".join(HIDEABLE) + ")"
        super().__init__(max_ids=len(HIDEABLE), pattern=rf"^ *{part}( *, *{part})* *$",
                         **kwargs)

    def _deserialize(self, value, attr, data, **kwargs):
        parts = super()._deserialize(value, attr, data, **kwargs)
        unknown = [part for part in parts if part not in HIDEABLE]
        if unknown:
            raise ma.ValidationError(f"Cannot hide {', '.join(map(repr, unknown))}: give "
                                     f"any of {', '.join(HIDEABLE)}.")
        return parts


def hides(options: dict, part: str) -> bool:
    return part in (options.get("hide") or ())


def _free_text(longest: int) -> ma.validate.Validator:
    """A desk's own words: any text, shown escaped (and whole UTF-8: `_whole_utf8`)."""
    return ma.validate.Length(min=1, max=longest)


def _not_utf8() -> dict[str, list[str]]:
    """The free-text parameters of this request whose bytes are not UTF-8: werkzeug
    leaves such bytes percent-encoded, so only the raw query string can tell."""
    if not has_request_context() or not request.path.startswith("/embed/"):
        return {}
    broken = {}
    for pair in request.query_string.split(b"&"):
        name, _, value = pair.partition(b"=")
        name = unquote_to_bytes(name.replace(b"+", b" ")).decode("utf-8", "replace")
        if name in FREE_TEXT:
            try:
                unquote_to_bytes(value.replace(b"+", b" ")).decode("utf-8")
            except UnicodeDecodeError:
                broken[name] = ["Not valid UTF-8 text: the link is broken."]
    return broken


class EmbedOptions(QueryArgs):
    """What a graphics desk sets on every embed: its own words, theme and language.
    Parameters the page does not know are dropped before validation and named in
    the Standpoint-Ignored-Parameters header: links get tracking ids (`utm_*`,
    `fbclid`, `gclid`) and CMSs their own (`ref`, `_` cache-busters), and a reader
    must never see an error page for them. The JSON/CSV API stays strict."""

    theme = ma.fields.String(load_default="light", validate=ma.validate.OneOf(THEMES), metadata={
        "description": "`light` (default), `dark`, or `auto` to follow the reader's setting "
                       "(prefers-color-scheme)."})
    title = ma.fields.String(validate=_free_text(200), metadata={
        "description": "The newsroom's own headline, in place of the page's.",
        "example": "Who backs a European force", "x-free-text": True})
    subtitle = ma.fields.String(validate=_free_text(300), metadata={
        "description": "A line under the headline.", "x-free-text": True})
    notes = ma.fields.String(validate=_free_text(1000), metadata={
        "description": "The newsroom's notes, shown above the credit.", "x-free-text": True})
    legend = ma.fields.Boolean(load_default=True, metadata={
        "description": "`0` leaves out the legend of the scales."})
    lang = Language(load_default="en", metadata={
        "description": "Language of the page's own words (" + ", ".join(f"`{code}`" for code in LANGUAGES)
                       + "); data labels stay English. Any other language is English "
                       "(`Content-Language: en`), never an error.", "example": "fr"})
    detail = ma.fields.String(load_default="compact", validate=ma.validate.OneOf(DETAILS),
                              metadata={"description": (
        "`compact` (default): each position as its stance and one line, with the quote, "
        "speaker and source one tap away (no script needed); `full`: everything at once.")})

    hide = HideList(load_default=list, metadata={
        "description": "Parts of the page a reader is not shown: `editors_notes` (the "
                       "editors' notes on cells, e.g. why a party has no position; shown "
                       "by their reader text otherwise), `data_links` (the credit's CSV "
                       "and JSON links), `downloads` (a chart's SVG and PNG links). "
                       "Comma-separated or repeated: `hide=editors_notes,downloads`."})

    # A form (the builder's) sends every field, empty or not: there an empty one is one
    # left out, and so is an empty item of a list.
    empty_is_absent = False

    @ma.pre_load
    def _drop_unknown(self, data, **_):
        given = {key: data[key] for key in data}
        if self.empty_is_absent:
            given = {key: [item for item in value if item != ""]
                     if isinstance(value, list) else value for key, value in given.items()}
            given = {key: value for key, value in given.items() if value not in ("", [])}
        known = {field.data_key or name for name, field in self.load_fields.items()}
        ignored = [key for key in given if key not in known]
        if ignored and has_request_context() and request.path.startswith("/embed/"):
            g.ignored_parameters = ignored  # for the header (page_response) and the page's id
        return {key: value for key, value in given.items() if key in known}

    @ma.post_load
    def _reader_options(self, data, **_):
        # The notes filter (filters.for_readers) reads this, so every template and
        # chart that shows editors' notes leaves them out alike.
        if has_request_context() and request.path.startswith("/embed/"):
            g.hide_editors_notes = hides(data, "editors_notes")
        return data

    @ma.validates_schema
    def _whole_utf8(self, data, **_):
        broken = _not_utf8()
        if broken:
            raise ma.ValidationError(broken)


class EmbedMatrixArgs(EmbedOptions, PositionsArgs):
    pass


class EmbedCompareArgs(EmbedOptions):
    actors = IdList(required=True, min_ids=2, max_ids=MAX_COMPARED,
        metadata={"description": "2 to 8 different actor ids or aliases to set side by side: repeat the parameter or separate ids with commas.",
                  "example": ["uk,russia"]})
    as_of = as_of_field()
    topics = topic_ids()


class EmbedTimelineArgs(EmbedOptions, DateRange):
    from_ = RecordDate(data_key="from", metadata={
        "description": "First day of the period (YYYY-MM-DD, inclusive): the position held "
                       "just before it is the starting point, then every change from it on. "
                       "Default: from the first statement.", "example": "2025-03-01"})
    to = RecordDate(load_default=today, metadata={
        "description": "Last day of the period (YYYY-MM-DD); default today (UTC)."})
    topics = topic_ids()


def _ids(items) -> str:
    return ",".join(item.id for item in items)


def html_page(blp: Blueprint, operation_id: str, description: str):
    """The decorators every embed page shares: its id, HTML answer and HTML errors."""
    def decorate(view):
        view = blp.alt_response(404, schema=HTML_ERROR, content_type="text/html",
                                description="Unknown id: a page listing the valid ids.",
                                example=ERROR_EXAMPLE)(view)
        view = blp.alt_response(400, schema=HTML_ERROR, content_type="text/html",
                                description="A bad parameter: a page saying which.",
                                example=ERROR_EXAMPLE)(view)
        view = blp.response(200, HTML_RESPONSE, content_type="text/html", headers=HTML_HEADERS,
                            description=description)(view)
        return blp.doc(operationId=operation_id)(view)
    return decorate


@blp.route("/matrix")
class MatrixPage(MethodView):
    @blp.arguments(EmbedMatrixArgs, location="query")
    @html_page(blp, "getMatrixEmbed", "The actors x topics grid as an embeddable page.")
    def get(self, args):
        """Embeddable page: who stands where

        The actors x topics grid as of a date, each cell with its stance in words
        and one line, then (one tap away, or at once with `detail=full`) the quote,
        speaker, date and source; a legend of each scale.
        Frame it in an iframe; it posts its height to the parent page.
        Unknown parameters (`fbclid`, `utm_*`...) are ignored; an error is a frameable page.
        """
        use_language(args["lang"])
        record = database.record()
        actors = actors_or_404(record, args.get("actors"))
        topics = topics_or_404(record, args.get("topics"))
        as_of = args["as_of"]
        query = {"as_of": as_of.isoformat(), "actors": _ids(actors), "topics": _ids(topics)}
        rows = page_data.matrix(record, actors, topics, as_of)
        return render_embed(
            "matrix", "embed_matrix.html",
            titles.matrix(actors, topics, as_of, all_actors=not args.get("actors"),
                          all_topics=not args.get("topics")), args,
            url_for("positions.Positions", **query), url_for("matrix.GetMatrixCsv", **query),
            rows=rows, topics=topics, as_of=as_of,
            attribution=page_data.attribution(c.position for row in rows for c in row.cells))


@blp.route("/compare")
class ComparePage(MethodView):
    @blp.arguments(EmbedCompareArgs, location="query")
    @html_page(blp, "getCompareEmbed", "Positions side by side with the fault lines marked.")
    def get(self, args):
        """Embeddable page: parties side by side

        For each topic, the actors' positions side by side; pairs on opposite
        sides of the scale (fault lines) are named and marked.
        Unknown parameters (`fbclid`, `utm_*`...) are ignored; an error is a frameable page.
        """
        use_language(args["lang"])
        record = database.record()
        actors = actors_or_404(record, args["actors"])
        topics = topics_or_404(record, args.get("topics"))
        as_of = args["as_of"]
        query = {"as_of": as_of.isoformat(), "actors": _ids(actors), "topics": _ids(topics)}
        comparisons = page_data.compare(record, actors, topics, as_of)
        return render_embed(
            "compare", "embed_compare.html", titles.compare(actors, topics, as_of, not args.get("topics")), args,
            url_for("comparisons.Compare", **query),
            url_for("comparisons.CompareActorsCsv", **query),
            comparisons=comparisons, topics=topics, as_of=as_of,
            attribution=page_data.attribution(c.position for item in comparisons
                                              for c in item.cells))


@blp.route("/actors/<string:actor_id>/timeline")
class TimelinePage(MethodView):
    @blp.arguments(EmbedTimelineArgs, location="query")
    @html_page(blp, "getActorTimelineEmbed", "How the actor's positions moved, change by change.")
    def get(self, args, actor_id):
        """Embeddable page: how an actor moved

        Per topic, the position held just before `from`, then each change stated from
        `from` to `to` (both inclusive), in order, with the diff engine's verdict (first
        stated, took a side, shifted along the scale or in its conditions, reversed) in
        plain words, and the editors' notes on the cell.
        Unknown parameters (`fbclid`, `utm_*`...) are ignored; an error is a frameable page.
        """
        use_language(args["lang"])
        record = database.record()
        actor = actor_or_404(record, actor_id)
        topics = topics_or_404(record, args.get("topics"))
        start: dt.date | None = args.get("from_")
        end: dt.date = args["to"]
        data_args = {"actor": actor.id, "to": end.isoformat()}
        if start:
            data_args["from"] = start.isoformat()
        timelines = page_data.timeline(record, actor, topics, start and day_before(start), end)
        # The changes table needs a first day: the period's, or the first change shown.
        first = start or min((c.cell.statement.stated_on for t in timelines for c in t.changes),
                             default=end)
        csv_args = {"from": first.isoformat(), "to": end.isoformat(), "topics": _ids(topics)}
        return render_embed(
            "timeline", "embed_timeline.html", titles.timeline(actor, topics, start, end), args,
            url_for("statements.Statements", **data_args),
            url_for("changes.GetActorChangesCsv", actor_id=actor.id, **csv_args),
            timelines=timelines, topics=topics, start=start, end=end, actor=actor,
            attribution=page_data.attribution(
                [c.cell.position for item in timelines for c in item.changes],
                [n for item in timelines for n in item.notes]))


@dataclass(frozen=True)
class EmbedPage:
    args: type[ma.Schema]
    # The page's title for these arguments (and path ids), as the page writes it.
    title: Callable[..., str]
    # First guesses for the iframe by width, measured (docs/EMBEDDING.md): the
    # page then reports its real height.
    heights: Callable[..., dict[int, int]]




def _record_ids(args: dict):
    record = database.record()
    return (record, actors_or_404(record, args.get("actors")),
            topics_or_404(record, args.get("topics")))


def _matrix_title(args: dict, **_) -> str:
    _record, actors, topics = _record_ids(args)
    return args.get("title") or titles.matrix(actors, topics, args["as_of"],
                                              all_actors=not args.get("actors"),
                                              all_topics=not args.get("topics"))


def _compare_title(args: dict, **_) -> str:
    _record, actors, topics = _record_ids(args)
    return args.get("title") or titles.compare(actors, topics, args["as_of"],
                                               not args.get("topics"))


def _timeline_title(args: dict, actor_id: str) -> str:
    record, _actors, topics = _record_ids({"topics": args.get("topics")})
    return args.get("title") or titles.timeline(actor_or_404(record, actor_id), topics,
                                                args.get("from_"), args["to"])


def _counts(args: dict, actor_id: str | None = None) -> dict:
    """What a page's height depends on: how many parties, topics and changes it shows."""
    record, actors, topics = _record_ids(args if actor_id is None else
                                         {"topics": args.get("topics")})
    counts = {"actors": len(actors), "topics": len(topics)}
    if actor_id is not None:
        actor = actor_or_404(record, actor_id)
        start = args.get("from_")
        timelines = page_data.timeline(record, actor, topics, start and day_before(start),
                                       args["to"])
        counts["changes"] = sum(len(t.changes) for t in timelines)
        counts["notes"] = sum(1 for t in timelines if _for_readers(t.notes))
    else:
        # A note on a cell with a statement folds into the statement's own details; a
        # silent cell's note is a line of its own ("Why no position: ...").
        positions = record.positions(actors, topics, args["as_of"])
        counts["notes"] = sum(1 for p in positions.values()
                              if not p.statement and _for_readers(p.notes))
    return counts


def _for_readers(notes) -> list:
    """The notes a page shows readers unless `hide` leaves them out (filters.for_readers,
    whatever this request hides): what hiding them takes off the page's height."""
    return [note for note in notes if note.reader_text]


# What oEmbed needs to know of each page, by endpoint (web/__init__.py hands it on).
PAGES = {
    "embed.MatrixPage": EmbedPage(EmbedMatrixArgs, _matrix_title,
                                  lambda args, **_: heights.matrix(args, **_counts(args))),
    "embed.ComparePage": EmbedPage(EmbedCompareArgs, _compare_title,
                                   lambda args, **_: heights.compare(args, **_counts(args))),
    "embed.TimelinePage": EmbedPage(
        EmbedTimelineArgs, _timeline_title,
        lambda args, actor_id: heights.timeline(args, **_counts(args, actor_id))),
}
