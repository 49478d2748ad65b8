"""Whole-dataset import (the bundled seed goes through it too) and export.

An import is validated in full before anything is written, then applied in
one transaction: all or nothing. Importing the same file twice changes nothing.
"""

from __future__ import annotations

import datetime as dt
from collections.abc import Callable
from dataclasses import replace
from functools import lru_cache
from importlib import resources
from typing import Any, NamedTuple

import sqlalchemy as sa
import yaml

from ..domain.model import Actor, Note, Statement, Topic
from ..domain.validation import (
    DomainError,
    check_reader_text,
    check_scale,
    check_stance,
)
from . import codec, outbox, records, tables
from .dataset_file import FORMAT, DatasetError, check_document, compose, dotted, line_of
from .kinds import NOTES, STATEMENTS, Kind
from .read import Record
from .write import save

__all__ = ["DatasetError", "FORMAT", "Parsed", "bundled", "export_dataset", "import_dataset",
           "load_bundled", "parse_dataset", "read_dataset"]

BUNDLED = "service/data/dataset.yaml"


class Parsed(NamedTuple):
    actors: list[Actor]
    topics: list[Topic]
    statements: list[Statement]
    notes: list[Note]
    edited_at: dt.datetime | None = None  # the file's own date of its last editorial change


@lru_cache(maxsize=1)
def _bundled_text() -> str:
    return resources.files("service.data").joinpath("dataset.yaml").read_text("utf-8")


def load_bundled() -> dict:
    """The bundled dataset as plain data (a fresh copy each call)."""
    return yaml.safe_load(_bundled_text())


def bundled() -> Parsed:
    return read_dataset(_bundled_text(), BUNDLED)


def read_dataset(text: str, name: str) -> Parsed:
    """A dataset file's text (YAML or JSON), checked strictly: DatasetError
    names the file, line and key of every problem."""
    data, root = compose(text, name)
    return parse_dataset(data, name, root)


def parse_dataset(data: Any, name: str = "document", root: yaml.Node | None = None) -> Parsed:
    """A dataset document as domain objects, after the format's rules
    (dataset_file.py) and the record's: ids unique, references known,
    scales well ordered, every stance on its topic's scale."""
    document = check_document(data, name, root)
    problems: list[str] = []

    def refuse(path: tuple, message: str) -> None:
        line = line_of(root, path)
        problems.append(f"{name}:{line}: {dotted(path)}: {message}" if line else
                        f"{name}: {dotted(path)}: {message}")

    actors = [codec.actor_from(item) for item in document["actors"]]
    topics = []
    for i, item in enumerate(document["topics"]):
        topic = codec.topic_from(item)
        try:
            check_scale(topic)
        except DomainError as exc:
            refuse(("topics", i, "scale"), str(exc))
        topics.append(topic)
    actor_ids = {a.id for a in actors}
    topic_by_id = {t.id: t for t in topics}
    _unique(actors, "actors", refuse)
    _unique(topics, "topics", refuse)
    statements = [STATEMENTS.build(item) for item in document["statements"]]
    notes = [NOTES.build(item) for item in document["notes"]]
    for kind, items in (("statements", statements), ("notes", notes)):
        _unique(items, kind, refuse)
        for i, item in enumerate(items):
            if item.actor not in actor_ids:
                refuse((kind, i, "actor"), f"unknown actor '{item.actor}'")
            if item.topic not in topic_by_id:
                refuse((kind, i, "topic"), f"unknown topic '{item.topic}'")
    for i, note in enumerate(notes):
        if note.reader_text is not None:
            try:
                check_reader_text(note.reader_text)
            except DomainError as exc:
                refuse(("notes", i, "reader_text"), str(exc))
    for i, statement in enumerate(statements):
        if statement.topic in topic_by_id:
            try:
                check_stance(topic_by_id[statement.topic], statement.stance)
            except DomainError as exc:
                refuse(("statements", i, "stance"), str(exc))
    if problems:
        raise DatasetError(problems)
    return Parsed(actors, topics, statements, notes, document.get("edited_at"))


