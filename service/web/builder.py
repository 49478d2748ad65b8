"""GET /embed/builder: a graphics desk makes an embed without writing a URL.

A server-rendered GET form, so its state is its URL: a link to the builder
reopens the same embed, and without script it is a form that answers with the
code. The answer is the embed's URL, the iframe code, its oEmbed URL and, for
the charts, the SVG and PNG downloads of each preset; then previews of the real
embed at 320, 360, 640 and 1280 px. Without script the code starts the frame
at the estimated heights (web/heights.py) and tall enough for a 280 px frame,
so nothing is cut off; static/builder.js reads the heights the previews report
(the embeds' own resize messages), writes them into the code, and refreshes
the answer as the form changes.
"""

from __future__ import annotations

import marshmallow as ma
from flask import Response, current_app, render_template, request, url_for
from flask.views import MethodView

from .. import database
from ..http.args import Blueprint, IdList
from ..http.dates import RecordDate
from ..http.problems import Problem
from . import heights, oembed
from .embed import DETAILS, HIDEABLE, THEMES, EmbedOptions, html_page, page_response
from .i18n import LANGUAGES, use_language
from .snippet import embed_code

blp = Blueprint("builder", __name__, url_prefix="/embed")

VIEWS = ("matrix", "compare", "timeline", "spectrum", "steps")
VIEW_WORDS = {
    "matrix": "Matrix: who stands where, parties x questions",
    "compare": "Compare: parties side by side, fault lines marked (2 to 8 parties)",
    "timeline": "Timeline: how one party moved (the first party ticked)",
    "spectrum": "Spectrum chart: the parties on one question's scale (the first question ticked)",
    "steps": "Step chart: one party on one question over time (first party and question; "
             "up to 4 more parties drawn)",
}
HIDE_WORDS = {"editors_notes": "Editors' notes (why a party has no position)",
              "data_links": "Data links (CSV, JSON)", "downloads": "Download links (charts)"}
LANGUAGE_NAMES = {"en": "English", "fr": "Français", "de": "Deutsch", "uk": "Українська"}
THEME_WORDS = {"light": "Light", "dark": "Dark", "auto": "The reader's setting"}
PREVIEW_WIDTHS = (320, 360, 640, 1280)
# Measured too, out of sight: a phone's frame is narrower than the phone (the article's
# margins: 304 px on a 320 px phone), and a column between 640 and 1280 may cross one
# of the page's breakpoints; the snippet interpolates between the widths it is given.
MEASURED_WIDTHS = (280, 320, 360, 480, 640, 960, 1280)
CHARTS = {"spectrum": "charts.SpectrumPage", "steps": "charts.StepsPage"}


class BuilderArgs(EmbedOptions):
    """The builder's form: which embed, then every option the embed takes."""

    view = ma.fields.String(load_default="matrix", validate=ma.validate.OneOf(VIEWS), metadata={
        "description": "Which embed: " + ", ".join(f"`{v}`" for v in VIEWS) + "."})
    actors = IdList(metadata={
        "description": "The parties ticked, in order (repeated, as a form sends them, or "
                       "comma-separated). Timeline and steps: the first is the party.",
        "example": ["uk", "russia"]})
    topics = IdList(metadata={
        "description": "The questions ticked. Spectrum and steps: the first is the question.",
        "example": ["peacekeepers"]})
    date = RecordDate(metadata={
        "description": "The embed's date (`as_of`, or `to` for a timeline or step chart); "
                       "left out: the latest, and the embed follows the record.",
        "example": "2025-03-20"})
    from_ = RecordDate(data_key="from", metadata={
        "description": "Timeline and steps: the first day shown.", "example": "2025-03-01"})

    empty_is_absent = True


def _target(args: dict) -> tuple[str, dict, dict] | str:
    """The embed the form describes: its endpoint, path ids and query; or, when the
    form cannot make one yet, what is missing, in words."""
    view, actors, topics = args["view"], args.get("actors") or [], args.get("topics") or []
    date = args.get("date")
    query: dict = {}
    path: dict = {}
    if view in ("matrix", "compare", "spectrum") and date:
        query["as_of"] = date.isoformat()
    if view in ("timeline", "steps"):
        if args.get("from_"):
            query["from"] = args["from_"].isoformat()
        if date:
            query["to"] = date.isoformat()
    if view in ("matrix", "compare"):
        if view == "compare" and len(actors) < 2:
            return "A comparison needs at least two parties: tick them under Parties."
        endpoint = f"embed.{view.title()}Page"
        query.update({k: ",".join(v) for k, v in (("actors", actors), ("topics", topics)) if v})
    elif view == "timeline":
        if not actors:
            return "A timeline follows one party: tick it under Parties."
        endpoint, path = "embed.TimelinePage", {"actor_id": actors[0]}
        if topics:
            query["topics"] = ",".join(topics)
    elif view == "spectrum":
        if not topics:
            return "A spectrum shows one question: tick it under Questions."
        endpoint, path = "charts.SpectrumPage", {"topic_id": topics[0]}
        if actors:
            query["actors"] = ",".join(actors)
    else:
        if not actors or not topics:
            return "A step chart follows one party on one question: tick both."
        endpoint, path = "charts.StepsPage", {"actor_id": actors[0]}
        query["topic"] = topics[0]
        if actors[1:]:
            query["actors"] = ",".join(actors[1:5])
    # The desk's options, only where they differ from the embed's defaults.
    for key in ("title", "subtitle", "notes"):
        if args.get(key):
            query[key] = args[key]
    if args["theme"] != "light":
        query["theme"] = args["theme"]
    if args["lang"] != "en":
        query["lang"] = args["lang"]
    if args["detail"] != "compact" and view not in CHARTS:
        query["detail"] = args["detail"]
    if args.get("hide"):
        query["hide"] = ",".join(args["hide"])
    return endpoint, path, query


