"""The record's actors and topics as a page shows them: in the page's language.

The embeds look actors and topics up here rather than in http/lookups.py: the same
lookups (a 404 names the valid ids), answered with each actor's name and each topic's
question, stance labels and direction words in the language the page speaks (`lang=`),
from the labels stored with the record (domain/labels.py), English where a label is
missing. Positions read with these topics carry the translated stance labels, so the
templates and charts need no further lookup. The API's answers stay in the record's
English: only web/ uses this module.
"""

from __future__ import annotations

from flask import g

from ..domain.labels import actor_in, topic_in
from ..domain.model import Actor, Topic
from ..http import lookups
from ..store.read import Record


def _lang() -> str:
    return g.get("embed_lang", "en")


def actor_or_404(record: Record, actor_id: str) -> Actor:
    return actor_in(lookups.actor_or_404(record, actor_id), _lang())


def actors_or_404(record: Record, actor_ids: list[str] | None) -> list[Actor]:
    return [actor_in(a, _lang()) for a in lookups.actors_or_404(record, actor_ids)]


def topic_or_404(record: Record, topic_id: str) -> Topic:
    return topic_in(lookups.topic_or_404(record, topic_id), _lang())


def topics_or_404(record: Record, topic_ids: list[str] | None) -> list[Topic]:
    return [topic_in(t, _lang()) for t in lookups.topics_or_404(record, topic_ids)]
