"""The bundled sources, their anchors and the candidate finder's vocabulary, read from
service/data (anchors.yaml, vocabulary.yaml, sources/*.txt) beside dataset.yaml.

Read with yaml.safe_load and checked only for what the code needs; the tests check the data
(tests/domain/test_anchors_data.py, tests/domain/test_candidates.py). Phase 2 folds these
files into dataset.yaml and this module into the store's loader (docs/SOURCES.md).
"""

from __future__ import annotations

import datetime as dt
from functools import cache
from pathlib import Path

import yaml

from service.domain.candidates import Reading
from service.domain.selectors import Anchor, TextQuoteSelector
from service.domain.source_text import SourceText, source_text

DATA = Path(__file__).resolve().parent / "data"


def _yaml(name: str) -> dict:
    return yaml.safe_load((DATA / name).read_text("utf-8"))


@cache
def sources() -> dict[str, SourceText]:
    """Each bundled source's text by source id, refused if it is not the text pinned."""
    found = {}
    for source_id, entry in _yaml("anchors.yaml")["sources"].items():
        text = source_text((DATA / entry["text_file"]).read_text("utf-8"))
        if text.sha256 != entry["sha256"]:
            raise ValueError(f"{entry['text_file']}: sha-256 {text.sha256}, "
                             f"anchors.yaml pins {entry['sha256']}")
        found[source_id] = text
    return found


@cache
def anchors() -> dict[str, Anchor]:
    """Each bundled statement's anchor by statement id."""
    return {statement_id: Anchor(a["source"], a["paragraph"],
                                 TextQuoteSelector(a["exact"], a["prefix"], a["suffix"]))
            for statement_id, a in _yaml("anchors.yaml")["anchors"].items()}


def published_on(source_id: str) -> dt.date:
    return _yaml("dataset.yaml")["sources"][source_id]["published_on"]


@cache
def reading() -> Reading:
    """The finder's words: vocabulary.yaml, plus each actor's name and its spokespeople's
    names and surnames from dataset.yaml."""
    words = _yaml("vocabulary.yaml")
    record = _yaml("dataset.yaml")
    mentions = {}
    for actor in record["actors"]:
        names = [actor["name"]]
        for person in actor["spokespeople"]:
            names += [person["name"], person["name"].split()[-1]]
        names += words["mentions"].get(actor["id"], [])
        mentions[actor["id"]] = tuple(dict.fromkeys(names))
    return Reading(
        mentions=mentions,
        vocabulary={topic: tuple(terms) for topic, terms in words["vocabulary"].items()},
        speech_cues=tuple(words["speech_cues"]),
        bound_cues=tuple(words["bound_cues"]),
        future_cues=tuple(words["future_cues"]),
        abbreviations=tuple(words["abbreviations"]))


def bundled_candidates(source_id: str = "ap-2025-03-20") -> list:
    from service.domain.candidates import candidates

    return candidates(sources()[source_id], source_id, published_on(source_id), reading())


def figures(source_id: str = "ap-2025-03-20") -> dict:
    """How the finder does on a bundled source: the record's statements found among its
    candidates, and how many candidates it proposes (docs/SOURCES.md)."""
    from service.domain.candidates import finds

    source, found = sources()[source_id], bundled_candidates(source_id)
    record = _yaml("dataset.yaml")["statements"]
    statements = [s for s in record if anchors()[s["id"]].source == source_id]
    hit = {s["id"]: [c for c in found if finds(c, source, anchors()[s["id"]], s["actor"],
                                               s["topic"])] for s in statements}
    dated = [s["id"] for s in statements if any(
        (g.date, g.precision) == (s["stated_on"], s["date_precision"])
        for c in hit[s["id"]] for g in c.dates)]
    return {
        "statements": len(statements),
        "found": sum(1 for s in statements if hit[s["id"]]),
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
