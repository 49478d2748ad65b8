"""gunicorn's own error answers as RFC 9457 problem+json.

gunicorn refuses some requests before the app sees them (a request line over
limit_request_line is a 414, too many or too large headers a 431, a malformed
request line a 400) and by default answers those in text/html. Clients branch on
problem+json for every error, so gunicorn.conf.py swaps in `write_problem`.
"""

from __future__ import annotations

import json
import os
import uuid

from gunicorn import util

from .http.security_headers import API_SECURITY_HEADERS

SLUGS = {400: "invalid-request", 403: "forbidden", 414: "uri-too-long",
         417: "expectation-failed", 431: "headers-too-large", 500: "internal-error",
         501: "not-implemented"}


def write_problem(sock, status_int: int, reason: str, mesg: str) -> None:
    base = os.environ.get("STANDPOINT_PROBLEM_TYPE_BASE", "/problems/")
    request_id = uuid.uuid4().hex
    body = json.dumps({
        "type": base + SLUGS.get(status_int, "invalid-request"),
        "title": reason,
        "status": status_int,
        # gunicorn's message names the limit, never echoes the request itself.
        "detail": mesg or reason,
        "instance": "",  # the request could not be parsed far enough to name it
        "request_id": request_id,
    }).encode()
    headers = {
        "Connection": "close",
        "Content-Type": "application/problem+json",
        "Content-Length": str(len(body)),
        "Cache-Control": "no-store",
        "X-Request-ID": request_id,
        **API_SECURITY_HEADERS,
    }
    head = f"HTTP/1.1 {status_int} {reason}\r\n" + "".join(
        f"{name}: {value}\r\n" for name, value in headers.items()) + "\r\n"
    util.write_nonblock(sock, head.encode("latin1") + body)


def install() -> None:
    """Make gunicorn's workers answer their own errors in problem+json."""
    util.write_error = write_problem
