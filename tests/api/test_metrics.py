"""/metrics for Prometheus: what an operator's dashboards and alerts read.

The counters are the process's own here (one app, no gunicorn); tests/servers/
test_metrics_workers.py sees them summed over gunicorn's workers."""

from __future__ import annotations

import datetime as dt
import logging
import re

import pytest
import sqlalchemy as sa
from prometheus_client.parser import text_string_to_metric_families

from service import create_app
from service.store import tables

from ..helpers import redis_of_this_worker
from ..servers.server import free_port
from ..servers.tcp_proxy import CuttableProxy

REDIS_URL = redis_of_this_worker()


def make_app(tmp_path, **config):
    return create_app({"DATABASE_URL": f"sqlite:///{tmp_path / 'metrics.db'}", "TESTING": True,
                       **config})


def scrape(client) -> dict[tuple[str, tuple], float]:
    """Every sample of /metrics: (name, sorted labels) -> value."""
    answer = client.get("/metrics")
    assert answer.status_code == 200 and answer.mimetype == "text/plain"
    return {(sample.name, tuple(sorted(sample.labels.items()))): sample.value
            for family in text_string_to_metric_families(answer.get_data(as_text=True))
            for sample in family.samples}


def value(samples, name, **labels) -> float:
    return samples.get((name, tuple(sorted(labels.items()))), 0.0)


def test_requests_are_counted_by_route_template_and_status_with_their_latency(tmp_path):
    client = make_app(tmp_path).test_client()
    before = scrape(client)
    for path in ("/v1/actors/uk", "/v1/actors/russia", "/v1/actors/narnia", "/no/such/page"):
        client.get(path)
    after = scrape(client)
    route = "/v1/actors/{actor_id}"

    def delta(name, **labels):
        return value(after, name, **labels) - value(before, name, **labels)

    assert delta("standpoint_http_requests_total", method="GET", route=route, status="200") == 2
    assert delta("standpoint_http_requests_total", method="GET", route=route, status="404") == 1
    assert delta("standpoint_http_requests_total", method="GET", route="(unmatched)",
                 status="404") == 1
    assert delta("standpoint_http_request_duration_seconds_count", method="GET", route=route) == 3
    assert delta("standpoint_http_request_duration_seconds_bucket", method="GET", route=route,
                 le="+Inf") == 3
    # Raw paths never become labels: a scanner cannot grow the series without bound.
    text = client.get("/metrics").get_data(as_text=True)
    assert "/v1/actors/uk" not in text and "narnia" not in text and "/no/such" not in text


def test_metrics_are_never_rate_limited_nor_cached(tmp_path):
    client = make_app(tmp_path, RATE_LIMIT_PER_IP="2 per hour").test_client()
    answers = [client.get("/metrics") for _ in range(5)]
    assert [a.status_code for a in answers] == [200] * 5
    assert answers[-1].headers["Cache-Control"] == "no-store"
    assert "X-RateLimit-Limit" not in answers[-1].headers
    # The scrapes spent nothing of the budget; reads spend it as before.
    assert [client.get("/v1/actors").status_code for _ in range(3)] == [200, 200, 429]


def test_the_webhook_backlog_and_its_oldest_age_come_from_the_database(tmp_path):
    app = make_app(tmp_path)
    client = app.test_client()
    assert value(scrape(client), "standpoint_webhook_backlog") == 0
    assert value(scrape(client), "standpoint_webhook_oldest_pending_age_seconds") == 0
    now = dt.datetime.now(dt.UTC)
    engine = app.extensions["standpoint.engine"]
    with engine.begin() as conn:
        conn.execute(tables.webhook_subscriptions.insert().values(
            id="sub1", url="https://hooks.example/in", secret="whsec_x", actors=[], topics=[],
            verdicts=[], status="active", created_at=now, created_by="t", updated_at=now,
            updated_by="t"))
        for n, (status, age_hours) in enumerate([("pending", 2), ("pending", 0), ("delivered", 9),
                                                 ("failed", 30)]):
            conn.execute(tables.webhook_deliveries.insert().values(
                id=f"msg_{n}", subscription_id="sub1", event_type="position.changed",
                actor_id="uk", topic_id="backstop", verdict="moved", body="{}", status=status,
                attempts=1, created_at=now - dt.timedelta(hours=age_hours), seq=n))
    samples = scrape(client)
    assert value(samples, "standpoint_webhook_backlog") == 2  # delivered and failed are not
    age = value(samples, "standpoint_webhook_oldest_pending_age_seconds")
    assert 2 * 3600 <= age < 2 * 3600 + 60


def test_database_errors_are_counted(tmp_path, monkeypatch):
    from service import database

    client = make_app(tmp_path).test_client()
    before = value(scrape(client), "standpoint_database_errors_total", kind="unavailable")

    def unreachable():
        raise sa.exc.OperationalError("SELECT 1", {}, ConnectionError("gone"))

    monkeypatch.setattr(database, "record", unreachable)
    assert client.get("/v1/actors").status_code == 503
    answer = client.get("/v1/topics")
    assert answer.status_code == 503 and answer.headers["Retry-After"] == "5"
    monkeypatch.undo()
    after = value(scrape(client), "standpoint_database_errors_total", kind="unavailable")
    assert after - before == 2


@pytest.mark.redis
@pytest.mark.skipif(not REDIS_URL, reason="Redis run skipped: set STANDPOINT_TEST_REDIS_URL "
                    "(e.g. redis://127.0.0.1:6379/15) to a Redis database the tests may flush")
def test_losing_redis_is_said_once_in_the_log_and_counted(tmp_path, caplog):
    import redis

    target = redis.Redis.from_url(REDIS_URL)
    target.flushdb()
    host, port = target.connection_pool.connection_kwargs["host"], \
        target.connection_pool.connection_kwargs["port"]
    proxy = CuttableProxy(free_port(), (host, port))
    proxy.start()
    database = re.search(r"/(\d+)$", REDIS_URL)
    app = make_app(tmp_path, REDIS_URL=f"redis://127.0.0.1:{proxy.listen_port}/"
                                       f"{database.group(1) if database else 0}")
    client = app.test_client()
    before = value(scrape(client), "standpoint_rate_limit_storage_fallbacks_total")
    with caplog.at_level(logging.WARNING, logger="standpoint"):
        assert client.get("/v1/actors").status_code == 200
        assert not [r for r in caplog.records if "rate limits" in r.getMessage()]
        proxy.cut()
        assert [client.get("/v1/actors").status_code for _ in range(5)] == [200] * 5
    warnings = [r.getMessage() for r in caplog.records if "rate limits" in r.getMessage()]
    assert len(warnings) == 1 and "unreachable" in warnings[0], warnings
    assert value(scrape(client), "standpoint_rate_limit_storage_fallbacks_total") - before == 1
