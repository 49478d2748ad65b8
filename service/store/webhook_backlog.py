"""How far webhook delivery is behind: what /metrics reports about the outbox.

One query on the outbox's due index (status first). The one place that says
what "backlog" means: rows still pending, however many attempts they had.
"""

from __future__ import annotations

import datetime as dt
from dataclasses import dataclass

import sqlalchemy as sa

from . import tables

DELIVERIES = tables.webhook_deliveries


@dataclass(frozen=True, slots=True)
class Backlog:
    pending: int
    oldest_created_at: dt.datetime | None  # of the oldest pending row, UTC

    def oldest_age_seconds(self, now: dt.datetime) -> float:
        return max(0.0, (now - self.oldest_created_at).total_seconds()) if self.oldest_created_at else 0.0


def backlog(engine: sa.Engine) -> Backlog:
    with engine.connect() as conn:
        count, oldest = conn.execute(
            sa.select(sa.func.count(), sa.func.min(DELIVERIES.c.created_at))
            .where(DELIVERIES.c.status == "pending")).one()
    if oldest is not None and oldest.tzinfo is None:  # SQLite keeps no offset; we write UTC
        oldest = oldest.replace(tzinfo=dt.timezone.utc)
    return Backlog(count, oldest)
