"""The delivery worker's side of the outbox: claim due rows with a lease, then
record how each attempt went.

A claim takes rows that are pending, due, not leased (or whose lease ran out:
the worker holding them died) and whose subscription is active. On PostgreSQL
`FOR UPDATE SKIP LOCKED` lets several workers claim at once without waiting
on each other; SQLite has one writer at a time anyway (BEGIN IMMEDIATE).
The lease token makes a late worker's result a no-op once another has taken
the row over.
"""

from __future__ import annotations

import contextlib
import datetime as dt
import secrets
from collections.abc import Iterator, Sequence
from dataclasses import dataclass

import sqlalchemy as sa

from . import tables

DELIVERIES = tables.webhook_deliveries
SUBSCRIPTIONS = tables.webhook_subscriptions


@dataclass(frozen=True, slots=True)
class Claimed:
    id: str
    token: str
    attempts: int  # before this one
    body: str
    url: str
    secret: str


def _now() -> dt.datetime:
    return dt.datetime.now(dt.timezone.utc)


@contextlib.contextmanager
def _transaction(engine: sa.Engine) -> Iterator[sa.Connection]:
    """A short transaction that takes SQLite's write lock at BEGIN; on
    PostgreSQL row locks suffice (the record's write lock is not needed)."""
    with engine.connect() as conn:
        conn = conn.execution_options(standpoint_write=True)
        with conn.begin():
            yield conn


def claim(engine: sa.Engine, limit: int, lease: dt.timedelta) -> list[Claimed]:
    now = _now()
    token = secrets.token_hex(16)
    with _transaction(engine) as conn:
        due = (sa.select(DELIVERIES.c.id)
               .where(DELIVERIES.c.status == "pending", DELIVERIES.c.next_attempt_at <= now,
                      sa.or_(DELIVERIES.c.lease_until.is_(None), DELIVERIES.c.lease_until < now),
                      DELIVERIES.c.subscription_id.in_(
                          sa.select(SUBSCRIPTIONS.c.id).where(SUBSCRIPTIONS.c.status == "active")))
               .order_by(DELIVERIES.c.next_attempt_at, DELIVERIES.c.seq)
               .limit(limit))
        if conn.dialect.name == "postgresql":
            due = due.with_for_update(skip_locked=True)
        ids = list(conn.execute(due).scalars())
        if not ids:
            return []
        conn.execute(DELIVERIES.update().where(DELIVERIES.c.id.in_(ids))
                     .values(lease_until=now + lease, lease_token=token))
        rows = conn.execute(
            sa.select(DELIVERIES.c.id, DELIVERIES.c.attempts, DELIVERIES.c.body,
                      SUBSCRIPTIONS.c.url, SUBSCRIPTIONS.c.secret)
            .join(SUBSCRIPTIONS, SUBSCRIPTIONS.c.id == DELIVERIES.c.subscription_id)
            .where(DELIVERIES.c.id.in_(ids))
            .order_by(DELIVERIES.c.next_attempt_at, DELIVERIES.c.seq)).all()
    return [Claimed(r.id, token, r.attempts, r.body, r.url, r.secret) for r in rows]


def _finish(engine: sa.Engine, claimed: Claimed, **values) -> bool:
    with _transaction(engine) as conn:
        result = conn.execute(
            DELIVERIES.update()
            .where(DELIVERIES.c.id == claimed.id, DELIVERIES.c.lease_token == claimed.token)
            .values(attempts=claimed.attempts + 1, last_attempt_at=_now(), lease_until=None,
                    lease_token=None, **values))
        return result.rowcount == 1


def delivered(engine: sa.Engine, claimed: Claimed, status: int) -> bool:
    return _finish(engine, claimed, status="delivered", delivered_at=_now(), last_status=status,
                   last_error=None, next_attempt_at=None)


def attempt_failed(engine: sa.Engine, claimed: Claimed, error: str, status: int | None,
                   schedule: Sequence[float]) -> bool:
    """Retry after the schedule's next delay, or mark failed once it is spent."""
    tried = claimed.attempts + 1
    if tried > len(schedule):
        return _finish(engine, claimed, status="failed", last_status=status,
                       last_error=error[:2000], next_attempt_at=None)
    return _finish(engine, claimed, last_status=status, last_error=error[:2000],
                   next_attempt_at=_now() + dt.timedelta(seconds=schedule[tried - 1]))


def release(engine: sa.Engine, claimed: Sequence[Claimed]) -> None:
    """Give back claimed rows not attempted (a worker asked to stop), due at once."""
    with _transaction(engine) as conn:
        for item in claimed:
            conn.execute(DELIVERIES.update().where(DELIVERIES.c.id == item.id,
                                                   DELIVERIES.c.lease_token == item.token)
                         .values(lease_until=None, lease_token=None))
