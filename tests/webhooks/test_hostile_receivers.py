"""Receivers that answer slowly, trickle or flood cannot hold the worker: each
attempt has one deadline, the answer's body is never read, and a slow
subscription occupies only its own slot, so a healthy one beside it gets its
events as they are written."""

from __future__ import annotations

import json
import threading
import time

from service.store import deliveries, subscriptions
from service.store import write as w
from service.store.engine import write_transaction
from service.webhooks import worker

from .receiver import hostile_receiver, receiver, silent, trickling
from .test_delivery import STATEMENT, engine, settings, state, subscribe

STANCES = ("supports", "leans_against")

# A 200 status line, then one byte of headers every 0.5 s for 30 s.
trickle_headers = trickling(b"HTTP/1.1 200 OK\r\n", 0.5, 60)
# A whole 200 head, then a body of one byte every 4 s.
trickle_body = trickling(b"HTTP/1.1 200 OK\r\nContent-Length: 100\r\n\r\n", 4, 100)

def flood(send, closed):
    """200 with a 200 MB body, written as fast as the worker takes it."""
    send(b"HTTP/1.1 200 OK\r\nContent-Length: %d\r\n\r\n" % (200 * 2**20))
    chunk = b"\0" * 2**16
    for _ in range(200 * 2**4):
        send(chunk)

def write_event(app, n: int) -> tuple[str, float]:
    """A statement that moves Germany on the backstop: one event. Its id and commit time."""
    statement_id = f"de-hostile-{n}"
    with write_transaction(engine(app)) as conn:
        w.create_statement(conn, {**STATEMENT, "id": statement_id, "stance": STANCES[n % 2],
                                  "stated_on": f"2025-03-{n + 1:02}"}, "desk")
    return statement_id, time.monotonic()

def test_a_healthy_receiver_gets_every_event_while_slow_and_trickling_ones_are_held(app, capsys):
    deadline = 6.0
    with (receiver() as healthy, hostile_receiver(silent) as (slow_url, slow_calls),
          hostile_receiver(trickle_headers) as (trickle_url, trickle_calls)):
        subscribe(app, slow_url)
        subscribe(app, trickle_url)
        subscribe(app, healthy.url)
        stop = threading.Event()
        fast = settings(app, timeout=deadline, schedule=(0.1,) * 20)
        thread = threading.Thread(target=worker.run, args=(engine(app), fast, stop))
        thread.start()
        try:
            written = dict(write_event(app, n) for n in range(6))
            assert healthy.wait_for(lambda h: len(h.ids()) == 6, timeout=60)
        finally:
            stop.set()
            thread.join()
    arrived = {json.loads(c.body)["data"]["statement"]["id"]: c.at for c in healthy.calls}
    latencies = [arrived[statement_id] - at for statement_id, at in written.items()]
    hostile = [*slow_calls, *trickle_calls]
    held = [c.closed_at - c.accepted_at for c in hostile]
    with capsys.disabled():
        print("\nhealthy receiver, write to arrival: "
              + ", ".join(f"{t:.3f}" for t in latencies) + f" s (max {max(latencies):.3f});"
              + " hostile attempts cut after " + ", ".join(f"{t:.2f}" for t in held)
              + f" s (deadline {deadline:g} s)")
    # Every healthy event arrived while the first hostile requests were still held open:
    # neither slow receiver delayed it.
    first_cut = min(c.closed_at for c in (slow_calls[0], trickle_calls[0]))
    assert max(arrived.values()) < first_cut
    # The trickle never let a per-read timeout fire; the deadline cut it (and the 30 s one).
    assert all(c.closed_at - c.accepted_at < 30 for c in hostile)
    with engine(app).connect() as conn:
        errors = {row.last_error for row in conn.exec_driver_sql(
            "SELECT last_error FROM webhook_deliveries WHERE last_error IS NOT NULL")}
    assert errors == {f"no answer within the {deadline:g} s deadline"}

