"""The delivery worker: `flask --app service webhooks deliver`.

One process (run as many as you like) that claims due outbox rows with a
lease, signs each the Standard Webhooks way and POSTs it; a 2xx answer
delivers it, anything else (a redirect too: none is followed) schedules a
retry after the next delay of the schedule, and the last failure marks it
`failed`, as does a target refused at delivery, at once. A worker killed
mid-batch loses nothing: its rows' leases run out and another claim takes
them again, so delivery is at least once, and receivers dedupe by `webhook-id`.

Each subscription has one row in flight at most, each attempt its own task
with one deadline for all of it (resolve, connect, send, status and headers;
the body of the answer is never read): a slow or hostile receiver holds its own
slot until the deadline, never anyone else's turn.
"""

from __future__ import annotations

import asyncio
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
DATABASE_AWAY = (sa.exc.OperationalError, sa.exc.InterfaceError)


@dataclasses.dataclass(frozen=True)
class Settings:
    schedule: tuple[float, ...] = DEFAULT_SCHEDULE
    timeout: float = 5.0  # the deadline of one attempt, all of it
    lease: float = 60.0
    poll: float = 1.0
    batch: int = 10  # attempts in flight at once, one per subscription
    allowed: targets.Allowlist = targets.NOTHING_ALLOWED
    retention: float = 7 * 86400.0  # seconds a delivered or failed row is kept

    @classmethod
    def from_config(cls, config: Mapping) -> Settings:
        return cls(schedule=tuple(config["WEBHOOK_RETRY_SCHEDULE"]),
                   timeout=config["WEBHOOK_TIMEOUT"], lease=config["WEBHOOK_LEASE"],
                   poll=config["WEBHOOK_POLL"], batch=config["WEBHOOK_BATCH"],
                   allowed=config["WEBHOOK_ALLOWED_TARGETS"],
                   retention=config["WEBHOOK_RETENTION_DAYS"] * 86400)


@dataclasses.dataclass(frozen=True)
class Attempt:
    delivered: bool
    status: int | None = None
    error: str | None = None
    final: bool = False  # no retry could succeed


def signed_headers(secret: str, message_id: str, body: str,
                   at: dt.datetime | None = None) -> dict[str, str]:
    at = at or dt.datetime.now(dt.timezone.utc)
    return {"webhook-id": message_id, "webhook-timestamp": str(int(at.timestamp())),
            "webhook-signature": Webhook(secret).sign(message_id, at, body)}


async def _post(client: httpx.AsyncClient, item: deliveries.Claimed,
                settings: Settings) -> Attempt:
    try:
        parts = targets.check_url(item.url)
        addresses = await asyncio.to_thread(targets.resolve, parts.hostname,
                                            targets.default_port(parts), settings.allowed)
    except targets.Unresolved as exc:
        return Attempt(False, None, f"target unresolved: {exc}")
    except targets.UnsafeTarget as exc:
        return Attempt(False, None, f"target refused: {exc}", final=True)
    headers = {**signed_headers(item.secret, item.id, item.body),
               "content-type": "application/json", "user-agent": USER_AGENT,
               "host": parts.netloc}
    extensions = {"sni_hostname": parts.hostname} if parts.scheme == "https" else {}
    # Streamed and closed unread: only the status matters, so an endless or huge
    # body costs one network read at most.
    async with client.stream("POST", httpx.URL(item.url).copy_with(host=addresses[0]),
                             content=item.body.encode(), headers=headers,
                             extensions=extensions) as response:
        status = response.status_code
    if 200 <= status < 300:
        return Attempt(True, status)
    if 300 <= status < 400:
        return Attempt(False, status, f"HTTP {status}: redirects are not followed")
    return Attempt(False, status, f"HTTP {status}")


