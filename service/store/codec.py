"""Domain objects to and from plain dicts: the one mapping shared by table rows,
dataset files (import/export) and nothing else."""

from __future__ import annotations

import datetime as dt
from typing import Any

from ..domain.model import Actor, Note, Source, Speaker, StanceValue, Statement, Topic


def _date(value: Any) -> dt.date:
    if isinstance(value, dt.datetime):
        return value.date()
    if isinstance(value, dt.date):
        return value
    return dt.date.fromisoformat(value)


def speaker_from(data: dict | None) -> Speaker | None:
    return Speaker(data["name"], data.get("role")) if data else None


def speaker_to(speaker: Speaker | None) -> dict | None:
    return {"name": speaker.name, "role": speaker.role} if speaker else None


def source_from(data: dict) -> Source:
    return Source(
        publisher=data["publisher"],
        published_on=_date(data["published_on"]),
        title=data.get("title"),
        byline=data.get("byline"),
        url=data.get("url"),
        location=data.get("location"),
        published_on_basis=data.get("published_on_basis"),
    )


def source_to(source: Source) -> dict:
    return {
        "publisher": source.publisher,
        "title": source.title,
        "byline": source.byline,
        "url": source.url,
        "published_on": source.published_on.isoformat(),
        "location": source.location,
        "published_on_basis": source.published_on_basis,
    }


def actor_from(data: dict) -> Actor:
    return Actor(
        id=data["id"],
        name=data["name"],
        kind=data["kind"],
        country_code=data.get("country_code"),
        aliases=tuple(a.lower() for a in data.get("aliases") or ()),
        spokespeople=tuple(speaker_from(s) for s in data.get("spokespeople") or ()),
    )


def actor_to(actor: Actor) -> dict:
    return {
        "id": actor.id,
        "name": actor.name,
        "kind": actor.kind,
        "country_code": actor.country_code,
        "aliases": list(actor.aliases),
        "spokespeople": [speaker_to(s) for s in actor.spokespeople],
    }


def topic_from(data: dict) -> Topic:
    # Only the words given: Topic's own defaults fill the rest. (Topic.up_word would
    # not do: on a slots dataclass it is a descriptor, not the default string.)
    directions = data.get("directions") or {}
    words = {field: directions[key] for field, key in (("up_word", "up"), ("down_word", "down"))
             if key in directions}
    return Topic(
        id=data["id"],
        question=data["question"],
        scale=tuple(
            StanceValue(s["value"], None if s.get("level") is None else int(s["level"]),
                        int(s["side"]), s["label"], s["definition"], s.get("settled_word"))
            for s in data["scale"]
        ),
        **words,
    )


def topic_to(topic: Topic) -> dict:
    return {
        "id": topic.id,
        "question": topic.question,
        "directions": {"up": topic.up_word, "down": topic.down_word},
        "scale": [
            {"value": s.value, "level": s.level, "side": s.side, "label": s.label,
             "definition": s.definition,
             **({"settled_word": s.settled_word} if s.settled_word is not None else {})}
            for s in topic.scale
        ],
    }


def _recorded_at(value: Any) -> dt.datetime | None:
    if isinstance(value, str):
        value = dt.datetime.fromisoformat(value)
    if value is not None and value.tzinfo is None:
        # SQLite hands back naive datetimes; everything is stored in UTC.
        value = value.replace(tzinfo=dt.timezone.utc)
    return value


def statement_from(data: dict) -> Statement:
    return Statement(
        id=data["id"],
        actor=data["actor"],
        topic=data["topic"],
        stance=data["stance"],
        summary=data["summary"],
        quote=data["quote"],
        quote_kind=data["quote_kind"],
        stated_on=_date(data["stated_on"]),
        date_precision=data["date_precision"],
        source=source_from(data["source"]),
        speaker=speaker_from(data.get("speaker")),
        conditions=tuple(data.get("conditions") or ()),
        status=data.get("status", "current"),
        revision=int(data.get("revision", 1)),
        recorded_at=_recorded_at(data.get("recorded_at")),
        recorded_by=data.get("recorded_by"),
        note=data.get("note"),
    )


def statement_to(statement: Statement) -> dict:
    return {
        "id": statement.id,
        "actor": statement.actor,
        "topic": statement.topic,
        "stance": statement.stance,
        "conditions": list(statement.conditions),
        "summary": statement.summary,
        "quote": statement.quote,
        "quote_kind": statement.quote_kind,
        "speaker": speaker_to(statement.speaker),
        "stated_on": statement.stated_on.isoformat(),
        "date_precision": statement.date_precision,
        "source": source_to(statement.source),
        "status": statement.status,
        "revision": statement.revision,
        "recorded_at": statement.recorded_at.isoformat() if statement.recorded_at else None,
        "recorded_by": statement.recorded_by,
        "note": statement.note,
    }


def note_from(data: dict) -> Note:
    return Note(
        id=data["id"],
        actor=data["actor"],
        topic=data["topic"],
        text=data["text"],
        source=source_from(data["source"]),
        status=data.get("status", "current"),
        revision=int(data.get("revision", 1)),
        recorded_at=_recorded_at(data.get("recorded_at")),
        recorded_by=data.get("recorded_by"),
        reason=data.get("reason"),
        reader_text=data.get("reader_text"),
    )


def note_to(note: Note) -> dict:
    return {
        "id": note.id,
        "actor": note.actor,
        "topic": note.topic,
        "text": note.text,
        "source": source_to(note.source),
        "status": note.status,
        "revision": note.revision,
        "recorded_at": note.recorded_at.isoformat() if note.recorded_at else None,
        "recorded_by": note.recorded_by,
        "reason": note.reason,
        "reader_text": note.reader_text,
    }


# Table columns whose names differ from the domain objects' fields.
_COLUMN_FIELDS = {"actor_id": "actor", "topic_id": "topic"}


def _row(data: dict, id_column: str, recorded_at: dt.datetime | None, by: str | None) -> dict:
    data[id_column] = data.pop("id")
    for column, name in _COLUMN_FIELDS.items():
        data[column] = data.pop(name)
    # The DateTime column takes a Python object, not ISO text.
    return {**data, "recorded_at": recorded_at, "recorded_by": by or "unknown"}


def _from_row(row: Any, id_column: str) -> dict:
    data = {_COLUMN_FIELDS.get(k, k): v for k, v in row._mapping.items()}
    data["id"] = data.pop(id_column)
    return data


def statement_row(statement: Statement) -> dict:
    """The row of one revision, for statement_revisions and current_statements."""
    row = _row(statement_to(statement), "statement_id", statement.recorded_at, statement.recorded_by)
    return {**row, "stated_on": statement.stated_on}  # a Date column: the object, not text


def statement_from_row(row: Any) -> Statement:
    """A statement table row as a Statement: the one row decoder."""
    return statement_from(_from_row(row, "statement_id"))


def note_row(note: Note) -> dict:
    """The row of one revision, for note_revisions and current_notes."""
    return _row(note_to(note), "note_id", note.recorded_at, note.recorded_by)


def note_from_row(row: Any) -> Note:
    return note_from(_from_row(row, "note_id"))
