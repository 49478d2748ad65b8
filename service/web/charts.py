"""Charts as embeds: server-rendered SVG in the pages' palette, no script.

Each chart is an embeddable page (the SVG inline, a data table for screen
readers, the credit) and a download: the same chart standalone as SVG, with
its own title and credit, and as PNG for print, AMP and social cards
(rasterised by resvg, a pip-installed renderer, with the machine's fonts).
"""

from __future__ import annotations

import datetime as dt
from dataclasses import replace

import marshmallow as ma
from flask import g, request, url_for
from flask.views import MethodView
from flask_babel import gettext as _
from flask_babel import ngettext

from .. import database
from ..domain.model import Position, day_before
from ..http.args import Blueprint, DateRange, IdList, actor_ids, as_of_field, today
from ..http.dates import RecordDate
from . import heights, page_data, presets, svg, titles
from .embed import EmbedOptions, EmbedPage, html_page, page_response, render_embed
from .filters import for_readers, long_date, staleness, stated_date
from .i18n import use_language
from .oembed import public_base
from .raster import png
from .record_words import actor_or_404, actors_or_404, topic_or_404

# The charts are embeds: their own blueprint, documented under the embeds' tag.
blp = Blueprint("charts", __name__, url_prefix="/embed")
EMBED_TAG = ["embed"]
TOPIC_PATH = [{"in": "path", "name": "topic_id", "example": "peacekeepers"}]
ACTOR_PATH = [{"in": "path", "name": "actor_id", "example": "ukraine"}]
SVG_TYPE = "image/svg+xml"
PNG_TYPE = "image/png"
SVG_EXAMPLE = ('<svg xmlns="http://www.w3.org/2000/svg" class="chart" role="img" '
               'viewBox="0 0 420 512" ...><title id="spectrum-peacekeepers-title">Where the '
               'parties stand on peacekeepers, as of 20 March 2025</title>...</svg>')


class ChartOptions(EmbedOptions):
    class Meta(EmbedOptions.Meta):
        exclude = ("legend", "detail")  # a chart labels its own scale and shows no cards

    width = ma.fields.Integer(validate=ma.validate.Range(min=280, max=1600), metadata={
        "description": "The width in CSS px the chart is laid out for: its text is at least "
                       "12 px at that width, and labels wrap or move rather than shrink. "
                       "Downloads default to 560 (the PNG is twice that in pixels); the page "
                       "draws it at 280, 340, 460 and 560 and shows the one for its frame, "
                       "or at this width only when given.", "example": 340})


class SpectrumArgs(ChartOptions):
    as_of = as_of_field()
    actors = actor_ids()


class StepsArgs(ChartOptions, DateRange):
    topic = ma.fields.String(required=True, validate=ma.validate.Regexp(r"^[A-Za-z0-9_-]{1,64}$"),
                             metadata={"description": "The topic whose scale is the axis.",
                                       "example": "ceasefire_scope"})
    from_ = RecordDate(data_key="from", metadata={
        "description": "First day shown (YYYY-MM-DD, inclusive): the line starts at the "
                       "position held just before it. Default: the first statement.",
        "example": "2025-03-01"})
    to = RecordDate(metadata={
        "description": "Last day shown (YYYY-MM-DD). Default: the last statement shown, so "
                       "a line never runs on past what the record says; given later, the "
                       "chart says \"no new statement since\" that statement.",
        "example": "2025-03-31"})
    actors = IdList(max_ids=5, metadata={
        "description": "More parties to draw on the same chart, after this one (ids or "
                       "aliases, comma-separated or repeated; at most 5 parties in all).",
        "example": ["russia,us"]})


def _words(stale: list[tuple[str, Position]] = ()) -> dict:
    # Off-scale stances in the page's words, as the pages' own legends write them.
    # `stale`: each party whose position is older than the newsroom's threshold, in words.
    lines = [_("%(name)s: %(words)s", name=name, words=words)
             for name, position in stale if (words := staleness(position))]
    return {"none": _("No recorded position"), "unclear": _("Unclear"), "stale": lines}


