"""HTTP caching for every GET: strong ETags, 304s, Cache-Control, compression,
and a per-worker cache of finished responses.

How a GET is answered
---------------------
1. Routing and every `before_request` hook (request id, rate limits...) run as usual.
2. The data version is read: one `SELECT max(seq)` per request, never cached
   in time, so a write through any instance is seen by the very next read
   through any other (read-your-writes across instances; see docs/PERFORMANCE.md).
3. The finished response is looked up in a bounded LRU keyed by
   (data version, UTC date, root URL, path, raw query, Accept, Accept-Encoding).
   A hit skips the view, marshmallow, JSON and compression entirely; a
   matching If-None-Match becomes a 304 without even copying the body.
4. On a miss the view runs; the body gets a strong ETag (a hash of the exact
   bytes), Cache-Control and Vary, is compressed by flask-compress when the
   client accepts br or gzip (the compressed variant gets its own strong ETag,
   `"<hash>:br"`), and is stored.

So an ETag changes exactly when the bytes it validates change: a write that
does not alter what a URL shows leaves that URL's ETag as it was (only the
server-side entry is recomputed), and two instances on one database answer
the same ETag for the same data. The UTC date is in the key because a
missing `as_of` means "today".

Responses keep the live per-request headers (X-Request-ID, rate limits,
CORS, security headers): those are added by `after_request` hooks, which run
on hits too. The cache stores only what the view produced.
"""

from __future__ import annotations

import hashlib
import threading
from collections import OrderedDict
from dataclasses import dataclass

from flask import Flask, current_app, g, request
from flask_compress import Compress
from werkzeug.datastructures import Headers

from .args import today

# Probes must see the live state, never a cached one.
NO_STORE_PATHS = frozenset({"/healthz", "/readyz", "/metrics"})
# What a 304 repeats of the 200 it stands for (RFC 9110, 15.4.5).
REVALIDATION_HEADERS = ("ETag", "Cache-Control", "Vary", "Content-Location", "Expires")


@dataclass(frozen=True, slots=True)
class CachedResponse:
    body: bytes
    headers: tuple[tuple[str, str], ...]
    etag: str  # unquoted, as werkzeug's ETags set compares them
    not_modified_headers: tuple[tuple[str, str], ...]

    @property
    def quoted_etag(self) -> str:
        return f'"{self.etag}"'

    @property
    def size(self) -> int:
        # Bodies dominate; a flat allowance covers keys and headers.
        return len(self.body) + 512


class ResponseCache:
    """A byte-bounded LRU of finished responses for one data version.

    Entries of older versions can never be served (the version is part of
    the key); they are dropped as soon as a newer version is seen, so the
    memory goes to the current data only.
    """

    def __init__(self, max_bytes: int):
        self.max_bytes = max_bytes
        self.version: int | None = None
        self._entries: OrderedDict[tuple, CachedResponse] = OrderedDict()
        self._bytes = 0
        self._lock = threading.Lock()

    def get(self, version: int, key: tuple) -> CachedResponse | None:
        with self._lock:
            if version != self.version:
                self._entries.clear()
                self._bytes = 0
                self.version = version
                return None
            entry = self._entries.get(key)
            if entry is not None:
                self._entries.move_to_end(key)
            return entry

    def put(self, version: int, key: tuple, entry: CachedResponse) -> None:
        if entry.size > self.max_bytes // 4:
            return  # one huge answer must not flush everything else
        with self._lock:
            if version != self.version:
                return
            old = self._entries.pop(key, None)
            if old is not None:
                self._bytes -= old.size
            self._entries[key] = entry
            self._bytes += entry.size
            while self._bytes > self.max_bytes and self._entries:
                _, evicted = self._entries.popitem(last=False)
                self._bytes -= evicted.size

    def __len__(self) -> int:
        return len(self._entries)


def _cache_control(config) -> str:
    return (f"public, max-age={config['CACHE_MAX_AGE']}, "
            f"stale-while-revalidate={config['CACHE_STALE_WHILE_REVALIDATE']}")


def _strong_etag(body: bytes) -> str:
    return hashlib.blake2b(body, digest_size=16).hexdigest()


def _cacheable(response) -> bool:
    return (
        response.status_code == 200
        and not response.direct_passthrough  # send_file: it handles its own validators
        and not response.is_streamed
        and "Set-Cookie" not in response.headers
        and "no-store" not in response.headers.get("Cache-Control", "")
    )


