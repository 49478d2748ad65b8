"""Bearer API keys for the write operations; reads stay open.

`@requires(blp, "editor")` checks the key before anything else about the
request (so a missing key is 401 even when the body is wrong too), then that
the body is JSON (415), and documents the operation's security, 401, 403 and
415 in the spec.
"""

from __future__ import annotations

import functools

from flask import current_app, g, request

from .. import database
from ..http.problems import Problem
from ..store import keys

SCHEME = "bearerAuth"
SECURITY_SCHEME = {
    "type": "http",
    "scheme": "bearer",
    "description": "An API key made with `flask --app service keys create`. "
                   "Scope `reporter` may propose statements and notes (/v1/proposals); "
                   "`editor` may also write them and review proposals; `admin` also "
                   "actors, topics and webhook subscriptions.",
}
CHALLENGE = {"WWW-Authenticate": 'Bearer realm="standpoint"'}


def current_key() -> keys.ApiKey:
    return g.api_key


PROPOSALS = "/v1/proposals"


def _authenticate(scope: str, reviewed: bool) -> keys.ApiKey:
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
        detail = f"The key '{key.name}' lacks the scope '{scope}'."
        raise Problem(403, "forbidden", detail + (
                          f" Propose this write for review instead: POST {PROPOSALS}."
                          if reviewed else ""),
                      proposals=PROPOSALS if reviewed else None,
                      headers={"WWW-Authenticate": CHALLENGE["WWW-Authenticate"]
                               + f', error="insufficient_scope", scope="{scope}"'})
    # Admins still write directly: the operators who import the record and must be
    # able to correct it at once when nobody else is there to review.
    if reviewed and current_app.config["REVIEW_REQUIRED"] and key.scope != "admin":
        raise Problem(403, "review-required",
                      "Statements and notes are published through review here: propose "
                      f"this write at POST {PROPOSALS}, and another editor approves it.",
                      proposals=PROPOSALS)
    return key


def requires(blp, scope: str, body: bool = True, reviewed: bool = False):
    """`body=False` for operations that take no body (admin reads, a DELETE);
    `reviewed` for the direct writes a proposal can make instead (statements and
    notes), which STANDPOINT_REVIEW_REQUIRED keeps to admins."""
    def decorator(view):
        @functools.wraps(view)
        def wrapper(*args, **kwargs):
            g.api_key = _authenticate(scope, reviewed)
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
