"""HTTP caching by the standard means.

Every GET of data is named by an ETag made from the data version (the last
write's sequence number) and the URL, which alone chooses the representation
(`format=csv`). It is known before any rendering, so a conditional GET of
unchanged data costs one version query and answers 304 from a before_request
hook. Fresh answers carry the ETag and Cache-Control, and repeated reads are
cached by the reverse proxy or CDN in front (deploy/nginx.conf), never in here.
"""

from __future__ import annotations

import hashlib

from flask import Flask, Response, current_app, g, request

from .. import database
from .args import today

# Probes and metrics must see the live state, never a cached one.
NO_STORE_PATHS = frozenset({"/healthz", "/readyz", "/metrics"})
# Answers for keys only that are not the record (webhook subscriptions, proposals): the data
# version does not name them, and nobody may keep a copy.
# Proposals are the desk's working papers; the desk's pages (service/desk/) are one
# person's, behind a session cookie.
NO_STORE_PREFIXES = ("/v1/subscriptions", "/v1/proposals", "/desk/")


def no_store(path: str) -> bool:
    return path in NO_STORE_PATHS or path.startswith(NO_STORE_PREFIXES)
# GETs that name their answer themselves: files (werkzeug's own validators), the
# OpenAPI document (a hash of its bytes), and a statement or a note, whose ETag
# names its revision for If-Match on corrections.
OWN_VALIDATORS = frozenset({"web.embed_asset", "web.docs_asset", "statements.StatementItem",
                            "notes.NoteItem", "operations.Contract", "operations.ContractJson"})


def cache_control() -> str:
    if "Authorization" in request.headers:
        return "private, no-cache"  # answers to credentialed requests are nobody else's
    config = current_app.config
    return (f"public, max-age={config['CACHE_MAX_AGE']}, "
            f"stale-while-revalidate={config['CACHE_STALE_WHILE_REVALIDATE']}")


def _named_by_data_version() -> bool:
    return (request.method in ("GET", "HEAD") and request.endpoint is not None
            and not no_store(request.path) and request.endpoint not in OWN_VALIDATORS)


def representation_etag(version: int) -> str:
    """The data version, and what else decides the bytes: the path and query
    (a missing `as_of` means today, so today's date too). An ETag is scoped
    to its URL's host already, and every instance answers alike."""
    name = f"{today()} {request.full_path}".encode()
    return f"v{version}-{hashlib.blake2b(name, digest_size=12).hexdigest()}"


def _not_modified_early() -> Response | None:
    g.pop("etag", None)  # an app context can outlive a request (tests, CLI)
    if not _named_by_data_version():
        return None
    g.etag = representation_etag(database.record().version)
    # A named tag matches only a URL this server answered 200 before, so the
    # request was valid; `*` also matches URLs that are not, and is left to
    # make_conditional once the view has parsed the request.
    sent = request.if_none_match
    if not sent.star_tag and sent.contains_weak(g.etag):
        response = Response(status=304)
        response.set_etag(g.etag)
        response.headers["Cache-Control"] = cache_control()
        return response
    return None


def _validators(response: Response) -> Response:
    if no_store(request.path):
        response.headers["Cache-Control"] = "no-store"
    elif request.method in ("GET", "HEAD") and response.status_code == 200:
        if "etag" in g:
            response.set_etag(g.etag)
        response.headers.setdefault("Cache-Control", cache_control())
        # `*`, and a view that named its answer itself (a statement's
        # revision), are answered 304 here, after the view; files already were.
        response.make_conditional(request)
    return response


def init_app(app: Flask) -> None:
    app.before_request(_not_modified_early)
    app.after_request(_validators)