def _finish(response, compress: Compress, shared: bool) -> CachedResponse:
    """Validators, caching headers and compression for a fresh 200."""
    if "Cache-Control" not in response.headers:
        response.headers["Cache-Control"] = (
            _cache_control(current_app.config) if shared else "private, no-cache")
    response.vary.add("Accept")
    response.vary.add("Accept-Encoding")
    if "ETag" not in response.headers:
        response.set_etag(_strong_etag(response.get_data()))
    # flask-compress picks br or gzip from Accept-Encoding, and turns the
    # ETag "h" into "h:br": each encoding is its own strong validator.
    response = compress.after_request(response)
    etag, _weak = response.get_etag()
    headers = tuple((k, v) for k, v in response.headers.items() if k != "Content-Length")
    not_modified = tuple(
        (name, response.headers[name]) for name in REVALIDATION_HEADERS if name in response.headers
    )
    return CachedResponse(response.get_data(), headers, etag, not_modified)


def _headers(items: tuple[tuple[str, str], ...]) -> Headers:
    """A Headers object from pairs that were validated when the entry was
    made: filled directly, because Headers(items) re-checks every value and
    that is a tenth of a cached answer's cost."""
    headers = Headers()
    if isinstance(getattr(headers, "_list", None), list):
        headers._list = list(items)
        return headers
    return Headers(items)  # werkzeug changed its insides: the slow, public way


def _not_modified(req, entry: CachedResponse) -> bool:
    sent = req.environ.get("HTTP_IF_NONE_MATCH")
    if not sent:
        return False
    if sent == entry.quoted_etag:  # what a revalidating client nearly always sends
        return True
    return req.if_none_match.contains_weak(entry.etag)  # lists, W/ and *


def _respond(response_class, req, entry: CachedResponse):
    if _not_modified(req, entry):
        # Content-Type is set so the Response does not add its default one.
        response = response_class(status=304, headers=_headers(entry.not_modified_headers),
                                  content_type="")
        del response.headers["Content-Type"]
        return response
    return response_class(entry.body, status=200, headers=_headers(entry.headers))


class HttpCache:
    def __init__(self, app: Flask):
        self.app = app
        self.compress = Compress(app)  # not registered globally: used below, once per entry
        self.responses = ResponseCache(app.config["RESPONSE_CACHE_BYTES"])
        self._dispatch = app.dispatch_request
        # Wrapping dispatch (not a before_request hook) keeps every other
        # hook, rate limits included, in front of the cache.
        app.dispatch_request = self.dispatch_request

    def dispatch_request(self):
        # This runs on every request: the request is looked up once (each
        # proxy access costs), and the key is read straight from the environ.
        req = request._get_current_object()
        environ = req.environ
        if (environ["REQUEST_METHOD"] not in ("GET", "HEAD") or req.routing_exception is not None
                or environ.get("PATH_INFO") in NO_STORE_PATHS):
            return self._dispatch()
        app = self.app
        g.data_version = version = app.extensions["standpoint.store"].version()
        # Answers to credentialed requests are nobody else's business.
        shared = "HTTP_AUTHORIZATION" not in environ and "HTTP_COOKIE" not in environ
        key = (today(), environ["wsgi.url_scheme"], environ.get("HTTP_HOST"),
               environ.get("SCRIPT_NAME", ""), environ.get("PATH_INFO", ""),
               environ.get("QUERY_STRING", ""), environ.get("HTTP_ACCEPT", ""),
               environ.get("HTTP_ACCEPT_ENCODING", ""))
        entry = self.responses.get(version, key) if shared else None
        if entry is None:
            response = app.make_response(self._dispatch())
            if not _cacheable(response):
                return response
            entry = _finish(response, self.compress, shared)
            if shared:
                self.responses.put(version, key, entry)
        return _respond(app.response_class, req, entry)


def if_match_contains(etag: str) -> bool:
    """If-Match against a view's own (unquoted) ETag, whichever content coding
    the client's copy came in: a browser that read the statement gzipped holds
    `"<etag>:gzip"`, and that is the same revision."""
    if_match = request.if_match
    return if_match.contains(etag) or any(
        if_match.contains(f"{etag}:{coding}") for coding in current_app.config["COMPRESS_ALGORITHM"])


def _no_store(response):
    if request.path in NO_STORE_PATHS:
        response.headers["Cache-Control"] = "no-store"
    return response


def init_app(app: Flask) -> None:
    app.config.setdefault("COMPRESS_REGISTER", False)
    app.config.setdefault("COMPRESS_ALGORITHM", ["br", "gzip"])
    app.config.setdefault("COMPRESS_EVALUATE_CONDITIONAL_REQUEST", False)  # done in _respond
    app.config.setdefault("COMPRESS_MIMETYPES", [
        "application/json", "text/csv", "text/html", "text/css", "text/javascript",
        "application/javascript", "application/yaml", "image/svg+xml", "text/plain",
    ])
    app.config.setdefault("RESPONSE_CACHE_BYTES", 16 * 1024 * 1024)
    app.extensions["standpoint.http_cache"] = HttpCache(app)
    app.after_request(_no_store)
