"""Rate limits: per client IP always, and per API key when a Bearer key is sent.

Limits apply across the whole API (one budget per client, not per route):
fixed windows, counted in memory by default and in Redis (the `limits`
library's storage) when REDIS_URL is set, so that every instance behind a load
balancer shares one count. If Redis stops answering, counting falls back to
memory for a few seconds at a time rather than failing requests.

Why not flask-limiter, which is built on the same `limits` library: it resolves
and re-parses every limit on every request (route, blueprint and application
limits, exemptions), which measured at half the CPU of a cached read
(docs/PERFORMANCE.md). Standpoint has two application-wide limits; they are
parsed once here, and a request costs two storage calls per limit.

The check is a WSGI middleware, in front of the response cache, so cached
answers are limited like any other. A refused request goes on into the app
marked as refused, and the app's one error handler answers the 429 problem,
so a refusal looks like every other error.

Headers follow the X-RateLimit-* convention (as GitHub uses it):
X-RateLimit-Limit, X-RateLimit-Remaining and X-RateLimit-Reset (Unix time,
seconds) on every limited answer, and Retry-After (delta-seconds) on a 429.
"""

from __future__ import annotations

import copy
import hashlib
import logging
import math
import threading
import time
from dataclasses import dataclass

import limits
from apispec import BasePlugin
from flask import Flask, request
from limits.storage import storage_from_string

from .http_cache import NO_STORE_PATHS, RATE_LIMIT_REFUSED as REFUSED
from .problems import Problem

log = logging.getLogger("standpoint")

# Probes and the contract are never limited: an orchestrator must always get through.
EXEMPT_PATHS = NO_STORE_PATHS | {"/openapi.yaml", "/openapi.json"}
EXEMPT_PREFIXES = ("/docs",)

NAMESPACE = "standpoint"
# After Redis fails, count in memory this long before trying it again.
STORAGE_RETRY_SECONDS = 5.0

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
    """The one rule for what is never limited: the middleware and the spec both follow it."""
    return path in EXEMPT_PATHS or path.startswith(EXEMPT_PREFIXES)


@dataclass(frozen=True, slots=True)
class Verdict:
    """One limit's count for this request."""

    allowed: bool
    limit: int
    remaining: int
    reset_at: float  # Unix time the window ends
    message: str

    def headers(self, refused: bool) -> list[tuple[str, str]]:
        headers = [("X-RateLimit-Limit", str(self.limit)),
                   ("X-RateLimit-Remaining", str(self.remaining)),
                   ("X-RateLimit-Reset", str(math.ceil(self.reset_at)))]
        if refused:
            headers.append(("Retry-After", str(max(1, math.ceil(self.reset_at - time.time())))))
        return headers


class OpenWindows:
    """The fixed windows this process knows of: key -> [window end (Unix time), count].

    A window that has ended is as good as absent. Every SWEEP_EVERY seconds
    the ended ones are dropped, so keys no client came back to do not pile up.
    """

    SWEEP_EVERY = 60.0

    def __init__(self):
        self._windows: dict[str, list] = {}
        self._next_sweep = time.time() + self.SWEEP_EVERY

    def get(self, key: str, now: float) -> list | None:
        window = self._windows.get(key)
        return window if window is not None and window[0] > now else None

    def open(self, key: str, end: float, now: float) -> list:
        if now >= self._next_sweep:
            self._windows = {k: w for k, w in self._windows.items() if w[0] > now}
            self._next_sweep = now + self.SWEEP_EVERY
        window = self._windows[key] = [end, 0]
        return window


class MemoryCounts:
    """Fixed-window counts in this process: the two calls of `limits`' storage
    API that Budget uses.

    Not `limits.storage.MemoryStorage`, because that one starts a timer thread
    on every count once the previous timer has fired (every 10 ms under load),
    and `Thread.start()` waits until the new thread has run: on a busy core
    shared by several workers that wait is a scheduler slice, measured at a
    fifth of the throughput of cached reads (docs/PERFORMANCE.md).
    """

    def __init__(self):
        self._windows = OpenWindows()
        self._lock = threading.Lock()

    def incr(self, key: str, expiry: float, amount: int = 1) -> int:
        now = time.time()
        with self._lock:
            window = self._windows.get(key, now) or self._windows.open(key, now + expiry, now)
            window[1] += amount
            return window[1]

    def get_expiry(self, key: str) -> float:
        now = time.time()
        window = self._windows.get(key, now)
        return window[0] if window is not None else now


