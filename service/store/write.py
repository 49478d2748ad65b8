"""Editorial writes, each inside a write_transaction the caller holds.

Statements are append-only: creating, correcting and retracting all insert a
new statement_revisions row; nothing is updated or deleted. Every write logs
to `changes` in the same transaction. Rules are checked against the database
as it is inside that transaction (writers are serialised, see
db.write_transaction), so a rule cannot be raced past.
"""

from __future__ import annotations

import datetime as dt
import secrets
from collections.abc import Callable
from dataclasses import replace
from typing import Any

import sqlalchemy as sa

from ..domain.model import Actor, Note, Statement, Topic
from ..domain.validation import DomainError, check_scale, check_stance
from . import codec, outbox, tables


class WriteRefused(Exception):
    """The write breaks a rule; nothing was written."""

    def __init__(self, detail: str, **extensions: Any):
        super().__init__(detail)
        self.detail = detail
        self.extensions = extensions


class NotFound(WriteRefused):
    pass


class Conflict(WriteRefused):
    """The write contradicts what is stored (duplicate id, value in use...)."""


class Invalid(WriteRefused):
    """Well-formed, but not valid against the record (unknown actor, stance off the scale)."""

    def __init__(self, field: str, detail: str):
        super().__init__(detail, errors={field: [detail]})


class Stale(WriteRefused):
    """The client's If-Match no longer names the current revision."""


def _now() -> dt.datetime:
    return dt.datetime.now(dt.timezone.utc)


def _actors(conn: sa.Connection) -> list[Actor]:
    return [codec.actor_from(dict(r._mapping)) for r in conn.execute(sa.select(tables.actors))]


def _topic(conn: sa.Connection, topic_id: str) -> Topic | None:
    row = conn.execute(sa.select(tables.topics).where(tables.topics.c.id == topic_id)).first()
    return codec.topic_from(dict(row._mapping)) if row else None


def _resolve_actor(conn: sa.Connection, actor_id: str) -> str:
    wanted = actor_id.lower()
    for actor in _actors(conn):
        if actor.id == wanted or wanted in actor.aliases:
            return actor.id
    raise Invalid("actor", f"No actor '{actor_id}'.")


def _checked(conn: sa.Connection, statement: Statement) -> Statement:
    """The statement with its actor made canonical, or Invalid."""
    actor = _resolve_actor(conn, statement.actor)
    topic = _topic(conn, statement.topic)
    if topic is None:
        raise Invalid("topic", f"No topic '{statement.topic}'.")
    try:
        check_stance(topic, statement.stance)
    except DomainError as exc:
        raise Invalid("stance", str(exc)) from exc
    return replace(statement, actor=actor)


def log_change(conn: sa.Connection, entity: str, entity_id: str, action: str, by: str,
               at: dt.datetime, revision: int | None = None) -> None:
    """Every write appends to the change log in its own transaction."""
    conn.execute(tables.changes.insert().values(
        at=at, entity=entity, entity_id=entity_id, action=action, revision=revision,
        recorded_by=by))


def append_revisions(conn: sa.Connection, rows: list[dict], history: sa.Table = tables.statement_revisions,
                     current: sa.Table = tables.current_statements,
                     id_column: str = "statement_id") -> None:
    """Append revisions (of statements, or of notes) to the history and make
    each the current one."""
    conn.execute(history.insert(), rows)
    ids = [row[id_column] for row in rows]
    for start in range(0, len(ids), 500):  # within every database's bound-parameter limit
        conn.execute(current.delete().where(current.c[id_column].in_(ids[start:start + 500])))
    conn.execute(current.insert(), rows)


def append_note_revisions(conn: sa.Connection, rows: list[dict]) -> None:
    append_revisions(conn, rows, tables.note_revisions, tables.current_notes, "note_id")


def _insert_revision(conn: sa.Connection, statement: Statement, action: str) -> Statement:
    # The cells whose history this revision moves: its own, and the one a
    # correction of its actor or topic takes it from.
    current = tables.current_statements
    stored = conn.execute(sa.select(current.c.actor_id, current.c.topic_id, current.c.stated_on)
                          .where(current.c.statement_id == statement.id)).all()
    cells = {(statement.actor, statement.topic), *((row.actor_id, row.topic_id) for row in stored)}
    since = min([statement.stated_on, *(row.stated_on for row in stored)])
    try:
        with outbox.recording(conn, cells, statement.recorded_at, since):
            append_revisions(conn, [codec.statement_row(statement)])
    except sa.exc.IntegrityError as exc:
        # (statement_id, revision) is the primary key: a concurrent writer
        # already stored this revision number.
        if statement.revision == 1:
            raise Conflict(f"A statement with id '{statement.id}' already exists.") from exc
        raise Stale(f"Statement '{statement.id}' was changed meanwhile.") from exc
    log_change(conn, "statement", statement.id, action, statement.recorded_by,
               statement.recorded_at, statement.revision)
    return statement


