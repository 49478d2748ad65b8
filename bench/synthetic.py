"""A synthetic Standpoint dataset of any size, for growth benchmarks.

`generate(n)` returns a `standpoint-dataset/1` document with 50 actors, 20
topics and `n` statements spread over eleven years, deterministic for a seed.
It goes into a database through the same `import_dataset` as the bundled
data, so the rows are exactly what a real import writes.

    python -m bench.synthetic 10000 > /tmp/synthetic.json
"""

from __future__ import annotations

import datetime as dt
import json
import random
import sys

from service.store.dataset_io import FORMAT

ACTORS = 50
TOPICS = 20
FIRST_DAY = dt.date(2015, 1, 1)
DAYS = 11 * 365
# Bumped whenever the generator's output changes, so cached databases are rebuilt.
GENERATOR_VERSION = 1

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
            # One article per publisher and day, quoted at several places.
            "source": {"publisher": publisher, "title": f"{publisher} report of {stated_on}",
                       "byline": None,
                       "url": f"https://news.example/{publisher.split()[0].lower()}/{stated_on}",
                       "published_on": stated_on.isoformat(),
                       "location": f"¶{rng.randrange(1, 30)}"},
            "status": "retracted" if rng.random() < 0.02 else "current",
        })
    return out


def generate(n: int, seed: int = 7) -> dict:
    rng = random.Random(seed)
    return {"format": FORMAT, "actors": actors(), "topics": topics(),
            "statements": statements(n, rng)}


def placeholders() -> dict[str, str]:
    """Values the benchmark's URL templates use for this dataset."""
    return {"actor": "actor-01", "six": ",".join(f"actor-{i:02d}" for i in range(1, 7)),
            "topic": "topic-01", "date": "2024-06-30", "from": "2015-01-01"}


if __name__ == "__main__":
    json.dump(generate(int(sys.argv[1]) if len(sys.argv) > 1 else 1000), sys.stdout)
