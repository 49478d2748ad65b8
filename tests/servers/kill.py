"""What the kill -9 tests share (test_worker_kill.py, test_proposal_kill.py): POSTs
retried with their Idempotency-Key when the kill cuts them off, as a careful client
would, and the kill of one of a live server's two gunicorn workers under that load."""

from __future__ import annotations

import http.client
import os
import signal
import threading
import time

from .server import post_json

SECONDS, KILL_AT = 6.0, 2.0
# Durability is the point here, not limits (they have their own tests): the
# load must not be cut short by 429s.
UNLIMITED = {"STANDPOINT_RATE_LIMIT_PER_KEY": "1000000 per minute",
             "STANDPOINT_RATE_LIMIT_PER_IP": "1000000 per minute"}


def post_until_answered(url: str, path: str, body: dict, headers: dict,
                        cut_off: list) -> tuple[int, dict] | None:
    """(status, body) of the POST, retried with the same headers (the same
    Idempotency-Key) while the kill cuts it off, each cut noted in `cut_off`;
    None if it was never answered."""
    for _attempt in range(20):
        try:
            status, _, answer = post_json(url, path, body, headers)
        except (OSError, http.client.HTTPException):
            # Cut off by the kill: before the answer (a reset) or in the
            # middle of it (headers sent, body not: IncompleteRead).
            cut_off.append(headers["Idempotency-Key"])
            time.sleep(0.1)
            continue
        return status, answer
    return None


def kill_a_worker_under(server, threads: list[threading.Thread], stop: threading.Event) -> None:
    """Start the load's `threads`, kill -9 one of the server's two workers KILL_AT
    seconds in, let the load run to SECONDS, then stop it; the master must have
    replaced the killed worker."""
    for thread in threads:
        thread.start()
    time.sleep(KILL_AT)
    workers = server.worker_pids()
    assert len(workers) == 2, workers
    victim = workers[0]
    os.kill(victim, signal.SIGKILL)
    time.sleep(SECONDS - KILL_AT)
    stop.set()
    for thread in threads:
        thread.join(timeout=60)
    assert victim not in server.worker_pids()
