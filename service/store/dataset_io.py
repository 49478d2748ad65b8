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
from pathlib import Path, PurePosixPath
from typing import Any, NamedTuple

import sqlalchemy as sa
import yaml

from ..domain.anchoring import AnchorError, anchored
from ..domain.labels import check_actor_labels, check_topic_labels
from ..domain.model import CITATION_FIELDS, Actor, Note, SourceRecord, Statement, Topic
from ..domain.source_text import source_text
from ..domain.validation import (
    DomainError,
    check_reader_text,
    check_scale,
    check_stance,
)
from . import codec, outbox, records, tables
from .dataset_file import (
    CITATION_FORMATS,
    FORMAT,
    DatasetError,
    check_document,
    compose,
    dotted,
    line_of,
)
from .kinds import NOTES, SOURCES, STATEMENTS, Kind
from .read import Record
from .write import save

__all__ = ["DatasetError", "FORMAT", "Parsed", "bundled", "export_dataset", "import_dataset",
           "load_bundled", "parse_dataset", "read_dataset"]

BUNDLED = "service/data/dataset.yaml"
DATA_DIR = Path(__file__).resolve().parents[1] / "data"


class Parsed(NamedTuple):
    actors: list[Actor]
    topics: list[Topic]
    statements: list[Statement]
    notes: list[Note]
    edited_at: dt.datetime | None = None  # the file's own date of its last editorial change
    sources: list[SourceRecord] = []
    readings: dict[str, dict] = {}  # language -> the candidate finder's cues


@lru_cache(maxsize=1)
def _bundled_text() -> str:
    return resources.files("service.data").joinpath("dataset.yaml").read_text("utf-8")


def load_bundled() -> dict:
    """The bundled dataset as plain data (a fresh copy each call)."""
    return yaml.safe_load(_bundled_text())


def bundled() -> Parsed:
    return read_dataset(_bundled_text(), BUNDLED, DATA_DIR)


def read_dataset(text: str, name: str, base: Path | None = None) -> Parsed:
    """A dataset file's text (YAML or JSON), checked strictly: DatasetError
    names the file, line and key of every problem. A source's `text_file` is read
    relative to `base` (by default the file's own directory)."""
    data, root = compose(text, name)
    return parse_dataset(data, name, root, base if base is not None else Path(name).parent)


def _cite_named_sources(data: Any) -> None:
    """In a format-3 file, a statement's or note's `source: {id: ..., location: ...}` takes
    the citation fields it leaves out from the source filed under that id (in place, before
    the strict check; one that gives them differently is refused after it)."""
    if not isinstance(data, dict) or data.get("format") in CITATION_FORMATS:
        return
    named = data.get("sources")
    if not isinstance(named, dict):
        return
    for key, entry in named.items():
        if isinstance(entry, dict):
            entry.setdefault("id", key)
    for kind in ("statements", "notes"):
        for item in data.get(kind) or ():
            cited = item.get("source") if isinstance(item, dict) else None
            if isinstance(cited, dict) and isinstance(named.get(cited.get("id")), dict):
                entry = named[cited["id"]]
                item["source"] = {**{k: entry[k] for k in CITATION_FIELDS if k in entry}, **cited}


def _read_text_file(base: Path, relative: str) -> str:
    """A source's text file: beside the dataset file, else among the bundled texts
    (service/data), so a copy of the bundled file read from elsewhere still finds them."""
    path = PurePosixPath(relative)
    if path.is_absolute() or ".." in path.parts:
        raise DomainError("must be a path relative to the dataset file, inside its directory")
    found = next((folder / path for folder in (base, DATA_DIR) if (folder / path).is_file()),
                 None)
    if found is None:
        raise DomainError(f"no file {relative} beside the dataset or among the bundled texts")
    try:
        return found.read_text("utf-8")
    except (OSError, UnicodeDecodeError) as exc:
        raise DomainError(f"cannot be read: {exc}") from exc


def _sources(document: dict, base: Path, refuse) -> list[SourceRecord]:
    """The source records of a format-3 file, each text read, normalised and pinned."""
    found = []
    for key, entry in document["sources"].items():
        path = ("sources", key)
        if entry["id"] != key:
            refuse((*path, "id"), f"is '{entry['id']}', filed under '{key}'")
        text = entry.get("text")
        if entry.get("text_file"):
            if text is not None:
                refuse((*path, "text_file"), "give the text inline or in text_file, not both")
            try:
                text = _read_text_file(base, entry["text_file"])
            except DomainError as exc:
                refuse((*path, "text_file"), str(exc))
                continue
        source = SOURCES.build({**entry, "text": text, "sha256": None})
        if text is not None:
            parsed = source_text(text)
            if entry.get("sha256") and entry["sha256"] != parsed.sha256:
                refuse((*path, "sha256"), f"the text's sha-256 is {parsed.sha256}, "
                                          f"not {entry['sha256']}: not the text pinned")
            source = replace(source, text=parsed.text, sha256=parsed.sha256)
            if not parsed.paragraphs:
                refuse((*path, "text"), "the text has no paragraphs")
            if source.text_withheld is not None:
                refuse((*path, "text_withheld"), "a source with its text withholds nothing")
        elif not source.text_withheld:
            refuse(path, "give the text (text or text_file) or say in text_withheld why none "
                         "is kept")
        found.append(source)
    return found


