"""The delivery worker against a receiver on loopback: signatures, retries,
failure, redelivery, and targets refused after DNS resolution."""

from __future__ import annotations

import dataclasses
import threading

import pytest
from standardwebhooks.webhooks import Webhook

from service.store import subscriptions
from service.store import write as w
from service.store.engine import write_transaction
from service.webhooks import targets, worker

from .receiver import receiver

STATEMENT = {
    "actor": "germany", "topic": "backstop", "summary": "Germany on a US backstop.",
    "quote": "We will see.", "quote_kind": "verbatim", "date_precision": "day",
    "source": {"publisher": "Associated Press", "published_on": "2025-03-12",
               "url": "https://apnews.com/example"},
}


def engine(app):
    return app.extensions["standpoint.engine"]


def settings(app, **changes) -> worker.Settings:
    """The app's settings, polling fast, with loopback allowed (the receivers are there)."""
    config = {**app.config, "WEBHOOK_ALLOWED_TARGETS": targets.Allowlist.parse(["127.0.0.0/8"]),
              "WEBHOOK_POLL": 0.02}
    return dataclasses.replace(worker.Settings.from_config(config), **changes)


def subscribe(app, url, **filters):
    with write_transaction(engine(app)) as conn:
        return subscriptions.create(conn, {"url": url, **filters}, "test")


def state(app, subscription_id):
    with engine(app).connect() as conn:
        rows, _ = subscriptions.deliveries(conn, subscription_id, None, 0, 1000)
    return rows


def test_a_correction_that_turns_a_shift_into_a_reversal_delivers_that_one_event_signed(app):
    with write_transaction(engine(app)) as conn:
        w.create_statement(conn, {**STATEMENT, "id": "de-1", "stance": "leans_against",
                                  "stated_on": "2025-03-01"}, "desk")
        w.create_statement(conn, {**STATEMENT, "id": "de-2", "stance": "rules_out",
                                  "stated_on": "2025-03-10"}, "desk")
    with receiver() as hooks:
        subscription, secret = subscribe(app, hooks.url)
        with write_transaction(engine(app)) as conn:
            w.revise_statement(conn, "de-2", {"stance": "supports", "note": "Misheard."},
                               "desk", lambda s: True)
        worker.run(engine(app), settings(app), until_idle=True)
    (call,) = hooks.calls
    event = Webhook(secret).verify(call.body, call.headers)  # raises unless signed right
    assert event["type"] == "position.changed"
    data = event["data"]
    assert (data["actor"], data["topic"], data["change"], data["verdict"], data["distance"]) == (
        "germany", "backstop", "changed", "reversed", 2)
    assert (data["from"]["statement_id"], data["from"]["stance"]) == ("de-1", "leans_against")
    assert (data["to"]["statement_id"], data["to"]["stance"]) == ("de-2", "supports")
    assert data["current"] is True
    assert data["statement"]["revision"] == 2 and data["statement"]["note"] == "Misheard."
    assert data["summary"] == ("Germany reversed, moving more in favour on 10 March 2025: from "
                               "Leans against to Supports (2 steps)")
    with pytest.raises(Exception):
        Webhook(subscriptions.new_secret()).verify(call.body, call.headers)
    (row,) = state(app, subscription.id)
    assert (row.id, row.status, row.attempts, row.last_status) == (
        call.headers["webhook-id"], "delivered", 1, 204)


def test_retries_follow_the_schedule_then_deliver(app, capsys):
    schedule = (0.2, 0.4, 0.8)
    with receiver(fail_first=3) as hooks:
        subscription, secret = subscribe(app, hooks.url)
        with write_transaction(engine(app)) as conn:
            w.create_statement(conn, {**STATEMENT, "stance": "supports",
                                      "stated_on": "2025-03-12"}, "desk")
        stop = threading.Event()
        thread = threading.Thread(target=worker.run,
                                  args=(engine(app), settings(app, schedule=schedule), stop))
        thread.start()
        try:
            assert hooks.wait_for(lambda h: h.ids(), timeout=20)
        finally:
            stop.set()
            thread.join()
    times = [c.at - hooks.calls[0].at for c in hooks.calls]
    gaps = [b - a for a, b in zip(times, times[1:])]
    with capsys.disabled():
        print(f"\nretry schedule {schedule}: attempts at "
              + ", ".join(f"{t:.3f}" for t in times) + " s; gaps " + ", ".join(f"{g:.3f}" for g in gaps))
    assert [c.status for c in hooks.calls] == [500, 500, 500, 204]
    assert len({c.headers["webhook-id"] for c in hooks.calls}) == 1  # one message, retried
    for call in hooks.calls:
        Webhook(secret).verify(call.body, call.headers)
    # Each retry waited at least its delay, so the waits grow as the schedule does.
    assert all(gap >= delay for gap, delay in zip(gaps, schedule))
    (row,) = state(app, subscription.id)
    assert (row.status, row.attempts) == ("delivered", 4)


