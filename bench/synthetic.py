"""A synthetic Standpoint dataset of any size, for growth benchmarks.

`generate(n)` returns a `standpoint-dataset/3` document with 50 actors, 20
topics, `n` statements spread over eleven years, and an editors' note on
about one cell in five (notes explain cells, so their number does not grow
with the statements), deterministic for a seed. Each statement and note cites
a source record: one article per publisher and day, without its text (a
synthetic record has no report to keep; its reason is in `text_withheld`).
`make bench` writes it to a file and loads it with the operators' command,
`flask --app service data import` (bench/run.py), so the rows are exactly
what a real import writes.

    python -m bench.synthetic 10000 > /tmp/synthetic.json
"""

from __future__ import annotations

import datetime as dt
import json
import random
import sys

# The service's dataset format, written out so that generating data does not
# import the service (tests/test_bench.py checks they agree).
FORMAT = "standpoint-dataset/3"

ACTORS = 50
TOPICS = 20
FIRST_DAY = dt.date(2015, 1, 1)
DAYS = 11 * 365
# Notes explain cells (what was considered and not coded, why a cell is silent),
# so their number follows the grid, not the statements: the share of cells that
# carry one is a guess (the bundled record has 12 notes on 27 cells).
NOTE_SHARE = 0.2
# Bumped whenever the generator's output changes, so cached databases are rebuilt.
GENERATOR_VERSION = 4

PUBLISHERS = ("Associated Press", "Reuters", "Agence France-Presse", "BBC News", "The Guardian",
              "Kyiv Independent", "Le Monde", "Der Spiegel")
WORDS = ("ceasefire talks troops security guarantee Europe allies negotiations front line "
         "energy infrastructure sovereignty deal peace force monitoring mission backstop summit "
         "sanctions withdrawal referendum territory border airspace naval corridor prisoners "
         "exchange humanitarian reconstruction aid package coalition willing partners").split()
SCALE = (("strongly_against", -2, -1), ("against", -1, -1), ("undecided", 0, 0),
         ("in_favour", 1, 1), ("strongly_in_favour", 2, 1))


def _sentence(rng: random.Random, words: int) -> str:
    text = " ".join(rng.choice(WORDS) for _ in range(words))
    return text[0].upper() + text[1:] + "."


def actors() -> list[dict]:
    return [
        {"id": f"actor-{i:02d}", "name": f"Actor {i:02d}", "kind": "state", "country_code": None,
         "aliases": [f"a{i:02d}"],
         "spokespeople": [{"name": f"Speaker {i:02d}", "role": "Foreign minister"}]}
        for i in range(1, ACTORS + 1)
    ]


def topics() -> list[dict]:
    return [
        {"id": f"topic-{j:02d}", "question": f"Question number {j} about a deal?",
         "directions": {"up": "more in favour", "down": "less in favour"},
         "scale": [{"value": value, "level": level, "side": side,
                    "label": value.replace("_", " ").capitalize(),
                    "definition": f"The actor is {value.replace('_', ' ')}."}
                   for value, level, side in SCALE]}
        for j in range(1, TOPICS + 1)
    ]


def statements(n: int, rng: random.Random) -> list[dict]:
    out = []
    for k in range(n):
        actor = rng.randrange(1, ACTORS + 1)
        topic = rng.randrange(1, TOPICS + 1)
        stated_on = FIRST_DAY + dt.timedelta(days=rng.randrange(DAYS))
        publisher = rng.choice(PUBLISHERS)
        out.append({
            "id": f"s{k:06d}-actor-{actor:02d}-topic-{topic:02d}",
            "actor": f"actor-{actor:02d}",
            "topic": f"topic-{topic:02d}",
            "stance": "unclear" if rng.random() < 0.05 else rng.choice(SCALE)[0],
            "conditions": [_sentence(rng, 4)] if rng.random() < 0.2 else [],
            "summary": _sentence(rng, 14),
            "quote": _sentence(rng, 22),
            "quote_kind": "verbatim" if rng.random() < 0.7 else "paraphrase",
            "speaker": {"name": f"Speaker {actor:02d}", "role": "Foreign minister"},
            "stated_on": stated_on.isoformat(),
            "date_precision": "day",
            "source": _cited(publisher, stated_on, rng),
            "status": "retracted" if rng.random() < 0.02 else "current",
        })
    return out


