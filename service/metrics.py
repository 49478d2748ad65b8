"""What /metrics tells Prometheus, with prometheus-client.

Under gunicorn every worker writes its counts to files in PROMETHEUS_MULTIPROC_DIR
(gunicorn.conf.py makes the folder and clears a dead worker's share), and a scrape
of any worker sums them all. Without it (tests, one process) the process's own
registry answers. The webhook backlog is read from the database at each scrape,
so it is the same whichever worker or instance answers.
"""

from __future__ import annotations

import os
import re
import time

from flask import Flask, current_app, g, request
from prometheus_client import (CONTENT_TYPE_LATEST, REGISTRY, CollectorRegistry, Counter,
                               Histogram, generate_latest, multiprocess)
from prometheus_client.core import GaugeMetricFamily

REQUESTS = Counter("standpoint_http_requests", "HTTP requests answered, by route template "
                   "(as in openapi.yaml) and status.", ["method", "route", "status"])
LATENCY = Histogram("standpoint_http_request_duration_seconds", "Time from the request "
                    "reaching the app to its answer, by route template.", ["method", "route"])
RATE_LIMIT_FALLBACKS = Counter(
    "standpoint_rate_limit_storage_fallbacks", "Times the rate limiter lost its storage "
    "(Redis) and fell back to counting in each process's memory.")
DATABASE_ERRORS = Counter("standpoint_database_errors", "Requests (and scrapes) that failed on "
                          "the database, by kind: unavailable or read-only.", ["kind"])
UNMATCHED = "(unmatched)"  # a path no route knows: one label, not one per path tried


def route_template(rule: str) -> str:
    """A Flask rule as openapi.yaml names its path: /v1/actors/<string:actor_id> -> /v1/actors/{actor_id}."""
    return re.sub(r"<(?:[^<>:]+:)?([^<>]+)>", r"{\1}", rule)


def _started() -> None:
    g.metrics_started = time.perf_counter()


def _answered(response):
    started = g.pop("metrics_started", None)
    route = route_template(request.url_rule.rule) if request.url_rule else UNMATCHED
    REQUESTS.labels(request.method, route, str(response.status_code)).inc()
    if started is not None:
        LATENCY.labels(request.method, route).observe(time.perf_counter() - started)
    return response


def init_app(app: Flask) -> None:
    # Registered before every other hook, so the time includes theirs.
    app.before_request(_started)
    app.after_request(_answered)


class WebhookBacklog:
    """Collector: the outbox's pending rows and the age of the oldest, read at scrape."""

    def __init__(self, engine):
        self.engine = engine

    def collect(self):
        from .store.deliveries import backlog

        try:
            pending, oldest_age = backlog(self.engine)
        except Exception:  # the database is down: the rest of the scrape still answers
            DATABASE_ERRORS.labels("unavailable").inc()
            return
        yield GaugeMetricFamily("standpoint_webhook_backlog", "Webhook deliveries not yet "
                                "delivered (pending, retries included; paused subscriptions' rows wait by "
                                "choice and are not counted).", value=pending)
        yield GaugeMetricFamily(
            "standpoint_webhook_oldest_pending_age_seconds", "Age of the oldest pending webhook "
            "delivery (0 when none).",
            value=oldest_age)


def exposition() -> tuple[bytes, str]:
    """The text a scrape gets, and its Content-Type."""
    if os.environ.get("PROMETHEUS_MULTIPROC_DIR"):
        counts = CollectorRegistry()
        multiprocess.MultiProcessCollector(counts)
    else:
        counts = REGISTRY
    database = CollectorRegistry()
    database.register(WebhookBacklog(current_app.extensions["standpoint.engine"]))
    return generate_latest(counts) + generate_latest(database), CONTENT_TYPE_LATEST
