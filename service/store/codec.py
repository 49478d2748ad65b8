"""Actors and topics to and from plain dicts: the mapping shared by their table
rows and dataset files. Records (statements, notes) have theirs from their kind
(store/kinds.py)."""

from __future__ import annotations

from dataclasses import replace

from ..domain.model import Actor, StanceValue, Topic
from .kinds import STATEMENTS
from .plain import from_plain, to_plain


def actor_from(data: dict) -> Actor:
    # A row written before labels were stored holds null: no labels.
    actor = from_plain(Actor, {**data, "labels": data.get("labels") or {}})
    return replace(actor, aliases=tuple(a.lower() for a in actor.aliases))


actor_to = to_plain


def topic_from(data: dict) -> Topic:
    # Only the words given: Topic's own defaults fill the rest.
    directions = data.get("directions") or {}
    words = {field: directions[key] for field, key in (("up_word", "up"), ("down_word", "down"))
             if key in directions}
    scale = tuple(from_plain(StanceValue, s) for s in data["scale"])
    return from_plain(Topic, {**data, **words, "scale": scale, "labels": data.get("labels") or {}})


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
        "vocabulary": list(topic.vocabulary),
        "labels": to_plain(topic.labels),
    }


# A statement's table row, for the callers that build tables by hand (tests).
statement_row = STATEMENTS.row
