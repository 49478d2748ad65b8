"""Webhook subscriptions and their deliveries, as an admin manages them.

Each function runs on a connection the caller holds (a write_transaction for
changes). The secret is returned once, by `create`; reads never include it.
"""

from __future__ import annotations

import base64
import datetime as dt
import secrets
from dataclasses import dataclass

import sqlalchemy as sa

from . import tables
from .read import Record
from .write import Invalid, NotFound

SUBSCRIPTIONS = tables.webhook_subscriptions
DELIVERIES = tables.webhook_deliveries
STATUSES = ("active", "paused")
DELIVERY_STATUSES = ("pending", "delivered", "failed")
SECRET_PREFIX = "whsec_"


@dataclass(frozen=True, slots=True)
class Subscription:
    id: str
    url: str
    description: str | None
    actors: tuple[str, ...]
    topics: tuple[str, ...]
    verdicts: tuple[str, ...]
    status: str
    created_at: dt.datetime
    created_by: str
    updated_at: dt.datetime
    updated_by: str


def utc(value: dt.datetime | None) -> dt.datetime | None:
    # SQLite hands back naive datetimes; everything is stored in UTC.
    return value.replace(tzinfo=dt.timezone.utc) if value and value.tzinfo is None else value


def _from_row(row) -> Subscription:
    return Subscription(row.id, row.url, row.description, tuple(row.actors), tuple(row.topics),
                        tuple(row.verdicts), row.status, utc(row.created_at), row.created_by,
                        utc(row.updated_at), row.updated_by)


def new_secret() -> str:
    """A Standard Webhooks secret: `whsec_` and 32 random bytes in base64."""
    return SECRET_PREFIX + base64.b64encode(secrets.token_bytes(32)).decode()


def _now() -> dt.datetime:
    return dt.datetime.now(dt.timezone.utc)


def _canonical_filters(conn: sa.Connection, data: dict) -> dict:
    """Actor aliases resolved to ids; unknown actors or topics are Invalid."""
    record = Record(conn)
    filters = {}
    if "actors" in data:
        actors = []
        for name in data["actors"]:
            actor = record.resolve_actor(name)
            if actor is None:
                raise Invalid("actors", f"No actor '{name}'. Valid ids: {', '.join(record.actors)}.")
            actors.append(actor.id)
        filters["actors"] = list(dict.fromkeys(actors))
    if "topics" in data:
        unknown = [t for t in data["topics"] if t not in record.topics]
        if unknown:
            raise Invalid("topics", f"No topic '{unknown[0]}'. Valid ids: {', '.join(record.topics)}.")
        filters["topics"] = list(dict.fromkeys(data["topics"]))
    if "verdicts" in data:
        filters["verdicts"] = list(dict.fromkeys(data["verdicts"]))
    return filters


def create(conn: sa.Connection, data: dict, by: str) -> tuple[Subscription, str]:
    """A new active subscription, and its secret (the only time it is given out)."""
    now, secret = _now(), new_secret()
    row = {"id": "sub_" + secrets.token_hex(8), "url": data["url"],
           "description": data.get("description"), "secret": secret,
           "actors": [], "topics": [], "verdicts": [], **_canonical_filters(conn, data),
           "status": "active", "created_at": now, "created_by": by, "updated_at": now,
           "updated_by": by}
    conn.execute(SUBSCRIPTIONS.insert().values(**row))
    return get(conn, row["id"]), secret


def get(conn: sa.Connection, subscription_id: str) -> Subscription:
    row = conn.execute(sa.select(SUBSCRIPTIONS)
                       .where(SUBSCRIPTIONS.c.id == subscription_id)).first()
    if row is None:
        raise NotFound(f"No subscription '{subscription_id}'.")
    return _from_row(row)


def listing(conn: sa.Connection, offset: int, limit: int) -> tuple[list[Subscription], int]:
    total = conn.execute(sa.select(sa.func.count()).select_from(SUBSCRIPTIONS)).scalar_one()
    rows = conn.execute(sa.select(SUBSCRIPTIONS).order_by(SUBSCRIPTIONS.c.created_at,
                                                          SUBSCRIPTIONS.c.id)
                        .offset(offset).limit(limit))
    return [_from_row(row) for row in rows], total


def update(conn: sa.Connection, subscription_id: str, changes: dict, by: str) -> Subscription:
    """Change the target, filters, description or status (pause: `paused`,
    resume: `active`). A paused subscription keeps its queue; nothing is sent
    until it is resumed."""
    get(conn, subscription_id)
    values = {key: changes[key] for key in ("url", "description", "status") if key in changes}
    values.update(_canonical_filters(conn, changes))
    if values:
        conn.execute(SUBSCRIPTIONS.update().where(SUBSCRIPTIONS.c.id == subscription_id)
                     .values(**values, updated_at=_now(), updated_by=by))
    return get(conn, subscription_id)


def delete(conn: sa.Connection, subscription_id: str) -> Subscription:
    """Delete a subscription and its deliveries, sent or not; what it was."""
    subscription = get(conn, subscription_id)
    conn.execute(DELIVERIES.delete().where(DELIVERIES.c.subscription_id == subscription_id))
    conn.execute(SUBSCRIPTIONS.delete().where(SUBSCRIPTIONS.c.id == subscription_id))
    return subscription


def deliveries(conn: sa.Connection, subscription_id: str, status: str | None, offset: int,
               limit: int) -> tuple[list, int]:
    """One page of a subscription's deliveries, newest event first, and the total."""
    get(conn, subscription_id)
    where = [DELIVERIES.c.subscription_id == subscription_id]
    if status:
        where.append(DELIVERIES.c.status == status)
    total = conn.execute(sa.select(sa.func.count()).select_from(DELIVERIES)
                         .where(*where)).scalar_one()
    rows = conn.execute(sa.select(DELIVERIES).where(*where)
                        .order_by(DELIVERIES.c.seq.desc()).offset(offset).limit(limit)).all()
    return rows, total


def delivery(conn: sa.Connection, subscription_id: str, delivery_id: str):
    row = conn.execute(sa.select(DELIVERIES).where(
        DELIVERIES.c.subscription_id == subscription_id, DELIVERIES.c.id == delivery_id)).first()
    if row is None:
        raise NotFound(f"No delivery '{delivery_id}' of subscription '{subscription_id}'.")
    return row


def redeliver(conn: sa.Connection, subscription_id: str, delivery_id: str):
    """Queue a delivery again, now, with a fresh retry schedule and the same
    webhook-id (a receiver that already has it may drop it)."""
    get(conn, subscription_id)
    delivery(conn, subscription_id, delivery_id)
    conn.execute(DELIVERIES.update().where(DELIVERIES.c.id == delivery_id).values(
        status="pending", attempts=0, next_attempt_at=_now(), lease_until=None,
        lease_token=None, delivered_at=None))
    return delivery(conn, subscription_id, delivery_id)
