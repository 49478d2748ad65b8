"""The issue's must-show: 4 gunicorn workers, 8 concurrent clients x 250 POSTs,
some retried with the same Idempotency-Key (sequentially, and racing another
client), some reusing a key with another body. Then everything is read back:
every 201 is readable, nothing is duplicated, nothing else was stored.

Runs on a fresh SQLite file and, when STANDPOINT_TEST_POSTGRES_URL is set, on
that PostgreSQL database (wiped first)."""

from __future__ import annotations

import collections
import json
import threading
import time

import pytest

from ..conftest import POSTGRES_SKIP, POSTGRES_URL, wipe_postgres
from .live_server import gunicorn
from .live_server import request as _request

CLIENTS, POSTS_PER_CLIENT = 8, 250
PORTS = {"sqlite": 8411, "postgresql": 8412}

pytestmark = pytest.mark.slow


def _statement(marker: str) -> dict:
    return {
        "actor": "uk", "topic": "backstop", "stance": "supports",
        "summary": marker, "quote": "Load test quote.", "quote_kind": "paraphrase",
        "stated_on": "2025-04-01", "date_precision": "day",
        "source": {"publisher": "Load test", "published_on": "2025-04-01"},
    }


def _client_plan(client: int) -> list[tuple[str, dict, str | None, str]]:
    """(kind, body, idempotency key, intended marker) for each of the client's POSTs.
    Every ten POSTs: a retry of the one before, a reused key with another body,
    a key shared with the partner client (both send it: a race), and plain ones."""
    plan = []
    pair = client // 2
    for slot in range(POSTS_PER_CLIENT):
        mod = slot % 10
        if mod == 1:                       # the same request again: must replay
            kind, body, key, marker = "retry", *plan[-1][1:]
        elif mod == 3:                     # same key, another body: must be refused
            prev = plan[-1]
            kind, body, key, marker = "reuse", {**prev[1], "stance": "requires"}, prev[2], prev[3]
        elif mod == 6:                     # the pair of clients races on one key
            marker = f"race p{pair} s{slot}"
            kind, body, key = "race", _statement(marker), f"race-{pair}-{slot}"
        elif mod in (4, 5):                # no key at all
            marker = f"c{client} s{slot}"
            kind, body, key = "plain", _statement(marker), None
        else:
            marker = f"c{client} s{slot}"
            kind, body, key = "keyed", _statement(marker), f"c{client}-s{slot}"
        plan.append((kind, body, key, marker))
    return plan


@pytest.fixture(params=["sqlite", "postgresql"])
def fresh_database(request, tmp_path):
    if request.param == "sqlite":
        return request.param, f"sqlite:///{tmp_path / 'load.db'}"
    if not POSTGRES_URL:
        pytest.skip(POSTGRES_SKIP)
    wipe_postgres(POSTGRES_URL)
    return request.param, POSTGRES_URL


@pytest.fixture
def server(fresh_database, tmp_path):
    name, url = fresh_database
    # A bulk loader's burst: rate limits are not what this test is about (they
    # have their own tests), so they are set far above its 2,000 requests.
    unlimited = {"STANDPOINT_RATE_LIMIT_PER_KEY": "1000000 per minute",
                 "STANDPOINT_RATE_LIMIT_PER_IP": "1000000 per minute"}
    with gunicorn(url, PORTS[name], tmp_path / "gunicorn.log", "editor", **unlimited) as key:
        yield name, PORTS[name], key


def test_concurrent_posts_store_each_statement_exactly_once(server):
    name, port, key = server
    auth = {"Authorization": f"Bearer {key}"}
    results: list[tuple[str, str, int, bool, dict | None]] = []
    lock = threading.Lock()
    started = time.monotonic()

    def run(client: int) -> None:
        mine = []
        for kind, body, idem, marker in _client_plan(client):
            headers = {**auth, **({"Idempotency-Key": idem} if idem else {})}
            status, response_headers, payload = _request(port, "POST", "/v1/statements", body, headers)
            replayed = response_headers.get("Idempotent-Replayed") == "true"
            mine.append((kind, marker, status, replayed, json.loads(payload) if payload else None))
        with lock:
            results.extend(mine)

    threads = [threading.Thread(target=run, args=(c,)) for c in range(CLIENTS)]
    for thread in threads:
        thread.start()
    for thread in threads:
        thread.join()
    write_seconds = time.monotonic() - started

    assert len(results) == CLIENTS * POSTS_PER_CLIENT
    statuses = collections.Counter(status for _, _, status, _, _ in results)
    assert set(statuses) <= {201, 422}, statuses  # never 500, 503 or "database is locked"
    for kind, _, status, replayed, _ in results:
        if kind == "reuse":
            assert status == 422
        elif kind == "retry":
            assert status == 201 and replayed
        elif kind != "race":
            assert status == 201 and not replayed

    created = {}  # id -> marker, from every 201 (replays name the same id)
    by_marker = collections.defaultdict(set)
    for _, marker, status, _, body in results:
        if status == 201:
            created[body["id"]] = marker
            by_marker[marker].add(body["id"])
    # One statement per intended marker, however often it was sent.
    assert all(len(ids) == 1 for ids in by_marker.values())
    race_created = sum(1 for k, _, s, r, _ in results if k == "race" and not r)
    race_replayed = sum(1 for k, _, s, r, _ in results if k == "race" and r)
    assert race_created == race_replayed == CLIENTS // 2 * (POSTS_PER_CLIENT // 10)

    # Read back: the list holds exactly what was created, each once.
    stored = []
    page = 1
    while True:
        status, _, payload = _request(port, "GET", f"/v1/statements?from=2025-04-01&per_page=100&page={page}")
        assert status == 200
        body = json.loads(payload)
        stored += body["items"]
        if page * 100 >= body["total"]:
            break
        page += 1
    stored_ids = [s["id"] for s in stored]
    assert len(stored_ids) == len(set(stored_ids)), "a statement is listed twice"
    assert set(stored_ids) == set(created), "stored and acknowledged statements differ"
    assert {s["id"]: s["summary"] for s in stored} == created
    # And at its own URL (every tenth: the list above already read them all,
    # and this machine's two cores are the limit on how long the test takes).
    for statement_id in sorted(created)[::10]:
        status, _, payload = _request(port, "GET", f"/v1/statements/{statement_id}")
        assert status == 200 and json.loads(payload)["summary"] == created[statement_id]
    # The change feed logged each creation once.
    feed = []
    cursor = ""
    while True:
        _, _, payload = _request(port, "GET", f"/v1/changes?limit=500{cursor}")
        body = json.loads(payload)
        feed += [e["id"] for e in body["items"] if e["id"] in created]
        if not body["has_more"]:
            break
        cursor = "&since=" + body["next_cursor"]
    assert sorted(feed) == sorted(created)

    replays = sum(1 for _, _, s, r, _ in results if s == 201 and r)
    print(f"\n[{name}] {len(results)} POSTs in {write_seconds:.1f}s: "
          f"{statuses[201]} x 201 ({statuses[201] - replays} created, {replays} replayed), "
          f"{statuses[422]} x 422 (key reused with another body); "
          f"read back {len(stored_ids)} statements, {len(set(stored_ids))} distinct, "
          f"{len(created)} acknowledged")
