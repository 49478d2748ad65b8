"""Start gunicorn (gunicorn.conf.py) on a database, for tests that need a real server."""

from __future__ import annotations

import contextlib
import http.client
import json
import os
import signal
import subprocess
import sys
import time
from pathlib import Path

from service import create_app
from service.store import keys

ROOT = Path(__file__).resolve().parent.parent


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
    """Migrate and seed `url` as a first start would, make a key, serve; yields the key.
    `settings` are extra environment variables for the server."""
    app = create_app({"DATABASE_URL": url})
    key = keys.create_key(app.extensions["standpoint.store"].engine, "test-desk", key_scope)
    app.extensions["standpoint.store"].engine.dispose()
    env = {**os.environ, "DATABASE_URL": url, "BIND": f"127.0.0.1:{port}",
           "WEB_CONCURRENCY": str(workers), **settings}
    with open(log_path, "w") as log:
        process = subprocess.Popen([sys.executable, "-m", "gunicorn", "-c", "gunicorn.conf.py"],
                                   cwd=ROOT, env=env, stdout=log, stderr=subprocess.STDOUT)
        try:
            for _ in range(150):
                try:
                    if request(port, "GET", "/readyz")[0] == 200:
                        break
                except OSError:
                    pass
                time.sleep(0.1)
            else:
                raise RuntimeError("gunicorn did not start: " + log_path.read_text())
            yield key
        finally:
            process.send_signal(signal.SIGTERM)
            process.wait(timeout=30)
