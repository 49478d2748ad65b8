"""HTTP caching for every GET: strong ETags, 304s, Cache-Control, compression,
and a per-worker cache of finished responses.

Two halves:

- In Flask (`HttpCache.dispatch_request`), a fresh 200 to a GET is *finished*:
  a strong ETag (a hash of the exact bytes), Cache-Control and Vary, and
  compression by flask-compress when the client accepts br or gzip (the
  compressed variant gets its own strong ETag, `"<hash>:br"`). Then every
  after_request hook (CORS, security headers...) runs as for any answer.
- Around Flask, `ResponseCacheMiddleware` keeps those finished answers, as
  sent, in a bounded LRU keyed by (data version, UTC date, scheme, host, path,
  raw query, Accept, Accept-Encoding, whether an Origin was sent), and answers
  a repeated GET from it without entering Flask at all: no request context, no
  routing, no hooks, no view. It also turns a finished 200 into a 304 when
  If-None-Match matches, hit or miss. This is the design of Django's cache
  middleware; the reason is cost: Flask's own request handling was most of a
  cached answer's CPU (docs/PERFORMANCE.md).

The data version is read on every request: one `SELECT max(seq)`, never
cached in time, so a write through any instance is seen by the very next read
through any other (read-your-writes across instances; see docs/PERFORMANCE.md).

So an ETag changes exactly when the bytes it validates change: a write that
does not alter what a URL shows leaves that URL's ETag as it was (only the
server-side entry is recomputed), and two instances on one database answer
the same ETag for the same data. The UTC date is in the key because a
missing `as_of` means "today".

Per-request headers (X-Request-ID, the rate-limit headers) are added by the
middlewares outside this one, so they are never stored and every answer,
cached or not, carries its own. Everything else a cached answer carries is
exactly what Flask produced for the first request of its key.
"""

from __future__ import annotations

import hashlib
import threading
from collections import OrderedDict
from dataclasses import dataclass

from flask import Flask, current_app, request
from flask_compress import Compress
from werkzeug.http import parse_etags, remove_entity_headers, unquote_etag

from ..store.db import DATA_VERSION  # read once per request, before Flask
from .args import today

# Probes must see the live state, never a cached one.
NO_STORE_PATHS = frozenset({"/healthz", "/readyz", "/metrics"})
# environ keys shared by the two halves
FINISHED = "standpoint.finished"  # Flask produced a finished, cacheable 200
# Set by the rate limiter (rate_limits.REFUSED): a refused request is never answered from cache.
RATE_LIMIT_REFUSED = "standpoint.rate_limit_refused"


@dataclass(frozen=True, slots=True)
class CachedResponse:
    """A finished 200 as Flask sent it, and the 304 that stands for it."""

    status: str
    headers: tuple[tuple[str, str], ...]
    body: bytes
    etag: str  # unquoted, as werkzeug's ETags set compares them
    not_modified_headers: tuple[tuple[str, str], ...]

    @classmethod
    def from_wsgi(cls, status: str, headers: list[tuple[str, str]], body: bytes) -> CachedResponse:
        etag = next((v for k, v in headers if k.lower() == "etag"), "")
        # A 304 repeats the 200's headers but its representation metadata
        # (Content-Type, Content-Length, Content-Encoding...; RFC 9110 15.4.5),
        # as werkzeug itself does for its 304s.
        not_modified = list(headers)
        remove_entity_headers(not_modified)
        return cls(status, tuple(headers), body, unquote_etag(etag)[0] or "", tuple(not_modified))

    @property
    def quoted_etag(self) -> str:
        return f'"{self.etag}"'

    @property
    def size(self) -> int:
        # Bodies dominate; a flat allowance covers keys and headers.
        return len(self.body) + 1024


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


# --------------------------------------------------------------------------- in Flask

def _cache_control(config) -> str:
    return (f"public, max-age={config['CACHE_MAX_AGE']}, "
            f"stale-while-revalidate={config['CACHE_STALE_WHILE_REVALIDATE']}")


def _strong_etag(body: bytes) -> str:
    return hashlib.blake2b(body, digest_size=16).hexdigest()


def _cacheable_request(environ) -> bool:
    """GETs and HEADs, but never the probes: the one rule both halves follow,
    so Flask finishes exactly the answers the middleware will keep or revalidate."""
    return environ["REQUEST_METHOD"] in ("GET", "HEAD") and environ.get("PATH_INFO") not in NO_STORE_PATHS


def _shared(environ) -> bool:
    """Answers to credentialed requests are nobody else's business."""
    return "HTTP_AUTHORIZATION" not in environ and "HTTP_COOKIE" not in environ


