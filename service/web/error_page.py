"""Errors on embed routes as small frameable pages, never JSON in a frame.

The problem is the same one the API would send (http/problems.py renders it
through here for paths under /embed/): its status, what was wrong, the field
errors; plus the valid ids and working example addresses, so whoever pasted
a mistyped URL sees how to fix it, in the frame, in the page's language and
theme when those parameters were valid.
"""

from __future__ import annotations

import logging

from flask import Response, render_template, request, url_for

from .. import database
from .embed import THEMES, page_response
from .i18n import supported, use_language

log = logging.getLogger("standpoint")


def _valid_ids(body: dict) -> tuple[list[str], list[str]]:
    """Actor and topic ids, if the database answers (not when it is the problem)."""
    if body["status"] >= 500:
        return [], []
    try:
        record = database.record()
        return sorted(record.actors), sorted(record.topics)
    except Exception:  # noqa: BLE001 - an error page must render whatever else fails
        return [], []


def render(body: dict) -> Response:
    lang = supported(request.args.get("lang"))
    use_language(lang)
    theme = request.args.get("theme", "light")
    actors, topics = _valid_ids(body)
    pair = [a for a in ("uk", "russia") if a in actors] if len(actors) > 1 else []
    pair = pair if len(pair) == 2 else actors[:2]
    try:
        html = render_template(
            "embed_error.html", problem=body, lang=lang, actors=actors, topics=topics,
            theme=theme if theme in THEMES else "light", home_url=url_for("index.Front"),
            examples=[url_for("embed.MatrixPage"),
                      url_for("embed.ComparePage", actors=",".join(pair) or "uk,russia"),
                      url_for("embed.TimelinePage", actor_id=(pair or ["uk"])[0])])
    except Exception:  # noqa: BLE001
        log.exception("the embed error page failed to render")
        html = (f"<!doctype html><html lang=\"en\"><title>{body['title']}</title>"
                f"<p>{body['status']} {body['title']}</p></html>")
    response = page_response(html, body["status"])
    response.headers["Cache-Control"] = "no-store"
    return response
