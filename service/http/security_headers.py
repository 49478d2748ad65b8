"""Security headers on every response, with per-blueprint overrides.

The API answers JSON, CSV and YAML that no browser should render as a page or
frame: the default Content-Security-Policy allows nothing. Pages for people
(the /docs UI, the embeddable widgets) need more, and get it by blueprint name
through `override` or by setting a header themselves: defaults never replace a
header a view or blueprint already set. X-Frame-Options is not sent, because
the embed pages must be frameable; CSP frame-ancestors governs framing instead.
"""

from __future__ import annotations

from flask import Flask, current_app, request

API_SECURITY_HEADERS = {
    "X-Content-Type-Options": "nosniff",
    "Referrer-Policy": "no-referrer",
    "Content-Security-Policy": "default-src 'none'; frame-ancestors 'none'; base-uri 'none'; form-action 'none'",
    "Cross-Origin-Opener-Policy": "same-origin",
}

EXTENSION = "standpoint.security_headers"


def override(app: Flask, blueprint_name: str, headers: dict[str, str | None]) -> None:
    """Replace defaults for one blueprint's responses; None drops a header."""
    app.extensions[EXTENSION].setdefault(blueprint_name, {}).update(headers)


def _add_headers(response):
    headers = {**API_SECURITY_HEADERS,
               **current_app.extensions[EXTENSION].get(request.blueprint or "", {})}
    if request.is_secure:
        headers.setdefault("Strict-Transport-Security", "max-age=31536000")
    for name, value in headers.items():
        if value is not None and name not in response.headers:
            response.headers[name] = value
    return response


def init_app(app: Flask) -> None:
    app.extensions[EXTENSION] = {}
    app.after_request(_add_headers)
