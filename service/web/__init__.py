"""Pages for people: the API documentation UI and the embeddable pages,
with every asset shipped in the package (no CDN at run time)."""

from __future__ import annotations

import hashlib
from pathlib import Path

from flask import Blueprint, Flask, send_from_directory, url_for
from swagger_ui_bundle import swagger_ui_path

from . import embed, filters, oembed
from .palette import stance_class

bp = Blueprint("web", __name__)
STATIC = Path(__file__).parent / "static"
# Asset URLs carry a digest of the file, so browsers may keep them for a year
# and still fetch the new file the moment it changes.
ASSET_MAX_AGE = 365 * 86400


@bp.get("/docs/assets/<path:filename>")
def docs_asset(filename: str):
    # Swagger UI from the swagger-ui-bundle package: no CDN at run time.
    return send_from_directory(swagger_ui_path, filename, max_age=86400)


@bp.get("/embed/assets/<path:filename>")
def embed_asset(filename: str):
    return send_from_directory(STATIC, filename, max_age=ASSET_MAX_AGE)


def _asset_versions() -> dict[str, str]:
    return {path.name: hashlib.sha256(path.read_bytes()).hexdigest()[:12]
            for path in STATIC.iterdir() if path.is_file()}


def init_app(app: Flask) -> None:
    app.register_blueprint(bp)
    api = app.extensions["standpoint.api"]
    api.register_blueprint(embed.blp)
    api.register_blueprint(oembed.blp)
    filters.register(app)
    versions = _asset_versions()

    def asset_url(name: str) -> str:
        return url_for("web.embed_asset", filename=name, v=versions.get(name, "0"))

    app.jinja_env.globals.update(asset_url=asset_url, stance_class=stance_class)
