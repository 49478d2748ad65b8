"""A disk or database that stops taking writes, and comes back.

While writes cannot succeed, /readyz says so (200 `read-only`, `writable: false`:
readers are still served) and writes answer 503 problem+json with Retry-After.
Once the disk or database is writable again, writes succeed without a restart:
the pool drops connections opened read-only (SQLite keeps such a connection
read-only for good, PostgreSQL a session begun read-only).

The app here is a worker's (PREPARE_DATABASE off), as gunicorn runs it."""

from __future__ import annotations

import contextlib
import os
import subprocess

import pytest
import sqlalchemy as sa

from service import create_app
from service.store import keys

from ..conftest import POSTGRES_SKIP, POSTGRES_URL
from ..contract import ContractClient
from .test_writes import STATEMENT


@pytest.fixture
def worker(database_url):
    # gunicorn's master migrates and seeds; then the worker opens what it made.
    create_app({"DATABASE_URL": database_url}).extensions["standpoint.engine"].dispose()
    app = create_app({"DATABASE_URL": database_url, "TESTING": True,
                      "PREPARE_DATABASE": False, "RATE_LIMIT_ENABLED": False})
    app.test_client_class = ContractClient
    app.config["EDITOR_KEY"] = keys.create_key(app.extensions["standpoint.engine"], "faults", "editor")
    yield app
    app.extensions["standpoint.engine"].dispose()


def _write(app, n: int):
    body = {**STATEMENT, "summary": f"Recovery write {n}."}
    return app.test_client().post("/v1/statements", json=body, headers={
        "Authorization": f"Bearer {app.config['EDITOR_KEY']}"})


def _ready(app):
    response = app.test_client().get("/readyz")
    return response.status_code, response.get_json()


@contextlib.contextmanager
def read_only_filesystem(folder):
    """`folder` on a read-only bind mount (what a kernel does to a filesystem after
    disk errors): even root cannot write there. Needs CAP_SYS_ADMIN. Yields the
    function that makes it writable again; the mount goes when the test ends."""
    if subprocess.run(["mount", "--bind", str(folder), str(folder)],
                      capture_output=True).returncode != 0:
        pytest.skip("remounting a folder read-only needs mount and CAP_SYS_ADMIN (CI has both)")

    def writable_again():
        subprocess.run(["mount", "-o", "remount,bind,rw", str(folder)], check=True)

    try:
        subprocess.run(["mount", "-o", "remount,bind,ro", str(folder)], check=True)
        yield writable_again
    finally:
        writable_again()
        # Lazy: files the app still holds open there must not keep the mount.
        subprocess.run(["umount", "--lazy", str(folder)], check=True)


def test_readiness_says_writable_when_it_is(worker):
    status, body = _ready(worker)
    assert status == 200
    assert body["status"] == "ready" and body["writable"] is True and body["writes"] is None


@pytest.mark.parametrize("database_url", ["sqlite"], indirect=True)
def test_sqlite_on_a_read_only_filesystem_then_writable_again(worker, tmp_path):
    assert _write(worker, 1).status_code == 201
    engine = worker.extensions["standpoint.engine"]
    with read_only_filesystem(tmp_path) as writable_again:
        engine.dispose()  # connections opened from now on open the file read-only
        status, body = _ready(worker)
        assert (status, body["status"], body["writable"]) == (200, "read-only", False)
        assert "read-only" in body["writes"]
        assert worker.test_client().get("/v1/positions?as_of=2025-03-20").status_code == 200
        refused = _write(worker, 2)
        assert refused.status_code == 503, refused.get_json()
        assert refused.get_json()["type"].endswith("/database-read-only")
        assert refused.headers["Retry-After"] == "5"
        writable_again()
        # The pooled connection SQLite opened read-only is replaced at checkout,
        # so the very first write succeeds.
        assert _ready(worker)[1]["writable"] is True
        written = _write(worker, 3)
        assert written.status_code == 201, written.get_json()
        engine.dispose()


@pytest.mark.parametrize("database_url", ["sqlite"], indirect=True)
def test_sqlite_file_gone_then_back(worker, tmp_path):
    database = tmp_path / "standpoint.db"
    assert _write(worker, 1).status_code == 201
    worker.extensions["standpoint.engine"].dispose()  # checkpoints the WAL into the file
    database.rename(tmp_path / "moved.db")
    try:
        status, body = _ready(worker)
        assert status == 503 and body["type"].endswith("/database-unavailable")
        assert worker.test_client().get("/v1/actors").status_code == 503
        assert _write(worker, 2).status_code == 503
        # A worker never creates a new, empty database in place of the missing one.
        assert not database.exists()
    finally:
        (tmp_path / "moved.db").rename(database)
    assert _ready(worker)[0] == 200
    assert _write(worker, 3).status_code == 201


@pytest.mark.postgres
@pytest.mark.skipif(not POSTGRES_URL, reason=POSTGRES_SKIP)
@pytest.mark.parametrize("database_url", ["postgresql"], indirect=True)
def test_postgresql_read_only_then_writable_again(worker, database_url):
    engine = worker.extensions["standpoint.engine"]
    name = engine.url.database
    admin = sa.create_engine(database_url, isolation_level="AUTOCOMMIT")

    def read_only(on: bool):
        with admin.connect() as conn:
            conn.execute(sa.text(f'ALTER DATABASE "{name}" SET default_transaction_read_only = '
                                 f'{"on" if on else "off"}'))

    assert _write(worker, 1).status_code == 201
    read_only(True)
    try:
        engine.dispose()  # sessions begun from now on are read-only
        status, body = _ready(worker)
        assert (status, body["status"], body["writable"]) == (200, "read-only", False)
        refused = _write(worker, 2)
        assert refused.status_code == 503 and refused.get_json()["type"].endswith("/database-read-only")
    finally:
        read_only(False)
    # The pool still holds a session begun read-only. A write on it fails once and
    # drops it (503 with Retry-After), and the retry writes...
    outcomes = [_write(worker, 3).status_code]
    if outcomes[0] == 503:
        outcomes.append(_write(worker, 4).status_code)
    assert outcomes[-1] == 201 and len(outcomes) <= 2, outcomes
    # ...and a readiness probe alone heals the pool the same way.
    read_only(True)
    try:
        engine.dispose()
        assert _ready(worker)[1]["writable"] is False
    finally:
        read_only(False)
    assert _ready(worker)[1]["writable"] is True
    assert _write(worker, 5).status_code == 201
    admin.dispose()
