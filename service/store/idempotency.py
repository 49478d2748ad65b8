"""Idempotency-Key: a retried write replays the first answer instead of writing again.

The record is inserted first thing in the write's own transaction, so the
primary key (api key, Idempotency-Key) decides which of two racing requests
writes: the other one's insert fails, and it replays what the first stored.
If the write is refused (409, 422...), the transaction rolls back with the
record, and a retry is simply tried again.
"""

from __future__ import annotations

import datetime as dt
from collections.abc import Callable
from dataclasses import dataclass

import sqlalchemy as sa

from . import tables
from .engine import write_transaction


@dataclass(frozen=True)
class Outcome:
    status: int
    body: str  # the JSON text exactly as sent
    headers: dict[str, str]
    replayed: bool = False


class KeyReused(Exception):
    """The Idempotency-Key was already used for a different request."""


class _AlreadyRecorded(Exception):
    pass


def run(engine: sa.Engine, api_key_id: int, key: str | None, request_hash: str,
        perform: Callable[[sa.Connection], Outcome]) -> Outcome:
    """Perform the write once per (api key, Idempotency-Key)."""
    records = tables.idempotency_keys
    try:
        with write_transaction(engine) as conn:
            if key is not None:
                try:
                    conn.execute(records.insert().values(
                        api_key_id=api_key_id, key=key, request_hash=request_hash, status=0,
                        body="", headers={}, created_at=dt.datetime.now(dt.timezone.utc)))
                except sa.exc.IntegrityError as exc:
                    raise _AlreadyRecorded from exc
            outcome = perform(conn)
            if key is not None:
                conn.execute(
                    records.update()
                    .where(records.c.api_key_id == api_key_id, records.c.key == key)
                    .values(status=outcome.status, body=outcome.body, headers=outcome.headers))
            return outcome
    except _AlreadyRecorded:
        pass
    with engine.connect() as conn:
        row = conn.execute(sa.select(records).where(
            records.c.api_key_id == api_key_id, records.c.key == key)).one()
    if row.request_hash != request_hash:
        raise KeyReused(key)
    return Outcome(row.status, row.body, dict(row.headers), replayed=True)