def _widths(args: dict, standalone: bool) -> list[int]:
    """The widths to lay a chart out for: the one asked for, else a download's default
    or every width a page may be framed at (svg.WIDTHS; embed.css shows the right one)."""
    if args.get("width"):
        return [args["width"]]
    return [svg.DEFAULT_WIDTH] if standalone else list(svg.WIDTHS)


def _credit(attribution: page_data.Attribution) -> str:
    sources = "; ".join(f"{publisher}, {long_date(day)}" for publisher, day in attribution.sources)
    return (_("Source: %(sources)s, via Standpoint", sources=sources) if sources
            else _("Source: Standpoint"))


def _absolute(path: str) -> str:
    return public_base() + path


def _frame(args: dict, title: str, default_title: str,
           attribution: page_data.Attribution) -> svg.Frame:
    """A download's words around its chart. The default title says what and as of
    when; a desk's own title may not, so the default follows it as a dateline."""
    return svg.Frame(credit=_credit(attribution),
                     dateline=default_title if title != default_title else "",
                     subtitle=args.get("subtitle", ""), notes=args.get("notes", ""))


def _download_query() -> dict[str, list[str]]:
    """The page's own options for its download links (title, subtitle, notes, theme,
    lang, width, the ids and dates), so the file is the chart the reader sees; not
    what the page ignored, nor `hide` (a download has no notes or links to hide)."""
    ignored = set(g.get("ignored_parameters", ())) | {"hide"}
    query: dict[str, list[str]] = {}
    for key, value in request.args.items(multi=True):
        if key not in ignored:
            query.setdefault(key, []).append(value)
    return query


# --- spectrum -------------------------------------------------------------------

def _spectrum(args: dict, topic_id: str, standalone: bool):
    use_language(args["lang"])
    record = database.record()
    topic = topic_or_404(record, topic_id)
    actors = actors_or_404(record, args.get("actors"))
    as_of = args["as_of"]
    positions = record.positions(actors, [topic], as_of)
    placed = [svg.Placed(actor, positions[actor.id, topic.id]) for actor in actors]
    title = args.get("title") or titles.matrix(actors, [topic], as_of,
                                               all_actors=not args.get("actors"))
    on_scale = [p for p in placed if p.position.stance_value]
    silent = sum(1 for p in placed if not p.position.statement)
    desc = _("%(question)s %(placed)s; %(silent)s.", question=topic.question,
             placed=ngettext("%(num)d party placed on the scale",
                             "%(num)d parties placed on the scale", len(on_scale)),
             silent=ngettext("%(num)d with no recorded position",
                             "%(num)d with no recorded position", silent))
    attribution = page_data.attribution(p.position for p in placed)
    stale = [(p.actor.name, p.position) for p in placed]
    frame = _frame(args, title, titles.matrix(actors, [topic], as_of,
                                               all_actors=not args.get("actors")), attribution)

    def draw(width: int, alone: bool, listed: bool = True):
        return svg.spectrum(topic, placed, title, desc, _words(stale), alone, frame, width)

    charts = {width: draw(width, standalone) for width in _widths(args, standalone)}
    drawing = presets.Drawing(title, frame, f"spectrum-{topic.id}-{as_of.isoformat()}", draw)
    return record, topic, actors, as_of, placed, title, attribution, charts, drawing


@blp.route("/topics/<string:topic_id>/spectrum", parameters=TOPIC_PATH, tags=EMBED_TAG)
class SpectrumPage(MethodView):
    @blp.arguments(SpectrumArgs, location="query")
    @html_page(blp, "getSpectrumEmbed", "The topic's scale with each party at its stance.")
    def get(self, args, topic_id):
        """Embeddable chart: where the parties stand on one question

        The topic's scale as the axis, each party placed at its stance as of a date,
        the silent ones listed apart with the editors' notes on why. Server-rendered
        SVG (no script) with a data table for screen readers; download it as SVG or PNG.
        Unknown parameters (`fbclid`, `utm_*`...) are ignored; an error is a frameable page.
        """
        record, topic, actors, as_of, placed, title, attribution, charts, _drawing = _spectrum(
            args, topic_id, standalone=False)
        query = {"as_of": as_of.isoformat(), "actors": ",".join(a.id for a in actors),
                 "topics": topic.id}
        return render_embed(
            "spectrum", "embed_spectrum.html", title, args,
            url_for("positions.Positions", **query), url_for("matrix.GetMatrixCsv", **query),
            charts=charts, topic=topic, placed=placed, as_of=as_of, attribution=attribution,
            svg_url=url_for("charts.SpectrumSvg", topic_id=topic.id, **_download_query()),
            png_url=url_for("charts.SpectrumPng", topic_id=topic.id, **_download_query()))