def generate_statement_id(actor: str, topic: str, stated_on: dt.date) -> str:
    # Readable like the curated ids, with a random tail so two statements by
    # the same actor on the same topic and day never collide.
    # 64 random bits: thousands of same-day statements still never collide in
    # practice (24 bits did, about once in ten runs of the concurrency test).
    # The readable part is cut so the id always fits the 128-character column.
    readable = f"{actor}-{topic.replace('_', '-')}-{stated_on.isoformat()}"[:111]
    return f"{readable}-{secrets.token_hex(8)}"


def create_statement(conn: sa.Connection, data: dict, by: str) -> Statement:
    draft = codec.statement_from({**data, "id": data.get("id") or "-"})
    statement = _checked(conn, draft)
    if not data.get("id"):
        statement = replace(statement, id=generate_statement_id(
            statement.actor, statement.topic, statement.stated_on))
    exists = conn.execute(
        sa.select(tables.statement_revisions.c.statement_id)
        .where(tables.statement_revisions.c.statement_id == statement.id).limit(1)
    ).first()
    if exists:
        raise Conflict(f"A statement with id '{statement.id}' already exists.")
    statement = replace(statement, status="current", revision=1, recorded_at=_now(),
                        recorded_by=by)
    return _insert_revision(conn, statement, "created")


def current_statement(conn: sa.Connection, statement_id: str) -> Statement:
    current = tables.current_statements
    row = conn.execute(sa.select(current).where(current.c.statement_id == statement_id)).first()
    if row is None:
        raise NotFound(f"No statement '{statement_id}'.")
    return codec.statement_from_row(row)


def revise_statement(conn: sa.Connection, statement_id: str, changes: dict, by: str,
                     matches: Callable[[Statement], bool]) -> Statement:
    """A corrected revision: `changes` (any statement fields) over the current one."""
    current = current_statement(conn, statement_id)
    if not matches(current):
        raise Stale(f"Statement '{statement_id}' is at revision {current.revision}; "
                    "fetch it again and reapply your correction.")
    if current.retracted:
        raise Conflict(f"Statement '{statement_id}' is retracted and cannot be revised.")
    merged = codec.statement_from({**codec.statement_to(current), **changes, "id": statement_id})
    revised = replace(_checked(conn, merged), status="current", revision=current.revision + 1,
                      recorded_at=_now(), recorded_by=by, note=changes.get("note"))
    return _insert_revision(conn, revised, "revised")


def retract_statement(conn: sa.Connection, statement_id: str, reason: str, by: str,
                      matches: Callable[[Statement], bool]) -> Statement:
    current = current_statement(conn, statement_id)
    if not matches(current):
        raise Stale(f"Statement '{statement_id}' is at revision {current.revision}.")
    if current.retracted:
        raise Conflict(f"Statement '{statement_id}' is already retracted.")
    retracted = replace(current, status="retracted", revision=current.revision + 1,
                        recorded_at=_now(), recorded_by=by, note=reason)
    return _insert_revision(conn, retracted, "retracted")


# -- notes -------------------------------------------------------------------

def _checked_cell(conn: sa.Connection, note: Note) -> Note:
    """The note with its actor made canonical, or Invalid."""
    actor = _resolve_actor(conn, note.actor)
    if _topic(conn, note.topic) is None:
        raise Invalid("topic", f"No topic '{note.topic}'.")
    return replace(note, actor=actor)


def _insert_note(conn: sa.Connection, note: Note, action: str) -> Note:
    try:
        append_note_revisions(conn, [codec.note_row(note)])
    except sa.exc.IntegrityError as exc:
        if note.revision == 1:
            raise Conflict(f"A note with id '{note.id}' already exists.") from exc
        raise Stale(f"Note '{note.id}' was changed meanwhile.") from exc
    log_change(conn, "note", note.id, action, note.recorded_by, note.recorded_at, note.revision)
    return note


def current_note(conn: sa.Connection, note_id: str) -> Note:
    notes = tables.current_notes
    row = conn.execute(sa.select(notes).where(notes.c.note_id == note_id)).first()
    if row is None:
        raise NotFound(f"No note '{note_id}'.")
    return codec.note_from_row(row)