class RememberedWindowEnds:
    """A shared storage (Redis) that is asked for a window's end once per
    window, not on every request: two round trips a request become one.

    A fixed window's end never moves once the window is open, and a new window
    can only open after it has passed, so an end remembered from this window
    (or set when this request opened it) is the storage's own until then.
    """

    def __init__(self, storage):
        self.storage = storage
        self._ends = OpenWindows()  # their counts stay in the storage

    def incr(self, key: str, expiry: float, amount: int = 1) -> int:
        used = self.storage.incr(key, expiry, amount)
        if used == amount:  # this request opened the window, and set its expiry
            now = time.time()
            self._ends.open(key, now + expiry, now)
        return used

    def get_expiry(self, key: str) -> float:
        now = time.time()
        window = self._ends.get(key, now) or self._ends.open(key, self.storage.get_expiry(key), now)
        return window[0]


class Budget:
    """One fixed-window limit (`limits` notation, e.g. "1200 per minute") on one kind of client."""

    def __init__(self, notation: str, scope: str, message: str):
        self.item = limits.parse(notation)
        self.scope = scope
        self.message = message

    def count(self, storage, identity: str) -> Verdict:
        key = self.item.key_for(NAMESPACE, self.scope, identity)
        used = storage.incr(key, self.item.get_expiry())
        return Verdict(used <= self.item.amount, self.item.amount, max(0, self.item.amount - used),
                       storage.get_expiry(key), self.message)


class RateLimiter:
    def __init__(self, per_ip: str, per_key: str, storage_uri: str | None):
        self.per_ip = Budget(per_ip, "ip", f"Rate limit of {per_ip} per client IP spent; "
                                           "retry after Retry-After seconds.")
        self.per_key = Budget(per_key, "key", f"Rate limit of {per_key} per API key spent; "
                                              "retry after Retry-After seconds.")
        self.memory = MemoryCounts()
        self.shared = (RememberedWindowEnds(storage_from_string(storage_uri, wrap_exceptions=True))
                       if storage_uri else None)
        self._shared_down_until = 0.0

    def check(self, environ) -> Verdict:
        """Count this request against its budgets; the verdict that refuses it,
        else the one with the fewest requests left (what a client should pace by)."""
        storage = self._storage()
        try:
            return self._count(storage, environ)
        except Exception:
            if storage is self.memory:
                raise
            log.warning("rate-limit storage unavailable; counting in memory for %ss",
                        STORAGE_RETRY_SECONDS)
            self._shared_down_until = time.monotonic() + STORAGE_RETRY_SECONDS
            return self._count(self.memory, environ)

    def _storage(self):
        if self.shared is None or time.monotonic() < self._shared_down_until:
            return self.memory
        return self.shared

    def _count(self, storage, environ) -> Verdict:
        verdict = self.per_ip.count(storage, environ.get("REMOTE_ADDR") or "unknown")
        authorization = environ.get("HTTP_AUTHORIZATION", "")
        if verdict.allowed and authorization.startswith("Bearer "):
            by_key = self.per_key.count(storage, api_key_identity(authorization))
            if not by_key.allowed or by_key.remaining < verdict.remaining:
                verdict = by_key
        return verdict


def api_key_identity(authorization: str) -> str:
    """A digest of the Bearer key, so the raw secret never reaches the limiter's storage."""
    token = authorization[len("Bearer "):].strip()
    return hashlib.sha256(token.encode("utf-8", "replace")).hexdigest()[:32]


class RateLimitMiddleware:
    def __init__(self, wsgi_app, limiter: RateLimiter):
        self.wsgi_app = wsgi_app
        self.limiter = limiter

    def __call__(self, environ, start_response):
        if exempt(environ.get("PATH_INFO", "")):
            return self.wsgi_app(environ, start_response)
        verdict = self.limiter.check(environ)
        if not verdict.allowed:
            environ[REFUSED] = verdict

        def start_with_limits(status, headers, exc_info=None):
            headers.extend(verdict.headers(refused=status.startswith("429")))
            return start_response(status, headers, exc_info)

        return self.wsgi_app(environ, start_with_limits)


def _refuse_if_over_limit() -> None:
    verdict = request.environ.get(REFUSED)
    if verdict is not None:
        raise Problem(429, "rate-limited", verdict.message)


def init_app(app: Flask) -> RateLimiter | None:
    """Call after the response cache is installed: the limit must come first."""
    config = app.config
    if not config["RATE_LIMIT_ENABLED"]:
        return None
    limiter = RateLimiter(config["RATE_LIMIT_PER_IP"], config["RATE_LIMIT_PER_KEY"],
                          config.get("REDIS_URL"))
    app.before_request(_refuse_if_over_limit)
    app.wsgi_app = RateLimitMiddleware(app.wsgi_app, limiter)
    app.extensions["standpoint.limiter"] = limiter
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
