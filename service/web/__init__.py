"""Pages for people: the API documentation UI, with its assets shipped locally."""

from __future__ import annotations

from flask import Blueprint, Flask, send_from_directory
from swagger_ui_bundle import swagger_ui_path

bp = Blueprint("web", __name__)


@bp.get("/docs/assets/<path:filename>")
def docs_asset(filename: str):
    # Swagger UI from the swagger-ui-bundle package: no CDN at run time.
    return send_from_directory(swagger_ui_path, filename, max_age=86400)


def init_app(app: Flask) -> None:
    app.register_blueprint(bp)
