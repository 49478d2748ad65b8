"""The diff engine: one pure function over two snapshots, each an actor at a date.

Everything that compares positions (an actor against itself over time, two
actors on one day, the general any-actor-any-date form, a topic's timeline) is
a view of `diff`.

Verdicts, per topic:

Across dates (both snapshots are the same actor), after the fact-checkers'
Flip-O-Meter:
- `unchanged`: a newer statement restates the same stance with the same
  conditions.
- `no_new_statement`: both dates rest on the same statement: nothing was said
  in between, so the record cannot say the position still holds, only that
  nothing newer is recorded. Silence is never reported as unchanged.
- `shifted`: moved along the scale without crossing it, or kept the stance but
  changed its conditions. Moving to or from the neutral middle (side 0) is a
  shift, not a reversal: going from "against" to "undecided" is a half flip.
- `reversed`: crossed from one side of the scale to the other (-1 <-> +1).
- `first_stated`: no recorded position before, a stance on the scale now.
- `took_side`: a statement that took no side (`unclear`) before, a stance on
  the scale now: the party has come down on one side.
- `withdrawn`: a stance on the scale before, no recorded position now (for
  example after the statement it rested on was retracted).
- `unknown`: a side is `unclear` (and the other is not a stance taken after
  it), or neither side has a position. Silence and a statement that takes no
  side are never reported as unchanged.

`CHANGE_VERDICTS` are those a new statement can produce (timelines, webhook
events); `no_new_statement` only compares two dates.

Every change summary that names when a statement was made says it as
precisely as the source does: "on 19 March 2025", or "by 19 March 2025" when
the source only bounds the date (dates.when_stated).

Across actors (two different actors):
- `agree`: same stance (conditions may still differ and are reported).
- `differ`: different stances on the same side, or one of them neutral.
- `opposed`: opposite sides of the scale (-1 against +1).
- `unknown`: either side is `no_position` or `unclear`.

- An unranked stance (one whose breadth the source leaves open, level None)
  is never ranked against another: a pair of different stances in which one
  is unranked and that sit on the same side is `unknown`, not `differ`.

`distance` counts the steps along the topic's ranked scale from the left stance
to the right one (negative when the right one is lower), whatever the level
numbers; None when either side is off the scale or unranked. `direction` names
its sign in the topic's own words, None with no distance. A change from an
unranked stance to a ranked one is told in the unranked stance's own words
(its `settled_word`, such as "named the targets"), never as steps.
"""

from __future__ import annotations

import datetime as dt
from collections.abc import Iterable, Mapping, Sequence
from dataclasses import dataclass, replace
from typing import Protocol

from .dates import long_date, when_stated
from .model import NO_POSITION, UNCLEAR, Actor, Position, Statement, Topic

CHANGE = "change"
COMPARISON = "comparison"

CHANGE_VERDICTS = ("unchanged", "shifted", "reversed", "first_stated", "took_side", "withdrawn",
                   "unknown")
COMPARISON_VERDICTS = ("agree", "differ", "opposed", "unknown")
NO_NEW_STATEMENT = "no_new_statement"
VERDICTS = (CHANGE_VERDICTS + (NO_NEW_STATEMENT,)
            + tuple(v for v in COMPARISON_VERDICTS if v not in CHANGE_VERDICTS))
SAME = "same"


@dataclass(frozen=True, slots=True)
class Snapshot:
    """An actor's positions as of a date, by topic id."""

    actor: Actor
    as_of: dt.date
    positions: Mapping[str, Position]


@dataclass(frozen=True, slots=True)
class TopicDiff:
    topic: Topic
    kind: str  # CHANGE (same actor) or COMPARISON (two actors)
    left: Position
    right: Position
    left_actor: Actor
    right_actor: Actor
    verdict: str
    distance: int | None
    direction: str | None
    conditions_added: tuple[str, ...]
    conditions_removed: tuple[str, ...]
    summary: str


class PositionSource(Protocol):
    """Where positions come from: the store's Record answers from the database;
    the domain's tests answer from a list of statements."""

    def positions(self, actors: Sequence[Actor], topics: Sequence[Topic],
                  as_of: dt.date) -> Mapping[tuple[str, str], Position]:
        """Each (actor id, topic id): the latest current statement stated on or
        before `as_of` (later recorded_at, then id, breaking ties), or no_position."""

    def trail(self, actor_id: str, topic_id: str, after: dt.date | None,
              until: dt.date) -> Sequence[Statement]:
        """Current statements stated in (after, until], in that same order."""


