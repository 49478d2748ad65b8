"""Editorial writes, each inside a write_transaction the caller holds: actors
and topics here, the append-only records (statements, notes) in store/records.py,
whose operations this module also names for statements.

Actors and topics are updated in place; every write logs to `changes` in the
same transaction, and is checked against the database as it is inside it.
"""

from __future__ import annotations

import datetime as dt
from functools import partial

import sqlalchemy as sa

from ..domain import labels
from ..domain.model import Actor, Topic
from ..domain.validation import DomainError, check_scale
from . import codec, records, tables
from .kinds import STATEMENTS
from .read import Record
from .records import Conflict, Invalid, NotFound, Stale, WriteRefused, log_change, now

__all__ = ["Conflict", "Invalid", "NotFound", "Stale", "WriteRefused", "log_change"]

create_statement = partial(records.create, STATEMENTS)
revise_statement = partial(records.revise, STATEMENTS)
retract_statement = partial(records.retract, STATEMENTS)
append_revisions = partial(records.append, STATEMENTS)


# -- actors ------------------------------------------------------------------

def save(conn: sa.Connection, table: sa.Table, entity: str, item, stored, to_row, by: str,
         at: dt.datetime | None = None) -> bool:
    """Insert an actor (or topic) new to the record, or update a changed one,
    and log it; whether anything was written."""
    if item == stored:
        return False
    at = at or now()
    values = {**to_row(item), "updated_at": at}
    if stored is None:
        conn.execute(table.insert().values(**values))
    else:
        conn.execute(table.update().where(table.c.id == item.id).values(**values))
    log_change(conn, entity, item.id, "created" if stored is None else "updated", by, at)
    return True


def _check_names(conn: sa.Connection, actor: Actor) -> None:
    """An actor's id and aliases must not resolve to any other actor."""
    mine = {actor.id, *actor.aliases}
    for other in Record(conn).actors.values():
        if other.id == actor.id:
            continue
        taken = mine & {other.id, *other.aliases}
        if taken:
            raise Conflict(f"{', '.join(sorted(taken))} already names actor '{other.id}'.",
                           valid_ids=[other.id])


def _checked_labels(item, check):
    try:
        check(item)
    except DomainError as exc:
        raise Invalid(exc.field or "labels", str(exc)) from exc
    return item


def _with_labels(stored, changes: dict) -> dict:
    """A write's changes with its labels merged over the stored ones (domain/labels.py)."""
    if "labels" not in changes:
        return changes
    return {**changes, "labels": labels.merged(stored.labels, changes["labels"] or {})}


def create_actor(conn: sa.Connection, data: dict, by: str) -> Actor:
    actor = _checked_labels(codec.actor_from(data), labels.check_actor_labels)
    if actor.id in Record(conn).actors:
        raise Conflict(f"An actor with id '{actor.id}' already exists.")
    _check_names(conn, actor)
    save(conn, tables.actors, "actor", actor, None, codec.actor_to, by)
    return actor


def update_actor(conn: sa.Connection, actor_id: str, changes: dict, by: str) -> Actor:
    current = Record(conn).actors.get(actor_id)
    if current is None:
        raise NotFound(f"No actor '{actor_id}'.")
    actor = codec.actor_from({**codec.actor_to(current), **_with_labels(current, changes),
                              "id": actor_id})
    _checked_labels(actor, labels.check_actor_labels)
    _check_names(conn, actor)
    save(conn, tables.actors, "actor", actor, current, codec.actor_to, by)
    return actor


# -- topics ------------------------------------------------------------------

def _checked_scale(topic: Topic) -> Topic:
    try:
        check_scale(topic)
    except DomainError as exc:
        raise Invalid(exc.field or "scale", str(exc)) from exc
    return topic


def create_topic(conn: sa.Connection, data: dict, by: str) -> Topic:
    topic = _checked_labels(_checked_scale(codec.topic_from(data)), labels.check_topic_labels)
    if topic.id in Record(conn).topics:
        raise Conflict(f"A topic with id '{topic.id}' already exists.")
    save(conn, tables.topics, "topic", topic, None, codec.topic_to, by)
    return topic


def update_topic(conn: sa.Connection, topic_id: str, changes: dict, by: str) -> Topic:
    current = Record(conn).topics.get(topic_id)
    if current is None:
        raise NotFound(f"No topic '{topic_id}'.")
    merged = {**codec.topic_to(current), **_with_labels(current, changes), "id": topic_id}
    topic = _checked_scale(codec.topic_from(merged))
    removed = set(current.stance_values) - set(topic.stance_values)
    if removed:
        # Any revision counts, retracted and superseded ones too: history
        # must stay readable against the scale it was recorded on.
        revisions = tables.statement_revisions
        in_use = conn.execute(
            sa.select(revisions.c.statement_id, revisions.c.stance).distinct()
            .where(revisions.c.topic_id == topic_id, revisions.c.stance.in_(removed))
            .order_by(revisions.c.statement_id)
        ).all()
        if in_use:
            ids = sorted({r.statement_id for r in in_use})
            values = sorted({r.stance for r in in_use})
            raise Conflict(
                f"Stance value(s) {', '.join(values)} of topic '{topic_id}' are used by "
                f"statement(s) {', '.join(ids)} and cannot be removed or renamed.",
                statements=ids)
    # After the scale's check: a label names a stance the new scale must have.
    _checked_labels(topic, labels.check_topic_labels)
    save(conn, tables.topics, "topic", topic, current, codec.topic_to, by)
    return topic
