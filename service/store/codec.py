"""Domain objects to and from plain dicts: the one mapping shared by table rows,
dataset files (import/export) and nothing else."""

from __future__ import annotations

import datetime as dt
from typing import Any

from ..domain.model import Actor, Source, Speaker, StanceValue, Statement, Topic


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
    )


def source_to(source: Source) -> dict:
    return {
        "publisher": source.publisher,
        "title": source.title,
        "byline": source.byline,
        "url": source.url,
        "published_on": source.published_on.isoformat(),
        "location": source.location,
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
            StanceValue(s["value"], int(s["level"]), int(s["side"]), s["label"], s["definition"])
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
             "definition": s.definition}
            for s in topic.scale
        ],
    }


def statement_from(data: dict) -> Statement:
    recorded_at = data.get("recorded_at")
    if isinstance(recorded_at, str):
        recorded_at = dt.datetime.fromisoformat(recorded_at)
    if recorded_at is not None and recorded_at.tzinfo is None:
        recorded_at = recorded_at.replace(tzinfo=dt.timezone.utc)
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
        recorded_at=recorded_at,
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


# statement table columns whose names differ from the Statement's fields.
_COLUMN_FIELDS = {"statement_id": "id", "actor_id": "actor", "topic_id": "topic"}


def statement_row(statement: Statement) -> dict:
    """The row of one revision, for statement_revisions and current_statements."""
    data = statement_to(statement)
    for column, name in _COLUMN_FIELDS.items():
        data[column] = data.pop(name)
    # The Date and DateTime columns take Python objects, not ISO text.
    return {**data, "stated_on": statement.stated_on, "recorded_at": statement.recorded_at,
            "recorded_by": statement.recorded_by or "unknown"}


def statement_from_row(row: Any) -> Statement:
    """A statement table row as a Statement: the one row decoder."""
    return statement_from({_COLUMN_FIELDS.get(k, k): v for k, v in row._mapping.items()})