def take_snapshots(source: PositionSource, actors: Sequence[Actor], as_of: dt.date,
                   topics: Sequence[Topic]) -> list[Snapshot]:
    positions = source.positions(actors, topics, as_of)
    return [Snapshot(actor, as_of, {t.id: positions[actor.id, t.id] for t in topics})
            for actor in actors]


def take_snapshot(source: PositionSource, actor: Actor, as_of: dt.date,
                  topics: Sequence[Topic]) -> Snapshot:
    return take_snapshots(source, [actor], as_of, topics)[0]


def position_of(statement: Statement, topic: Topic, as_of: dt.date | None = None) -> Position:
    """The position a single statement establishes (for walking a trail)."""
    return Position(statement.actor, topic.id, as_of or statement.stated_on, statement.stance,
                    statement, topic.stance(statement.stance))


def diff(left: Snapshot, right: Snapshot, topics: Iterable[Topic]) -> list[TopicDiff]:
    """Per topic, how `right` stands relative to `left`."""
    kind = CHANGE if left.actor.id == right.actor.id else COMPARISON
    return [_diff_topic(topic, kind, left, right) for topic in topics]


def _conditions(position: Position) -> tuple[str, ...]:
    return position.statement.conditions if position.statement else ()


def _diff_topic(topic: Topic, kind: str, left: Snapshot, right: Snapshot) -> TopicDiff:
    a, b = left.positions[topic.id], right.positions[topic.id]
    ranked = (a.stance_value is not None and b.stance_value is not None
              and a.stance_value.ranked and b.stance_value.ranked)
    distance = topic.step(b.stance_value) - topic.step(a.stance_value) if ranked else None
    if distance is None:
        direction = None
    elif distance == 0:
        direction = SAME
    else:
        direction = topic.up_word if distance > 0 else topic.down_word
    before, after = _conditions(a), _conditions(b)
    added = tuple(c for c in after if c not in before)
    removed = tuple(c for c in before if c not in after)
    verdict = (_change_verdict(a, b, added, removed) if kind == CHANGE
               else _comparison_verdict(a, b))
    result = TopicDiff(topic, kind, a, b, left.actor, right.actor, verdict, distance, direction,
                       added, removed, "")
    summary = (_change_summary(result, left.as_of, right.as_of) if kind == CHANGE
               else _comparison_summary(result))
    return replace(result, summary=summary)


def _same_statement(a: Position, b: Position) -> bool:
    return (a.statement is not None and b.statement is not None
            and a.statement.id == b.statement.id)


def _change_verdict(a: Position, b: Position, added, removed) -> str:
    if _same_statement(a, b):
        return NO_NEW_STATEMENT
    if a.stance == UNCLEAR and b.stance_value is not None:
        return "took_side"
    if UNCLEAR in (a.stance, b.stance):
        return "unknown"
    if a.stance == NO_POSITION:
        return "unknown" if b.stance == NO_POSITION else "first_stated"
    if b.stance == NO_POSITION:
        return "withdrawn"
    if a.side * b.side == -1:
        return "reversed"
    if a.stance != b.stance or added or removed:
        return "shifted"
    return "unchanged"


def _comparison_verdict(a: Position, b: Position) -> str:
    if a.stance_value is None or b.stance_value is None:
        return "unknown"
    if a.stance == b.stance:
        return "agree"
    if a.side * b.side == -1:
        return "opposed"
    if not (a.stance_value.ranked and b.stance_value.ranked):
        return "unknown"  # an unranked stance is neither broader nor narrower than another
    return "differ"


# --- plain words ---------------------------------------------------------

def _steps(distance: int) -> str:
    n = abs(distance)
    return f"{n} step" if n == 1 else f"{n} steps"


def _conditions_words(d: TopicDiff) -> str:
    parts = []
    if d.conditions_added:
        parts.append("added condition " + "; ".join(d.conditions_added))
    if d.conditions_removed:
        parts.append("dropped condition " + "; ".join(d.conditions_removed))
    return ", ".join(parts)


def _when(position: Position, lead: str = " ") -> str:
    """When the statement a position rests on was made, as precisely as the
    source says, after `lead`; nothing for a position without a statement."""
    s = position.statement
    return lead + when_stated(s.stated_on, s.date_precision) if s else ""


def _off_scale_words(position: Position, when: dt.date | None = None) -> str:
    if position.stance == NO_POSITION:
        return "no recorded position" + (f" on {long_date(when)}" if when else "")
    stated = _when(position) or (f" on {long_date(when)}" if when else "")
    return f"a statement{stated} that takes no clear side"


