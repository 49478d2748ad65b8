"""What every write operation shares: JSON only, Idempotency-Key, one transaction,
and the store's refusals turned into problems.

A view hands `write()` a function that does its work on the write
transaction's connection and returns the JSON body, status and headers; the
answer is stored with the Idempotency-Key (when one is sent) in that same
transaction, and replayed byte for byte when the request is retried.
"""

from __future__ import annotations

import hashlib
import json
import re
from collections.abc import Callable
from typing import Any

import marshmallow as ma
import sqlalchemy as sa
from flask import Response, current_app, request

from .. import database
from ..http.problems import Problem
from ..store import idempotency, records
from .auth import current_key, requires

MAX_KEY_LENGTH = 255
# Visible ASCII, inner spaces allowed: what survives any HTTP hop unchanged. The spec
# documents the same pattern, so what the schema allows is exactly what is accepted.
IDEMPOTENCY_KEY_PATTERN = r"^[\x21-\x7e](?:[\x20-\x7e]{0,253}[\x21-\x7e])?$"

IDEMPOTENCY_DOC = (
    "Optional, up to 255 visible ASCII characters, scoped to your API key. Retrying "
    "with the same key and the same body replays the first answer (same status, "
    "body and Location; header `Idempotent-Replayed: true`) and writes nothing. "
    "The same key with a different body is 422 `idempotency-key-reused`: the "
    "request is well-formed but cannot be processed under that key (the IETF "
    "Idempotency-Key draft's choice; 409 would suggest retrying could succeed)."
)


class IdempotencyHeaders(ma.Schema):
    """Documents the header; `write()` reads and checks it (with a 400)."""

    idempotency_key = ma.fields.String(data_key="Idempotency-Key", metadata={
        "description": IDEMPOTENCY_DOC, "pattern": IDEMPOTENCY_KEY_PATTERN,
        "minLength": 1, "maxLength": MAX_KEY_LENGTH})


def write_operation(blp, scope: str, operation_id: str, answer: type[ma.Schema], *,
                    body: type[ma.Schema] | None = None,
                    headers: type[ma.Schema] | None = IdempotencyHeaders,
                    written: dict | None = None, refusals: tuple[int, ...] = (),
                    status: int = 201, reviewed: bool = False, example: dict | None = None):
    """The one decorator stack of a write: the key's `scope` (see `requires`), its
    operationId, the request `headers` and the JSON `body` (none: it takes none),
    (None: none documented), the `answer` with its `written` response headers, and the `refusals` it
    documents. The view is called with the headers, the body if any, and the path."""
    def decorator(view):
        view = blp.response(status, answer, headers=written)(blp.refusing(*refusals)(view))
        if body is not None:
            view = blp.arguments(body, **({"example": example} if example else {}))(view)
        if headers is not None:
            view = blp.arguments(headers, location="headers")(view)
        view = blp.doc(operationId=operation_id)(view)
        return requires(blp, scope, body=body is not None, reviewed=reviewed)(view)
    return decorator


def _idempotency_key() -> str | None:
    key = request.headers.get("Idempotency-Key")
    if key is None:
        return None
    if not re.fullmatch(IDEMPOTENCY_KEY_PATTERN, key):
        raise Problem(400, "invalid-idempotency-key",
                      f"Idempotency-Key must be 1 to {MAX_KEY_LENGTH} visible ASCII characters "
                      "(inner spaces allowed).")
    return key


def _request_hash() -> str:
    """Same method, path and JSON value: same hash (key order and spacing aside)."""
    raw = request.get_data()
    try:
        canonical = json.dumps(json.loads(raw), sort_keys=True, separators=(",", ":")).encode()
    except ValueError:
        canonical = raw
    return hashlib.sha256(request.method.encode() + b" " + request.path.encode() + b"\n"
                          + canonical).hexdigest()


def outcome(body: Any, status: int, headers: dict[str, str] | None = None) -> idempotency.Outcome:
    text = current_app.json.dumps(body)
    return idempotency.Outcome(status, text, headers or {})


# The store's refusals, and the status and problem type each is answered with.
REFUSALS = ((records.NotFound, 404, "not-found"), (records.Forbidden, 403, "forbidden"),
            (records.Conflict, 409, "conflict"), (records.Invalid, 422, "unprocessable"),
            (records.Stale, 412, "precondition-failed"))


def refusal_status(refusal: records.WriteRefused) -> tuple[int, str]:
    """The status and problem type a refusal is answered with."""
    status, slug = next(((status, slug) for kind, status, slug in REFUSALS
                         if isinstance(refusal, kind)), (422, "unprocessable"))
    return status, refusal.problem_type or slug


def write(perform: Callable[[sa.Connection], idempotency.Outcome]) -> Response:
    key = _idempotency_key()
    api_key = current_key()
    try:
        result = idempotency.run(database.engine(), api_key.id, key, _request_hash(), perform)
    except idempotency.KeyReused as exc:
        raise Problem(422, "idempotency-key-reused",
                      "This Idempotency-Key was already used with a different request; "
                      "use a new key for a new request.") from exc
    except records.WriteRefused as exc:
        raise Problem(*refusal_status(exc), exc.detail, **exc.extensions) from exc
    response = Response(result.body, status=result.status, mimetype="application/json")
    for name, value in result.headers.items():
        response.headers[name] = value
    if result.replayed:
        response.headers["Idempotent-Replayed"] = "true"
    return response
