"""X-Request-ID on every answer, and in every problem body and access-log line.

A WSGI middleware rather than Flask hooks, so that answers which never reach
Flask's request handling (the response cache's hits, see http_cache.py) carry
their id too. A caller's id is kept when it is short and plain, so a trace can
cross services; otherwise the server makes one.
"""

from __future__ import annotations

import random

from flask import request

ENVIRON_KEY = "standpoint.request_id"


def _acceptable(incoming: str) -> bool:
    return 0 < len(incoming) <= 128 and incoming.replace("-", "").replace("_", "").isalnum()


class RequestIdMiddleware:
    def __init__(self, wsgi_app):
        self.wsgi_app = wsgi_app

    def __call__(self, environ, start_response):
        incoming = environ.get("HTTP_X_REQUEST_ID", "")
        # 128 random bits, like uuid4, without a system call: an id must be
        # unique, not secret, and CPython reseeds `random` in every forked worker.
        request_id = incoming if _acceptable(incoming) else f"{random.getrandbits(128):032x}"
        environ[ENVIRON_KEY] = request_id

        def start_with_id(status, headers, exc_info=None):
            headers.append(("X-Request-ID", request_id))
            return start_response(status, headers, exc_info)

        return self.wsgi_app(environ, start_with_id)


def current_request_id() -> str:
    """This request's id, inside a Flask request."""
    return request.environ.get(ENVIRON_KEY, "")


def init_app(app) -> None:
    app.wsgi_app = RequestIdMiddleware(app.wsgi_app)