def _downloads(endpoint: str, path: dict, query: dict) -> list[dict]:
    """Each preset's SVG and PNG of a chart, with the page's own options."""
    name = endpoint.split(".")[1].removesuffix("Page")
    options = {k: v for k, v in query.items() if k != "hide"}
    return [{"preset": preset, **{
        extension: oembed.public_base() + url_for(
            f"charts.{name}{extension.capitalize()}", **path, **options,
            **({} if preset == "web" else {"preset": preset}))
        for extension in ("svg", "png")}} for preset in ("web", "social", "print")]


def _answer(args: dict) -> dict:
    """What the form makes: the embed's URL and code, or what stands in the way."""
    target = _target(args)
    if isinstance(target, str):
        return {"error": target}
    endpoint, path, query = target
    url = oembed.public_base() + url_for(endpoint, **path, **query)
    try:
        page, page_args, view_args = oembed._embed_page(url)
        use_language(page_args["lang"])
        title = page.title(page_args, **view_args)
        by_width = page.heights(page_args, **view_args)
    except Problem as problem:
        return {"error": problem.description}
    # Without script, tall enough for the narrowest frame: nothing is cut off anywhere.
    tallest = heights.at_width(by_width, MEASURED_WIDTHS[0])
    estimated = {width: heights.at_width(by_width, width) for width in MEASURED_WIDTHS}
    return {
        "url": url, "title": title,
        "code": embed_code(url, title, PREVIEW_WIDTHS[-1], tallest, estimated),
        "oembed": oembed.public_base() + url_for("oembed.OEmbed", url=url, format="json"),
        "downloads": _downloads(endpoint, path, query) if endpoint in CHARTS.values() else [],
        "previews": {width: (height, width in PREVIEW_WIDTHS)
                     for width, height in estimated.items()},
    }


def _policy() -> str:
    """The builder frames the embeds (and the public address, when it is another) and
    submits its form to itself; it is not itself for framing."""
    public = current_app.config.get("PUBLIC_URL") or ""
    frames = " ".join(filter(None, ("'self'", public)))
    return (f"default-src 'none'; script-src 'self'; style-src 'self'; img-src 'self' data:; "
            f"frame-src {frames}; connect-src 'self'; form-action 'self'; base-uri 'none'; "
            f"frame-ancestors 'none'")


@blp.route("/builder", tags=["embed"])
class Builder(MethodView):
    @blp.arguments(BuilderArgs, location="query")
    @html_page(blp, "getEmbedBuilder", "The form, the embed's code and its live previews.")
    def get(self, args):
        """Embed builder: make an embed's code

        A form (GET: its state is its URL, so a link reopens the same embed) for
        the view, parties, questions, date, theme, language, the desk's words and
        the reader options; it answers with the embed's URL, the iframe code, the
        oEmbed URL, the charts' SVG and PNG downloads for each preset, and previews
        of the real embed at 320, 360, 640 and 1280 px. Works without script; its
        script (shipped with the service) refreshes the answer as the form changes
        and writes the heights the previews report into the code.
        """
        record = database.record()
        answer = _answer(args)
        use_language("en")  # the builder's own words; the embed speaks `lang`
        html = render_template(
            "builder.html", args=args, answer=answer, views=VIEW_WORDS,
            actors=list(record.actors.values()), topics=list(record.topics.values()),
            themes={t: THEME_WORDS[t] for t in THEMES}, languages={
                code: LANGUAGE_NAMES.get(code, code) for code in LANGUAGES},
            details=DETAILS, hideable={h: HIDE_WORDS[h] for h in HIDEABLE},
            home_url=url_for("index.Front"))
        response = page_response(html)
        response.headers["Content-Security-Policy"] = _policy()
        response.headers["Content-Language"] = "en"
        return response
