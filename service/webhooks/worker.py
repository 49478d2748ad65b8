"""The delivery worker: `flask --app service webhooks deliver`.

One process (run as many as you like) that claims due outbox rows with a
lease, signs each the Standard Webhooks way and POSTs it; a 2xx answer
delivers it, anything else (a redirect too: none is followed) schedules a
retry after the next delay of the schedule, and the last failure marks it
`failed`. A worker killed mid-batch loses nothing: its rows' leases run out
and another claim takes them again, so delivery is at least once, and
receivers dedupe by `webhook-id`.
"""

from __future__ import annotations

import dataclasses
import datetime as dt
import logging
import threading
from collections.abc import Mapping

import httpx
import sqlalchemy as sa
from standardwebhooks.webhooks import Webhook

from ..store import deliveries
from . import targets

log = logging.getLogger("standpoint.webhooks")

# Seconds before each retry: exponential, about 24 hours from the first try to the last.
DEFAULT_SCHEDULE = (5, 30, 120, 600, 1800, 3600, 7200, 14400, 28800, 28800)
USER_AGENT = "Standpoint-Webhooks/1"


@dataclasses.dataclass(frozen=True)
class Settings:
    schedule: tuple[float, ...] = DEFAULT_SCHEDULE
    timeout: float = 5.0
    lease: float = 60.0
    poll: float = 1.0
    batch: int = 10
    allow_private: bool = False

    @classmethod
    def from_config(cls, config: Mapping) -> Settings:
        return cls(schedule=tuple(config["WEBHOOK_RETRY_SCHEDULE"]),
                   timeout=config["WEBHOOK_TIMEOUT"], lease=config["WEBHOOK_LEASE"],
                   poll=config["WEBHOOK_POLL"], batch=config["WEBHOOK_BATCH"],
                   allow_private=config["WEBHOOK_ALLOW_PRIVATE"])


def signed_headers(secret: str, message_id: str, body: str,
                   at: dt.datetime | None = None) -> dict[str, str]:
    at = at or dt.datetime.now(dt.timezone.utc)
    return {"webhook-id": message_id, "webhook-timestamp": str(int(at.timestamp())),
            "webhook-signature": Webhook(secret).sign(message_id, at, body)}


def send(client: httpx.Client, item: deliveries.Claimed,
         settings: Settings) -> tuple[bool, int | None, str | None]:
    """One attempt: (delivered, HTTP status, error)."""
    try:
        parts = targets.check_url(item.url)
        address = targets.resolve(parts.hostname, targets.default_port(parts),
                                  settings.allow_private)[0]
    except targets.UnsafeTarget as exc:
        return False, None, f"target refused: {exc}"
    headers = {**signed_headers(item.secret, item.id, item.body),
               "content-type": "application/json", "user-agent": USER_AGENT,
               "host": parts.netloc}
    extensions = {"sni_hostname": parts.hostname} if parts.scheme == "https" else {}
    try:
        response = client.post(httpx.URL(item.url).copy_with(host=address),
                               content=item.body.encode(), headers=headers, extensions=extensions)
    except httpx.TimeoutException:
        return False, None, f"no answer within {settings.timeout:g} s"
    except (httpx.HTTPError, httpx.InvalidURL, OSError) as exc:
        return False, None, f"{type(exc).__name__}: {exc}"
    if 200 <= response.status_code < 300:
        return True, response.status_code, None
    if 300 <= response.status_code < 400:
        return False, response.status_code, f"HTTP {response.status_code}: redirects are not followed"
    return False, response.status_code, f"HTTP {response.status_code}"


def deliver_batch(engine: sa.Engine, client: httpx.Client, settings: Settings,
                  stop: threading.Event) -> int:
    """Claim and attempt one batch; how many were claimed."""
    batch = deliveries.claim(engine, settings.batch, dt.timedelta(seconds=settings.lease))
    for index, item in enumerate(batch):
        if stop.is_set():
            deliveries.release(engine, batch[index:])
            break
        ok, status, error = send(client, item, settings)
        if ok:
            deliveries.delivered(engine, item, status)
            log.info("delivered %s (HTTP %s)", item.id, status)
        else:
            deliveries.attempt_failed(engine, item, error, status, settings.schedule)
            log.warning("attempt %d of %s failed: %s", item.attempts + 1, item.id, error)
    return len(batch)


def run(engine: sa.Engine, settings: Settings, stop: threading.Event | None = None,
        until_idle: bool = False) -> None:
    """Deliver until `stop` is set (or, with `until_idle`, until nothing is due)."""
    stop = stop or threading.Event()
    timeout = httpx.Timeout(settings.timeout)
    # trust_env=False: no proxy from the environment, so the address checked is the one
    # dialled. No kept-alive connections: one to an address, made for one host's TLS name,
    # must never carry a request for another host served from the same address.
    with httpx.Client(timeout=timeout, follow_redirects=False, trust_env=False,
                      limits=httpx.Limits(max_keepalive_connections=0)) as client:
        while not stop.is_set():
            try:
                claimed = deliver_batch(engine, client, settings, stop)
            except (sa.exc.OperationalError, sa.exc.InterfaceError) as exc:
                # The database is away (a restart, a failover): leases keep the rows safe.
                log.warning("database unavailable, retrying: %s", type(exc).__name__)
                claimed = 0
            if claimed == 0:
                if until_idle:
                    return
                stop.wait(settings.poll)
