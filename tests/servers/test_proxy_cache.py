"""nginx's proxy cache in front of a real gunicorn, with the rules compose ships
(deploy/standpoint-proxy.conf, rendered around one upstream by bench/nginx.py):
a hit, a revalidation the app answers with 304, and a write that readers
through the cache see within max-age.

The app is told STANDPOINT_CACHE_MAX_AGE=2, so its answers say
`public, max-age=2, stale-while-revalidate=300`.
"""

from __future__ import annotations

import json
import subprocess
import sys
import time
from pathlib import Path

import pytest

from bench.nginx import MISSING, binary, nginx
from tests.api.test_writes import STATEMENT as EDITOR_STATEMENT
from tests.servers.server import ROOT, free_port, live_server, post_json

MAX_AGE = 2
MATRIX = "/v1/matrix?as_of=2025-03-20"
UK_STATEMENTS = "/v1/statements?actor=uk&per_page=100"

pytestmark = [pytest.mark.slow, pytest.mark.skipif(binary() is None, reason=MISSING)]


@pytest.fixture
def stack(tmp_path):
    """(gunicorn, nginx in front of it), both stopped at the end."""
    with live_server(tmp_path, f"sqlite:///{tmp_path / 'x.db'}", workers=1,
                     STANDPOINT_CACHE_MAX_AGE=MAX_AGE, STANDPOINT_RATE_LIMIT_ENABLED=0) as app:
        upstream = int(app.url.rsplit(":", 1)[1])
        with nginx(upstream, free_port(), tmp_path / "nginx", access_log=True) as front:
            yield app, front


def cache_status(headers: dict) -> str:
    return headers.get("X-Cache-Status", "")


def nginx_log(front, uri: str) -> list[dict]:
    """nginx's own lines for `uri`, background revalidations included
    (bench/nginx.py's access_log=True format)."""
    return [line for line in map(json.loads, front.access_log().splitlines())
            if line["uri"] == uri]


def test_second_read_is_a_cache_hit_with_the_same_body(stack):
    app, front = stack
    status, first_headers, first = front.get(MATRIX)
    assert status == 200 and cache_status(first_headers) == "MISS"
    assert first_headers["Cache-Control"].startswith(f"public, max-age={MAX_AGE}")
    status, headers, second = front.get(MATRIX)
    assert status == 200 and cache_status(headers) == "HIT"
    assert second == first
    assert headers["ETag"] == first_headers["ETag"]
    # Each answer carries its own request id, not the one the cache was filled with.
    assert headers["X-Request-ID"] != first_headers["X-Request-ID"]
    # One request reached the app.
    assert [line["upstream_status"] for line in nginx_log(front, MATRIX)] == ["200", ""]


def test_expired_copy_is_revalidated_and_the_app_answers_304(stack):
    """Past max-age, the app's stale-while-revalidate (and proxy_cache_use_stale
    updating) let nginx answer the old copy at once (STALE) while a background
    request asks the app with If-None-Match; the app answers 304 and the copy
    is fresh again: the next reads are HITs, with the same bytes.
    (nginx keeps expiry times in whole seconds: a copy goes stale between
    max-age and max-age + 1 s after it was stored.)"""
    app, front = stack
    _, headers, body = front.get(MATRIX)
    stored = time.monotonic()
    assert cache_status(headers) == "MISS"
    polls = []
    while time.monotonic() - stored < MAX_AGE + 2:
        status, headers, again = front.get(MATRIX)
        polls.append((round(time.monotonic() - stored, 2), cache_status(headers)))
        assert (status, again) == (200, body)
        if cache_status(headers) != "HIT":
            break
        time.sleep(0.1)
    assert polls[-1][1] == "STALE", polls
    assert polls[-1][0] >= MAX_AGE, polls  # fresh for max-age, no less
    deadline = time.monotonic() + 5
    while True:
        status, headers, fresh = front.get(MATRIX)
        if cache_status(headers) not in ("STALE", "UPDATING") or time.monotonic() > deadline:
            break
        time.sleep(0.05)
    assert (status, cache_status(headers), fresh) == (200, "HIT", body)
    # nginx's log: the fill (200 from the app), the hits, the stale answer, and
    # the background revalidation, which the app answered 304.
    lines = nginx_log(front, MATRIX)
    revalidations = [line for line in lines if line["cache"] == "REVALIDATED"]
    assert [line["upstream_status"] for line in revalidations] == ["304"], lines
    assert [line["upstream_status"] for line in lines].count("200") == 1, lines


def test_credentialed_reads_and_probes_are_never_cached(stack):
    app, front = stack
    for _ in range(2):
        _, headers, _ = front.get(MATRIX, {"Authorization": "Bearer sp_nobody"})
        assert cache_status(headers) == "BYPASS"
    for probe in ("/healthz", "/readyz"):
        for _ in range(2):
            status, headers, _ = front.get(probe)
            assert status == 200 and "X-Cache-Status" not in headers
    # and the credentialed reads stored nothing for everyone else
    assert cache_status(front.get(MATRIX)[1]) == "MISS"


def create_key(app) -> str:
    """An editor key, made the way an operator makes one (service/cli.py)."""
    flask = Path(sys.executable).with_name("flask")
    done = subprocess.run([str(flask), "--app", "service", "keys", "create", "--name", "proxy-test",
                           "--scope", "editor"],
                          cwd=ROOT, env=app.env, capture_output=True, text=True, timeout=60)
    assert done.returncode == 0, done.stderr
    return done.stdout.strip().splitlines()[-1]


STATEMENT = {**EDITOR_STATEMENT, "id": "uk-backstop-proxy-cache-test", "actor": "uk"}


def ids(body: bytes) -> list[str]:
    return [item["id"] for item in json.loads(body)["items"]]


def test_a_write_is_seen_through_the_cache_within_max_age(stack):
    app, front = stack
    key = create_key(app)
    status, _, before = front.get(UK_STATEMENTS)
    assert status == 200 and STATEMENT["id"] not in ids(before)
    assert cache_status(front.get(UK_STATEMENTS)[1]) == "HIT"  # the list is in the cache

    status, headers, created = post_json(front.url, "/v1/statements", STATEMENT,
                                         {"Authorization": f"Bearer {key}"})
    written = time.monotonic()
    assert status == 201, created
    assert "X-Cache-Status" not in headers or cache_status(headers) == "BYPASS"

    seen = []  # (seconds after the write, cache status) of every poll
    while time.monotonic() - written < MAX_AGE + 2:
        status, headers, body = front.get(UK_STATEMENTS)
        assert status == 200
        seen.append((round(time.monotonic() - written, 2), cache_status(headers)))
        if STATEMENT["id"] in ids(body):
            break
        time.sleep(0.1)
    else:
        pytest.fail(f"the statement was not listed through nginx {MAX_AGE + 2} s after "
                    f"the write; polls: {seen}")
    assert seen[-1][0] <= MAX_AGE + 2, seen
    # ...and the write itself went to the app, not to the cache.
    posts = [line for line in map(json.loads, front.access_log().splitlines())
             if line["method"] == "POST"]
    assert [(line["upstream_status"], line["cache"]) for line in posts] in (
        [("201", "")], [("201", "BYPASS")]), posts