async def send(client: httpx.AsyncClient, item: deliveries.Claimed,
               settings: Settings) -> Attempt:
    """One attempt, cut at the deadline wherever it is (httpx's own timeouts
    bound each network read, not the whole: encode/httpx#1450)."""
    try:
        async with asyncio.timeout(settings.timeout):
            return await _post(client, item, settings)
    except TimeoutError:
        return Attempt(False, None, f"no answer within the {settings.timeout:g} s deadline")
    except (httpx.HTTPError, httpx.InvalidURL, OSError) as exc:
        return Attempt(False, None, f"{type(exc).__name__}: {exc}")


async def _attempt(engine: sa.Engine, client: httpx.AsyncClient, item: deliveries.Claimed,
                   settings: Settings) -> None:
    result = await send(client, item, settings)
    try:
        if result.delivered:
            await asyncio.to_thread(deliveries.delivered, engine, item, result.status)
            log.info("delivered %s (HTTP %s)", item.id, result.status)
        else:
            await asyncio.to_thread(deliveries.attempt_failed, engine, item, result.error,
                                    result.status, settings.schedule, result.final)
            log.warning("attempt %d of %s failed: %s", item.attempts + 1, item.id, result.error)
    except DATABASE_AWAY as exc:
        # Not recorded: the lease runs out and the row is sent again (at least once).
        log.warning("database unavailable, result of %s not recorded: %s", item.id,
                    type(exc).__name__)


async def _run(engine: sa.Engine, settings: Settings, stop: threading.Event,
               until_idle: bool, signals: tuple[int, ...]) -> None:
    wake = asyncio.Event()

    def stop_now() -> None:
        stop.set()
        wake.set()

    for signum in signals:
        # Through the loop: a plain handler may run only once the loop next wakes.
        asyncio.get_running_loop().add_signal_handler(signum, stop_now)
    lease = dt.timedelta(seconds=settings.lease)
    in_flight: set[asyncio.Task] = set()
    pruned_at = 0.0
    # trust_env=False: no proxy from the environment, so the address checked is the one
    # dialled. No kept-alive connections: one to an address, made for one host's TLS name,
    # must never carry a request for another host served from the same address.
    async with httpx.AsyncClient(timeout=settings.timeout, follow_redirects=False,
                                 trust_env=False,
                                 limits=httpx.Limits(max_keepalive_connections=0)) as client:
        while not stop.is_set():
            claimed = []
            # An attempt that ends while the claim runs leaves its subscription's next
            # row unseen by that claim: idle only after a claim begun with none in flight.
            busy = bool(in_flight)
            try:
                if len(in_flight) < settings.batch:
                    claimed = await asyncio.to_thread(deliveries.claim, engine,
                                                      settings.batch - len(in_flight), lease)
                loop_time = asyncio.get_running_loop().time()
                if loop_time - pruned_at >= 60 or until_idle:
                    pruned_at = loop_time
                    await asyncio.to_thread(deliveries.prune, engine,
                                            dt.timedelta(seconds=settings.retention))
            except DATABASE_AWAY as exc:
                # The database is away (a restart, a failover): leases keep the rows safe.
                log.warning("database unavailable, retrying: %s", type(exc).__name__)
            for item in claimed:
                task = asyncio.create_task(_attempt(engine, client, item, settings))
                in_flight.add(task)
                task.add_done_callback(in_flight.discard)
            if claimed or (busy and not in_flight):
                continue
            if until_idle and not in_flight:
                return
            # Wake when an attempt ends (its subscription's next row may be due), to poll,
            # or on a signal.
            signalled = asyncio.ensure_future(wake.wait())
            await asyncio.wait({*in_flight, signalled}, timeout=settings.poll,
                               return_when=asyncio.FIRST_COMPLETED)
            signalled.cancel()
        if in_flight:  # stopping: let each attempt end, at its deadline at the latest
            await asyncio.wait(in_flight)


def run(engine: sa.Engine, settings: Settings, stop: threading.Event | None = None,
        until_idle: bool = False, signals: tuple[int, ...] = ()) -> None:
    """Deliver until `stop` is set or one of `signals` comes (or, with
    `until_idle`, until nothing is due)."""
    asyncio.run(_run(engine, settings, stop or threading.Event(), until_idle, signals))
