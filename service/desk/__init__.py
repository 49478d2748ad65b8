"""The desk: server-rendered pages at /desk/ where editors record, correct and
retract statements and notes, and see who changed what (docs/DESK.md).

It calls the store and the domain directly, never the API over HTTP, and sits
beside api/ and web/: it imports neither, and neither imports it. Forms work
without script; every asset is shipped in the package. The blueprints:
`desk.auth` (signing in and out), `desk.pages` (grid, cell, a record and its
history), `desk.edit` (the writes), `desk.review` (proposals and the review queue),
`desk.sources` (sources: the list, a new one, one read paragraph by paragraph),
`desk.coding` (a statement coded from a source's words, previewed, then proposed or
published), under one parent `desk` whose before_request (`auth.guard`) every desk
request passes.
"""

from __future__ import annotations

import hashlib
import os
from pathlib import Path

from flask import Blueprint, Flask, render_template, url_for

from ..http import security_headers
from ..http.problems import render_problems_as_pages
from . import auth, cli, coding, edit, pages, review, seams, sources

PREFIX = "/desk/"
STATIC = Path(__file__).parent / "static"
# Own files only; forms post to this origin; never framed; the Referer is kept for
# this origin (Flask-WTF compares it with the host on HTTPS) and nobody else.
DESK_HEADERS = {
    "Content-Security-Policy": ("default-src 'none'; style-src 'self'; script-src 'self'; "
                                "img-src 'self' data:; form-action 'self'; "
                                "frame-ancestors 'none'; base-uri 'none'"),
    "Referrer-Policy": "same-origin",
    "X-Frame-Options": "DENY",
}

bp = Blueprint("desk", __name__, url_prefix="/desk", template_folder="templates",
               static_folder="static", static_url_path="/assets")
bp.before_request(auth.guard)
bp.teardown_request(auth.forget)
for child in (auth.bp, pages.bp, edit.bp, review.bp, sources.bp, coding.bp):
    bp.register_blueprint(child)


@bp.context_processor
def _queue_link() -> dict:
    # The header's link to the proposals waiting (base.html), on every desk page.
    return {"queue": seams.review_queue(auth.holder())}


def _error_page(body: dict):
    html = render_template("desk/error.html", problem=body)
    response = Flask.response_class(html, status=body["status"], mimetype="text/html")
    response.headers["Cache-Control"] = "no-store"
    return response


def _secret_key(instance_path: str) -> str:
    """STANDPOINT_SECRET_KEY, or one kept in the instance folder (made once, owner-only):
    every worker of this instance reads the same file, so a cookie signed by one is
    good in another. Several instances need the setting."""
    path = Path(instance_path) / "secret_key"
    path.parent.mkdir(parents=True, exist_ok=True)
    try:
        fd = os.open(path, os.O_WRONLY | os.O_CREAT | os.O_EXCL, 0o600)
    except FileExistsError:
        return path.read_text("ascii").strip()
    with os.fdopen(fd, "w") as file:
        file.write(os.urandom(32).hex())
    return path.read_text("ascii").strip()


def init_app(app: Flask) -> None:
    if not app.config.get("SECRET_KEY"):
        app.config["SECRET_KEY"] = _secret_key(app.instance_path)
    auth.init_app(app)
    app.register_blueprint(bp)
    auth.limit_sign_ins(app)
    for name in ("desk", "desk.auth", "desk.pages", "desk.edit", "desk.review",
                 "desk.sources", "desk.coding"):
        security_headers.override(app, name, DESK_HEADERS)
    render_problems_as_pages(app, PREFIX, _error_page)
    versions = {path.name: hashlib.sha256(path.read_bytes()).hexdigest()[:12]
                for path in STATIC.iterdir() if path.is_file()}

    def desk_asset(name: str) -> str:
        return url_for("desk.static", filename=name, v=versions.get(name, "0"))

    app.jinja_env.globals.update(desk_asset=desk_asset)
    app.cli.add_command(cli.desk_cli)
