"""The change log as a feed: every write, in commit order (seq order, since
writers commit one at a time, see db.write_transaction)."""

from __future__ import annotations

import sqlalchemy as sa

from . import tables


def changes_since(conn: sa.Connection, since: int, limit: int) -> list:
    changes = tables.changes
    return conn.execute(
        sa.select(changes).where(changes.c.seq > since).order_by(changes.c.seq).limit(limit)
    ).all()