# --- steps: one party on one topic, over time --------------------------------------

def _series(record, actor, topic, start: dt.date | None, until: dt.date) -> svg.Series:
    """One party's steps: the position held just before `start` (when asked), then each
    statement, oldest first, as positions resolve them (each holds from its day on)."""
    points: list[svg.Step] = []
    if start:
        held = record.positions([actor], [topic], day_before(start))[actor.id, topic.id]
        points.append(svg.Step(start, held, None))
    for statement in record.trail(actor.id, topic.id, day_before(start) if start else None,
                                  until):
        position = Position(actor.id, topic.id, statement.stated_on, statement.stance, statement,
                            topic.stance(statement.stance))
        points.append(svg.Step(statement.stated_on, position, statement,
                               _absolute(url_for("statements.StatementItem",
                                                 statement_id=statement.id))))
    return svg.Series(actor, points)


def _steps_words(held: list[tuple[str, Position]]) -> dict:
    words = _words(held)
    words["since"] = lambda who, day: _("%(who)s: no new statement since %(date)s.",
                                        who=who, date=day)
    words["silent"] = lambda who: _("%(who)s: no recorded position.", who=who)
    words["before"] = lambda day: _("Before %(date)s", date=day)
    return words


def _steps(args: dict, actor_id: str, standalone: bool):
    use_language(args["lang"])
    record = database.record()
    actor = actor_or_404(record, actor_id)
    others = actors_or_404(record, args["actors"]) if args.get("actors") else []
    actors = [actor] + [a for a in others if a.id != actor.id]
    topic = topic_or_404(record, args["topic"])
    start: dt.date | None = args.get("from_")
    asked: dt.date | None = args.get("to")
    series = [_series(record, a, topic, start, asked or today()) for a in actors]
    stated = [p.on for s in series for p in s.points if p.statement]
    # Undated, the chart ends at the last statement shown: a line never runs on past
    # what the record says (an old stance "held" to today is a claim nobody made).
    end = asked or max(stated, default=start or today())
    first = start or min(stated, default=end)
    end = max(end, first)
    if not start:  # with no statement at all, say what is held at the end
        series = [s if s.points else svg.Series(
            s.actor, [svg.Step(end, record.positions([s.actor], [topic], end)[s.actor.id, topic.id],
                               None)]) for s in series]
    count = len(stated)
    who, what = titles.names(actors), titles.subject(topic)
    if first == end:
        default_title = _("How %(who)s stood on %(what)s, %(date)s", who=who, what=what,
                          date=long_date(end))
    else:
        default_title = _("How %(who)s moved on %(what)s, %(start)s to %(end)s", who=who,
                          what=what, start=long_date(first), end=long_date(end))
    title = args.get("title") or default_title
    desc = ngettext("%(question)s %(num)d statement from %(start)s to %(end)s.",
                    "%(question)s %(num)d statements from %(start)s to %(end)s.", count,
                    question=topic.question, start=long_date(first), end=long_date(end))
    attribution = page_data.attribution(p.position for s in series for p in s.points
                                        if p.statement)
    # The last position holds on to `end` only as far as nothing newer is recorded: say its age.
    held = [(s.actor.name, replace(s.points[-1].position, as_of=end)) for s in series
            if s.points]
    frame = _frame(args, title, default_title, attribution)

    def draw(width: int, alone: bool, listed: bool = True):
        return svg.steps(topic, series, first, end, title, desc, _steps_words(held),
                         stated_date, long_date, alone, frame, width, listed)

    charts = {width: draw(width, standalone) for width in _widths(args, standalone)}
    points = [p for s in series for p in s.points]
    days = first.isoformat() if first == end else f"{first.isoformat()}-to-{end.isoformat()}"
    drawing = presets.Drawing(title, frame, "-".join(["steps", *(a.id for a in actors),
                                                      topic.id, days]), draw)
    return actors, topic, first, end, series, points, title, attribution, charts, drawing


