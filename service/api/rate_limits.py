"""Rate limits (flask-limiter): per client IP always, and per API key when a Bearer key is sent.

Limits apply across the whole API (one budget per client, not per route), in
memory by default and in Redis when REDIS_URL is set, so that every instance
behind a load balancer shares one count. If Redis stops answering, the limiter
falls back to in-memory counts rather than failing requests.

Headers follow the X-RateLimit-* convention (as GitHub and flask-limiter use it):
X-RateLimit-Limit, X-RateLimit-Remaining and X-RateLimit-Reset (Unix time, seconds)
on every limited answer, and Retry-After (delta-seconds) on a 429.
"""

from __future__ import annotations

import copy
import hashlib
import math
import time

from apispec import BasePlugin
from flask import Flask, request
from flask_limiter import ApplicationLimit, Limiter

from .http_cache import NO_STORE_PATHS

# Probes and the contract are never limited: an orchestrator must always get through.
EXEMPT_PATHS = NO_STORE_PATHS | {"/openapi.yaml", "/openapi.json"}
EXEMPT_PREFIXES = ("/docs",)

RATE_LIMIT_HEADERS = {
    "X-RateLimit-Limit": {"description": "Requests allowed in the current window.",
                          "schema": {"type": "integer"}},
    "X-RateLimit-Remaining": {"description": "Requests left in the current window.",
                              "schema": {"type": "integer"}},
    "X-RateLimit-Reset": {"description": "When the window resets (Unix time, seconds).",
                          "schema": {"type": "integer"}},
}
RETRY_AFTER = {"description": "Seconds to wait before retrying.", "required": True,
               "schema": {"type": "integer", "minimum": 0}}


def client_ip() -> str:
    return request.remote_addr or "unknown"


def api_key_identity() -> str:
    """A digest of the Bearer key, so the raw secret never reaches the limiter's storage."""
    token = request.headers.get("Authorization", "")[len("Bearer "):].strip()
    return hashlib.sha256(token.encode("utf-8", "replace")).hexdigest()[:32]


def _no_bearer() -> bool:
    return not request.headers.get("Authorization", "").startswith("Bearer ")


def _exempt() -> bool:
    return request.path in EXEMPT_PATHS or request.path.startswith(EXEMPT_PREFIXES)


def _add_headers(limiter: Limiter, response):
    current = limiter.current_limit
    if current is None:
        return response
    try:
        reset_at = current.window[0]  # when the window ends, Unix time
        response.headers["X-RateLimit-Limit"] = str(current.limit.amount)
        response.headers["X-RateLimit-Remaining"] = str(max(0, current.remaining))
        response.headers["X-RateLimit-Reset"] = str(math.ceil(reset_at))
        if response.status_code == 429:
            response.headers["Retry-After"] = str(max(1, math.ceil(reset_at - time.time())))
    except Exception:  # storage gone mid-request: the answer matters more than its headers
        if response.status_code == 429:
            response.headers["Retry-After"] = "1"
    return response


def init_app(app: Flask) -> Limiter:
    config = app.config
    limiter = Limiter(
        key_func=client_ip,
        application_limits=[
            ApplicationLimit(limit_provider=config["RATE_LIMIT_PER_IP"], key_function=client_ip, scope="ip",
                             error_message=f"Rate limit of {config['RATE_LIMIT_PER_IP']} per client IP "
                                           "spent; retry after Retry-After seconds."),
            ApplicationLimit(limit_provider=config["RATE_LIMIT_PER_KEY"], key_function=api_key_identity,
                             scope="key", exempt_when=_no_bearer,
                             error_message=f"Rate limit of {config['RATE_LIMIT_PER_KEY']} per API key "
                                           "spent; retry after Retry-After seconds."),
        ],
        storage_uri=config.get("REDIS_URL") or "memory://",
        strategy="fixed-window",
        key_prefix="standpoint",
        headers_enabled=False,  # _add_headers writes them, Retry-After on 429 only
        swallow_errors=True,
        in_memory_fallback_enabled=True,
        enabled=config["RATE_LIMIT_ENABLED"],
    )
    limiter.request_filter(_exempt)
    limiter.init_app(app)
    app.after_request(lambda response: _add_headers(limiter, response))
    app.extensions["standpoint.limiter"] = limiter
    return limiter


class RateLimitPlugin(BasePlugin):
    """Documents the limits on every limited operation: headers on success, 429 with Retry-After."""

    def operation_helper(self, path=None, operations=None, **kwargs):
        if path in EXEMPT_PATHS or (path or "").startswith(EXEMPT_PREFIXES):
            return
        for operation in (operations or {}).values():
            responses = operation.setdefault("responses", {})
            for status, response in responses.items():
                if str(status).startswith("2") and isinstance(response, dict):
                    response.setdefault("headers", {}).update(copy.deepcopy(RATE_LIMIT_HEADERS))
            responses[429] = "RATE_LIMITED"


def register_spec_components(spec) -> None:
    """The 429 answer, a problem+json with Retry-After and the limit headers."""
    spec.components.response("RATE_LIMITED", {
        "description": "Too Many Requests: a rate limit is spent; retry after Retry-After seconds.",
        "headers": {"Retry-After": copy.deepcopy(RETRY_AFTER), **copy.deepcopy(RATE_LIMIT_HEADERS)},
        "content": {"application/problem+json": {"schema": {"$ref": "#/components/schemas/Problem"}}},
    })
