"""kill -9 of a gunicorn worker under write load loses no acknowledged write.

Writers POST statements (each with its own Idempotency-Key) while one worker is
killed mid-load. A request cut off by the kill is retried with the same key, as
a careful client would. Afterwards every statement that was answered 201 must be
stored and readable, and nothing may be stored twice.
"""

from __future__ import annotations

import http.client
import os
import signal
import threading
import time
import uuid

import pytest
import sqlalchemy as sa

from ..conftest import DATABASES, POSTGRES_URL, wipe_postgres
from ..contract import spec_dict
from .server import live_server, make_key, post_json

pytestmark = pytest.mark.slow

WRITERS, SECONDS, KILL_AT = 4, 6.0, 2.0


def _statement(marker: str) -> dict:
    return {"actor": "uk", "topic": "backstop", "stance": "requires", "summary": marker,
            "quote": "Kill test quote.", "quote_kind": "paraphrase", "stated_on": "2025-04-02",
            "date_precision": "day", "source": {"publisher": "Kill test", "published_on": "2025-04-02"}}


@pytest.fixture(params=DATABASES)
def database_url(request, tmp_path):
    if request.param == "sqlite":
        return f"sqlite:///{tmp_path / 'kill.db'}"
    wipe_postgres(POSTGRES_URL)
    return POSTGRES_URL


@pytest.mark.skipif("createStatement" not in str(spec_dict()), reason="no write operations yet")
def test_killing_a_worker_loses_no_acknowledged_write(tmp_path, database_url):
    key = make_key(database_url, "editor")
    acknowledged: list[tuple[float, str]] = []  # (when, statement id)
    cut_off, unexpected = [], []
    stop = threading.Event()
    run = uuid.uuid4().hex[:8]

    # Durability is the point here, not limits (they have their own tests): the
    # writers' burst must not be cut short by 429s.
    unlimited = {"STANDPOINT_RATE_LIMIT_PER_KEY": "1000000 per minute",
                 "STANDPOINT_RATE_LIMIT_PER_IP": "1000000 per minute"}
    with live_server(tmp_path, database_url=database_url, workers=2, **unlimited) as server:
        started = time.monotonic()

        def writer(number: int) -> None:
            sequence = 0
            while not stop.is_set():
                sequence += 1
                marker = f"kill9-{run}-w{number}-{sequence}"
                headers = {"Authorization": f"Bearer {key}", "Idempotency-Key": marker}
                for _attempt in range(20):  # retried with the same key until answered
                    try:
                        status, _, body = post_json(server.url, "/v1/statements", _statement(marker), headers)
                    except (OSError, http.client.HTTPException):
                        # Cut off by the kill: before the answer (a reset) or
                        # in the middle of it (headers sent, body not: IncompleteRead).
                        cut_off.append(marker)
                        time.sleep(0.1)
                        continue
                    if status == 201:
                        acknowledged.append((time.monotonic() - started, body["id"]))
                    else:
                        unexpected.append((status, body))
                    break

        threads = [threading.Thread(target=writer, args=(n,)) for n in range(WRITERS)]
        for thread in threads:
            thread.start()
        time.sleep(KILL_AT)
        workers = server.worker_pids()
        assert len(workers) == 2, workers
        victim = workers[0]
        os.kill(victim, signal.SIGKILL)
        time.sleep(SECONDS - KILL_AT)
        stop.set()
        for thread in threads:
            thread.join(timeout=60)
        assert victim not in server.worker_pids()  # the master replaced the killed worker
        readable = [server.get(f"/v1/statements/{sid}")[0] for _, sid in acknowledged]

    engine = sa.create_engine(database_url)
    with engine.connect() as conn:
        rows = conn.execute(sa.text(
            "SELECT statement_id FROM statement_revisions WHERE summary LIKE :m"),
            {"m": f"kill9-{run}-%"}).scalars().all()
    engine.dispose()
    ids = [sid for _, sid in acknowledged]
    before = sum(1 for when, _ in acknowledged if when < KILL_AT)
    print(f"\n{database_url.split(':')[0]}: {len(ids)} writes acknowledged ({before} before the "
          f"kill, {len(ids) - before} after), {len(cut_off)} cut off and retried, "
          f"{len(rows)} rows stored, {len(set(ids) - set(rows))} acknowledged writes lost")
    assert not unexpected, unexpected[:5]
    assert before > 0 and len(ids) > before
    assert set(ids) <= set(rows), "an acknowledged write is missing"
    assert len(rows) == len(set(rows)) == len(set(ids)), "a statement was stored twice or unacknowledged"
    assert readable == [200] * len(ids)
