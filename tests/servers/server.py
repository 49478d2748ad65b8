"""A real gunicorn server on a fresh database, for tests that need HTTP, processes and signals.

Ports: STANDPOINT_TEST_PORTS ("8610-8619") restricts the ports tried, for machines where
several suites share the host; otherwise the OS picks a free one.
"""

from __future__ import annotations

import contextlib
import json
import os
import signal
import socket
import subprocess
import sys
import time
import urllib.error
import urllib.request
import uuid
from dataclasses import dataclass, field
from pathlib import Path

ROOT = Path(__file__).resolve().parents[2]
GUNICORN = Path(sys.executable).with_name("gunicorn")


_HANDED_OUT: set[int] = set()


def free_port() -> int:
    wanted = os.environ.get("STANDPOINT_TEST_PORTS")
    candidates = [0]
    if wanted:
        low, _, high = wanted.partition("-")
        # A port handed out is not bound until its server starts: two calls in a row
        # (the newsroom's two origins) must not get the same one.
        candidates = [p for p in range(int(low), int(high or low) + 1) if p not in _HANDED_OUT]
    for port in candidates:
        with socket.socket() as sock:
            try:
                sock.bind(("127.0.0.1", port))
            except OSError:
                continue
            _HANDED_OUT.add(sock.getsockname()[1])
            return sock.getsockname()[1]
    raise RuntimeError(f"no free port in {wanted}")


@dataclass
class LiveServer:
    url: str
    process: subprocess.Popen
    log_path: Path
    env: dict = field(default_factory=dict)

    def log(self) -> str:
        return self.log_path.read_text("utf-8", errors="replace")

    def log_once_it_has(self, text: str, timeout: float = 5.0) -> str:
        """The log, once `text` is in it: a worker writes a request's access
        line after the answer is sent, so a client can read the log first."""
        deadline = time.monotonic() + timeout
        while text not in (log := self.log()) and time.monotonic() < deadline:
            time.sleep(0.05)
        return log

    def worker_pids(self) -> list[int]:
        """The master's live child processes (its workers), from /proc."""
        pids = []
        for stat in Path("/proc").glob("[0-9]*/stat"):
            try:
                fields = stat.read_text().rsplit(")", 1)[1].split()
            except OSError:
                continue
            if int(fields[1]) == self.process.pid and fields[0] != "Z":
                pids.append(int(stat.parent.name))
        return sorted(pids)

    def get(self, path: str, timeout: float = 5.0):
        """(status, headers, body) without raising on 4xx/5xx."""
        try:
            with urllib.request.urlopen(self.url + path, timeout=timeout) as response:
                return response.status, dict(response.headers), response.read()
        except urllib.error.HTTPError as error:
            return error.code, dict(error.headers), error.read()


def wait_until_ready(url: str, process: subprocess.Popen, timeout: float = 60.0) -> None:
    deadline = time.monotonic() + timeout
    while time.monotonic() < deadline:
        if process.poll() is not None:
            raise RuntimeError(f"gunicorn exited with {process.returncode}")
        try:
            with urllib.request.urlopen(url + "/readyz", timeout=2) as response:
                if response.status == 200:
                    return
        except OSError:
            pass
        time.sleep(0.2)
    raise RuntimeError(f"gunicorn did not become ready at {url}")


@contextlib.contextmanager
def live_server(tmp_path: Path, database_url: str | None = None, workers: int = 2,
                wsgi_app: str | None = None, port: int | None = None, **env):
    """gunicorn with gunicorn.conf.py, on `database_url` (default: a new SQLite file);
    `wsgi_app` ("module:name") replaces the app the config names; `port` defaults to a free one."""
    port = port or free_port()
    log_path = tmp_path / f"gunicorn-{port}.log"
    environment = {
        **os.environ,
        "DATABASE_URL": database_url or f"sqlite:///{tmp_path / 'live.db'}",
        "BIND": f"127.0.0.1:{port}",
        "WEB_CONCURRENCY": str(workers),
        "STANDPOINT_PREPARE_DATABASE": "1",
        **{key: str(value) for key, value in env.items()},
    }
    with open(log_path, "wb") as log:
        process = subprocess.Popen(
            [str(GUNICORN), "-c", str(ROOT / "gunicorn.conf.py"), *([wsgi_app] if wsgi_app else [])],
            cwd=ROOT, env=environment, stdout=log, stderr=subprocess.STDOUT,
        )
    url = f"http://127.0.0.1:{port}"
    try:
        wait_until_ready(url, process)
        yield LiveServer(url, process, log_path, environment)
    finally:
        if process.poll() is None:
            process.send_signal(signal.SIGTERM)
            try:
                process.wait(timeout=30)
            except subprocess.TimeoutExpired:
                process.kill()
                process.wait()


def make_key(database_url: str, scope: str) -> str:
    """Prepare the database as a first start would and make an API key in it."""
    from service import create_app
    from service.store import keys

    app = create_app({"DATABASE_URL": database_url})
    engine = app.extensions["standpoint.engine"]
    try:
        return keys.create_key(engine, f"test-{scope}-{uuid.uuid4().hex[:6]}", scope)
    finally:
        engine.dispose()


def post_json(url: str, path: str, body, headers: dict | None = None, method: str = "POST"):
    """(status, headers, parsed body); raises OSError when the connection breaks."""
    request = urllib.request.Request(
        url + path, data=json.dumps(body).encode(), method=method,
        headers={"Content-Type": "application/json", **(headers or {})})
    try:
        with urllib.request.urlopen(request, timeout=30) as response:
            return response.status, dict(response.headers), json.loads(response.read() or b"null")
    except urllib.error.HTTPError as error:
        return error.code, dict(error.headers), json.loads(error.read() or b"null")
