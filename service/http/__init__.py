"""HTTP concerns that the API and the pages share, below both of them.

The strict query-argument types and dates, resolving ids into actors and topics, problem
details, and the hooks every request passes (request id, security headers, input guards,
rate limits, ETags). `api/` and `web/` are siblings above this package: each imports it,
neither imports the other.
"""

from __future__ import annotations

from flask import Flask

from .. import metrics
from . import caching, input_guards, limits, request_id, security_headers


def init_app(app: Flask) -> None:
    """The hooks every request passes, before any blueprint is registered."""
    metrics.init_app(app)  # first: its clock includes every other hook
    request_id.init_app(app)
    security_headers.init_app(app)
    input_guards.init_app(app)
    # Kept for routes with limits of their own (the desk's sign-in).
    app.extensions["standpoint.limiter"] = limits.init_app(app)
    caching.init_app(app)
