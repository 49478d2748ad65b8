"""X-Request-ID on every answer, and in every problem body and access-log line.

A caller's id is kept when it is short and plain, so a trace can cross
services; otherwise the server makes one.
"""

from __future__ import annotations

import uuid

from flask import Flask, g, request


def _acceptable(incoming: str) -> bool:
    return 0 < len(incoming) <= 128 and incoming.replace("-", "").replace("_", "").isalnum()


def current_request_id() -> str:
    """This request's id, chosen on first use (an error may need it before any hook ran)."""
    if "request_id" not in g:
        incoming = request.headers.get("X-Request-ID", "")
        g.request_id = incoming if _acceptable(incoming) else uuid.uuid4().hex
    return g.request_id


def _send_request_id(response):
    # gunicorn's access log prints this response header (gunicorn.conf.py).
    response.headers["X-Request-ID"] = current_request_id()
    return response


def init_app(app: Flask) -> None:
    app.after_request(_send_request_id)
