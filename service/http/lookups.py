"""Resolving ids a client sent into actors and topics, or a 404 naming the valid ones."""

from __future__ import annotations

from collections.abc import Callable, Mapping

from ..domain.model import Actor, Topic
from ..store.read import Record
from .problems import Problem


def _unknown(kind: str, asked: str, known: Mapping[str, object]) -> Problem:
    valid = sorted(known)
    return Problem(404, f"unknown-{kind}",
                   f"No {kind} '{asked}'. Valid ids: {', '.join(valid)}.", valid_ids=valid)


def actor_or_404(record: Record, actor_id: str) -> Actor:
    actor = record.resolve_actor(actor_id)
    if actor is None:
        raise _unknown("actor", actor_id, record.actors)
    return actor


def topic_or_404(record: Record, topic_id: str) -> Topic:
    topic = record.topics.get(topic_id.lower())
    if topic is None:
        raise _unknown("topic", topic_id, record.topics)
    return topic


def _each_or_all(resolve: Callable[[str], Actor | Topic], every: Mapping, ids: list[str] | None):
    """The requested items in the order asked, each once (aliases resolved), or every item."""
    if not ids:
        return list(every.values())
    resolved: dict[str, Actor | Topic] = {}
    for item in map(resolve, ids):
        resolved.setdefault(item.id, item)
    return list(resolved.values())


def actors_or_404(record: Record, actor_ids: list[str] | None) -> list[Actor]:
    return _each_or_all(lambda i: actor_or_404(record, i), record.actors, actor_ids)


def topics_or_404(record: Record, topic_ids: list[str] | None) -> list[Topic]:
    return _each_or_all(lambda i: topic_or_404(record, i), record.topics, topic_ids)
