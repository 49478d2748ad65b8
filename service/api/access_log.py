"""Structured access log: one JSON line per request on stderr.

A WSGI middleware rather than a Flask hook, so that it times the whole answer
(body included) and sees every request, even one that failed before routing
or was answered from the response cache without entering Flask. The request
id is the one the request-id middleware (inside this one) chose.

The line is written once the answer is sent, so it costs the client nothing;
it is still part of every request's CPU, so it is kept lean: orjson, and none
of the caller lookups logging would otherwise make per record.
"""

from __future__ import annotations

import logging
import sys
import time

import orjson

from .request_id import ENVIRON_KEY as REQUEST_ID

log = logging.getLogger("standpoint.access")


class JsonLineFormatter(logging.Formatter):
    def format(self, record: logging.LogRecord) -> str:
        return orjson.dumps(record.msg).decode()


class _LoggedBody:
    """The app's body, passed through; logs the request when the server closes it."""

    __slots__ = ("body", "done")

    def __init__(self, body, done):
        self.body, self.done = body, done

    def __iter__(self):
        return iter(self.body)

    def close(self):
        try:
            if hasattr(self.body, "close"):
                self.body.close()
        finally:
            self.done()


class AccessLog:
    def __init__(self, wsgi_app):
        self.wsgi_app = wsgi_app

    def __call__(self, environ, start_response):
        started = time.perf_counter()
        status = [0]

        def recording_start_response(status_line, headers, exc_info=None):
            status[0] = int(status_line[:3])
            return start_response(status_line, headers, exc_info)

        def done():
            if not log.isEnabledFor(logging.INFO):
                return
            log.info({
                "ts": time.strftime("%Y-%m-%dT%H:%M:%SZ", time.gmtime()),
                "method": environ.get("REQUEST_METHOD", ""),
                "path": environ.get("PATH_INFO", ""),
                "status": status[0],
                "duration_ms": round((time.perf_counter() - started) * 1000, 2),
                "request_id": environ.get(REQUEST_ID, ""),
                "remote": environ.get("REMOTE_ADDR", ""),
            })

        return _LoggedBody(self.wsgi_app(environ, recording_start_response), done)


def init_app(app) -> None:
    if not log.handlers:
        handler = logging.StreamHandler(sys.stderr)
        handler.setFormatter(JsonLineFormatter())
        log.addHandler(handler)
    log.setLevel(logging.INFO if app.config.get("ACCESS_LOG", True) else logging.WARNING)
    # Two of the logging HOWTO's "Optimization" switches: no stack walk to
    # find each record's caller, no thread name on each record. No format in
    # Standpoint or gunicorn prints either (gunicorn prints the process id,
    # which stays).
    logging._srcfile = None
    logging.logThreads = False
    app.wsgi_app = AccessLog(app.wsgi_app)