@blp.route("/actors/<string:actor_id>/steps", parameters=ACTOR_PATH, tags=EMBED_TAG)
class StepsPage(MethodView):
    @blp.arguments(StepsArgs, location="query")
    @html_page(blp, "getStepsEmbed", "One party's positions on one topic over time, as steps.")
    def get(self, args, actor_id):
        """Embeddable chart: how one party moved on one question

        A step chart over the topic's scale from `from` to `to`: the position held
        just before `from`, then each statement as a point linked to it. Server-rendered
        SVG (no script) with a data table for screen readers; download it as SVG or PNG.
        Unknown parameters (`fbclid`, `utm_*`...) are ignored; an error is a frameable page.
        """
        actors, topic, first, end, series, points, title, attribution, charts, _drawing = _steps(
            args, actor_id, standalone=False)
        actor = actors[0]
        return render_embed(
            "steps", "embed_steps.html", title, args,
            url_for("statements.Statements", actor=actor.id, topic=topic.id,
                    **{"from": first.isoformat(), "to": end.isoformat()}),
            url_for("changes.GetActorChangesCsv", actor_id=actor.id, topics=topic.id,
                    **{"from": first.isoformat(), "to": end.isoformat()}),
            charts=charts, topic=topic, actor=actor, series=series, points=points,
            events=svg.events(series), attribution=attribution,
            svg_url=url_for("charts.StepsSvg", actor_id=actor.id, **_download_query()),
            png_url=url_for("charts.StepsPng", actor_id=actor.id, **_download_query()))


# --- downloads: the same chart standalone, as SVG and as PNG ----------------------------

class DownloadOptions(ma.Schema):
    """What only a download takes: where it will be published."""
    preset = ma.fields.String(load_default="web", validate=ma.validate.OneOf(presets.PRESETS),
                              metadata={"description": (
        "`web` (default): laid out at `width` (default 560), the PNG twice that in pixels; "
        "`social`: a 1200 x 630 card (title, dateline, subtitle, the chart, notes, credit), "
        "the PNG 1200 x 630; `print`: laid out at `width` (default 340) for an 85 mm "
        "column, the SVG sized in mm and the PNG 1004 px wide at 300 dpi.")})


def _svg_file(output: presets.Output) -> str:
    return output.svg


def _png_file(output: presets.Output) -> bytes:
    image = png(output.raster, output.png_width)
    return presets.phys(image, output.dpi) if output.dpi else image


# Per format: its extension, media type, how the preset's output becomes the file,
# the spec's response schema and example, and the words each download's documentation uses.
FORMATS = (
    ("svg", SVG_TYPE, _svg_file,
     {"contentMediaType": SVG_TYPE, "description": "A standalone SVG document."},
     "as an SVG file, with its title, dateline, the desk's words and credit."),
    ("png", PNG_TYPE, _png_file,
     {"contentMediaType": PNG_TYPE, "description": "A PNG image."},
     "as a PNG image: twice its size (`web`), 1200 x 630 (`social`) or 1004 px wide at "
     "300 dpi (`print`)."),
)
PNG_DETAIL = ("The SVG download rasterised (resvg, with the server's fonts), at the size its "
              "preset says.")
FILE_NAMES = ("Named for what it shows and when: "
              "`standpoint-spectrum-peacekeepers-2025-03-20.png`; a `social` or `print` "
              "preset adds its name (`...-2025-03-20-social.png`).")


