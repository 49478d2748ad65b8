"""Faults on a live gunicorn server: the database going away and coming back, a worker
killed under write load, and a graceful stop with a request in flight."""

from __future__ import annotations

import json
import signal
import threading
import time
import urllib.request
from urllib.parse import urlsplit

import pytest

from ..conftest import POSTGRES_SKIP, POSTGRES_URL, wipe_postgres
from .server import free_port, live_server
from .tcp_proxy import CuttableProxy

pytestmark = pytest.mark.slow


def _through_proxy(url: str, port: int) -> str:
    parts = urlsplit(url)
    return url.replace(parts.netloc, f"{parts.username or 'postgres'}@127.0.0.1:{port}", 1)


def _wait_for(predicate, timeout: float, step: float = 0.05) -> float:
    """Seconds until predicate() is true; fails after `timeout`."""
    started = time.monotonic()
    while not predicate():
        assert time.monotonic() - started < timeout, "condition not met in time"
        time.sleep(step)
    return time.monotonic() - started


@pytest.mark.postgres
@pytest.mark.skipif(not POSTGRES_URL, reason=POSTGRES_SKIP)
def test_database_outage_is_503_and_the_service_recovers_by_itself(tmp_path):
    wipe_postgres(POSTGRES_URL)
    upstream = urlsplit(POSTGRES_URL)
    proxy = CuttableProxy(free_port(), (upstream.hostname, upstream.port or 5432))
    proxy.start()
    with live_server(tmp_path, database_url=_through_proxy(POSTGRES_URL, proxy.listen_port)) as server:
        assert server.get("/v1/positions?as_of=2025-03-20")[0] == 200
        workers = sorted(server.worker_pids())
        assert len(workers) == 2

        proxy.cut()
        started = time.monotonic()
        status, headers, body = server.get("/v1/positions?as_of=2025-03-20")
        answered_in = time.monotonic() - started
        assert status == 503, body
        assert headers["Content-Type"] == "application/problem+json"
        assert int(headers["Retry-After"]) > 0
        problem = json.loads(body)
        assert problem["type"].endswith("/database-unavailable") and problem["request_id"]
        assert b"Traceback" not in body and b"psycopg" not in body  # no internals leak
        status, headers, _ = server.get("/readyz")
        assert status == 503 and int(headers["Retry-After"]) > 0
        assert server.get("/healthz")[0] == 200  # the process is alive: do not restart it

        proxy.restore()
        recovered_in = _wait_for(lambda: server.get("/readyz")[0] == 200, timeout=30)
        # Every worker's pool recovers, not just the one that answered /readyz.
        statuses = [server.get("/v1/positions?as_of=2025-03-20")[0] for _ in range(10)]
        assert statuses == [200] * 10
        assert sorted(server.worker_pids()) == workers  # recovered, not restarted
    proxy.cut()
    print(f"\noutage answered with 503 in {answered_in:.3f}s; recovered {recovered_in:.3f}s "
          f"after the database returned, same workers {workers}")


def test_sigterm_lets_in_flight_requests_finish(tmp_path):
    with live_server(tmp_path, wsgi_app="tests.servers.slow_app:app") as server:
        result = {}

        def slow_request():
            request = urllib.request.Request(server.url + "/v1/positions?as_of=2025-03-20",
                                             headers={"X-Test-Hold": "3"})
            with urllib.request.urlopen(request, timeout=30) as response:
                result["status"] = response.status
                result["body"] = json.loads(response.read())

        thread = threading.Thread(target=slow_request)
        thread.start()
        time.sleep(1)  # the request is now being served
        server.process.send_signal(signal.SIGTERM)
        thread.join(timeout=30)
        exit_code = server.process.wait(timeout=30)
    assert result.get("status") == 200, result
    assert result["body"]["as_of"] == "2025-03-20" and result["body"]["positions"]
    assert exit_code == 0
