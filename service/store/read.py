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
    pool: dict = {}  # shared values: see codec._one
    # yield_per streams the rows (a server-side cursor on PostgreSQL) instead
    # of holding every row and every Statement at once.
    rows = conn.execute(current, execution_options={"yield_per": 2000})
    statements = [codec.statement_from_row(row, pool) for row in rows]
    return Dataset(actors, topics, statements, version=version)


def statement_history(conn: sa.Connection, statement_id: str) -> list[Statement]:
    revisions = tables.statement_revisions
    rows = conn.execute(
        sa.select(revisions)
        .where(revisions.c.statement_id == statement_id)
        .order_by(revisions.c.revision)
    )
    return [codec.statement_from_row(row) for row in rows]
