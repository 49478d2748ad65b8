"""Rate limits with flask-limiter: per client IP always, and per API key when
a Bearer key is sent. One budget per client across the whole API, counted in
memory, or in Redis (REDIS_URL) so every instance shares one count; if Redis
stops answering, counting falls back to memory, with a warning in the log and
a count in /metrics (standpoint_rate_limit_storage_fallbacks_total).

Headers follow the X-RateLimit-* convention (as GitHub uses it), with
Retry-After on a 429, which the app's one error handler answers as a problem.
"""

from __future__ import annotations

import copy
import hashlib
import logging

from apispec import BasePlugin
from flask import Flask, g, request
from flask_limiter import ApplicationLimit, Limiter
from flask_limiter.util import get_remote_address

from ..metrics import RATE_LIMIT_FALLBACKS
from .caching import NO_STORE_PATHS

log = logging.getLogger("standpoint")

# Probes, metrics and the documentation UI are never limited: an orchestrator must always get through.
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


def exempt(path: str) -> bool:
    """The one rule for what is never limited: the limiter and the spec both follow it."""
    return path in NO_STORE_PATHS or path.startswith(EXEMPT_PREFIXES)


def _bearer() -> str | None:
    kind, _, token = request.headers.get("Authorization", "").partition(" ")
    return token.strip() if kind.lower() == "bearer" and token.strip() else None


def _api_key_identity() -> str:
    """A digest of the Bearer key, so the raw secret never reaches the limiter's storage."""
    return hashlib.sha256((_bearer() or "").encode("utf-8", "replace")).hexdigest()[:32]


def _retry_after_only_when_refused(response):
    # flask-limiter puts Retry-After on every answer; it means something only
    # on a 429 or a 503 (RFC 9110 10.2.3).
    if response.status_code not in (429, 503):
        response.headers.pop("Retry-After", None)
    elif response.status_code == 503 and g.get("own_retry_after"):
        # flask-limiter raises an answer's own Retry-After to its window's reset (up to a
        # minute); a 503 means its own ("retry in 5 s"), not the rate limit's.
        response.headers["Retry-After"] = g.own_retry_after
    return response


def _remember_own_retry_after(response):
    g.own_retry_after = response.headers.get("Retry-After")
    return response


class _StorageAlarm(logging.Handler):
    """flask-limiter says when it loses or regains its storage only to its own logger,
    which it silences (a NullHandler): say it in ours, and count each fallback."""

    def emit(self, record: logging.LogRecord) -> None:
        message = record.getMessage()
        if "falling back to in-memory storage" in message:
            RATE_LIMIT_FALLBACKS.inc()
            log.warning("rate limits: storage (Redis) unreachable; counting in this process's "
                        "memory until it answers again, so each worker allows the full budget")
        elif "storage recovered" in message:
            log.warning("rate limits: storage (Redis) answers again; counts are shared again")


def _raise_storage_alarms() -> None:
    limiter_log = logging.getLogger("flask-limiter")
    if not any(isinstance(handler, _StorageAlarm) for handler in limiter_log.handlers):
        limiter_log.addHandler(_StorageAlarm())
    # Its recovery message is INFO: let it through to the handler.
    if limiter_log.getEffectiveLevel() > logging.INFO:
        limiter_log.setLevel(logging.INFO)


def init_app(app: Flask) -> Limiter:
    config = app.config
    # Registered first so that it runs after the limiter's own after_request.
    app.after_request(_retry_after_only_when_refused)
    limiter = Limiter(
        get_remote_address,
        app=app,
        application_limits=[
            ApplicationLimit(config["RATE_LIMIT_PER_IP"], scope="ip", error_message=(
                f"Rate limit of {config['RATE_LIMIT_PER_IP']} per client IP spent; "
                "retry after Retry-After seconds.")),
            ApplicationLimit(config["RATE_LIMIT_PER_KEY"], key_function=_api_key_identity,
                             scope="key", exempt_when=lambda: _bearer() is None,
                             error_message=(f"Rate limit of {config['RATE_LIMIT_PER_KEY']} per "
                                            "API key spent; retry after Retry-After seconds.")),
        ],
        storage_uri=config.get("REDIS_URL") or "memory://",
        strategy="fixed-window",
        headers_enabled=True,
        retry_after="delta-seconds",
        in_memory_fallback_enabled=True,
        swallow_errors=True,
        key_prefix="standpoint",
        enabled=config["RATE_LIMIT_ENABLED"],
    )
    limiter.request_filter(lambda: exempt(request.path))
    # Registered after the limiter's own after_request, so it runs before it.
    app.after_request(_remember_own_retry_after)
    _raise_storage_alarms()
    return limiter


class RateLimitPlugin(BasePlugin):
    """Documents the limits on every limited operation: headers on success, 429 with Retry-After."""

    def operation_helper(self, path=None, operations=None, **kwargs):
        if exempt(path or ""):
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
