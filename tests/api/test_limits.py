"""Rate limits: per client IP, per API key when one is sent, in memory or shared through Redis."""

from __future__ import annotations

import time

import pytest

from service import create_app

from ..contract import ContractClient
from ..helpers import redis_of_this_worker

REDIS_URL = redis_of_this_worker()


def make_app(tmp_path, **config):
    app = create_app({"DATABASE_URL": f"sqlite:///{tmp_path / 'limits.db'}", "TESTING": True, **config})
    app.test_client_class = ContractClient
    return app


def get(client, path="/v1/actors", ip="203.0.113.7", key=None):
    headers = {"Authorization": f"Bearer {key}"} if key else {}
    return client.get(path, headers=headers, environ_base={"REMOTE_ADDR": ip})


def test_a_client_over_its_limit_gets_429_problem_with_retry_after(tmp_path):
    client = make_app(tmp_path, RATE_LIMIT_PER_IP="3 per hour").test_client()
    answers = [get(client) for _ in range(4)]
    assert [a.status_code for a in answers] == [200, 200, 200, 429]
    assert [a.headers["X-RateLimit-Remaining"] for a in answers] == ["2", "1", "0", "0"]
    assert all(a.headers["X-RateLimit-Limit"] == "3" for a in answers)
    assert int(answers[0].headers["X-RateLimit-Reset"]) > time.time()
    refused = answers[-1]
    assert refused.mimetype == "application/problem+json"
    body = refused.get_json()
    assert body["type"].endswith("/rate-limited") and body["status"] == 429
    assert "per client IP" in body["detail"]
    assert 3000 < int(refused.headers["Retry-After"]) <= 3600
    assert "Retry-After" not in answers[0].headers  # only a refusal says when to come back


def test_conditional_reads_are_limited_too(tmp_path):
    """A 304 is answered before any rendering, but after the limit is counted."""
    client = make_app(tmp_path, RATE_LIMIT_PER_IP="3 per hour").test_client()
    path = "/v1/positions?as_of=2025-03-20&actors=uk"
    answers = [get(client, path) for _ in range(4)]
    assert [a.status_code for a in answers] == [200, 200, 200, 429]
    assert answers[-1].mimetype == "application/problem+json"
    etag = answers[0].headers["ETag"]
    refused = client.get(path, headers={"If-None-Match": etag}, environ_base={"REMOTE_ADDR": "203.0.113.7"})
    assert refused.status_code == 429  # not a 304: the budget is spent


def test_each_ip_has_its_own_budget(tmp_path):
    client = make_app(tmp_path, RATE_LIMIT_PER_IP="2 per hour").test_client()
    assert [get(client, ip="198.51.100.1").status_code for _ in range(3)] == [200, 200, 429]
    assert get(client, ip="198.51.100.2").status_code == 200


def test_each_api_key_has_its_own_budget_wherever_it_comes_from(tmp_path):
    client = make_app(tmp_path, RATE_LIMIT_PER_IP="100 per hour",
                      RATE_LIMIT_PER_KEY="2 per hour").test_client()
    assert get(client, key="key-one", ip="192.0.2.1").status_code == 200
    assert get(client, key="key-one", ip="192.0.2.2").status_code == 200
    refused = get(client, key="key-one", ip="192.0.2.3")
    assert refused.status_code == 429 and "per API key" in refused.get_json()["detail"]
    assert get(client, key="key-two", ip="192.0.2.1").status_code == 200
    assert get(client, ip="192.0.2.1").status_code == 200  # anonymous: only the IP budget


def test_probes_are_never_limited_and_the_contract_is_a_read_like_any(tmp_path):
    client = make_app(tmp_path, RATE_LIMIT_PER_IP="1 per hour").test_client()
    for path in ("/healthz", "/readyz", "/healthz", "/readyz"):
        assert get(client, path).status_code == 200, path
    assert get(client, "/openapi.yaml").status_code == 200
    assert get(client, "/openapi.yaml").status_code == 429
    assert get(client).status_code == 429


def test_limits_come_from_the_environment(tmp_path, monkeypatch):
    monkeypatch.setenv("STANDPOINT_RATE_LIMIT_PER_IP", "1 per hour")
    client = make_app(tmp_path).test_client()
    assert [get(client).status_code for _ in range(2)] == [200, 429]
    monkeypatch.setenv("STANDPOINT_RATE_LIMIT_ENABLED", "0")
    client = make_app(tmp_path).test_client()
    assert all(get(client).status_code == 200 for _ in range(5))


def test_the_default_is_generous_for_a_dashboard(tmp_path):
    app = make_app(tmp_path)
    assert app.config["RATE_LIMIT_PER_IP"] == "1200 per minute"
    client = app.test_client()
    # A dashboard refreshing the grid, the actors and the topics every 5 s for 3 minutes.
    for _ in range(36):
        for path in ("/v1/positions", "/v1/actors", "/v1/topics"):
            assert get(client, path).status_code == 200


@pytest.mark.redis
@pytest.mark.skipif(not REDIS_URL, reason="Redis run skipped: set STANDPOINT_TEST_REDIS_URL "
                    "(e.g. redis://127.0.0.1:6379/15) to a Redis database the tests may flush")
def test_instances_sharing_redis_share_one_budget(tmp_path):
    import redis

    redis.Redis.from_url(REDIS_URL).flushdb()
    first = make_app(tmp_path, REDIS_URL=REDIS_URL, RATE_LIMIT_PER_IP="3 per hour").test_client()
    second = make_app(tmp_path, REDIS_URL=REDIS_URL, RATE_LIMIT_PER_IP="3 per hour").test_client()
    assert get(first).status_code == 200
    assert get(second).status_code == 200
    assert get(first).status_code == 200
    refused = get(second)
    assert refused.status_code == 429 and int(refused.headers["Retry-After"]) > 0
    assert redis.Redis.from_url(REDIS_URL).keys("*standpoint*")


@pytest.mark.redis
@pytest.mark.skipif(not REDIS_URL, reason="Redis run skipped: set STANDPOINT_TEST_REDIS_URL "
                    "(e.g. redis://127.0.0.1:6379/15) to a Redis database the tests may flush")
def test_with_redis_the_reset_time_is_redis_own_and_steady_within_a_window(tmp_path):
    import redis

    client_redis = redis.Redis.from_url(REDIS_URL)
    client_redis.flushdb()
    first = make_app(tmp_path, REDIS_URL=REDIS_URL, RATE_LIMIT_PER_IP="100 per hour").test_client()
    second = make_app(tmp_path, REDIS_URL=REDIS_URL, RATE_LIMIT_PER_IP="100 per hour").test_client()
    answers = [get(first), get(second), get(first), get(second)]
    resets = {int(a.headers["X-RateLimit-Reset"]) for a in answers}
    [key] = client_redis.keys("*standpoint*")
    expected = time.time() + client_redis.ttl(key)
    assert len(resets) <= 2 and all(abs(reset - expected) <= 2 for reset in resets), (resets, expected)
    assert [a.headers["X-RateLimit-Remaining"] for a in answers] == ["99", "98", "97", "96"]


@pytest.mark.redis
def test_an_unreachable_redis_degrades_to_memory_not_to_errors(tmp_path):
    # Nothing listens on port 1: the limiter must fall back, never fail the request.
    client = make_app(tmp_path, REDIS_URL="redis://127.0.0.1:1/0",
                      RATE_LIMIT_PER_IP="2 per hour").test_client()
    assert [get(client).status_code for _ in range(3)] == [200, 200, 429]
