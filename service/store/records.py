"""Append-only records, each write inside a write_transaction the caller holds.

One implementation for every kind (store/kinds.py): creating, correcting and
retracting all insert a new revision row; nothing is updated or deleted. Every
write logs to `changes` in the same transaction. Rules are checked against the
database as it is inside that transaction (writers are serialised, see
db.write_transaction), so a rule cannot be raced past.
"""

from __future__ import annotations

import contextlib
import datetime as dt
from collections.abc import Callable
from dataclasses import replace
from typing import Any

import sqlalchemy as sa

from ..domain.validation import DomainError
from . import outbox, tables
from .kinds import Kind
from .read import Record


class WriteRefused(Exception):
    """The write breaks a rule; nothing was written."""

    # The problem type a refusal names when finer than its status's (api/writes.py).
    problem_type: str | None = None

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

    def __init__(self, field: str, detail: str, errors: dict[str, list[str]] | None = None):
        super().__init__(detail, errors=errors or {field: [detail]})


class Stale(WriteRefused):
    """The client's If-Match no longer names the current revision."""


class Forbidden(WriteRefused):
    """The key may make writes like this one, but not this one (its own proposal...)."""


def now() -> dt.datetime:
    return dt.datetime.now(dt.UTC)


def log_change(conn: sa.Connection, entity: str, entity_id: str, action: str, by: str,
               at: dt.datetime, revision: int | None = None) -> None:
    """Every write appends to the change log in its own transaction."""
    conn.execute(tables.changes.insert().values(
        at=at, entity=entity, entity_id=entity_id, action=action, revision=revision,
        recorded_by=by))


def append(kind: Kind, conn: sa.Connection, rows: list[dict]) -> None:
    """Append revisions to the kind's history and make each the current one."""
    conn.execute(kind.history.insert(), rows)
    ids = [row[kind.id_column] for row in rows]
    current = kind.current
    for start in range(0, len(ids), 500):  # within every database's bound-parameter limit
        conn.execute(current.delete().where(current.c[kind.id_column].in_(ids[start:start + 500])))
    conn.execute(current.insert(), rows)


def current(kind: Kind, conn: sa.Connection, item_id: str):
    item = Record(conn).current(kind, item_id)
    if item is None:
        raise NotFound(f"No {kind.name} '{item_id}'.")
    return item


def _refused(kind: Kind, exc: DomainError) -> Invalid:
    return Invalid(exc.field or kind.name, str(exc), getattr(exc, "errors", None))


def _checked(kind: Kind, conn: sa.Connection, item):
    try:
        return kind.check(Record(conn), item)
    except DomainError as exc:
        raise _refused(kind, exc) from exc


def _built(kind: Kind, conn: sa.Connection, data: dict, given: dict):
    """The record a write's plain data describes, made whole from the record (Kind.prepare)."""
    try:
        return kind.build(kind.prepare(Record(conn), data, given))
    except DomainError as exc:
        raise _refused(kind, exc) from exc


def _insert(kind: Kind, conn: sa.Connection, item, action: str, seen: list | None = None):
    moving = (outbox.moving(conn, item, seen) if kind.moves_positions
              else contextlib.nullcontext())
    try:
        with moving:
            append(kind, conn, [kind.row(item)])
    except sa.exc.IntegrityError as exc:
        # (id, revision) is the primary key: a concurrent writer already
        # stored this revision number.
        if item.revision == 1:
            raise Conflict(f"A {kind.name} with id '{item.id}' already exists.") from exc
        raise Stale(f"{kind.title} '{item.id}' was changed meanwhile.") from exc
    if kind.logged:
        log_change(conn, kind.name, item.id, action, item.recorded_by, item.recorded_at,
                   item.revision)
    return item


# `seen`, in every write below: a list the position events the write causes are
# added to (domain/events.py, as the outbox computes them), whether or not any
# webhook subscription exists; a proposal's preview reads them (store/proposals.py).

def create(kind: Kind, conn: sa.Connection, data: dict, by: str, seen: list | None = None):
    item = _checked(kind, conn, _built(kind, conn, {**data, "id": data.get("id") or "-"}, data))
    if not data.get("id"):
        item = replace(item, id=kind.new_id(item))
    history = kind.history
    if conn.execute(sa.select(history.c[kind.id_column])
                    .where(history.c[kind.id_column] == item.id).limit(1)).first():
        raise Conflict(f"A {kind.name} with id '{item.id}' already exists.")
    item = replace(item, status=kind.initial_status, revision=1, recorded_at=now(), recorded_by=by)
    return _insert(kind, conn, item, "created", seen)


def _current_unless_stale(kind: Kind, conn: sa.Connection, item_id: str,
                          matches: Callable[[Any], bool], retry: str):
    item = current(kind, conn, item_id)
    if not matches(item):
        raise Stale(f"{kind.title} '{item_id}' is at revision {item.revision}{retry}.")
    return item


def revise(kind: Kind, conn: sa.Connection, item_id: str, changes: dict, by: str,
           matches: Callable[[Any], bool], seen: list | None = None):
    """A corrected revision: `changes` (any of the kind's fields, and its reason)
    over the current one."""
    item = _current_unless_stale(kind, conn, item_id, matches,
                                 "; fetch it again and reapply your correction")
    if item.retracted:
        raise Conflict(f"{kind.title} '{item_id}' is retracted and cannot be revised.")
    merged = _built(kind, conn, {**kind.plain(item), **changes, "id": item_id}, changes)
    return append_revision(kind, conn, _checked(kind, conn, merged), by,
                           changes.get(kind.reason_key), "revised", seen, status="current")


def retract(kind: Kind, conn: sa.Connection, item_id: str, reason: str, by: str,
            matches: Callable[[Any], bool], seen: list | None = None):
    item = _current_unless_stale(kind, conn, item_id, matches, "")
    if item.retracted:
        raise Conflict(f"{kind.title} '{item_id}' is already retracted.")
    return append_revision(kind, conn, item, by, reason, "retracted", seen, status="retracted")


def append_revision(kind: Kind, conn: sa.Connection, item, by: str, reason: str | None,
                    action: str, seen: list | None = None, **fields):
    """The revision after `item` (the current one, as read in this transaction):
    `item` with `fields` replaced, recorded now by `by` for `reason`."""
    following = replace(item, revision=item.revision + 1, recorded_at=now(), recorded_by=by,
                        reason=reason, **fields)
    return _insert(kind, conn, following, action, seen)