def test_a_receiver_that_never_answers_2xx_ends_failed_with_its_last_error_then_redelivery(app):
    with receiver(fail_first=10**6) as hooks:
        subscription, _ = subscribe(app, hooks.url)
        with write_transaction(engine(app)) as conn:
            w.create_statement(conn, {**STATEMENT, "stance": "supports",
                                      "stated_on": "2025-03-12"}, "desk")
        fast = settings(app, schedule=(0.01, 0.01))
        stop = threading.Event()
        thread = threading.Thread(target=worker.run, args=(engine(app), fast, stop))
        thread.start()
        try:
            assert hooks.wait_for(lambda h: len(h.calls) == 3 and
                                  state(app, subscription.id)[0].status == "failed", timeout=20)
        finally:
            stop.set()
            thread.join()
        (row,) = state(app, subscription.id)
        assert (row.status, row.attempts, row.last_status, row.last_error) == (
            "failed", 3, 500, "HTTP 500")
        hooks.fail_first = 0
        with write_transaction(engine(app)) as conn:
            subscriptions.redeliver(conn, subscription.id, row.id)
        worker.run(engine(app), fast, until_idle=True)
    (row,) = state(app, subscription.id)
    assert (row.status, row.attempts) == ("delivered", 1)
    assert hooks.calls[-1].headers["webhook-id"] == row.id


def test_paused_subscriptions_keep_their_events_until_resumed(app):
    with receiver() as hooks:
        subscription, _ = subscribe(app, hooks.url)
        with write_transaction(engine(app)) as conn:
            subscriptions.update(conn, subscription.id, {"status": "paused"}, "test")
            w.create_statement(conn, {**STATEMENT, "stance": "supports",
                                      "stated_on": "2025-03-12"}, "desk")
        worker.run(engine(app), settings(app), until_idle=True)
        assert hooks.calls == []
        with write_transaction(engine(app)) as conn:
            subscriptions.update(conn, subscription.id, {"status": "active"}, "test")
        worker.run(engine(app), settings(app), until_idle=True)
        assert len(hooks.ids()) == 1


def test_a_loopback_target_is_refused_at_delivery_unless_allowed_and_fails_at_once(app):
    with receiver() as hooks:
        subscription, _ = subscribe(app, hooks.url)
        with write_transaction(engine(app)) as conn:
            w.create_statement(conn, {**STATEMENT, "stance": "supports",
                                      "stated_on": "2025-03-12"}, "desk")
        worker.run(engine(app), settings(app, allowed=targets.NOTHING_ALLOWED, schedule=(60,)),
                   until_idle=True)
    assert hooks.calls == []  # nothing was sent
    (row,) = state(app, subscription.id)
    # Failed on the first attempt, not retried for a day: no retry can change the address.
    assert row.status == "failed" and row.attempts == 1
    assert row.last_error.startswith("target refused: 127.0.0.1 is a private, loopback")


def test_redirects_are_not_followed(app):
    from http.server import BaseHTTPRequestHandler, HTTPServer

    from ..servers.server import free_port

    port = free_port()

    class Redirect(BaseHTTPRequestHandler):
        def do_POST(self):
            self.send_response(307)
            self.send_header("Location", "http://127.0.0.1:9/elsewhere")
            self.send_header("Content-Length", "0")
            self.end_headers()

        def log_message(self, *args):
            pass

    server = HTTPServer(("127.0.0.1", port), Redirect)
    thread = threading.Thread(target=server.handle_request)
    thread.start()
    subscription, _ = subscribe(app, f"http://127.0.0.1:{port}/hooks")
    with write_transaction(engine(app)) as conn:
        w.create_statement(conn, {**STATEMENT, "stance": "supports",
                                  "stated_on": "2025-03-12"}, "desk")
    worker.run(engine(app), settings(app, schedule=(60,)), until_idle=True)
    thread.join(5)
    server.server_close()
    (row,) = state(app, subscription.id)
    assert (row.status, row.last_status) == ("pending", 307)
    assert row.last_error == "HTTP 307: redirects are not followed"


def test_until_idle_waits_for_the_row_behind_an_attempt_that_ended_during_a_claim(app,
                                                                                  monkeypatch):
    """The race CI met: the claim that skips a subscription with a row in flight
    runs while that attempt ends, so it finds nothing although the next row is
    now due. `--until-idle` must not take that empty claim for idleness."""
    from service.store import deliveries
    real_claim, real_delivered = deliveries.claim, deliveries.delivered
    first_delivered, calls = threading.Event(), []

    def delivered(*args, **kwargs):
        result = real_delivered(*args, **kwargs)
        first_delivered.set()
        return result

    def claim(*args, **kwargs):
        rows = real_claim(*args, **kwargs)
        calls.append(len(rows))
        if len(calls) == 2:  # the claim made while the first row is in flight
            assert first_delivered.wait(10)
            threading.Event().wait(0.2)  # and the attempt's task has ended meanwhile
        return rows

    monkeypatch.setattr(deliveries, "claim", claim)
    monkeypatch.setattr(deliveries, "delivered", delivered)
    with receiver() as hooks:
        subscribe(app, hooks.url)
        with write_transaction(engine(app)) as conn:
            for day, stance in (("2025-03-12", "supports"), ("2025-03-13", "rules_out")):
                w.create_statement(conn, {**STATEMENT, "stance": stance, "stated_on": day},
                                   "desk")
        worker.run(engine(app), settings(app), until_idle=True)
        assert calls[:2] == [1, 0]
        assert len(hooks.ids()) == 2