PUBLISHER_BY_SLUG = {publisher.split()[0].lower(): publisher for publisher in PUBLISHERS}


def _source_id(publisher: str, published_on: dt.date) -> str:
    return f"{publisher.split()[0].lower()}-{published_on}"


def _cited(publisher: str, published_on: dt.date, rng: random.Random) -> dict:
    """A citation of the source record of `publisher`'s article of that day (one article
    per publisher and day, quoted at several places)."""
    return {"id": _source_id(publisher, published_on), "location": f"¶{rng.randrange(1, 30)}"}


def _source_record(publisher: str, published_on: dt.date) -> dict:
    return {"publisher": publisher, "title": f"{publisher} report of {published_on}",
            "byline": None,
            "url": f"https://news.example/{publisher.split()[0].lower()}/{published_on}",
            "published_on": published_on.isoformat(), "published_on_basis": None, "language": "en",
            "text_withheld": "A synthetic benchmark record: there is no report to keep."}


def sources(items: list[dict]) -> dict[str, dict]:
    """The source records the statements and notes cite, filed under their ids."""
    by_id = {}
    for item in items:
        source_id = item["source"]["id"]
        if source_id not in by_id:
            slug, published_on = source_id.split("-", 1)
            by_id[source_id] = _source_record(PUBLISHER_BY_SLUG[slug],
                                              dt.date.fromisoformat(published_on))
    return dict(sorted(by_id.items()))


def notes(n: int, rng: random.Random) -> list[dict]:
    """Notes explain cells, not statements: about one actor x topic cell in
    five carries one, whatever the size of the record."""
    out = []
    cells = [(a, t) for a in range(1, ACTORS + 1) for t in range(1, TOPICS + 1)]
    for k, (actor, topic) in enumerate(c for c in cells if rng.random() < NOTE_SHARE):
        out.append({
            "id": f"n{k:05d}-actor-{actor:02d}-topic-{topic:02d}",
            "actor": f"actor-{actor:02d}",
            "topic": f"topic-{topic:02d}",
            "text": "Considered and not coded: " + _sentence(rng, 30),
            "source": _cited(rng.choice(PUBLISHERS),
                             FIRST_DAY + dt.timedelta(days=rng.randrange(DAYS)), rng),
            "status": "retracted" if rng.random() < 0.02 else "current",
        })
    return out


def generate(n: int, seed: int = 7) -> dict:
    rng = random.Random(seed)
    cited = statements(n, rng)
    # Their own generator, so the same cells carry notes at every size.
    explained = notes(n, random.Random(seed + 1))
    return {"format": FORMAT, "sources": sources(cited + explained), "actors": actors(),
            "topics": topics(), "statements": cited, "notes": explained}


def actor_ids() -> list[str]:
    return [f"actor-{i:02d}" for i in range(1, ACTORS + 1)]


def topic_ids() -> list[str]:
    return [f"topic-{j:02d}" for j in range(1, TOPICS + 1)]


def statement_ids(n: int, seed: int = 7) -> list[str]:
    """The ids `generate(n, seed)` gives its statements, in order."""
    return [statement["id"] for statement in generate(n, seed)["statements"]]


def source_ids(n: int, seed: int = 7) -> list[str]:
    """The ids of the source records `generate(n, seed)` files."""
    return list(generate(n, seed)["sources"])


def note_ids(n: int, seed: int = 7) -> list[str]:
    """The ids `generate(n, seed)` gives its notes, in order."""
    return [note["id"] for note in generate(n, seed)["notes"]]


if __name__ == "__main__":
    json.dump(generate(int(sys.argv[1]) if len(sys.argv) > 1 else 1000), sys.stdout)
