"""Resolving ids a client sent into actors and topics, or a 404 naming the valid ones."""

from __future__ import annotations

from ..domain.model import Actor, Topic
from ..store.read import Record
from .problems import Problem


def actor_or_404(record: Record, actor_id: str) -> Actor:
    actor = record.resolve_actor(actor_id)
    if actor is None:
        valid = sorted(record.actors)
        raise Problem(404, "unknown-actor",
                      f"No actor '{actor_id}'. Valid ids: {', '.join(valid)}.", valid_ids=valid)
    return actor


def topic_or_404(record: Record, topic_id: str) -> Topic:
    topic = record.topics.get(topic_id.lower())
    if topic is None:
        valid = sorted(record.topics)
        raise Problem(404, "unknown-topic",
                      f"No topic '{topic_id}'. Valid ids: {', '.join(valid)}.", valid_ids=valid)
    return topic


def actors_or_404(record: Record, actor_ids: list[str] | None) -> list[Actor]:
    """The requested actors in the order asked (aliases resolved), or every actor."""
    if not actor_ids:
        return list(record.actors.values())
    resolved: dict[str, Actor] = {}
    for actor_id in actor_ids:
        actor = actor_or_404(record, actor_id)
        resolved.setdefault(actor.id, actor)
    return list(resolved.values())


def topics_or_404(record: Record, topic_ids: list[str] | None) -> list[Topic]:
    if not topic_ids:
        return list(record.topics.values())
    resolved: dict[str, Topic] = {}
    for topic_id in topic_ids:
        topic = topic_or_404(record, topic_id)
        resolved.setdefault(topic.id, topic)
    return list(resolved.values())
