"""Pages for people: the API documentation UI and the embeddable pages,
with every asset shipped in the package (no CDN at run time)."""

from __future__ import annotations

import hashlib
from pathlib import Path

from flask import Blueprint, Flask, render_template, send_from_directory, url_for

from ..http import security_headers
from ..http.problems import render_problems_as_pages
from . import builder, charts, embed, error_page, filters, front, i18n, oembed
from .palette import stance_class
from .spec import EmbedErrorPagesPlugin

bp = Blueprint("web", __name__)
STATIC = Path(__file__).parent / "static"
# Swagger UI 5 (npm swagger-ui-dist, copied by `npm run vendor:swagger-ui` with
# its LICENSE and NOTICE) and our initialiser and stylesheet for it.
DOCS_STATIC = STATIC / "docs"
# Asset URLs carry a digest of the file, so browsers may keep them for a year
# and still fetch the new file the moment it changes.
ASSET_MAX_AGE = 365 * 86400
# The /docs page (this "web" blueprint): Swagger UI's script and stylesheet and our
# initialiser, all files from this origin (no inline script); its SVG icons as
# data: images; fetches of /openapi.json and of "Try it out" requests from this origin.
DOCS_CSP = ("default-src 'none'; script-src 'self'; style-src 'self'; img-src 'self' data:; "
            "connect-src 'self'; frame-ancestors 'none'; base-uri 'none'; form-action 'none'")
# The front page (the "index" blueprint): our own stylesheet, links, nothing else.
FRONT_CSP = ("default-src 'none'; style-src 'self'; img-src 'self' data:; base-uri 'none'; "
             "form-action 'none'; frame-ancestors 'none'")


@bp.get("/docs")
def docs():
    """The API documentation: Swagger UI on the served OpenAPI document."""
    return render_template("docs.html", spec_url=url_for("operations.ContractJson"),
                           yaml_url=url_for("operations.Contract"),
                           home_url=url_for("index.Front"))


@bp.get("/docs/assets/<path:filename>")
def docs_asset(filename: str):
    return send_from_directory(DOCS_STATIC, filename, max_age=ASSET_MAX_AGE)


@bp.get("/embed/assets/<path:filename>")
def embed_asset(filename: str):
    return send_from_directory(STATIC, filename, max_age=ASSET_MAX_AGE)


def _asset_versions(folder: Path = STATIC) -> dict[str, str]:
    return {path.name: hashlib.sha256(path.read_bytes()).hexdigest()[:12]
            for path in folder.iterdir() if path.is_file()}


def init_app(app: Flask) -> None:
    app.register_blueprint(bp)
    security_headers.override(app, "web", {"Content-Security-Policy": DOCS_CSP})
    security_headers.override(app, "index", {"Content-Security-Policy": FRONT_CSP})
    i18n.init_app(app)
    # An iframe cannot show JSON: problems on embed routes are pages.
    render_problems_as_pages(app, "/embed/", error_page.render)
    api = app.extensions["standpoint.api"]
    api.spec.plugins.append(EmbedErrorPagesPlugin())
    api.register_blueprint(front.blp)
    api.register_blueprint(embed.blp)
    api.register_blueprint(charts.blp)  # documented under the embeds' tag: no tag of its own
    api.register_blueprint(builder.blp)  # under the embeds' tag too
    api.register_blueprint(oembed.blp)
    oembed.init_app(app, {**embed.PAGES, **charts.PAGES})
    filters.register(app)
    versions = _asset_versions()
    docs_versions = _asset_versions(DOCS_STATIC)

    def asset_url(name: str) -> str:
        return url_for("web.embed_asset", filename=name, v=versions.get(name, "0"))

    def docs_asset_url(name: str) -> str:
        return url_for("web.docs_asset", filename=name, v=docs_versions.get(name, "0"))

    app.jinja_env.globals.update(asset_url=asset_url, docs_asset_url=docs_asset_url,
                                 stance_class=stance_class)
