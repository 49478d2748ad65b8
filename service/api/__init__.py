"""The HTTP API: flask-smorest wiring, one error handler, one blueprint per resource."""

from __future__ import annotations

import http

from flask import Flask
from flask_smorest import Api
from flask_smorest.utils import prepare_response
from werkzeug.exceptions import HTTPException

from ..http import limits
from ..http.problems import PROBLEM_JSON, ProblemSchema, handle_exception
from . import (actors, auth, changes, comparisons, feed, health, matrix, notes, positions,
               proposals, sources, statements, subscriptions, topics)
from . import cors, csv_format, links, preconditions, proxies
from .spec_plugin import ContractPlugin, HttpCachingPlugin

API_DESCRIPTION = """\
Sourced statements of position by the parties to the Ukraine ceasefire talks on the
questions that decide a deal, and how those positions differ and move.

Every position rests on a statement with its quote, speaker, date and source. A party with
no recorded statement has `no_position`: silence is never turned into a stance.

Errors are RFC 9457 `application/problem+json` documents with a stable `type`.
"""


class StandpointApi(Api):
    """flask-smorest, documenting the errors as the problem+json they really are."""

    ERROR_SCHEMA = ProblemSchema

    def _register_responses(self):
        for status in http.HTTPStatus:
            response = {"description": status.phrase}
            if status >= 400:
                response["schema"] = self.ERROR_SCHEMA
            prepare_response(response, self.spec, PROBLEM_JSON)
            self.spec.components.response(status.name, response, lazy=True)
        response = {"description": "Error (RFC 9457 problem details)", "schema": self.ERROR_SCHEMA}
        prepare_response(response, self.spec, PROBLEM_JSON)
        self.spec.components.response("DEFAULT_ERROR", response, lazy=True)

    def _register_pagination_header(self):
        # Lists are paginated by api/pagination.py (an envelope, Link and
        # X-Total-Count), not by flask-smorest's X-Pagination header: its header
        # and PaginationMetadata schema would be components nothing uses.
        pass

    def register_blueprint(self, blp, *, parameters=None, **options):
        """As flask-smorest registers one, except that a blueprint with no description
        (the charts, whose operations say they are embeds) adds no tag of its own."""
        if blp.description:
            return super().register_blueprint(blp, parameters=parameters, **options)
        self._app.extensions["flask-smorest"]["blp_name_to_api"][blp.name] = self
        self._app.register_blueprint(blp, **options)
        blp.register_views_in_doc(self, self._app, self.spec, name=blp.name,
                                  parameters=parameters)
        return None

    def _register_error_handlers(self):
        # One handler for everything, registered for Exception so that a bug
        # or a database outage still answers in problem+json.
        self._app.register_error_handler(HTTPException, handle_exception)
        self._app.register_error_handler(Exception, handle_exception)


def init_app(app: Flask) -> None:
    app.config.setdefault("API_TITLE", "Standpoint")
    app.config.setdefault("API_VERSION", "1.0.0")
    app.config.setdefault("OPENAPI_VERSION", "3.1.0")
    # The document is served by api/health.py (rendered once, with an ETag) and
    # the docs page by web/: flask-smorest serves neither.
    app.config.setdefault("OPENAPI_URL_PREFIX", None)
    app.config.setdefault("API_SPEC_OPTIONS", {
        "info": {
            "description": API_DESCRIPTION,
            "license": {"name": "MIT", "identifier": "MIT"},
            "contact": {"name": "Standpoint editors"},
        },
        "servers": [{"url": "/", "description": "This server"}],
    })
    api = StandpointApi(app, spec_kwargs={
        "extra_plugins": [HttpCachingPlugin(), limits.RateLimitPlugin(), links.LinksPlugin(),
                          preconditions.PreconditionPlugin(), ContractPlugin()]})
    limits.register_spec_components(api.spec)
    auth.init_app(api)
    for module in (actors, topics, statements, notes, sources, proposals, positions, comparisons,
                   changes, matrix, feed, subscriptions, health):
        api.register_blueprint(module.blp)
    app.extensions["standpoint.api"] = api
    cors.init_app(app)
    csv_format.init_app(app)
    # The client address the per-IP limit counts: the one the trusted proxies saw.
    proxies.init_app(app)
