"""RFC 9457 problem details: the one error shape the server sends and the spec documents.

Every error, whatever raised it (webargs validation, a 404 from routing, a
database outage, a bug), goes through `handle_exception` and leaves as
application/problem+json with a stable `type` clients can branch on.
"""

from __future__ import annotations

import http
import logging

import marshmallow as ma
import sqlalchemy.exc
from flask import current_app, request
from werkzeug.exceptions import HTTPException, InternalServerError, MethodNotAllowed

from ..metrics import DATABASE_ERRORS
from ..store.engine import cannot_write
from .request_id import current_request_id

PROBLEM_JSON = "application/problem+json"
log = logging.getLogger("standpoint")

# Default `type` slug for each status; a raise site may name a finer one.
SLUGS = {
    400: "invalid-request",
    401: "unauthorized",
    403: "forbidden",
    404: "not-found",
    405: "method-not-allowed",
    406: "not-acceptable",
    409: "conflict",
    412: "precondition-failed",
    413: "payload-too-large",
    414: "uri-too-long",
    415: "unsupported-media-type",
    422: "unprocessable",
    428: "precondition-required",
    429: "rate-limited",
    431: "headers-too-large",
    500: "internal-error",
    503: "unavailable",
}


class ProblemSchema(ma.Schema):
    """RFC 9457 problem details, with the field errors and valid ids Standpoint adds."""

    type = ma.fields.String(
        required=True,
        metadata={"description": "Stable identifier of the kind of problem (URI reference).",
                  "example": "/problems/unknown-actor"},
    )
    title = ma.fields.String(required=True, metadata={"example": "Not Found"})
    status = ma.fields.Integer(required=True, metadata={"example": 404})
    detail = ma.fields.String(
        required=True, metadata={"example": "No actor 'narnia'. Valid ids: france, germany, ..."}
    )
    instance = ma.fields.String(
        required=True, metadata={"description": "The request path that met the problem."}
    )
    request_id = ma.fields.String(
        required=True,
        metadata={"description": "Also sent as the X-Request-ID header; quote it when reporting."},
    )
    errors = ma.fields.Dict(
        keys=ma.fields.String(),
        metadata={
            "description": "Field errors, by field name, as marshmallow reports them.",
            "example": {"as_of": ["Not a valid date."]},
        },
    )
    valid_ids = ma.fields.List(
        ma.fields.String(), metadata={"description": "For unknown ids: the ids that exist."}
    )
    statements = ma.fields.List(
        ma.fields.String(),
        metadata={"description": "For conflicts over a topic's scale: the statements in the way."},
    )
    proposals = ma.fields.String(metadata={
        "description": "For a direct write this key may not make: where to propose it for "
                       "review instead.", "example": "/v1/proposals"})


class Problem(HTTPException):
    """Raise from anywhere to answer with a problem: `Problem(404, 'unknown-actor', ...)`."""

    def __init__(self, status: int, slug: str | None = None, detail: str | None = None,
                 headers: dict | None = None, **extensions):
        super().__init__(description=detail)
        self.code = status
        self.slug = slug or SLUGS.get(status, "error")
        self.extensions = extensions
        self.extra_headers = headers or {}


def _flatten(messages: dict) -> dict:
    """webargs nests errors by location ({'query': {'as_of': [...]}}); clients
    want them by field."""
    flat: dict = {}
    for location, fields in messages.items():
        if isinstance(fields, dict) and location in ("query", "json", "headers", "form", "view_args", "path"):
            flat.update(fields)
        else:
            flat[location] = fields
    return flat


def problem_body(status: int, slug: str, detail: str, **extensions) -> dict:
    body = {
        "type": current_app.config["PROBLEM_TYPE_BASE"] + slug,
        "title": http.HTTPStatus(status).phrase,
        "status": status,
        "detail": detail,
        "instance": request.path,
        "request_id": current_request_id(),
    }
    body.update({k: v for k, v in extensions.items() if v is not None})
    return body


PAGE_RENDERERS = "standpoint.problem_pages"


def render_problems_as_pages(app, path_prefix: str, render) -> None:
    """Under `path_prefix`, problems leave as `render(body)`: the same problem,
    as a page a person sees (the embeds: an iframe cannot show JSON)."""
    app.extensions.setdefault(PAGE_RENDERERS, {})[path_prefix] = render


def problem_response(status: int, slug: str, detail: str, headers: dict | None = None,
                     **extensions):
    body = problem_body(status, slug, detail, **extensions)
    render = next((render for prefix, render in current_app.extensions.get(PAGE_RENDERERS, {}).items()
                   if request.path.startswith(prefix)), None)
    if render is not None:
        response = render(body)
    else:
        response = current_app.json.response(body)
        response.mimetype = PROBLEM_JSON
    response.status_code = status
    for name, value in (headers or {}).items():
        response.headers[name] = value
    return response


def handle_exception(error: Exception):
    if isinstance(error, Problem):
        return problem_response(error.code, error.slug, error.description or "",
                                error.extra_headers, **error.extensions)
    if isinstance(error, sqlalchemy.exc.DBAPIError) and cannot_write(error.orig):
        # The pool has already dropped the connection (store/engine.py): a retry
        # gets a fresh one, which writes as soon as the disk or database allows.
        log.warning("database cannot write: %s", error.orig)
        DATABASE_ERRORS.labels("read-only").inc()
        return problem_response(503, "database-read-only",
                                "The database cannot take writes right now (reads still "
                                "work); retry shortly.", {"Retry-After": "5"})
    if isinstance(error, sqlalchemy.exc.OperationalError | sqlalchemy.exc.InterfaceError):
        log.warning("database unavailable: %s", error.__class__.__name__)
        DATABASE_ERRORS.labels("unavailable").inc()
        return problem_response(503, "database-unavailable",
                                "The database cannot be reached right now; retry shortly.",
                                {"Retry-After": "5"})
    if not isinstance(error, HTTPException):
        log.exception("unhandled error", exc_info=error)
        error = InternalServerError()
    status = error.code or 500
    data = getattr(error, "data", None) or {}
    errors = data.get("errors") or data.get("messages")
    detail = data.get("message") or error.description or http.HTTPStatus(status).phrase
    if errors:
        errors = _flatten(errors)
        detail = "Invalid request: " + "; ".join(
            f"{field}: {_first_message(msgs)}" for field, msgs in errors.items()
        )
    headers = dict(data.get("headers") or {})
    if isinstance(error, MethodNotAllowed) and error.valid_methods:
        headers["Allow"] = ", ".join(error.valid_methods)
    if status == 500:
        detail = "Something went wrong on our side; it has been logged."
    return problem_response(status, SLUGS.get(status, "error"), detail, headers, errors=errors)


def _first_message(messages) -> str:
    if isinstance(messages, list) and messages:
        return str(messages[0])
    if isinstance(messages, dict) and messages:
        key, value = next(iter(messages.items()))
        return f"{key}: {_first_message(value)}"
    return str(messages)
