"""What each embeddable page shows, computed from the read snapshot.

Plain Python over domain objects (no Flask), so the pages are tested without
a browser and the templates only lay things out.
"""

from __future__ import annotations

import datetime as dt
from dataclasses import dataclass, field
from itertools import combinations

from ..domain.dataset import Dataset
from ..domain.model import Actor, Position, Topic
from .palette import stance_class


@dataclass(frozen=True)
class Cell:
    actor: Actor
    topic: Topic
    position: Position

    @property
    def css(self) -> str:
        return stance_class(self.topic, self.position.stance)

    @property
    def statement(self):
        return self.position.statement


@dataclass(frozen=True)
class Row:
    actor: Actor
    cells: list[Cell]


def matrix(dataset: Dataset, actors: list[Actor], topics: list[Topic], as_of: dt.date) -> list[Row]:
    return [Row(actor, [Cell(actor, topic, dataset.position(actor.id, topic.id, as_of))
                        for topic in topics])
            for actor in actors]


# --- compare -----------------------------------------------------------------

@dataclass(frozen=True)
class FaultLine:
    left: Cell
    right: Cell
    summary: str


@dataclass(frozen=True)
class TopicComparison:
    topic: Topic
    cells: list[Cell]
    fault_lines: list[FaultLine]
    on_fault_line: frozenset[str] = field(default_factory=frozenset)


def comparison_verdict(a: Position, b: Position) -> str:
    """agree / differ / opposed / unknown, as the diff engine defines them."""
    if a.stance_value is None or b.stance_value is None:
        return "unknown"
    if a.stance == b.stance:
        return "agree"
    if a.side * b.side == -1:
        return "opposed"
    return "differ"


def compare(dataset: Dataset, actors: list[Actor], topics: list[Topic],
            as_of: dt.date) -> list[TopicComparison]:
    result = []
    for topic in topics:
        cells = [Cell(actor, topic, dataset.position(actor.id, topic.id, as_of)) for actor in actors]
        lines = []
        for left, right in combinations(cells, 2):
            if comparison_verdict(left.position, right.position) == "opposed":
                lines.append(FaultLine(left, right, (
                    f"{left.actor.name} ({left.position.label}) and {right.actor.name} "
                    f"({right.position.label}) are on opposite sides")))
        marked = frozenset(c.actor.id for line in lines for c in (line.left, line.right))
        result.append(TopicComparison(topic, cells, lines, marked))
    return result


# --- timeline ----------------------------------------------------------------

VERDICT_WORDS = {
    "first_stated": "First stated",
    "unchanged": "Unchanged",
    "shifted": "Shifted",
    "reversed": "Reversed",
    "withdrawn": "Withdrawn",
    "unknown": "Unclear",
}


@dataclass(frozen=True)
class Change:
    cell: Cell          # the position the new statement establishes
    previous: Position  # the position just before it
    verdict: str
    summary: str

    @property
    def verdict_words(self) -> str:
        return VERDICT_WORDS.get(self.verdict, self.verdict.replace("_", " ").capitalize())


@dataclass(frozen=True)
class TopicTimeline:
    topic: Topic
    before: Cell | None  # where the actor stood when the period began
    changes: list[Change]


def _change(topic: Topic, before: Position, after: Position) -> tuple[str, str]:
    """Verdict and plain words for one step of a trail (same actor, two dates)."""
    if after.stance_value is None or (before.stance_value is None and before.statement):
        return "unknown", f"A statement that takes no clear side ({after.label})"
    if before.stance_value is None:
        return "first_stated", f"First recorded position: {after.label}"
    old_conditions = before.statement.conditions if before.statement else ()
    new_conditions = after.statement.conditions if after.statement else ()
    distance = after.level - before.level
    if distance == 0:
        if old_conditions == new_conditions:
            return "unchanged", f"Unchanged: still {after.label}"
        return "shifted", f"Kept {after.label} but changed its conditions"
    direction = topic.up_word if distance > 0 else topic.down_word
    steps = abs(distance)
    verdict = "reversed" if before.side * after.side == -1 else "shifted"
    verb = "Reversed" if verdict == "reversed" else "Moved"
    return verdict, (f"{verb} {direction}: from {before.label} to {after.label} "
                     f"({steps} step{'s' if steps != 1 else ''})")


def timeline(dataset: Dataset, actor: Actor, topics: list[Topic],
             start: dt.date | None, end: dt.date) -> list[TopicTimeline]:
    after = (start - dt.timedelta(days=1)) if start else dt.date.min
    result = []
    for topic in topics:
        previous = dataset.position(actor.id, topic.id, after) if start else Position(
            actor.id, topic.id, after, "no_position")
        before = Cell(actor, topic, previous) if start else None
        changes = []
        for statement in dataset.trail(actor.id, topic.id, after, end):
            position = dataset.position(actor.id, topic.id, statement.stated_on)
            if position.statement is not statement:  # several on one day: take each in turn
                position = Position(actor.id, topic.id, statement.stated_on, statement.stance,
                                    statement, topic.stance(statement.stance))
            verdict, summary = _change(topic, previous, position)
            changes.append(Change(Cell(actor, topic, position), previous, verdict, summary))
            previous = position
        result.append(TopicTimeline(topic, before, changes))
    return result
