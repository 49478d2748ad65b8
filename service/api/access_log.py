"""Structured access log: one JSON line per request on stderr.

A WSGI middleware rather than a Flask hook, so that it times the whole answer
(body included) and sees every request, even one that failed before routing.
The request id is read back from the X-Request-ID header the app set.
"""

from __future__ import annotations

import json
import logging
import sys
import time

from werkzeug.wsgi import ClosingIterator

log = logging.getLogger("standpoint.access")


class JsonLineFormatter(logging.Formatter):
    def format(self, record: logging.LogRecord) -> str:
        return json.dumps(record.msg, ensure_ascii=False, separators=(",", ":"))


class AccessLog:
    def __init__(self, wsgi_app):
        self.wsgi_app = wsgi_app

    def __call__(self, environ, start_response):
        started = time.perf_counter()
        seen: dict = {}

        def recording_start_response(status, headers, exc_info=None):
            seen["status"] = int(status.split(" ", 1)[0])
            seen["request_id"] = next((v for k, v in headers if k.lower() == "x-request-id"), "")
            return start_response(status, headers, exc_info)

        def done():
            log.info({
                "ts": time.strftime("%Y-%m-%dT%H:%M:%SZ", time.gmtime()),
                "method": environ.get("REQUEST_METHOD", ""),
                "path": environ.get("PATH_INFO", ""),
                "status": seen.get("status", 0),
                "duration_ms": round((time.perf_counter() - started) * 1000, 2),
                "request_id": seen.get("request_id", ""),
                "remote": environ.get("REMOTE_ADDR", ""),
            })

        return ClosingIterator(self.wsgi_app(environ, recording_start_response), [done])


def init_app(app) -> None:
    if not log.handlers:
        handler = logging.StreamHandler(sys.stderr)
        handler.setFormatter(JsonLineFormatter())
        log.addHandler(handler)
    log.setLevel(logging.INFO if app.config.get("ACCESS_LOG", True) else logging.WARNING)
    app.wsgi_app = AccessLog(app.wsgi_app)
