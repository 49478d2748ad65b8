"""Conditional GETs: a strong ETag on every successful GET, 304 for If-None-Match,
and shared-cache friendly Cache-Control."""

from __future__ import annotations

from flask import Flask, current_app, request

# Probes must see the live state, never a cached one.
NO_STORE_PATHS = frozenset({"/healthz", "/readyz", "/metrics"})


def _cache_headers(response):
    if request.path in NO_STORE_PATHS:
        response.headers["Cache-Control"] = "no-store"
        return response
    if request.method not in ("GET", "HEAD") or response.status_code != 200:
        return response
    config = current_app.config
    if response.direct_passthrough:  # streamed files: leave to send_file
        return response
    response.headers["Cache-Control"] = (
        f"public, max-age={config['CACHE_MAX_AGE']}, "
        f"stale-while-revalidate={config['CACHE_STALE_WHILE_REVALIDATE']}"
    )
    response.vary.add("Accept")
    response.vary.add("Accept-Encoding")
    # A view that knows a better validator sets its own (a statement's ETag is
    # the one If-Match on its revisions expects); otherwise a hash of the
    # exact body, which is strong.
    if "ETag" not in response.headers:
        response.add_etag()
    return response.make_conditional(request)


def init_app(app: Flask) -> None:
    app.after_request(_cache_headers)
