"""Queries that build the read snapshot and a statement's history."""

from __future__ import annotations

import sqlalchemy as sa

from ..domain.dataset import Dataset
from ..domain.model import Statement
from . import codec, tables


def load_dataset(conn: sa.Connection) -> Dataset:
    """Everything, as of one data version, in one repeatable read."""
    from .db import current_version  # local: db imports this module

    version = current_version(conn)
    actors = [
        codec.actor_from(dict(row._mapping))
        for row in conn.execute(sa.select(tables.actors).order_by(tables.actors.c.id))
    ]
    topics = [
        codec.topic_from(dict(row._mapping))
        for row in conn.execute(sa.select(tables.topics).order_by(tables.topics.c.id))
    ]
    revisions = tables.statement_revisions
    latest = (
        sa.select(revisions.c.statement_id, sa.func.max(revisions.c.revision).label("revision"))
        .group_by(revisions.c.statement_id)
        .subquery()
    )
    current = sa.select(revisions).join(
        latest,
        sa.and_(
            revisions.c.statement_id == latest.c.statement_id,
            revisions.c.revision == latest.c.revision,
        ),
    )
    # yield_per streams the rows (a server-side cursor on PostgreSQL) instead
    # of holding every row and every Statement at once.
    rows = conn.execute(current, execution_options={"yield_per": 2000})
    # Each Statement goes into the snapshot's table as it is read and is gone.
    return Dataset(actors, topics, codec.statements_from_rows(rows), version=version)


# More statement changes than this since the snapshot: load everything again.
REFRESH_LIMIT = 2000


def last_change(conn: sa.Connection, version: int) -> tuple | None:
    """What identifies the change numbered `version`: if it is gone or
    different, the log was rewritten (a restore) and only a full load is right."""
    changes = tables.changes
    row = conn.execute(
        sa.select(changes.c.at, changes.c.entity, changes.c.entity_id).where(changes.c.seq == version)
    ).first()
    return tuple(row) if row else None


def refresh_dataset(conn: sa.Connection, old: Dataset, marker: tuple | None) -> Dataset | None:
    """`old` brought up to date by reading only the statements the change
    log names since `old.version`; untouched statements are copied as they
    are stored, not read again. None when only a full load will do: actors or
    topics changed, too many statements changed, the log is not the one `old`
    came from, or the rows superseded since the last full load are too many."""
    changes = tables.changes
    rows = conn.execute(
        sa.select(changes.c.seq, changes.c.at, changes.c.entity, changes.c.entity_id)
        .where(changes.c.seq >= old.version)
        .order_by(changes.c.seq)
        .limit(REFRESH_LIMIT + 2)
    ).all()
    if not rows or rows[0].seq != old.version or tuple(rows[0])[1:] != marker:
        return None
    news = rows[1:]
    if not news or len(news) > REFRESH_LIMIT or any(r.entity != "statement" for r in news):
        return None
    revisions = tables.statement_revisions
    ids = sorted({r.entity_id for r in news})
    latest = (
        sa.select(revisions.c.statement_id, sa.func.max(revisions.c.revision).label("revision"))
        .where(revisions.c.statement_id.in_(ids))
        .group_by(revisions.c.statement_id)
        .subquery()
    )
    current = sa.select(revisions).join(
        latest,
        sa.and_(revisions.c.statement_id == latest.c.statement_id,
                revisions.c.revision == latest.c.revision),
    )
    # Labelled with the last change read: if later writes' rows were read
    # too, the data is newer than its label, never older, and the next
    # request simply refreshes again.
    return old.refreshed(codec.statements_from_rows(conn.execute(current)), version=news[-1].seq)


def statement_history(conn: sa.Connection, statement_id: str) -> list[Statement]:
    revisions = tables.statement_revisions
    rows = conn.execute(
        sa.select(revisions)
        .where(revisions.c.statement_id == statement_id)
        .order_by(revisions.c.revision)
    )
    return [codec.statement_from_row(row) for row in rows]