def _anchored_to_sources(items: list, kind: str, sources: dict[str, SourceRecord],
                         refuse) -> list:
    """Each statement (or note) citing a source record cites it as it is, and a statement's
    anchor holds in its text (docs/SOURCES.md); anchors come back verified or saying why not."""
    checked = []
    for i, item in enumerate(items):
        cited = item.source
        source = sources.get(cited.id) if cited.id else None
        if cited.id and source is None:
            refuse((kind, i, "source", "id"), f"unknown source '{cited.id}'")
        for name in CITATION_FIELDS if source else ():
            if getattr(cited, name) != getattr(source, name):
                refuse((kind, i, "source", name), f"differs from source '{source.id}'")
        anchor = getattr(item, "anchor", None)
        if anchor is not None and cited.id is None:
            refuse((kind, i, "source", "id"), "an anchor needs the source record it is in")
        if anchor is not None and source is not None:
            text = source_text(source.text) if source.text is not None else None
            try:
                item = replace(item, anchor=anchored(anchor, item.quote, item.quote_kind,
                                                     cited.location, text, source.text_withheld))
            except AnchorError as exc:
                for field, messages in exc.errors.items():
                    for message in messages:
                        refuse((kind, i, *field.split(".")), message)
        checked.append(item)
    return checked


def parse_dataset(data: Any, name: str = "document", root: yaml.Node | None = None,
                  base: Path | None = None) -> Parsed:
    """A dataset document as domain objects, after the format's rules
    (dataset_file.py) and the record's: ids unique, references known,
    scales well ordered, every stance on its topic's scale, every anchor
    verified in its source's text. A source's `text_file` is read relative to `base`
    (by default the bundled dataset's directory)."""
    base = DATA_DIR if base is None else base
    _cite_named_sources(data)
    document = check_document(data, name, root)
    problems: list[str] = []

    def refuse(path: tuple, message: str) -> None:
        line = line_of(root, path)
        problems.append(f"{name}:{line}: {dotted(path)}: {message}" if line else
                        f"{name}: {dotted(path)}: {message}")

    actors = [codec.actor_from(item) for item in document["actors"]]
    for i, actor in enumerate(actors):
        try:
            check_actor_labels(actor)
        except DomainError as exc:
            refuse(("actors", i, *(exc.field or "labels").split(".")), str(exc))
    topics = []
    for i, item in enumerate(document["topics"]):
        topic = codec.topic_from(item)
        try:
            check_scale(topic)
            check_topic_labels(topic)
        except DomainError as exc:
            refuse(("topics", i, *(exc.field or "scale").split(".")), str(exc))
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
    sources: list[SourceRecord] = []
    if document["format"] not in CITATION_FORMATS:
        sources = _sources(document, base, refuse)
    by_id = {source.id: source for source in sources}
    statements = _anchored_to_sources(statements, "statements", by_id, refuse)
    notes = _anchored_to_sources(notes, "notes", by_id, refuse)
    if problems:
        raise DatasetError(problems)
    return Parsed(actors, topics, statements, notes, document.get("edited_at"), sources,
                  document["reading"])


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


def _save_readings(conn: sa.Connection, readings: dict[str, dict], stored: dict[str, dict],
                   by: str, at: dt.datetime) -> int:
    written = 0
    table = tables.readings
    for language, cues in readings.items():
        cues = {key: list(value) for key, value in cues.items()}
        if stored.get(language) == cues:
            continue
        if language in stored:
            conn.execute(table.update().where(table.c.language == language)
                         .values(**cues, updated_at=at))
        else:
            conn.execute(table.insert().values(language=language, **cues, updated_at=at))
        records.log_change(conn, "reading", language,
                           "updated" if language in stored else "created", by, at)
        written += 1
    return written


def import_dataset(conn: sa.Connection, data: Parsed | dict, recorded_by: str) -> dict[str, int]:
    """Validate, then upsert actors and topics and append source, statement and note
    revisions for whatever differs from what is stored. Returns counts of what
    changed."""
    actors, topics, statements, notes, edited_at, sources, readings = (
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
    stored_sources = {s.id: s for s in stored.all_sources()}
    changed = sorted(s.id for s in sources
                     if s.id in stored_sources and stored_sources[s.id].sha256 != s.sha256)
    if changed:
        raise DatasetError([f"sources.{source_id}: a source's text is fixed once recorded "
                            "(statements are verified against it); file the other text as a "
                            "new source" for source_id in changed])
    counts["sources"] = _append_changed(conn, SOURCES, sources, stored_sources, recorded_by,
                                        edited)
    counts["readings"] = _save_readings(conn, readings, stored.readings(), recorded_by, edited)
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
        "sources": {s.id: SOURCES.plain(s) for s in record.all_sources()},
        "reading": record.readings(),
        "statements": [STATEMENTS.plain(s) for s in record.statements().values()],
        "notes": [NOTES.plain(n) for n in record.all_notes()],
    }
