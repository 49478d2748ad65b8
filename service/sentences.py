"""Every sentence Standpoint writes about the bundled record, for a person to review.

`make sentences` (`flask --app service sentences`) writes docs/SENTENCES.md. The
sentences are collected by asking the real API and embed pages of an app loaded with
the bundled file (never by rewording them here), so any change of wording or data
elsewhere changes the file, and tests/data/test_sentences.py fails until it is
regenerated and reviewed.
"""

from __future__ import annotations

import datetime as dt
import tempfile
from collections.abc import Callable, Iterator
from dataclasses import dataclass, field
from html.parser import HTMLParser
from pathlib import Path

from flask import Flask

from .store.dataset_io import load_bundled, parse_dataset
from .web.embed import MAX_COMPARED

OUTPUT = Path(__file__).resolve().parents[1] / "docs" / "SENTENCES.md"
COMMAND = "make sentences"


@dataclass
class Sentence:
    text: str
    rests_on: list[str] = field(default_factory=list)  # statement ids


@dataclass
class View:
    title: str
    url: str
    sentences: list[Sentence]
    rests_on: list[str] = field(default_factory=list)  # a page's statements, listed once


# --- collecting, from the app's own answers ---------------------------------------------

def _objects(value, wanted) -> Iterator[dict]:
    """Every object inside a piece of an API answer for which `wanted` holds (not
    looking inside one that does)."""
    if isinstance(value, dict):
        if wanted(value):
            yield value
            return
        value = list(value.values())
    if isinstance(value, list):
        for item in value:
            yield from _objects(item, wanted)


def _statements_in(value) -> Iterator[dict]:
    return _objects(value, lambda o: "quote" in o and "source" in o and "stance" in o)


def _written(value) -> Iterator[Sentence]:
    """The sentences the service composes in an API answer: each `summary` beside a
    `verdict` (a diff, a pair, a fault line, a timeline event)."""
    for found in _objects(value, lambda o: "verdict" in o and isinstance(o.get("summary"), str)):
        yield Sentence(found["summary"], list(dict.fromkeys(s["id"] for s in _statements_in(found))))


def _compared(answer: dict) -> Iterator[Sentence]:
    """A compare answer's pairs and fault lines name their actors by id: each rests on the
    statements the same answer gives for those actors' positions on that topic."""
    held = {(p["actor"], t["topic"]): p["statement"]["id"]
            for t in answer["topics"] for p in t["positions"] if p.get("statement")}
    for line in [pair for t in answer["topics"] for pair in t["pairs"]] + answer["fault_lines"]:
        ids = [held[(actor, line["topic"])] for actor in (line["left"], line["right"])
               if (actor, line["topic"]) in held]
        yield Sentence(line["summary"], ids)


def _unique(sentences) -> list[Sentence]:
    seen, kept = set(), []
    for s in sentences:
        key = (s.text, tuple(s.rests_on))
        if key not in seen:
            seen.add(key)
            kept.append(s)
    return kept


class _PageText(HTMLParser):
    """The visible text of an embed page, one line per block."""

    BLOCKS = {"p", "li", "h1", "h2", "h3", "h4", "td", "th", "caption", "figcaption", "summary",
              "dt", "dd", "title", "desc", "text", "tr", "div", "section", "footer", "header"}
    SKIP = {"script", "style"}

    def __init__(self):
        super().__init__(convert_charrefs=True)
        self.lines, self._line, self._skip = [], [], 0

    def _flush(self):
        text = " ".join(" ".join(self._line).split())
        if text:
            self.lines.append(text)
        self._line = []

    def handle_starttag(self, tag, attrs):
        if tag in self.SKIP:
            self._skip += 1
        elif tag in self.BLOCKS or tag == "br":
            self._flush()

    def handle_endtag(self, tag):
        if tag in self.SKIP:
            self._skip -= 1
        elif tag in self.BLOCKS:
            self._flush()

    def handle_data(self, data):
        if not self._skip:
            self._line.append(data)


def _page_lines(html: str, statements: list, notes: list, seen: set) -> list[Sentence]:
    """The lines an embed page composes, less the record's own texts (summaries, quotes,
    notes) and lines an earlier page already showed."""
    parser = _PageText()
    parser.feed(html)
    parser._flush()
    record_texts = {" ".join(t.split()) for s in statements for t in (s.summary, s.quote)}
    record_texts |= {" ".join(n.text.split()) for n in notes}
    lines = [line for line in dict.fromkeys(parser.lines)
             if line not in record_texts and line not in seen]
    seen.update(lines)
    return [Sentence(line) for line in lines]


def _shown(html: str, statements: list) -> list[str]:
    """The statements a page shows: those whose summary or quote it prints."""
    page = " ".join(html.split())
    return [s.id for s in statements
            if " ".join(s.summary.split()) in page or " ".join(s.quote.split()) in page]