def create_note(conn: sa.Connection, data: dict, by: str) -> Note:
    note = _checked_cell(conn, codec.note_from({**data, "id": data.get("id") or "-"}))
    if not data.get("id"):
        note = replace(note, id=f"{note.actor}-{note.topic.replace('_', '-')}-{secrets.token_hex(8)}")
    notes = tables.note_revisions
    if conn.execute(sa.select(notes.c.note_id).where(notes.c.note_id == note.id).limit(1)).first():
        raise Conflict(f"A note with id '{note.id}' already exists.")
    return _insert_note(conn, replace(note, status="current", revision=1, recorded_at=_now(),
                                      recorded_by=by), "created")


def revise_note(conn: sa.Connection, note_id: str, changes: dict, by: str,
                matches: Callable[[Note], bool]) -> Note:
    current = current_note(conn, note_id)
    if not matches(current):
        raise Stale(f"Note '{note_id}' is at revision {current.revision}; fetch it again.")
    if current.retracted:
        raise Conflict(f"Note '{note_id}' is retracted and cannot be revised.")
    merged = codec.note_from({**codec.note_to(current), **changes, "id": note_id})
    revised = replace(_checked_cell(conn, merged), status="current",
                      revision=current.revision + 1, recorded_at=_now(), recorded_by=by,
                      reason=changes.get("reason"))
    return _insert_note(conn, revised, "revised")


def retract_note(conn: sa.Connection, note_id: str, reason: str, by: str,
                 matches: Callable[[Note], bool]) -> Note:
    current = current_note(conn, note_id)
    if not matches(current):
        raise Stale(f"Note '{note_id}' is at revision {current.revision}.")
    if current.retracted:
        raise Conflict(f"Note '{note_id}' is already retracted.")
    return _insert_note(conn, replace(current, status="retracted", revision=current.revision + 1,
                                      recorded_at=_now(), recorded_by=by, reason=reason),
                        "retracted")


# -- actors ------------------------------------------------------------------

def _check_names(conn: sa.Connection, actor: Actor) -> None:
    """An actor's id and aliases must not resolve to any other actor."""
    mine = {actor.id, *actor.aliases}
    for other in _actors(conn):
        if other.id == actor.id:
            continue
        taken = mine & {other.id, *other.aliases}
        if taken:
            raise Conflict(f"{', '.join(sorted(taken))} already names actor '{other.id}'.",
                           valid_ids=[other.id])


def create_actor(conn: sa.Connection, data: dict, by: str) -> Actor:
    actor = codec.actor_from(data)
    if conn.execute(sa.select(tables.actors.c.id).where(tables.actors.c.id == actor.id)).first():
        raise Conflict(f"An actor with id '{actor.id}' already exists.")
    _check_names(conn, actor)
    now = _now()
    conn.execute(tables.actors.insert().values(**codec.actor_to(actor), updated_at=now))
    log_change(conn, "actor", actor.id, "created", by, now)
    return actor


def update_actor(conn: sa.Connection, actor_id: str, changes: dict, by: str) -> Actor:
    row = conn.execute(sa.select(tables.actors).where(tables.actors.c.id == actor_id)).first()
    if row is None:
        raise NotFound(f"No actor '{actor_id}'.")
    current = codec.actor_from(dict(row._mapping))
    actor = codec.actor_from({**codec.actor_to(current), **changes, "id": actor_id})
    _check_names(conn, actor)
    if actor != current:
        now = _now()
        conn.execute(tables.actors.update().where(tables.actors.c.id == actor_id)
                     .values(**codec.actor_to(actor), updated_at=now))
        log_change(conn, "actor", actor_id, "updated", by, now)
    return actor


# -- topics ------------------------------------------------------------------

def _checked_scale(topic: Topic) -> Topic:
    try:
        check_scale(topic)
    except DomainError as exc:
        raise Invalid(exc.field or "scale", str(exc)) from exc
    return topic


def create_topic(conn: sa.Connection, data: dict, by: str) -> Topic:
    topic = _checked_scale(codec.topic_from(data))
    if _topic(conn, topic.id) is not None:
        raise Conflict(f"A topic with id '{topic.id}' already exists.")
    now = _now()
    conn.execute(tables.topics.insert().values(**codec.topic_to(topic), updated_at=now))
    log_change(conn, "topic", topic.id, "created", by, now)
    return topic


def update_topic(conn: sa.Connection, topic_id: str, changes: dict, by: str) -> Topic:
    current = _topic(conn, topic_id)
    if current is None:
        raise NotFound(f"No topic '{topic_id}'.")
    merged = {**codec.topic_to(current), **changes, "id": topic_id}
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
    if topic != current:
        now = _now()
        conn.execute(tables.topics.update().where(tables.topics.c.id == topic_id)
                     .values(**codec.topic_to(topic), updated_at=now))
        log_change(conn, "topic", topic_id, "updated", by, now)
    return topic
