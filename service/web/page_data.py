"""What each embeddable page shows, computed from the record.

Plain Python over domain objects (no Flask but its lazy words), so the pages are tested without
a browser and the templates only lay things out.
"""

from __future__ import annotations

import datetime as dt
from dataclasses import dataclass, field
from functools import cached_property

from flask_babel import lazy_gettext as _l

from ..domain import compare as comparing
from ..domain.diff import PositionSource
from ..domain.model import Actor, Position, Topic
from ..domain.timeline import timeline as topic_timeline
from . import verdicts
from .palette import stance_class


@dataclass(frozen=True)
class Cell:
    actor: Actor
    topic: Topic
    position: Position

    # Read twice per cell by the templates (border and badge); worked out once.
    @cached_property
    def css(self) -> str:
        return stance_class(self.topic, self.position.stance)

    @property
    def statement(self):
        return self.position.statement


@dataclass(frozen=True)
class Row:
    actor: Actor
    cells: list[Cell]


def matrix(source: PositionSource, actors: list[Actor], topics: list[Topic], as_of: dt.date) -> list[Row]:
    positions = source.positions(actors, topics, as_of)
    return [Row(actor, [Cell(actor, topic, positions[actor.id, topic.id]) for topic in topics])
            for actor in actors]


# --- compare: pairs of actors, with the diff engine ----------------------------

@dataclass(frozen=True)
class FaultLine:
    left: Cell
    right: Cell
    summary: str  # the diff engine's verdict in the page's words (web/verdicts.py)


@dataclass(frozen=True)
class TopicComparison:
    topic: Topic
    cells: list[Cell]
    fault_lines: list[FaultLine]  # farthest apart first, as /v1/compare orders them
    on_fault_line: frozenset[str] = field(default_factory=frozenset)


def compare(source: PositionSource, actors: list[Actor], topics: list[Topic],
            as_of: dt.date) -> list[TopicComparison]:
    """The domain's comparison (the same as /v1/compare's), laid out per topic."""
    found = comparing.compare(source, actors, topics, as_of)
    result = []
    for topic in topics:
        lines = [FaultLine(Cell(d.left_actor, topic, d.left), Cell(d.right_actor, topic, d.right),
                           verdicts.comparison(d)) for d in found.fault_lines_on(topic)]
        marked = frozenset(c.actor.id for line in lines for c in (line.left, line.right))
        cells = [Cell(s.actor, topic, s.positions[topic.id]) for s in found.snapshots]
        result.append(TopicComparison(topic, cells, lines, marked))
    return result


# --- timeline: one actor's changes, with the diff engine ---------------------------

VERDICT_WORDS = {
    "first_stated": _l("First stated"),
    "took_side": _l("Took a side"),
    "unchanged": _l("Unchanged"),
    "no_new_statement": _l("No new statement"),
    "shifted": _l("Shifted"),
    "reversed": _l("Reversed"),
    "withdrawn": _l("Withdrawn"),
    "unknown": _l("Unclear"),
}


@dataclass(frozen=True)
class Change:
    cell: Cell          # the position the statement establishes
    verdict: str
    summary: str        # the diff engine's verdict in the page's words (web/verdicts.py)

    @property
    def verdict_words(self) -> str:
        return str(VERDICT_WORDS.get(self.verdict, self.verdict.replace("_", " ").capitalize()))


@dataclass(frozen=True)
class TopicTimeline:
    topic: Topic
    before: Cell | None  # the position held on `start`, when a start is given
    changes: list[Change]
    notes: tuple = ()  # the editors' notes on the cell as of `end`
    held: Position | None = None  # the position as of `end`, to say how old it is by then


def timeline(source: PositionSource, actor: Actor, topics: list[Topic],
             after: dt.date | None, end: dt.date) -> list[TopicTimeline]:
    """Per topic, the position held on `after`, then the actor's changes stated
    in (after, end], as /v1/topics/{id}/timeline reports them (restatements
    that change nothing are left out)."""
    result = []
    at_end = source.positions([actor], topics, end)
    held = source.positions([actor], topics, after) if after else {}
    for topic in topics:
        before = Cell(actor, topic, held[actor.id, topic.id]) if after else None
        changes = [Change(Cell(actor, topic, event.change.right), event.change.verdict,
                          verdicts.change(event.change))
                   for event in topic_timeline(source, topic, [actor], after, end)]
        last = at_end[actor.id, topic.id]
        result.append(TopicTimeline(topic, before, changes, last.notes, last))
    return result


# --- attribution: whose reporting the page rests on, and how fresh it is ------

@dataclass(frozen=True)
class Attribution:
    sources: list[tuple[str, dt.date]]  # (publisher, published on), oldest first
    updated: dt.date | None             # when the newest of these records was written


def attribution(positions, notes=()) -> Attribution:
    """The sources of the statements shown (and of the notes on silent cells),
    each once, and the day the latest of them was recorded."""
    sources: dict[tuple[str, dt.date], None] = {}
    recorded = []
    notes = list(notes)
    for position in positions:
        if position.statement:
            s = position.statement
            sources.setdefault((s.source.publisher, s.source.published_on), None)
            recorded.append(s.recorded_at)
        notes.extend(position.notes)
    for note in notes:
        sources.setdefault((note.source.publisher, note.source.published_on), None)
        recorded.append(note.recorded_at)
    days = [r.date() for r in recorded if r is not None]
    return Attribution(sorted(sources, key=lambda s: (s[1], s[0])), max(days, default=None))
