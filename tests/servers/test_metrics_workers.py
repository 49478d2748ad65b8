"""/metrics under gunicorn as shipped: one scrape of any worker counts every
worker's requests (prometheus-client's multiprocess mode, set up by
gunicorn.conf.py), and the shipped nginx rules refuse /metrics to the public."""

from __future__ import annotations

import urllib.request

import pytest
from prometheus_client.parser import text_string_to_metric_families

from bench.nginx import MISSING, binary, nginx

from .server import free_port, live_server

pytestmark = pytest.mark.slow
REQUESTS = 60


def requests_counted(text: str, route: str) -> float:
    return sum(sample.value for family in text_string_to_metric_families(text)
               for sample in family.samples
               if sample.name == "standpoint_http_requests_total"
               and sample.labels["route"] == route and sample.labels["status"] == "200")


@pytest.mark.skipif(binary() is None, reason=MISSING)
def test_a_scrape_sums_every_worker_and_the_front_refuses_it(tmp_path):
    with live_server(tmp_path, workers=2, STANDPOINT_RATE_LIMIT_ENABLED=0) as app:
        # Each request on a new connection: the two workers take them as they come.
        for _ in range(REQUESTS):
            with urllib.request.urlopen(app.url + "/v1/topics/backstop", timeout=10) as answer:
                assert answer.status == 200
        # Several scrapes, whichever worker answers each: the same total every time.
        totals = {requests_counted(app.get("/metrics")[2].decode(), "/v1/topics/{topic_id}")
                  for _ in range(6)}
        assert totals == {REQUESTS}
        with nginx(int(app.url.rsplit(":", 1)[1]), free_port(), tmp_path / "nginx") as front:
            status, _, _ = front.get("/metrics")
            assert status == 403
            assert front.get("/healthz")[0] == 200
