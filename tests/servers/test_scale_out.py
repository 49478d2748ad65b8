"""Two gunicorn instances on one PostgreSQL database, as compose.yaml runs
three: a write is seen through the other instance by its very next read, and
both answer the same ETag for the same data."""

from __future__ import annotations

import os
import subprocess
import sys
import time
import urllib.error
import urllib.request
from pathlib import Path

import pytest

from service import create_app
from service.store import dataset_io

from ..conftest import POSTGRES_SKIP, POSTGRES_URL, wipe_postgres
from .server import free_port

ROOT = Path(__file__).resolve().parents[2]
URL = "/v1/positions?as_of=2025-04-01&actors=uk&topics=backstop"

pytestmark = [pytest.mark.slow, pytest.mark.postgres,
              pytest.mark.skipif(not POSTGRES_URL, reason=POSTGRES_SKIP)]


def get(base: str, path: str, headers: dict | None = None):
    request = urllib.request.Request(base + path, headers=headers or {})
    try:
        with urllib.request.urlopen(request, timeout=30) as response:
            return response.status, response.headers, response.read()
    except urllib.error.HTTPError as error:
        return error.code, error.headers, error.read()


@pytest.fixture
def two_instances(tmp_path):
    wipe_postgres(POSTGRES_URL)
    processes, bases = [], []
    gunicorn = str(Path(sys.executable).with_name("gunicorn"))
    for name in ("a", "b"):  # started together: the migration lock is exercised too
        port = free_port()
        env = {**os.environ, "DATABASE_URL": POSTGRES_URL, "BIND": f"127.0.0.1:{port}",
               "WEB_CONCURRENCY": "2"}
        env.pop("STANDPOINT_PREPARE_DATABASE", None)
        log = (tmp_path / f"{name}.log").open("w")
        processes.append(subprocess.Popen(
            [gunicorn, "-c", "gunicorn.conf.py", "--no-control-socket"],
            cwd=ROOT, env=env, stdout=log, stderr=subprocess.STDOUT))
        bases.append(f"http://127.0.0.1:{port}")
    try:
        for process, base in zip(processes, bases):
            deadline = time.monotonic() + 60
            while True:
                assert process.poll() is None, (tmp_path / "a.log").read_text()
                try:
                    if get(base, "/readyz")[0] == 200:
                        break
                except OSError:
                    pass
                assert time.monotonic() < deadline, "gunicorn did not start"
                time.sleep(0.2)
        yield bases
    finally:
        for process in processes:
            process.terminate()
        for process in processes:
            try:
                process.wait(timeout=30)
            except subprocess.TimeoutExpired:
                process.kill()


def write_statement(**changes) -> None:
    """A write the way every write path lands: through the store, in one
    transaction that appends to `changes`."""
    app = create_app({"DATABASE_URL": POSTGRES_URL, "PREPARE_DATABASE": False})
    engine = app.extensions["standpoint.engine"]
    try:
        with engine.begin() as conn:
            document = dataset_io.export_dataset(conn)
            statement = next(s for s in document["statements"] if s["id"] == "uk-backstop-2025-03-20")
            document["statements"].append({**statement, **changes})
            dataset_io.import_dataset(conn, document, recorded_by="scale-out test")
    finally:
        engine.dispose()


def test_write_is_seen_through_the_other_instance_with_the_same_etag(two_instances):
    a, b = two_instances
    status_a, headers_a, body_a = get(a, URL)
    status_b, headers_b, body_b = get(b, URL)
    assert status_a == status_b == 200
    assert body_a == body_b
    assert headers_a["ETag"] == headers_b["ETag"]
    # Both instances' every worker has now answered from its cache: a stale
    # cache would show up below.
    for _ in range(4):
        get(a, URL)
        get(b, URL)

    write_statement(id="uk-backstop-2025-03-28", stance="supports", stated_on="2025-03-28")

    # The very next read through either instance shows the write (well
    # within the one second the issue allows), whichever worker answers.
    for base in (b, a, b, a):
        status, headers, body = get(base, URL, {"If-None-Match": headers_a["ETag"]})
        assert status == 200, "a stale 304 after the write"
        assert b'"stance":"supports"' in body
    after_a = get(a, URL)
    after_b = get(b, URL)
    assert after_a[1]["ETag"] == after_b[1]["ETag"] != headers_a["ETag"]
    assert after_a[2] == after_b[2]
    # Revalidation with the new ETag is a 304 on both.
    for base in (a, b):
        assert get(base, URL, {"If-None-Match": after_a[1]["ETag"]})[0] == 304
