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
from typing import Any

import sqlalchemy as sa
import yaml

from ..domain.model import (
    ACTOR_KINDS,
    DATE_PRECISIONS,
    QUOTE_KINDS,
    STATUSES,
    Actor,
    Statement,
    Topic,
)
from ..domain.validation import DomainError, check_scale, check_stance
from . import codec, tables
from .read import Record
from .write import append_revisions, log_change

FORMAT = "standpoint-dataset/1"


class DatasetError(DomainError):
    """The dataset file is invalid; `where` says which entry."""

    def __init__(self, message: str, where: str):
        super().__init__(f"{where}: {message}")
        self.where = where


# libyaml's loader when the wheel has it: ten times faster than pure Python.
YamlLoader = getattr(yaml, "CSafeLoader", yaml.SafeLoader)


@lru_cache(maxsize=1)
def _bundled_text() -> str:
    return resources.files("service.data").joinpath("dataset.yaml").read_text("utf-8")


def load_bundled() -> dict:
    return yaml.load(_bundled_text(), Loader=YamlLoader)


def parse_dataset(data: Any) -> tuple[list[Actor], list[Topic], list[Statement]]:
    """Turn a dataset document into domain objects, checking every rule."""
    if not isinstance(data, dict) or data.get("format") != FORMAT:
        raise DatasetError(f"expected a mapping with format: {FORMAT}", "document")
    actors, topics, statements = [], [], []
    for i, item in enumerate(data.get("actors") or []):
        where = f"actors[{i}]"
        try:
            actor = codec.actor_from(item)
        except (KeyError, TypeError, ValueError) as exc:
            raise DatasetError(f"missing or invalid field {exc}", where) from exc
        if actor.kind not in ACTOR_KINDS:
            raise DatasetError(f"kind must be one of {ACTOR_KINDS}", where)
        actors.append(actor)
    for i, item in enumerate(data.get("topics") or []):
        where = f"topics[{i}]"
        try:
            topic = codec.topic_from(item)
            check_scale(topic)
        except (KeyError, TypeError, ValueError) as exc:
            raise DatasetError(f"missing or invalid field {exc}", where) from exc
        topics.append(topic)
    actor_ids = {a.id for a in actors}
    topic_by_id = {t.id: t for t in topics}
    seen: set[str] = set()
    for i, item in enumerate(data.get("statements") or []):
        where = f"statements[{i}]"
        try:
            statement = codec.statement_from(item)
        except (KeyError, TypeError, ValueError) as exc:
            raise DatasetError(f"missing or invalid field {exc}", where) from exc
        if statement.id in seen:
            raise DatasetError(f"duplicate id '{statement.id}'", where)
        seen.add(statement.id)
        if statement.actor not in actor_ids:
            raise DatasetError(f"unknown actor '{statement.actor}'", where)
        if statement.topic not in topic_by_id:
            raise DatasetError(f"unknown topic '{statement.topic}'", where)
        try:
            check_stance(topic_by_id[statement.topic], statement.stance)
        except DomainError as exc:
            raise DatasetError(str(exc), where) from exc
        if statement.quote_kind not in QUOTE_KINDS:
            raise DatasetError(f"quote_kind must be one of {QUOTE_KINDS}", where)
        if statement.date_precision not in DATE_PRECISIONS:
            raise DatasetError(f"date_precision must be one of {DATE_PRECISIONS}", where)
        if statement.status not in STATUSES:
            raise DatasetError(f"status must be one of {STATUSES}", where)
        statements.append(statement)
    return actors, topics, statements


def _same_content(a: Statement, b: Statement) -> bool:
    # Bookkeeping (revision, recording time and author) does not make a new revision.
    neutral = {"revision": 1, "recorded_at": None, "recorded_by": None}
    return replace(a, **neutral) == replace(b, **neutral)


def _upsert(conn: sa.Connection, table: sa.Table, entity: str, items: list, stored: dict,
            to_row: Callable[[Any], dict], by: str, now: dt.datetime) -> int:
    """Insert the new actors (or topics), update the changed ones, log each;
    how many were written."""
    written = 0
    for item in items:
        row = {**to_row(item), "updated_at": now}
        if item.id not in stored:
            conn.execute(table.insert().values(**row))
            log_change(conn, entity, item.id, "created", by, now)
        elif stored[item.id] != item:
            conn.execute(table.update().where(table.c.id == item.id).values(**row))
            log_change(conn, entity, item.id, "updated", by, now)
        else:
            continue
        written += 1
    return written


def import_dataset(conn: sa.Connection, data: Any, recorded_by: str) -> dict[str, int]:
    """Validate, then upsert actors and topics and append statement revisions
    for whatever differs from what is stored. Returns counts of what changed."""
    actors, topics, statements = parse_dataset(data)
    now = dt.datetime.now(dt.timezone.utc)
    stored = Record(conn)
    stored_statements = stored.statements([s.id for s in statements])
    counts = {
        "actors": _upsert(conn, tables.actors, "actor", actors, stored.actors, codec.actor_to,
                          recorded_by, now),
        "topics": _upsert(conn, tables.topics, "topic", topics, stored.topics, codec.topic_to,
                          recorded_by, now),
        "statements": 0,
    }
    # Statement rows and their change log go in two executemany batches
    # (same rows, same order, so the same seq numbers): a 100k-statement
    # import takes seconds rather than minutes.
    revision_rows, change_rows = [], []
    for statement in statements:
        current = stored_statements.get(statement.id)
        if current is not None and _same_content(current, statement):
            continue
        revision = replace(
            statement,
            revision=current.revision + 1 if current else 1,
            recorded_at=now,
            recorded_by=recorded_by,
        )
        revision_rows.append(codec.statement_row(revision))
        action = "created" if current is None else (
            "retracted" if revision.retracted else "revised")
        change_rows.append({"at": now, "entity": "statement", "entity_id": statement.id,
                            "action": action, "revision": revision.revision,
                            "recorded_by": recorded_by})
        counts["statements"] += 1
    if revision_rows:
        append_revisions(conn, revision_rows)
        conn.execute(tables.changes.insert(), change_rows)
    return counts


def export_dataset(conn: sa.Connection) -> dict:
    record = Record(conn)
    return {
        "format": FORMAT,
        "version": record.version,
        "actors": [codec.actor_to(a) for a in record.actors.values()],
        "topics": [codec.topic_to(t) for t in record.topics.values()],
        "statements": [codec.statement_to(s) for s in record.statements().values()],
    }