def collect(app: Flask) -> tuple[list[View], dict]:
    parsed = parse_dataset(load_bundled())
    actor_list, topic_list, statements, notes = (parsed.actors, parsed.topics, parsed.statements,
                                                 parsed.notes)
    actors = {a.id: a for a in actor_list}
    topics = {t.id: t for t in topic_list}
    current = [s for s in statements if not s.retracted]
    days = sorted({s.stated_on for s in current})
    first, last = days[0], days[-1]
    before = first - dt.timedelta(days=1)
    actor_ids = [a for a in actors]
    topic_ids = [t for t in topics]
    client = app.test_client()
    views: list[View] = []

    def api(title: str, url: str, written=_written) -> None:
        answer = client.get(url)
        assert answer.status_code == 200, f"{url}: {answer.status_code}"
        views.append(View(title, url, _unique(written(answer.get_json()))))

    seen: set[str] = set()

    def page(title: str, url: str) -> None:
        answer = client.get(url)
        assert answer.status_code == 200, f"{url}: {answer.status_code}"
        html = answer.get_data(as_text=True)
        views.append(View(title, url, _page_lines(html, current, notes, seen),
                          _shown(html, current)))

    for day in days:
        for topic in topic_ids:  # a pair's sentence does not name its topic: the heading does
            api(f"Compare on {topic}: every pair and fault line, as of {day}",
                f"/v1/compare?actors={','.join(actor_ids)}&topics={topic}&as_of={day}",
                _compared)
    for actor in actor_ids:
        api(f"Changes: {actors[actor].name}, {before} to {last}",
            f"/v1/actors/{actor}/changes?from={before}&to={last}")
    for topic in topic_ids:
        api(f"Timeline: {topic}, up to {last}", f"/v1/topics/{topic}/timeline?to={last}")
    for actor in actor_ids:
        api(f"Diff: {actors[actor].name} on {first} against {last}",
            f"/v1/diff?left={actor}@{first}&right={actor}@{last}")
    for day in days:
        page(f"Embed: matrix (positions), as of {day}", f"/embed/matrix?as_of={day}")
    spoke = sorted({s.actor for s in current}, key=actor_ids.index)
    for group in _chunks(spoke, MAX_COMPARED):
        page(f"Embed: compare {', '.join(actors[a].name for a in group)}, as of {last}",
             f"/embed/compare?actors={','.join(group)}&as_of={last}")
    for topic in topic_ids:
        page(f"Embed: spectrum of {topic}, as of {last}",
             f"/embed/topics/{topic}/spectrum?as_of={last}&width=560")
    for actor in spoke:
        page(f"Embed: timeline of {actors[actor].name}, up to {last}",
             f"/embed/actors/{actor}/timeline?to={last}")
    for actor, topic in sorted({(s.actor, s.topic) for s in current},
                               key=lambda cell: (actor_ids.index(cell[0]), cell[1])):
        page(f"Embed: step chart of {actors[actor].name} on {topic}, up to {last}",
             f"/embed/actors/{actor}/steps?topic={topic}&to={last}&width=560")
    return views, {s.id: s for s in current}


def _chunks(items: list, size: int) -> list[list]:
    return [items[i:i + size] for i in range(0, len(items), size)]


# --- writing ----------------------------------------------------------------------------

def render(views: list[View], statements: dict) -> str:
    out = ["# Every sentence Standpoint writes about the bundled record", "",
           f"Generated by `{COMMAND}` from service/data/dataset.yaml, by asking the API and",
           "the embed pages of an app loaded with it; do not edit by hand. Each sentence is",
           "followed by the statements it rests on: their ids, where in the AP report of",
           "20 March 2025 they are (¶, counted as docs/DATA.md says) and the report's words",
           "the record quotes (tests/data/test_record_truth.py checks them word for word).",
           "Embed pages leave out the record's own texts (summaries, quotes, notes) and the",
           "lines an earlier page already showed, and list once the statements the page shows.",
           ""]
    for view in views:
        out += [f"## {view.title}", "", f"`GET {view.url}`", ""]
        if not view.sentences:
            out += ["(no sentences)", ""]
        for sentence in view.sentences:
            out.append(f"- {sentence.text}")
            for sid in sentence.rests_on:
                s = statements[sid]
                quote = " ".join(s.quote.split())
                out.append(f"  - rests on `{sid}` ({s.source.location}): \u201c{quote}\u201d")
            if not sentence.rests_on and not view.rests_on:
                out.append("  - rests on no statement")
        if view.rests_on:
            out += ["", "The page shows, and its lines rest on:", ""]
            for sid in view.rests_on:
                s = statements[sid]
                quote = " ".join(s.quote.split())
                out.append(f"- `{sid}` ({s.source.location}): \u201c{quote}\u201d")
        out.append("")
    return "\n".join(out).rstrip() + "\n"


def generate(create_app: Callable[[dict], Flask]) -> str:
    """docs/SENTENCES.md's text, from an app `create_app` makes on a fresh SQLite file
    seeded with the bundled record (the configured database may hold edits). The
    factory is passed in: the package imports the CLI, which imports this module."""
    with tempfile.TemporaryDirectory() as folder:
        app = create_app({"DATABASE_URL": f"sqlite:///{folder}/sentences.db", "TESTING": True,
                          "PREPARE_DATABASE": True})
        try:
            views, statements = collect(app)
            return render(views, statements)
        finally:
            app.extensions["standpoint.engine"].dispose()
