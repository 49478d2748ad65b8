"""A keyed gunicorn for the write-path tests, on the one server starter in tests/server.py."""

from __future__ import annotations

import contextlib
import http.client
import json
from pathlib import Path

from .server import ROOT, live_server, make_key

__all__ = ["ROOT", "gunicorn", "request"]


def request(port, method, path, body=None, headers=None):
    conn = http.client.HTTPConnection("127.0.0.1", port, timeout=30)
    try:
        data = json.dumps(body).encode() if body is not None else None
        conn.request(method, path, body=data, headers={
            **({"Content-Type": "application/json"} if data else {}), **(headers or {})})
        response = conn.getresponse()
        payload = response.read()
        return response.status, dict(response.getheaders()), payload
    finally:
        conn.close()


@contextlib.contextmanager
def gunicorn(url: str, port: int, log_path: Path, key_scope: str, workers: int = 4, **settings):
    """Migrate and seed `url` as a first start would, make a key, serve on `port`;
    yields the key. `settings` are extra environment variables for the server;
    the server's log goes beside `log_path`."""
    key = make_key(url, key_scope)
    with live_server(log_path.parent, url, workers=workers, port=port, **settings):
        yield key
