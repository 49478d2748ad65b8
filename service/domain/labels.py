"""The record's own words in other languages: actor names, topic names and questions,
stance labels and definitions, the words for a move along a scale.

They are data, stored with the actor or topic they translate (its `labels`, by language
tag) and edited like it (an API write, a dataset file). English is the record's own
language: its words are the actor's and topic's fields, never a label. A label a language
lacks falls back to the English word, one word at a time, so a half-translated topic still
says only what the record says.

Shapes (every key optional, none empty):
  actor: {"fr": {"name": "Royaume-Uni"}}
  topic: {"fr": {"name": ..., "question": ..., "directions": {"up": ..., "down": ...},
                 "stances": {"<value>": {"label": ..., "definition": ...,
                                         "settled_word": ...}}}}
"""

from __future__ import annotations

import re
from dataclasses import replace
from typing import Any

from .model import Actor, Topic
from .validation import DomainError

# A BCP 47 language tag, as far as a label needs one: a primary language subtag, then
# any subtags (region, script...). English is the record's own language, never a label.
LANGUAGE_TAG = re.compile(r"^[a-z]{2,3}(-[A-Za-z0-9]{1,8})*$")
RECORD_LANGUAGE = "en"

ACTOR_KEYS = {"name": 200}
TOPIC_KEYS = {"name": 200, "question": 1000}
DIRECTION_KEYS = {"up": 64, "down": 64}
STANCE_KEYS = {"label": 200, "definition": 2000, "settled_word": 64}


def _texts(given: Any, allowed: dict[str, int], where: str) -> None:
    if not isinstance(given, dict):
        raise DomainError("must be an object", where)
    for key, value in given.items():
        if key not in allowed:
            raise DomainError(f"unknown key '{key}'; allowed: {', '.join(allowed)}",
                              f"{where}.{key}")
        if not isinstance(value, str) or not value.strip():
            raise DomainError("must be a text, not empty", f"{where}.{key}")
        if len(value) > allowed[key]:
            raise DomainError(f"at most {allowed[key]} characters", f"{where}.{key}")


def _languages(labels: Any) -> list[tuple[str, Any]]:
    if not isinstance(labels, dict):
        raise DomainError("must be an object keyed by language tag", "labels")
    for tag in labels:
        if not isinstance(tag, str) or not LANGUAGE_TAG.match(tag):
            raise DomainError(f"'{tag}' is not a language tag (BCP 47, such as fr, de, uk, "
                              "pt-BR)", f"labels.{tag}")
        if tag.split("-")[0] == RECORD_LANGUAGE:
            raise DomainError("English is the record's own words: change the field itself, "
                              "not a label", f"labels.{tag}")
    return list(labels.items())


def check_actor_labels(actor: Actor) -> None:
    for tag, words in _languages(actor.labels):
        _texts(words, ACTOR_KEYS, f"labels.{tag}")


def check_topic_labels(topic: Topic) -> None:
    for tag, words in _languages(topic.labels):
        where = f"labels.{tag}"
        if not isinstance(words, dict):
            raise DomainError("must be an object", where)
        _texts({k: v for k, v in words.items() if k not in ("directions", "stances")},
               TOPIC_KEYS, where)
        if "directions" in words:
            _texts(words["directions"], DIRECTION_KEYS, f"{where}.directions")
        stances = words.get("stances", {})
        if not isinstance(stances, dict):
            raise DomainError("must be an object keyed by stance value", f"{where}.stances")
        for value, stance_words in stances.items():
            stance = topic.stance(value)
            if stance is None:
                raise DomainError(f"'{value}' is not on the topic's scale; allowed: "
                                  f"{', '.join(topic.stance_values)}", f"{where}.stances")
            if "settled_word" in (stance_words or {}) and stance.ranked:
                raise DomainError(f"'{value}' is ranked: only an unranked stance has "
                                  "settled_word", f"{where}.stances.{value}.settled_word")
            _texts(stance_words, STANCE_KEYS, f"{where}.stances.{value}")


def merged(stored: dict, changes: dict) -> dict:
    """A write's labels over the stored ones: each language given replaces that
    language's labels; a language given as null removes it; the others stay."""
    result = {**stored, **changes}
    return {tag: words for tag, words in result.items() if words is not None}


def actor_in(actor: Actor, lang: str) -> Actor:
    """The actor with its name in `lang` where the record has it (else English)."""
    words = actor.labels.get(lang) or {}
    return replace(actor, name=words.get("name", actor.name))


def topic_in(topic: Topic, lang: str) -> Topic:
    """The topic with its question, scale words and direction words in `lang`, each
    where the record has it (else English). Its `name` is topic_name's."""
    words = topic.labels.get(lang) or {}
    stances = words.get("stances") or {}
    directions = words.get("directions") or {}
    scale = tuple(replace(s, **{k: v for k, v in (stances.get(s.value) or {}).items()
                                if k in STANCE_KEYS})
                  for s in topic.scale)
    return replace(topic, question=words.get("question", topic.question), scale=scale,
                   up_word=directions.get("up", topic.up_word),
                   down_word=directions.get("down", topic.down_word))


def topic_name(topic: Topic, lang: str) -> str:
    """A topic's short name: its label in `lang`, else its id in words ("Ceasefire scope")."""
    return ((topic.labels.get(lang) or {}).get("name")
            or topic.id.replace("_", " ").capitalize())
