"""The delivery worker's side of the outbox: claim due rows with a lease, then
record how each attempt went.

A claim takes rows that are pending, due, not leased (or whose lease ran out:
the worker holding them died) and whose subscription is active, at most one
per subscription and none while that subscription has one in flight. On
PostgreSQL `FOR NO KEY UPDATE SKIP LOCKED` on the subscriptions lets several
workers claim at once without waiting on each other or taking one subscription
twice; SQLite has one writer at a time anyway (BEGIN IMMEDIATE).
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
    """Up to `limit` due rows, at most one per subscription, none of a subscription
    that has a row in flight (leased), each the lowest `seq` of its subscription's
    due rows: a slow receiver holds one row, never a turn of anyone else's."""
    now = _now()
    token = secrets.token_hex(16)
    with _transaction(engine) as conn:
        active = sa.select(SUBSCRIPTIONS.c.id).where(SUBSCRIPTIONS.c.status == "active")
        if conn.dialect.name == "postgresql":
            # Workers claiming at once skip each other's subscriptions; NO KEY UPDATE
            # leaves writes inserting outbox rows (a foreign key share lock) unblocked.
            active = active.with_for_update(skip_locked=True, key_share=True)
        subscription_ids = list(conn.execute(active).scalars())
        if not subscription_ids:
            return []
        in_flight = sa.select(DELIVERIES.c.subscription_id).where(
            DELIVERIES.c.status == "pending", DELIVERIES.c.lease_until >= now)
        heads = conn.execute(
            sa.select(DELIVERIES.c.subscription_id, sa.func.min(DELIVERIES.c.seq))
            .where(DELIVERIES.c.status == "pending", DELIVERIES.c.next_attempt_at <= now,
                   sa.or_(DELIVERIES.c.lease_until.is_(None), DELIVERIES.c.lease_until < now),
                   DELIVERIES.c.subscription_id.in_(subscription_ids),
                   DELIVERIES.c.subscription_id.not_in(in_flight))
            .group_by(DELIVERIES.c.subscription_id)
            .order_by(sa.func.min(DELIVERIES.c.next_attempt_at))
            .limit(limit)).all()
        if not heads:
            return []
        chosen = sa.tuple_(DELIVERIES.c.subscription_id, DELIVERIES.c.seq).in_(
            [tuple(head) for head in heads])
        conn.execute(DELIVERIES.update().where(chosen)
                     .values(lease_until=now + lease, lease_token=token))
        rows = conn.execute(
            sa.select(DELIVERIES.c.id, DELIVERIES.c.attempts, DELIVERIES.c.body,
                      SUBSCRIPTIONS.c.url, SUBSCRIPTIONS.c.secret)
            .join(SUBSCRIPTIONS, SUBSCRIPTIONS.c.id == DELIVERIES.c.subscription_id)
            .where(DELIVERIES.c.lease_token == token)
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
                   schedule: Sequence[float], final: bool = False) -> bool:
    """Retry after the schedule's next delay, or mark failed once it is spent
    (or at once when `final`: a retry could not succeed)."""
    tried = claimed.attempts + 1
    if final or tried > len(schedule):
        return _finish(engine, claimed, status="failed", last_status=status,
                       last_error=error[:2000], next_attempt_at=None)
    return _finish(engine, claimed, last_status=status, last_error=error[:2000],
                   next_attempt_at=_now() + dt.timedelta(seconds=schedule[tried - 1]))


def prune(engine: sa.Engine, retention: dt.timedelta) -> int:
    """Delete rows delivered or failed longer than `retention` ago; how many.
    The rows of the newest event stay, so `seq` (max + 1) never goes back."""
    cutoff = _now() - retention
    newest = sa.select(sa.func.max(DELIVERIES.c.seq)).scalar_subquery()
    with _transaction(engine) as conn:
        return conn.execute(DELIVERIES.delete().where(
            sa.or_(sa.and_(DELIVERIES.c.status == "delivered", DELIVERIES.c.delivered_at < cutoff),
                   sa.and_(DELIVERIES.c.status == "failed", DELIVERIES.c.last_attempt_at < cutoff)),
            DELIVERIES.c.seq < newest)).rowcount


def backlog(engine: sa.Engine) -> tuple[int, float]:
    """Rows of active subscriptions not yet delivered, and the age in seconds of
    the oldest of them (0 when none): what an operator's alert watches."""
    with engine.connect() as conn:
        count, oldest = conn.execute(
            sa.select(sa.func.count(), sa.func.min(DELIVERIES.c.created_at))
            .join(SUBSCRIPTIONS, SUBSCRIPTIONS.c.id == DELIVERIES.c.subscription_id)
            .where(DELIVERIES.c.status == "pending", SUBSCRIPTIONS.c.status == "active")).one()
    if oldest is None:
        return 0, 0.0
    if oldest.tzinfo is None:  # SQLite gives naive UTC
        oldest = oldest.replace(tzinfo=dt.timezone.utc)
    return count, max(0.0, (_now() - oldest).total_seconds())