def _cacheable(response) -> bool:
    return (
        response.status_code == 200
        and not response.direct_passthrough  # send_file: it handles its own validators
        and not response.is_streamed
        and "Set-Cookie" not in response.headers
        and "no-store" not in response.headers.get("Cache-Control", "")
    )


def _finish(response, compress: Compress, shared: bool):
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
    return compress.after_request(response)


class HttpCache:
    """The Flask half: finishes every fresh 200 to a GET."""

    def __init__(self, app: Flask):
        self.app = app
        self.compress = Compress(app)  # not registered globally: used below, once per answer
        self._dispatch = app.dispatch_request
        # Wrapping dispatch (not an after_request hook) finishes the view's
        # own answer, before the hooks add what every answer carries.
        app.dispatch_request = self.dispatch_request

    def dispatch_request(self):
        result = self._dispatch()
        environ = request.environ
        if not _cacheable_request(environ):
            return result
        response = self.app.make_response(result)
        if not _cacheable(response):
            return response
        environ[FINISHED] = True
        return _finish(response, self.compress, _shared(environ))


# --------------------------------------------------------------------------- around Flask

def _no_write(_data: bytes) -> None:
    raise RuntimeError("the response cache does not support WSGI write()")


def _not_modified(environ, entry: CachedResponse) -> bool:
    sent = environ.get("HTTP_IF_NONE_MATCH")
    if not sent:
        return False
    if sent == entry.quoted_etag:  # what a revalidating client nearly always sends
        return True
    return parse_etags(sent).contains_weak(entry.etag)  # lists, W/ and *


def _answer(environ, start_response, entry: CachedResponse):
    if _not_modified(environ, entry):
        start_response("304 Not Modified", list(entry.not_modified_headers))
        return []
    start_response(entry.status, list(entry.headers))
    return [] if environ["REQUEST_METHOD"] == "HEAD" else [entry.body]


class ResponseCacheMiddleware:
    """The WSGI half: repeated GETs answered from finished responses, and 304s."""

    def __init__(self, wsgi_app, store, max_bytes: int):
        self.wsgi_app = wsgi_app
        self.store = store
        self.responses = ResponseCache(max_bytes)

    def __call__(self, environ, start_response):
        if not _cacheable_request(environ) or RATE_LIMIT_REFUSED in environ:
            return self.wsgi_app(environ, start_response)
        try:
            environ[DATA_VERSION] = version = self.store.version()
        except Exception:
            # The database is down: let the app answer, as it does every error (503).
            return self.wsgi_app(environ, start_response)
        key = None
        if _shared(environ):
            key = (today(), environ["wsgi.url_scheme"], environ.get("HTTP_HOST"),
                   environ.get("SCRIPT_NAME", ""), environ.get("PATH_INFO", ""),
                   environ.get("QUERY_STRING", ""), environ.get("HTTP_ACCEPT", ""),
                   environ.get("HTTP_ACCEPT_ENCODING", ""), "HTTP_ORIGIN" in environ)
            entry = self.responses.get(version, key)
            if entry is not None:
                return _answer(environ, start_response, entry)

        sent: list = []

        def hold(status, headers, exc_info=None):
            sent[:] = (status, headers, exc_info)
            return _no_write

        body = self.wsgi_app(environ, hold)
        if not environ.get(FINISHED) or not sent[0].startswith("200"):
            start_response(*sent)
            return body
        try:
            data = b"".join(body)
        finally:
            if hasattr(body, "close"):
                body.close()
        entry = CachedResponse.from_wsgi(sent[0], sent[1], data)
        if key is not None and environ["REQUEST_METHOD"] == "GET":  # a HEAD's body is empty: nothing to keep
            self.responses.put(version, key, entry)
        return _answer(environ, start_response, entry)


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
    """Installs both halves; call before the rate limiter and request-id
    middlewares, which must sit outside the cache."""
    app.config.setdefault("COMPRESS_REGISTER", False)
    app.config.setdefault("COMPRESS_ALGORITHM", ["br", "gzip"])
    app.config.setdefault("COMPRESS_EVALUATE_CONDITIONAL_REQUEST", False)  # the middleware does it
    app.config.setdefault("COMPRESS_MIMETYPES", [
        "application/json", "text/csv", "text/html", "text/css", "text/javascript",
        "application/javascript", "application/yaml", "image/svg+xml", "text/plain",
    ])
    app.config.setdefault("RESPONSE_CACHE_BYTES", 16 * 1024 * 1024)
    HttpCache(app)
    app.after_request(_no_store)
    middleware = ResponseCacheMiddleware(app.wsgi_app, app.extensions["standpoint.store"],
                                         app.config["RESPONSE_CACHE_BYTES"])
    app.wsgi_app = middleware
    app.extensions["standpoint.http_cache"] = middleware
