"""Issue 22's webhook scenario with the shipped defaults: a receiver that takes
30 s to answer and one that sends a 200 status line then a byte every 4 s,
beside a healthy one; a `flask webhooks deliver` process with its default
settings (5 s deadline, 1 s poll) delivers 6 events written 1 s apart.
Prints, per event, the time from its write to its arrival at the healthy
receiver. `--flood` instead sends one event, in this process, to a receiver
answering 200 with an 800 MiB body, and prints the process's peak memory.

    python -m bench.hostile_receivers                      # this checkout's worker
    python -m bench.hostile_receivers --worker-root ../main  # another checkout's, to compare
    python -m bench.hostile_receivers --flood
"""

from __future__ import annotations

import argparse
import datetime as dt
import json
import os
import resource
import subprocess
import sys
import tempfile
import time
from pathlib import Path

from service import create_app
from service.store import subscriptions
from service.store import write as w
from service.store.engine import write_transaction
from service.webhooks import targets, worker
from tests.webhooks.receiver import hostile_receiver, receiver, silent, trickling

ROOT = Path(__file__).resolve().parent.parent
EVENTS = 6


# A 200 status line, then a byte every 4 s for a minute.
TRICKLE = trickling(b"HTTP/1.1 200 OK\r\n", 4, 15)


def write_event(engine, n: int) -> str:
    statement_id = f"bench-hostile-{n}"
    with write_transaction(engine) as conn:
        w.create_statement(conn, {
            "id": statement_id, "actor": "germany", "topic": "backstop",
            "stance": ("supports", "leans_against")[n % 2], "summary": "A swing.",
            "quote": "Maybe.", "quote_kind": "verbatim",
            "stated_on": (dt.date(2025, 3, 1) + dt.timedelta(days=n)).isoformat(),
            "date_precision": "day",
            "source": {"publisher": "Bench wire", "published_on": "2025-03-20"}}, "bench")
    return statement_id


def flood(send, closed):
    send(b"HTTP/1.1 200 OK\r\nContent-Length: %d\r\n\r\n" % (800 * 2**20))
    chunk = b"\0" * 2**16
    for _ in range(800 * 2**4):
        send(chunk)


def peak_mib() -> float:
    return resource.getrusage(resource.RUSAGE_SELF).ru_maxrss / 1024


def flooded(engine) -> None:
    with hostile_receiver(flood) as (url, calls):
        with write_transaction(engine) as conn:
            subscriptions.create(conn, {"url": url}, "bench")
        write_event(engine, 0)
        before = peak_mib()
        worker.run(engine, worker.Settings(allowed=targets.Allowlist.parse(["127.0.0.0/8"])),
                   until_idle=True)
        time.sleep(0.5)  # the receiver notices the hang-up
        print(f"800 MiB answer: the receiver wrote {calls[0].sent / 2**20:.1f} MiB before the "
              f"worker hung up; peak memory {before:.0f} MiB before the delivery, "
              f"{peak_mib():.0f} MiB after")


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--worker-root", default=str(ROOT), help="the checkout whose worker runs")
    parser.add_argument("--flood", action="store_true", help="the 800 MiB answer instead")
    args = parser.parse_args()
    with tempfile.TemporaryDirectory() as folder:
        url = f"sqlite:///{folder}/bench.db"
        app = create_app({"DATABASE_URL": url})
        engine = app.extensions["standpoint.engine"]
        if args.flood:
            flooded(engine)
            return
        with (receiver() as healthy, hostile_receiver(silent) as (slow_url, slow_calls),
              hostile_receiver(TRICKLE) as (trickle_url, trickle_calls)):
            for target in (slow_url, trickle_url, healthy.url):
                with write_transaction(engine) as conn:
                    subscriptions.create(conn, {"url": target}, "bench")
            env = {**os.environ, "DATABASE_URL": url, "STANDPOINT_PREPARE_DATABASE": "0",
                   "STANDPOINT_WEBHOOK_ALLOWED_TARGETS": "127.0.0.0/8",
                   "STANDPOINT_WEBHOOK_ALLOW_PRIVATE": "1"}  # the allowlist's predecessor
            log = open(Path(folder) / "worker.log", "wb")
            worker = subprocess.Popen([sys.executable, "-m", "flask", "--app", "service",
                                       "webhooks", "deliver"], cwd=args.worker_root, env=env,
                                      stdout=log, stderr=log)
            try:
                time.sleep(3)  # the worker's start-up
                written = {}
                for n in range(EVENTS):
                    written[write_event(engine, n)] = time.monotonic()
                    time.sleep(1)
                healthy.wait_for(lambda h: len(h.ids()) == EVENTS, timeout=60)
            finally:
                worker.terminate()
                worker.wait(60)
    arrived = {json.loads(c.body)["data"]["statement"]["id"]: c.at for c in healthy.calls}
    print(f"worker of {args.worker_root}: healthy receiver got {len(arrived)} of {EVENTS} events")
    for statement_id, at in written.items():
        late = f"{arrived[statement_id] - at:6.2f} s" if statement_id in arrived else "   never"
        print(f"  {statement_id}: {late} after its write")
    for name, calls in (("30 s receiver", slow_calls), ("trickling receiver", trickle_calls)):
        held = [f"{c.closed_at - c.accepted_at:.2f}" for c in calls if c.closed_at]
        print(f"  {name}: {len(calls)} requests, held {', '.join(held)} s")


if __name__ == "__main__":
    main()
