"""Rules every dataset obeys, checked on plain objects before anything is stored."""

from __future__ import annotations

from .model import OFF_SCALE, Topic


class DomainError(ValueError):
    """A rule of the domain was broken; `field` names the offending field."""

    def __init__(self, message: str, field: str | None = None):
        super().__init__(message)
        self.field = field


def check_scale(topic: Topic) -> None:
    """A scale is non-empty, its values unique, its ranked levels strictly
    ordered and its sides never going back (-1 ... 0 ... +1), so that distance
    and crossing sides are well defined. Unranked values (level None) keep a
    side but no level."""
    if not topic.scale:
        raise DomainError("a topic needs at least one stance value", "scale")
    values = [s.value for s in topic.scale]
    if len(set(values)) != len(values):
        raise DomainError("stance values must be unique", "scale")
    for value in values:
        if value in OFF_SCALE:
            raise DomainError(f"'{value}' is reserved and sits outside every scale", "scale")
    ranked = topic.ranked_scale
    if not ranked:
        raise DomainError("a scale needs at least one ranked stance value", "scale")
    for before, after in zip(ranked, ranked[1:]):
        if after.level <= before.level:
            raise DomainError("levels must increase along the scale", "scale")
    for before, after in zip(topic.scale, topic.scale[1:]):
        if after.side < before.side:
            raise DomainError("sides must run from -1 to +1 along the scale", "scale")
    for stance in topic.scale:
        if stance.side not in (-1, 0, 1):
            raise DomainError("side must be -1, 0 or 1", "scale")
        if stance.ranked and stance.settled_word is not None:
            raise DomainError(f"'{stance.value}' is ranked: only an unranked stance has "
                              "settled_word", "scale")


def check_stance(topic: Topic, stance: str) -> None:
    if stance in OFF_SCALE and stance != "no_position":
        return
    if topic.stance(stance) is None:
        allowed = ", ".join((*topic.stance_values, "unclear"))
        raise DomainError(
            f"'{stance}' is not on the scale of topic '{topic.id}'; allowed: {allowed}", "stance"
        )


READER_TEXT_MAX = 500


def check_reader_text(text: str) -> None:
    """A note's reader's text is one plain sentence for readers: they have the
    story, not the editors' paragraph count, so no "¶" reference."""
    if "¶" in text:
        raise DomainError("A reader's text has no ¶ references; keep them in `text`.",
                          "reader_text")
    if len(text) > READER_TEXT_MAX:
        raise DomainError(f"A reader's text is one plain sentence: at most {READER_TEXT_MAX} "
                          f"characters.", "reader_text")
