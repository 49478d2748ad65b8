"""Refuse NUL characters anywhere a client can put text.

NUL is never meaningful in an id, a date or a quote, PostgreSQL text cannot hold
it, and C-based tools downstream truncate at it. Refusing it at the door (400)
means no store ever sees it, whichever operation the request was for.
"""

from __future__ import annotations

from flask import Flask, request

from .problems import Problem

NUL = "\x00"


def contains_nul(value) -> bool:
    if isinstance(value, str):
        return NUL in value
    if isinstance(value, dict):
        return any(contains_nul(k) or contains_nul(v) for k, v in value.items())
    if isinstance(value, list):
        return any(contains_nul(item) for item in value)
    return False


def _refuse_nul_in_url() -> None:
    if NUL in request.path:
        raise Problem(400, "invalid-request", "The path contains a NUL character.")
    for name, value in request.args.items(multi=True):
        if NUL in name or NUL in value:
            raise Problem(400, "invalid-request", "A query parameter contains a NUL character.",
                          errors={name.replace(NUL, ""): ["Contains a NUL character."]})


def init_app(app: Flask) -> None:
    app.before_request(_refuse_nul_in_url)
