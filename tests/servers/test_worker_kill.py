"""kill -9 of a gunicorn worker under write load loses no acknowledged write.

Writers POST statements (each with its own Idempotency-Key) while one worker is
killed mid-load. A request cut off by the kill is retried with the same key, as
a careful client would. Afterwards every statement that was answered 201 must be
stored and readable, and nothing may be stored twice.
"""

from __future__ import annotations

import threading
import time
import uuid

import pytest
import sqlalchemy as sa

from ..contract import spec_dict
from .kill import KILL_AT, UNLIMITED, kill_a_worker_under, post_until_answered
from .server import live_server, make_key

pytestmark = pytest.mark.slow

WRITERS = 4


def _statement(marker: str) -> dict:
    return {"actor": "uk", "topic": "backstop", "stance": "requires", "summary": marker,
            "quote": "Kill test quote.", "quote_kind": "paraphrase", "stated_on": "2025-04-02",
            "date_precision": "day", "source": {"publisher": "Kill test", "published_on": "2025-04-02"}}


@pytest.mark.skipif("createStatement" not in str(spec_dict()), reason="no write operations yet")
def test_killing_a_worker_loses_no_acknowledged_write(tmp_path, server_database_url):
    database_url = server_database_url
    key = make_key(database_url, "editor")
    acknowledged: list[tuple[float, str]] = []  # (when, statement id)
    cut_off, unexpected = [], []
    stop = threading.Event()
    run = uuid.uuid4().hex[:8]

    with live_server(tmp_path, database_url=database_url, workers=2, **UNLIMITED) as server:
        started = time.monotonic()

        def writer(number: int) -> None:
            sequence = 0
            while not stop.is_set():
                sequence += 1
                marker = f"kill9-{run}-w{number}-{sequence}"
                headers = {"Authorization": f"Bearer {key}", "Idempotency-Key": marker}
                answered = post_until_answered(server.url, "/v1/statements",
                                               _statement(marker), headers, cut_off)
                if answered is None:
                    continue
                status, body = answered
                if status == 201:
                    acknowledged.append((time.monotonic() - started, body["id"]))
                else:
                    unexpected.append((status, body))

        kill_a_worker_under(server, [threading.Thread(target=writer, args=(n,))
                                     for n in range(WRITERS)], stop)
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
