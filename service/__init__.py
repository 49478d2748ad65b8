"""Standpoint: who stands where in the Ukraine ceasefire talks, and since when."""

from __future__ import annotations

from typing import Any

from flask import Flask

from .config import Config


def create_app(overrides: dict[str, Any] | None = None) -> Flask:
    """Application factory: settings from the environment, then `overrides`."""
    app = Flask(__name__, instance_relative_config=True)
    app.config.from_mapping(Config.from_env(app.instance_path))
    if overrides:
        app.config.update(overrides)
    app.json.sort_keys = False  # keep the documented field order
    app.json.ensure_ascii = False  # UTF-8 text, not \u escapes

    from . import api, cli, database, desk, http, web

    database.init_app(app)
    http.init_app(app)  # the hooks every request passes, pages and API alike
    api.init_app(app)
    web.init_app(app)
    desk.init_app(app)  # the newsroom's pages, beside the API and the embeds
    cli.init_app(app, create_app)
    return app
