"""kill -9 of the delivery worker in the middle of 200 events: after a restart
every event is delivered at least once, and the receiver dedupes by webhook-id."""

from __future__ import annotations

import datetime as dt
import os
import signal
import subprocess
import sys

import pytest
import sqlalchemy as sa

from service.store import dataset_io, subscriptions, tables
from service.store.engine import write_transaction

from ..servers.server import ROOT
from .receiver import receiver

pytestmark = pytest.mark.slow
EVENTS = 200


def two_hundred_moves() -> dict:
    """The bundled record and 200 statements by Germany on the backstop, each
    moving it (it swings between two stances day after day)."""
    data = dataset_io.load_bundled()
    day = dt.date(2024, 1, 1)
    for n in range(EVENTS):
        stated = (day + dt.timedelta(days=n)).isoformat()
        data["statements"].append({
            "id": f"germany-backstop-swing-{n:03}", "actor": "germany", "topic": "backstop",
            "stance": ("leans_against", "rules_out")[n % 2], "conditions": [],
            "summary": "A swing.", "quote": "Maybe.", "quote_kind": "verbatim", "speaker": None,
            "stated_on": stated, "date_precision": "day", "status": "current",
            "source": {"publisher": "Test wire", "published_on": stated, "title": None,
                       "byline": None, "url": None, "location": None}})
    return data


def start_worker(app, log_path):
    env = {**os.environ, "DATABASE_URL": app.config["DATABASE_URL"],
           "STANDPOINT_PREPARE_DATABASE": "0", "STANDPOINT_WEBHOOK_ALLOWED_TARGETS": "127.0.0.0/8",
           "STANDPOINT_WEBHOOK_LEASE_SECONDS": "1", "STANDPOINT_WEBHOOK_POLL_SECONDS": "0.05",
           "STANDPOINT_WEBHOOK_BATCH": "10"}
    with open(log_path, "ab") as log:
        return subprocess.Popen([sys.executable, "-m", "flask", "--app", "service", "webhooks",
                                 "deliver"], cwd=ROOT, env=env, stdout=log, stderr=log)


def pending(app) -> int:
    d = tables.webhook_deliveries
    with app.extensions["standpoint.engine"].connect() as conn:
        return conn.execute(sa.select(sa.func.count()).select_from(d)
                            .where(d.c.status != "delivered")).scalar_one()


def test_kill_9_mid_delivery_loses_nothing(app, tmp_path, capsys):
    engine = app.extensions["standpoint.engine"]
    log_path = tmp_path / "worker.log"
    with receiver() as hooks:
        with write_transaction(engine) as conn:
            subscriptions.create(conn, {"url": hooks.url}, "test")
        with write_transaction(engine) as conn:
            dataset_io.import_dataset(conn, dataset_io.parse_dataset(two_hundred_moves()), "swings")
        with engine.connect() as conn:
            queued = set(conn.execute(sa.select(tables.webhook_deliveries.c.id)).scalars())
        assert len(queued) == EVENTS

        first = start_worker(app, log_path)
        try:
            assert hooks.wait_for(lambda h: len(h.ids()) >= 60), log_path.read_text()
        finally:
            first.send_signal(signal.SIGKILL)
            first.wait()
        at_kill = len(hooks.ids())
        assert at_kill < EVENTS, "the worker finished before it could be killed"

        second = start_worker(app, log_path)
        try:
            assert hooks.wait_for(lambda h: len(h.ids()) == EVENTS and pending(app) == 0), \
                log_path.read_text()[-3000:]
        finally:
            second.send_signal(signal.SIGTERM)
            assert second.wait(timeout=20) == 0
    received = [c.headers["webhook-id"] for c in hooks.calls]
    assert set(received) == queued  # every event, at least once
    with capsys.disabled():
        print(f"\nkill -9 after {at_kill} of {EVENTS} events received; after the restart "
              f"{len(set(received))} distinct webhook-ids in {len(received)} requests "
              f"({len(received) - len(set(received))} duplicates, dropped by webhook-id)")