def chart_downloads(name: str, rule: str, path: list, args: type[ma.Schema], draw,
                    nouns: tuple[str, str], svg_detail: str, svg_example: str) -> None:
    """Register `rule.svg` and `rule.png`: the chart `draw(args, path_id)` returns (a
    presets.Drawing), made for the `preset` asked, as a file named for what it shows
    and its date. `nouns`: what the summary and the response description call the chart."""
    schema = type(f"{name}DownloadArgs", (args, DownloadOptions), {})
    for extension, mimetype, encode, body, words in FORMATS:
        example = svg_example if extension == "svg" else "(PNG image bytes)"
        detail = svg_detail if extension == "svg" else PNG_DETAIL
        view = _download_view(name, extension, mimetype, encode, draw)
        view.get.__doc__ = f"The {nouns[0]} as {extension.upper()}\n\n{detail}\n{FILE_NAMES}"
        get = blp.doc(operationId=f"get{name}{extension.capitalize()}")(view.get)
        get = blp.response(200, body, content_type=mimetype, example=example,
                           description=f"The {nouns[1]} {words}")(get)
        view.get = blp.arguments(schema, location="query")(get)
        blp.route(f"{rule}.{extension}", parameters=path, tags=EMBED_TAG)(view)


def _made(drawing: presets.Drawing, args: dict, question: str) -> presets.Output:
    if args["preset"] == "social":
        return presets.social(drawing, question)
    if args["preset"] == "print":
        return presets.for_print(drawing, args.get("width"))
    return presets.web(drawing, args.get("width"))


def _download_view(name: str, extension: str, mimetype: str, encode, draw) -> type[MethodView]:
    def get(self, args, **path):
        (path_id,) = path.values()
        with svg.theme(args["theme"]):
            drawing, question = draw(args, path_id)
            output = _made(drawing, args, question)
        response = page_response(encode(output), mimetype=mimetype)
        response.headers["Content-Disposition"] = (
            f'inline; filename="{presets.file_name(drawing, args["preset"], extension)}"')
        return response
    return type(f"{name}{extension.capitalize()}", (MethodView,), {"get": get})


chart_downloads(
    "Spectrum", "/topics/<string:topic_id>/spectrum", TOPIC_PATH, SpectrumArgs,
    lambda args, topic_id: (lambda r: (r[-1], r[1].question))(
        _spectrum(args, topic_id, standalone=True)),
    ("spectrum chart", "spectrum"),
    "The same chart as the embeddable page, standalone: title, question and\n"
    "credit inside, in the theme asked (`dark`: the dark page's colours; `auto`: light),\n"
    "with the desk's title (the chart's own, with its date, then follows it), subtitle\n"
    "and notes.", SVG_EXAMPLE)
chart_downloads(
    "Steps", "/actors/<string:actor_id>/steps", ACTOR_PATH, StepsArgs,
    lambda args, actor_id: (lambda r: (r[-1], r[1].question))(
        _steps(args, actor_id, standalone=True)),
    ("step chart", "step chart"),
    "The same chart as the embeddable page, standalone, each point linked to\n"
    "its statement.", SVG_EXAMPLE.replace("spectrum", "steps"))


def _spectrum_heights(args: dict, topic_id: str) -> dict[int, int]:
    placed, charts = (lambda r: (r[4], r[-2]))(_spectrum(args, topic_id, False))
    silent = [p for p in placed if not p.position.statement]
    # Notes hidden (`hide=editors_notes`): each silent party takes a plain line.
    noted = 0 if heights.hidden(args, "editors_notes") else sum(
        1 for p in silent if for_readers(p.position.notes))
    return heights.spectrum(args, charts, noted, len(silent) - noted)


# What oEmbed needs to know of each chart page, by endpoint (web/__init__.py hands it on).
PAGES = {
    "charts.SpectrumPage": EmbedPage(
        SpectrumArgs, lambda args, topic_id: _spectrum(args, topic_id, False)[5],
        lambda args, topic_id: _spectrum_heights(args, topic_id)),
    "charts.StepsPage": EmbedPage(
        StepsArgs, lambda args, actor_id: _steps(args, actor_id, False)[6],
        lambda args, actor_id: heights.steps(args, _steps(args, actor_id, False)[-2])),
}
