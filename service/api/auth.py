"""Bearer API keys for the write operations; reads stay open.

`@requires(blp, "editor")` checks the key before anything else about the
request (so a missing key is 401 even when the body is wrong too), then that
the body is JSON (415), and documents the operation's security, 401, 403 and
415 in the spec.
"""

from __future__ import annotations

import functools

from flask import g, request

from .. import database
from ..http.problems import Problem
from ..store import keys

SCHEME = "bearerAuth"
SECURITY_SCHEME = {
    "type": "http",
    "scheme": "bearer",
    "description": "An API key made with `flask --app service keys create`. "
                   "Scope `editor` may write statements; `admin` also actors, topics and "
                   "webhook subscriptions.",
}
CHALLENGE = {"WWW-Authenticate": 'Bearer realm="standpoint"'}


def current_key() -> keys.ApiKey:
    return g.api_key


def _authenticate(scope: str) -> keys.ApiKey:
    header = request.headers.get("Authorization", "")
    kind, _, token = header.partition(" ")
    if kind.lower() != "bearer" or not token.strip():
        raise Problem(401, "unauthorized", "This operation needs `Authorization: Bearer <api key>`.",
                      headers=CHALLENGE)
    key = keys.authenticate(database.engine(), token.strip())
    if key is None:
        raise Problem(401, "unauthorized", "The API key is unknown or revoked.",
                      headers={"WWW-Authenticate": CHALLENGE["WWW-Authenticate"]
                               + ', error="invalid_token"'})
    if not key.allows(scope):
        raise Problem(403, "forbidden", f"The key '{key.name}' lacks the scope '{scope}'.",
                      headers={"WWW-Authenticate": CHALLENGE["WWW-Authenticate"]
                               + f', error="insufficient_scope", scope="{scope}"'})
    return key


def requires(blp, scope: str, body: bool = True):
    """`body=False` for operations that take no body (admin reads, a DELETE)."""
    def decorator(view):
        @functools.wraps(view)
        def wrapper(*args, **kwargs):
            g.api_key = _authenticate(scope)
            if body and request.mimetype != "application/json":
                raise Problem(415, "unsupported-media-type", "Send the body as application/json.")
            return view(*args, **kwargs)

        wrapper = blp.doc(security=[{SCHEME: []}])(wrapper)
        wrapper = blp.alt_response(401, response="UNAUTHORIZED")(wrapper)
        wrapper = blp.alt_response(403, response="FORBIDDEN")(wrapper)
        if body:
            wrapper = blp.alt_response(415, response="UNSUPPORTED_MEDIA_TYPE")(wrapper)
        return wrapper

    return decorator


def init_app(api) -> None:
    api.spec.components.security_scheme(SCHEME, SECURITY_SCHEME)
