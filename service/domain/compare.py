"""Every pair of actors on one date, and the fault lines among them.

Computed once, here, for /v1/compare and for the compare embed: each pair of
actors (left before right in the order asked) is diffed on every topic, and the
opposed pairs, farthest apart first, are the fault lines of the talks that day.
"""

from __future__ import annotations

import datetime as dt
from collections.abc import Sequence
from dataclasses import dataclass
from itertools import combinations

from .diff import PositionSource, Snapshot, TopicDiff, diff, take_snapshots
from .model import Actor, Position, Topic

OPPOSED = "opposed"


@dataclass(frozen=True, slots=True)
class Comparison:
    as_of: dt.date
    snapshots: list[Snapshot]  # one per actor, in the order asked
    pairs: dict[str, list[TopicDiff]]  # by topic id: every pair, in the order asked
    fault_lines: list[TopicDiff]  # the opposed pairs on every topic, farthest apart first

    def positions(self, topic: Topic) -> list[Position]:
        return [s.positions[topic.id] for s in self.snapshots]

    def fault_lines_on(self, topic: Topic) -> list[TopicDiff]:
        return [d for d in self.fault_lines if d.topic.id == topic.id]


def compare(source: PositionSource, actors: Sequence[Actor], topics: Sequence[Topic],
            as_of: dt.date) -> Comparison:
    snapshots = take_snapshots(source, actors, as_of, topics)
    pairs: dict[str, list[TopicDiff]] = {t.id: [] for t in topics}
    for left, right in combinations(snapshots, 2):
        for d in diff(left, right, topics):
            pairs[d.topic.id].append(d)
    # A stable sort: equally far apart, the pairs keep their topic and request order.
    fault_lines = sorted((d for ds in pairs.values() for d in ds if d.verdict == OPPOSED),
                         key=lambda d: -abs(d.distance or 0))
    return Comparison(as_of, snapshots, pairs, fault_lines)