def _unique(items: list, kind: str, refuse) -> None:
    seen: set[str] = set()
    for i, item in enumerate(items):
        if item.id in seen:
            refuse((kind, i, "id"), f"duplicate id '{item.id}'")
        seen.add(item.id)


def _same_content(a, b) -> bool:
    # Bookkeeping (revision, recording time and author) does not make a new revision.
    neutral = {"revision": 1, "recorded_at": None, "recorded_by": None}
    return replace(a, **neutral) == replace(b, **neutral)


def _append_changed(conn: sa.Connection, kind: Kind, items: list, stored: dict, by: str,
                    now: dt.datetime) -> int:
    """Append a revision of each record whose content differs from the stored
    one; how many. Rows and their change log go in two executemany batches
    (same order, so the same seq numbers): a 100k-statement import takes
    seconds rather than minutes."""
    revision_rows, change_rows = [], []
    for item in items:
        current = stored.get(item.id)
        if current is not None and _same_content(current, item):
            continue
        revision = replace(item, revision=current.revision + 1 if current else 1,
                           recorded_at=now, recorded_by=by)
        revision_rows.append(kind.row(revision))
        action = "created" if current is None else (
            "retracted" if revision.retracted else "revised")
        change_rows.append({"at": now, "entity": kind.name, "entity_id": item.id,
                            "action": action, "revision": revision.revision, "recorded_by": by})
    if revision_rows:
        records.append(kind, conn, revision_rows)
        conn.execute(tables.changes.insert(), change_rows)
    return len(revision_rows)


def _upsert(conn: sa.Connection, table: sa.Table, entity: str, items: list, stored: dict,
            to_row: Callable[[Any], dict], by: str, now: dt.datetime) -> int:
    """Insert the new actors (or topics), update the changed ones, log each;
    how many were written."""
    return sum(save(conn, table, entity, item, stored.get(item.id), to_row, by, now)
               for item in items)


def import_dataset(conn: sa.Connection, data: Parsed | dict, recorded_by: str) -> dict[str, int]:
    """Validate, then upsert actors and topics and append statement and note
    revisions for whatever differs from what is stored. Returns counts of what
    changed."""
    actors, topics, statements, notes, edited_at = (
        data if isinstance(data, Parsed) else parse_dataset(data))
    # The record's changes are dated when the editors made them (the file says
    # when), not when the file was loaded; webhook deliveries go out now.
    now = dt.datetime.now(dt.UTC)
    edited = edited_at or now
    stored = Record(conn)
    stored_statements = stored.statements([s.id for s in statements])
    counts = {
        "actors": _upsert(conn, tables.actors, "actor", actors, stored.actors, codec.actor_to,
                          recorded_by, edited),
        "topics": _upsert(conn, tables.topics, "topic", topics, stored.topics, codec.topic_to,
                          recorded_by, edited),
    }
    cells = {(s.actor, s.topic) for s in (*statements, *stored_statements.values())}
    with outbox.recording(conn, cells, now):
        counts["statements"] = _append_changed(conn, STATEMENTS, statements, stored_statements,
                                               recorded_by, edited)
    counts["notes"] = _append_changed(conn, NOTES, notes, {n.id: n for n in stored.all_notes()},
                                      recorded_by, edited)
    return counts


def export_dataset(conn: sa.Connection) -> dict:
    record = Record(conn)
    return {
        "format": FORMAT,
        "version": record.version,
        "edited_at": record.edited_at().isoformat() if record.edited_at() else None,
        "actors": [codec.actor_to(a) for a in record.actors.values()],
        "topics": [codec.topic_to(t) for t in record.topics.values()],
        "statements": [STATEMENTS.plain(s) for s in record.statements().values()],
        "notes": [NOTES.plain(n) for n in record.all_notes()],
    }
