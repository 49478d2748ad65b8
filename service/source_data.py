"""The bundled sources, their anchors and the candidate finder's words, as the bundled dataset
(service/data/dataset.yaml, read by the store's strict loader) holds them: for the domain
tests and for `python -m service.source_data`, which prints the finder's figures on the
bundled report (docs/SOURCES.md). The API answers the same from the database
(`GET /v1/sources/{id}/candidates`).
"""

from __future__ import annotations

import datetime as dt
from functools import cache
from pathlib import Path

from service.domain.candidates import Reading, reading_for
from service.domain.selectors import Anchor, TextQuoteSelector
from service.domain.source_text import SourceText, source_text
from service.store.dataset_io import bundled

DATA = Path(__file__).resolve().parent / "data"


@cache
def _record():
    return bundled()


@cache
def sources() -> dict[str, SourceText]:
    """Each bundled source's text by source id (the loader refuses a text not pinned)."""
    return {s.id: source_text(s.text) for s in _record().sources if s.text is not None}


@cache
def anchors() -> dict[str, Anchor]:
    """Each bundled statement's anchor by statement id."""
    return {s.id: Anchor(s.source.id, s.anchor.paragraph,
                         TextQuoteSelector(s.anchor.exact, s.anchor.prefix, s.anchor.suffix))
            for s in _record().statements if s.anchor is not None}


def published_on(source_id: str) -> dt.date:
    return next(s.published_on for s in _record().sources if s.id == source_id)


@cache
def reading(language: str = "en") -> Reading:
    """The finder's words: the language's cues, each actor's name, spokespeople and mentions,
    each topic's vocabulary."""
    record = _record()
    return reading_for(record.actors, record.topics, record.readings[language])


def bundled_candidates(source_id: str = "ap-2025-03-20") -> list:
    from service.domain.candidates import candidates

    return candidates(sources()[source_id], source_id, published_on(source_id), reading())


def figures(source_id: str = "ap-2025-03-20") -> dict:
    """How the finder does on a bundled source: the record's statements found among its
    candidates, and how many candidates it proposes (docs/SOURCES.md)."""
    from service.domain.candidates import finds

    source, found = sources()[source_id], bundled_candidates(source_id)
    statements = [s for s in _record().statements
                  if s.id in anchors() and anchors()[s.id].source == source_id]
    hit = {s.id: [c for c in found if finds(c, source, anchors()[s.id], s.actor, s.topic)]
           for s in statements}
    dated = [s.id for s in statements if any(
        (g.date, g.precision) == (s.stated_on, s.date_precision)
        for c in hit[s.id] for g in c.dates)]
    return {
        "statements": len(statements),
        "found": sum(1 for s in statements if hit[s.id]),
        "missed": [sid for sid, cs in hit.items() if not cs],
        "candidates": len(found),
        "candidates_holding_a_statement": sum(1 for c in found if any(c in cs for cs in hit.values())),
        "suggestions": sum(len(c.actors) * len(c.topics) for c in found),
        "dated_as_recorded": len(dated),
        "dated_otherwise": [sid for sid in hit if sid not in dated],
    }


if __name__ == "__main__":  # python -m service.source_data: the figures and the candidates
    for candidate in bundled_candidates():
        dates = "; ".join(f"{g.date} {g.precision}" + (f" ({g.words})" if g.words else "")
                          for g in candidate.dates)
        print(f"¶{candidate.paragraph} {'/'.join(candidate.actors)} × "
              f"{'/'.join(candidate.topics)} [{dates}]: {candidate.sentence}")
    print(figures())