def test_an_answer_whose_body_floods_or_trickles_is_delivered_on_its_status_unread(app, capsys):
    with (hostile_receiver(flood) as (flood_url, flood_calls),
          hostile_receiver(trickle_body) as (trickle_url, trickle_calls)):
        flooded, _ = subscribe(app, flood_url)
        trickled, _ = subscribe(app, trickle_url)
        write_event(app, 0)
        worker.run(engine(app), settings(app, timeout=30.0), until_idle=True)
        # The worker hung up without reading: the flood stopped at what socket buffers hold.
        assert flood_calls[0].sent < 20 * 2**20
        assert trickle_calls[0].sent < 100
    with capsys.disabled():
        print(f"\n200 MB answer: {flood_calls[0].sent / 2**20:.1f} MiB written before the worker "
              f"hung up after {flood_calls[0].closed_at - flood_calls[0].accepted_at:.3f} s; "
              f"trickled body: hung up after "
              f"{trickle_calls[0].closed_at - trickle_calls[0].accepted_at:.3f} s")
    for subscription in (flooded, trickled):
        (row,) = state(app, subscription.id)
        assert (row.status, row.last_status) == ("delivered", 200)

def test_one_subscription_gets_its_events_one_at_a_time_in_sequence_order_from_two_workers(app):
    in_flight, most = [0], [0]
    lock = threading.Lock()

    def counted(send, closed):
        with lock:
            in_flight[0] += 1
            most[0] = max(most[0], in_flight[0])
        time.sleep(0.05)
        with lock:
            in_flight[0] -= 1
        send(b"HTTP/1.1 204 No Content\r\nContent-Length: 0\r\n\r\n")

    with hostile_receiver(counted) as (url, calls):
        subscription, _ = subscribe(app, url)
        for n in range(6):
            write_event(app, n)
        stop = threading.Event()
        workers = [threading.Thread(target=worker.run, args=(engine(app), settings(app), stop))
                   for _ in range(2)]
        for thread in workers:
            thread.start()
        try:
            deadline = time.monotonic() + 60
            while len(calls) < 6 and time.monotonic() < deadline:
                time.sleep(0.05)
        finally:
            stop.set()
            for thread in workers:
                thread.join()
    rows = state(app, subscription.id)
    assert len(calls) == 6 and most[0] == 1  # never two requests to it at once
    assert all(row.status == "delivered" for row in rows)
    in_delivery_order = sorted(rows, key=lambda row: row.delivered_at)
    sequences = [json.loads(row.body)["data"]["sequence"] for row in in_delivery_order]
    assert sequences == sorted(sequences)


def test_delivered_rows_are_pruned_after_retention_and_sequence_never_goes_back(app):
    with receiver() as hooks:
        subscription, _ = subscribe(app, hooks.url)
        for n in range(3):
            write_event(app, n)
        worker.run(engine(app), settings(app, retention=0.0, timeout=30.0), until_idle=True)
        assert len(hooks.ids()) == 3
        (kept,) = state(app, subscription.id)  # only the newest event's row stays
        kept_sequence = json.loads(kept.body)["data"]["sequence"]
        write_event(app, 3)
        worker.run(engine(app), settings(app, retention=0.0, timeout=30.0), until_idle=True)
    sequences = [json.loads(c.body)["data"]["sequence"] for c in hooks.calls]
    assert sequences[-1] == kept_sequence + 1
    assert sequences == sorted(set(sequences))

def test_the_backlog_counts_undelivered_rows_of_active_subscriptions(app):
    with receiver() as hooks:
        subscription, _ = subscribe(app, hooks.url)
        assert deliveries.backlog(engine(app)) == (0, 0.0)
        write_event(app, 0)
        write_event(app, 1)
        count, oldest = deliveries.backlog(engine(app))
        assert count == 2 and oldest >= 0
        with write_transaction(engine(app)) as conn:
            subscriptions.update(conn, subscription.id, {"status": "paused"}, "test")
        assert deliveries.backlog(engine(app)) == (0, 0.0)  # waiting by choice, not stuck
        with write_transaction(engine(app)) as conn:
            subscriptions.update(conn, subscription.id, {"status": "active"}, "test")
        worker.run(engine(app), settings(app, timeout=30.0), until_idle=True)  # a loaded CI machine
    assert deliveries.backlog(engine(app)) == (0, 0.0)