def _change_summary(d: TopicDiff, start: dt.date, end: dt.date) -> str:
    name = d.left_actor.name
    a, b = d.left, d.right
    if d.verdict == NO_NEW_STATEMENT:
        return (f"{name}: no new statement since {long_date(a.statement.stated_on)} up to "
                f"{long_date(end)}; last stated {a.label}{_when(a)}")
    if d.verdict == "unchanged":
        return f"{name} unchanged: restated {b.label}{_when(b)}"
    if d.verdict == "first_stated":
        return f"{name} first stated a position: {b.label}{_when(b, ', ')}"
    if d.verdict == "took_side":
        return (f"{name} took a side: {b.label}{_when(b, ', ')}, after a statement that took "
                f"no clear side")
    if d.verdict == "withdrawn":
        # No possessive: "United States's" reads wrong, and a name may end in s.
        return (f"{name}: the position {a.label} was withdrawn; no recorded position as of "
                f"{long_date(end)}")
    if d.verdict == "unknown" and a.stance == b.stance == NO_POSITION:
        return (f"{name} has no recorded position on {long_date(start)} or on "
                f"{long_date(end)}")
    if d.verdict == "unknown":
        reasons = [_off_scale_words(p, when)
                   for p, when in ((a, start), (b, end)) if p.stance_value is None]
        return f"Cannot say whether {name} moved: " + " and ".join(reasons)
    conditions = _conditions_words(d)
    if a.stance == b.stance:
        return f"{name} kept {a.label} but changed its conditions{_when(b)}: {conditions}"
    if d.distance is None:
        text = _unranked_change_words(d)
        return f"{text}; {conditions}" if conditions else text
    verb = "reversed, moving" if d.verdict == "reversed" else "moved"
    text = (f"{name} {verb} {d.direction}{_when(b)}: from {a.label} to {b.label} "
            f"({_steps(d.distance)})")
    return f"{text}; {conditions}" if conditions else text


def _unranked_change_words(d: TopicDiff) -> str:
    """A change to or from an unranked stance: what happened, in words, no steps."""
    name, a, b = d.left_actor.name, d.left, d.right
    when = _when(b)
    if d.verdict == "reversed":
        return f"{name} reversed{when}: from {a.label} to {b.label}"
    if not a.stance_value.ranked and b.stance_value.ranked and a.stance_value.settled_word:
        return f"{name} {a.stance_value.settled_word}{when}: from {a.label} to {b.label}"
    return f"{name} changed{when} from {a.label} to {b.label}, which the scale does not rank"


def _comparison_summary(d: TopicDiff) -> str:
    left, right = d.left_actor.name, d.right_actor.name
    a, b = d.left, d.right
    if d.verdict == "unknown" and a.stance == b.stance == NO_POSITION:
        return f"Cannot compare {left} and {right}: neither has a recorded position"
    if d.verdict == "unknown" and a.stance_value is not None and b.stance_value is not None:
        unranked = a if not a.stance_value.ranked else b
        return (f"Cannot rank {left} against {right}: {a.label} vs {b.label}; "
                f"{unranked.label} is not ranked on this scale")
    if d.verdict == "unknown":
        reasons = [f"{n} has {_off_scale_words(p)}" for p, n in ((a, left), (b, right))
                   if p.stance_value is None]
        return f"Cannot compare {left} and {right}: " + " and ".join(reasons)
    if a.statement and b.statement and a.statement.stated_on != b.statement.stated_on:
        # Statements made on different days: the sentence compares what each last said,
        # dated, and never claims the earlier one still holds (silence is not agreement).
        left = f"As last stated, {left} ({_when(a, '')})"
        right_named = f"{right} ({_when(b, '')})"
    else:
        right_named = right
    if d.verdict == "agree":
        text = f"{left} and {right_named} agree: {a.label}"
        only = [f"only {n} sets condition " + "; ".join(c)
                for n, c in ((right, d.conditions_added), (left, d.conditions_removed)) if c]
        return f"{text}; " + ", ".join(only) if only else text
    relation = "are opposed" if d.verdict == "opposed" else "differ"
    text = f"{left} and {right_named} {relation}: {a.label} vs {b.label}"
    if d.distance is None:  # opposed across an unranked stance: sides, not steps
        return text
    return f"{text}; {right} is {_steps(d.distance)} {d.direction}"
