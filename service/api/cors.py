"""CORS for browser dashboards, with flask-cors.

Reads (GET, HEAD, and preflights asking for them) are open to any origin: the
data is public and dashboards poll it from readers' browsers. Writes are not
open to browsers unless their origin is in STANDPOINT_CORS_WRITE_ORIGINS: a
newsroom's admin tool may be allowed, an arbitrary page never is.

flask-cors's extension picks options by path only, and reads and writes share
paths, so the options are picked here by method and applied with flask-cors.
"""

from __future__ import annotations

import re
from urllib.parse import urlsplit

from flask import Flask, request
from flask_cors.core import get_cors_options, set_cors_headers

READ_METHODS = ("GET", "HEAD", "OPTIONS")
WRITE_METHODS = ("POST", "PUT", "PATCH", "DELETE")

# What dashboard code may read from a cross-origin response, beyond the
# CORS-safelisted headers (Cache-Control, Content-Type, Last-Modified, ...).
EXPOSE_HEADERS = [
    "ETag", "Link", "Location", "X-Total-Count", "X-Request-ID", "Retry-After",
    # IETF draft RateLimit fields and the X-RateLimit-* ones Standpoint sends.
    "RateLimit", "RateLimit-Limit", "RateLimit-Remaining", "RateLimit-Reset", "RateLimit-Policy",
    "X-RateLimit-Limit", "X-RateLimit-Remaining", "X-RateLimit-Reset",
]
READ_REQUEST_HEADERS = ["Accept", "Accept-Language", "Content-Type", "If-None-Match",
                        "If-Modified-Since", "Cache-Control", "X-Request-ID"]
WRITE_REQUEST_HEADERS = READ_REQUEST_HEADERS + ["Authorization", "Idempotency-Key", "If-Match"]
# Browsers cap this (Chromium at 2 h); an hour spares dashboards most preflights.
PREFLIGHT_MAX_AGE = 3600


class OriginConfigError(ValueError):
    """STANDPOINT_CORS_WRITE_ORIGINS holds an entry that is not safe to trust."""


def write_origin(entry: str) -> str | re.Pattern:
    """One allowed write origin: an exact origin, or a regular expression the
    operator anchored at both ends (`^https://[a-z0-9-]+\\.news\\.example$`).

    Anything else is refused: flask-cors would read `https://*.trusted.example`
    as a regex matched at the start only, which admits
    `https://xtrusted.example.attacker.net`."""
    if entry.startswith("^") or entry.endswith("$"):
        if not (entry.startswith("^") and entry.endswith("$")):
            raise OriginConfigError(
                f"STANDPOINT_CORS_WRITE_ORIGINS: the pattern {entry!r} must start with ^ and end "
                "with $, so that it matches whole origins only.")
        try:
            return re.compile(entry, re.IGNORECASE)
        except re.error as error:
            raise OriginConfigError(
                f"STANDPOINT_CORS_WRITE_ORIGINS: {entry!r} is not a regular expression: {error}.") from None
    parts = urlsplit(entry)
    exact = (parts.scheme in ("http", "https") and parts.hostname and "*" not in entry
             and not parts.path and not parts.query and not parts.fragment and not parts.username
             and f"{parts.scheme}://{parts.netloc}" == entry)
    if not exact:
        raise OriginConfigError(
            f"STANDPOINT_CORS_WRITE_ORIGINS: {entry!r} is not an origin. Give exact origins "
            "(scheme://host[:port], no path, no wildcard) or a pattern anchored with ^...$, "
            "for example ^https://[a-z0-9-]+\\.news\\.example$.")
    return entry


def _options(app: Flask, origins, methods, allow_headers):
    return get_cors_options(app, {
        "origins": origins,
        "methods": list(methods),
        "allow_headers": allow_headers,
        "expose_headers": EXPOSE_HEADERS,
        "supports_credentials": False,  # API keys travel in Authorization, never cookies
        "max_age": PREFLIGHT_MAX_AGE,
        "send_wildcard": True,
        "vary_header": True,
    })


def init_app(app: Flask) -> None:
    # Checked when the app starts: a bad entry stops it with a message, never a silent hole.
    write_origins = [write_origin(entry) for entry in app.config.get("CORS_WRITE_ORIGINS") or []]
    read = _options(app, "*", READ_METHODS, READ_REQUEST_HEADERS)
    # An empty allowlist matches no origin, so writes get no CORS headers at all.
    write = _options(app, write_origins, READ_METHODS + WRITE_METHODS, WRITE_REQUEST_HEADERS)

    def add_cors_headers(response):
        if "Origin" not in request.headers:
            if request.method in ("GET", "HEAD"):
                # The same bytes for every caller: a shared cache may hand this
                # answer to a browser on any origin, so it carries CORS anyway.
                response.headers["Access-Control-Allow-Origin"] = "*"
                response.headers["Access-Control-Expose-Headers"] = ", ".join(EXPOSE_HEADERS)
            return response
        method = request.method
        if method == "OPTIONS":
            method = request.headers.get("Access-Control-Request-Method", "").upper() or "OPTIONS"
        if method in READ_METHODS:
            return set_cors_headers(response, read)
        if write_origins:
            # The answer depends on the caller's origin; shared caches must know.
            response.vary.add("Origin")
        return set_cors_headers(response, write)

    app.after_request(add_cors_headers)
