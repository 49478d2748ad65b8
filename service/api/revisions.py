"""What statements and notes share as append-only records: an ETag that names
the revision, If-Match on corrections, and the answer to a write."""

from __future__ import annotations

import hashlib

from flask import request, url_for
from werkzeug.http import quote_etag

from ..http.problems import Problem
from .writes import outcome

WRITTEN_HEADERS = {
    "Location": {"description": "The record written.", "schema": {"type": "string"}},
    "ETag": {"description": "The new revision's ETag, for If-Match on a correction.",
             "schema": {"type": "string"}},
}


def revision_etag(item) -> str:
    """The one ETag of a statement or note, for GET and for If-Match on its
    revisions: it names the revision, and each revision's content never changes."""
    digest = hashlib.sha256(item.id.encode("utf-8")).hexdigest()[:16]
    return f"r{item.revision}-{digest}"


def matches_if_match(item) -> bool:
    return request.if_match.contains(revision_etag(item))


def optional_if_match(item) -> bool:
    """For retractions: If-Match may be left out, but a stale one is refused."""
    return not request.if_match or matches_if_match(item)


def require_if_match(where: str) -> None:
    if not request.if_match:
        raise Problem(428, "precondition-required",
                      f"Send If-Match with the current ETag (from GET {where}).")


def written(item, schema, endpoint: str, status: int, **view_args):
    headers = {"Location": url_for(endpoint, **view_args), "ETag": quote_etag(revision_etag(item))}
    return outcome(schema.dump(item), status, headers)
