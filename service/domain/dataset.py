"""An immutable snapshot of the whole record, and as-of position resolution.

The service builds one snapshot per data version and answers every read from
it: the record is small and precious, reads are many, writes are rare. The
statements themselves are rows of a `StatementTable`; the indexes here are
arrays of row numbers, and a `Statement` is built only for what an answer shows.
"""

from __future__ import annotations

import bisect
import datetime as dt
from array import array
from collections.abc import Callable, Iterable, Iterator, Mapping, Sequence
from itertools import groupby

from .model import NO_POSITION, Actor, Position, Statement, Topic
from .statement_table import MAX_ARENAS, StatementTable

# A refresh leaves superseded rows behind; past this share of the table, a
# full load (which leaves none) is cheaper to keep than the dead rows.
DEAD_ROWS_LIMIT = 0.25


def _sorted(rows: Sequence[int], key: Callable[[int], object]) -> array:
    """`rows` sorted by `key`, freeing every object the sort makes in the
    order it was made. CPython 3.11 keeps an allocator arena whose objects
    were freed in random order (as `sorted(key=...)` frees its keys) even
    once it is empty: sorting the 100k snapshot that way kept 7 MB of empty
    arenas in every worker for good."""
    keys = [key(row) for row in rows]
    order = sorted(range(len(keys)), key=keys.__getitem__)
    result = array("I", (rows[i] for i in order))
    order.sort()  # its ints go back in the order range() made them
    del order, keys
    return result


def _patched(rows: array, drop: set[int], add: list[int], key: Callable[[int], object]) -> array:
    """`rows` (sorted by `key`) without `drop` and with `add`, still sorted."""
    patched = array("I", (r for r in rows if r not in drop)) if drop else array("I", rows)
    for row in add:
        patched.insert(bisect.bisect_right(patched, key(row), key=key), row)
    return patched


def _grouped(rows: array, key: Callable[[int], int]) -> dict[int, array]:
    """`rows` split by `key`, each group in the order of `rows` (the sort is
    stable), each group's array made whole rather than grown row by row."""
    ordered = _sorted(rows, key)
    return {k: array("I", group) for k, group in groupby(ordered, key)}


class Rows(Sequence):
    """Statements of a table, by row number, built one by one as they are read:
    slicing and len() cost nothing per statement."""

    __slots__ = ("_table", "_rows")

    def __init__(self, table: StatementTable, rows: array):
        self._table, self._rows = table, rows

    def __len__(self) -> int:
        return len(self._rows)

    def __getitem__(self, index):
        if isinstance(index, slice):
            return Rows(self._table, self._rows[index])
        return self._table.statement(self._rows[index])

    def __iter__(self) -> Iterator[Statement]:
        return map(self._table.statement, self._rows)

    def __eq__(self, other) -> bool:
        if isinstance(other, (Rows, list, tuple)):
            return list(self) == list(other)
        return NotImplemented

    __hash__ = None  # type: ignore[assignment]

    def __repr__(self) -> str:
        return f"Rows({len(self)} statements)"


class StatementsById(Mapping):
    """The current revision of every statement by id, in chronological order."""

    def __init__(self, table: StatementTable, chronological: array, by_id: array):
        self._table, self._chronological = table, chronological
        # The same rows sorted by id (as UTF-8, which sorts like the str), for bisecting.
        self.by_id = by_id

    def row(self, statement_id: str) -> int | None:
        try:
            wanted = statement_id.encode()
        except UnicodeEncodeError:  # a lone surrogate: no stored id has one
            return None
        index = bisect.bisect_left(self.by_id, wanted, key=self._table.id_bytes)
        if index < len(self.by_id) and self._table.id_bytes(self.by_id[index]) == wanted:
            return self.by_id[index]
        return None

    def __getitem__(self, statement_id: str) -> Statement:
        row = self.row(statement_id) if isinstance(statement_id, str) else None
        if row is None:
            raise KeyError(statement_id)
        return self._table.statement(row)

    def __contains__(self, statement_id) -> bool:
        return isinstance(statement_id, str) and self.row(statement_id) is not None

    def __iter__(self) -> Iterator[str]:
        return map(self._table.id, self._chronological)

    def __len__(self) -> int:
        return len(self._chronological)

    def values(self) -> Rows:  # type: ignore[override]
        return Rows(self._table, self._chronological)


class Dataset:
    """Actors, topics and the current revision of every statement."""

    def __init__(
        self,
        actors: Iterable[Actor],
        topics: Iterable[Topic],
        statements: Iterable[Statement],
        version: int = 0,
    ):
        table = StatementTable()
        for statement in statements:
            table.append(statement)
        self._describe(actors, topics, table.seal(), version)
        self._index(range(len(table)))

    def refreshed(self, fresh: Iterable[Statement], version: int) -> Dataset | None:
        """This snapshot with `fresh` revisions added or replacing the current
        ones of the same ids; None when a full load should be done instead
        (too many superseded rows would be kept, or too many arenas).
        Only the indexes the fresh revisions touch are rebuilt."""
        if self._table.arenas >= MAX_ARENAS:
            return None
        table = self._table.copy()
        superseded: set[int] = set()
        added = []
        for statement in fresh:
            old = self.statements.row(statement.id)
            if old is not None:
                superseded.add(old)
            added.append(table.append(statement))
        live = len(self._chronological) - len(superseded) + len(added)
        if len(table) - live > DEAD_ROWS_LIMIT * len(table):
            return None
        new = Dataset.__new__(Dataset)
        new._describe(self.actors.values(), self.topics.values(), table.seal(), version)
        new._patch(self, superseded, added)
        return new

    def _describe(self, actors: Iterable[Actor], topics: Iterable[Topic], table: StatementTable,
                  version: int) -> None:
        self.version = version
        self.actors: dict[str, Actor] = {a.id: a for a in actors}
        self.topics: dict[str, Topic] = {t.id: t for t in topics}
        self.aliases: dict[str, str] = {}
        for actor in self.actors.values():
            self.aliases[actor.id] = actor.id
            for alias in actor.aliases:
                self.aliases.setdefault(alias.lower(), actor.id)
        # (topic, stance) -> its point on the topic's scale, looked up once per cell.
        self._scale_points = {(t.id, v.value): v for t in self.topics.values() for v in t.scale}
        self._table = table

    def _index(self, live: Sequence[int]) -> None:
        """Every index, from the rows that hold current revisions."""
        table = self._table
        # Later stated_on wins; on the same day the one recorded later wins,
        # and the id breaks any remaining tie so the order is total and repeatable.
        self._chronological = _sorted(live, table.order_key)
        self.statements = StatementsById(table, self._chronological,
                                         _sorted(self._chronological, table.id_bytes))
        # Per actor, per topic and per (actor, topic) the same order, so a
        # lookup costs its own number of statements, not the whole record's.
        # The (actor, topic) trails hold only statements that count for positions.
        actor_of, topic_of, status_of = table.columns("actor", "topic", "status")
        # Kept for listing(), which filters by them without building statements.
        self._topic_of, self._status_of = topic_of, status_of
        retracted = table.code_of("status", "retracted")
        topic_count = len(table.values("topic"))
        current = array("I", (r for r in self._chronological if status_of[r] != retracted))
        actors_, topics_ = table.values("actor"), table.values("topic")
        self._by_actor = {actors_[a]: rows for a, rows in
                          _grouped(self._chronological, actor_of.__getitem__).items()}
        self._by_topic = {topics_[t]: rows for t, rows in
                          _grouped(self._chronological, topic_of.__getitem__).items()}
        pairs = _grouped(current, lambda r: actor_of[r] * topic_count + topic_of[r])
        self._trail = {(actors_[pair // topic_count], topics_[pair % topic_count]): rows
                       for pair, rows in pairs.items()}
        # The trails' dates beside them: position() is once per matrix cell,
        # and a plain bisect runs in C where a keyed one calls back per step.
        self._trail_days = {key: self._days(rows) for key, rows in self._trail.items()}

    def _patch(self, old: Dataset, superseded: set[int], added: list[int]) -> None:
        """`old`'s indexes with `superseded` rows taken out and `added` ones
        put in place: a write at 100k costs its own rows, not a re-sort of
        every row (measured: 0.67 s of CPU for the full rebuild)."""
        table = self._table
        order = table.order_key
        self._chronological = _patched(old._chronological, superseded, added, order)
        self.statements = StatementsById(
            table, self._chronological,
            _patched(old.statements.by_id, superseded, added, table.id_bytes))
        topic_of, status_of = table.columns("topic", "status", since=len(old._table),
                                            extend=(old._topic_of, old._status_of))
        self._topic_of, self._status_of = topic_of, status_of
        self._by_actor, self._by_topic = dict(old._by_actor), dict(old._by_topic)
        self._trail, self._trail_days = dict(old._trail), dict(old._trail_days)
        empty = array("I")
        for row in superseded | set(added):
            actor, topic, status = (table.value(row, n) for n in ("actor", "topic", "status"))
            drop, add = ({row}, []) if row in superseded else (set(), [row])
            self._by_actor[actor] = _patched(self._by_actor.get(actor, empty), drop, add, order)
            self._by_topic[topic] = _patched(self._by_topic.get(topic, empty), drop, add, order)
            if status != "retracted":
                key = (actor, topic)
                rows = self._trail[key] = _patched(self._trail.get(key, empty), drop, add, order)
                self._trail_days[key] = self._days(rows)

    def _days(self, rows: array) -> array:
        """The stated_on ordinals of `rows`, beside them for a bisect in C."""
        ordinal = self._table.ordinals
        return array("i", (ordinal[r] for r in rows))

    @property
    def chronological(self) -> Rows:
        """Every current statement, retracted included, oldest first."""
        return Rows(self._table, self._chronological)

    @property
    def superseded_rows(self) -> int:
        """Rows of revisions replaced since the last full load, kept unindexed."""
        return len(self._table) - len(self._chronological)

    def resolve_actor(self, actor_id: str) -> Actor | None:
        canonical = self.aliases.get(actor_id.lower())
        return self.actors.get(canonical) if canonical else None

    def _stated_by(self, rows: array, day: dt.date) -> int:
        """How many of `rows` (in date order) were stated on or before `day`."""
        return bisect.bisect_right(rows, day.toordinal(), key=self._table.ordinals.__getitem__)

    def _stated_before(self, rows: array, day: dt.date) -> int:
        return bisect.bisect_left(rows, day.toordinal(), key=self._table.ordinals.__getitem__)

    def position(self, actor: str, topic: str, as_of: dt.date) -> Position:
        """The actor's latest non-retracted statement on the topic stated on
        or before `as_of`; `no_position` when there is none."""
        key = (actor, topic)
        days = self._trail_days.get(key)
        if days:
            index = bisect.bisect_right(days, as_of.toordinal())
            if index:
                statement = self._table.statement(self._trail[key][index - 1])
                stance = statement.stance
                return Position(actor, topic, as_of, stance, statement,
                                self._scale_points.get((topic, stance)))
        return Position(actor, topic, as_of, NO_POSITION)

    def trail(self, actor: str, topic: str, after: dt.date, until: dt.date) -> Rows:
        """Statements that count for positions, stated in (after, until], oldest first."""
        key = (actor, topic)
        days = self._trail_days.get(key)
        if not days:
            return Rows(self._table, array("I"))
        lo = bisect.bisect_right(days, after.toordinal())
        return Rows(self._table, self._trail[key][lo:bisect.bisect_right(days, until.toordinal())])

    def _window(self, rows: array, start: dt.date | None, end: dt.date | None) -> array:
        lo = 0 if start is None else self._stated_before(rows, start)
        hi = len(rows) if end is None else self._stated_by(rows, end)
        return rows[lo:hi]

    def between(self, start: dt.date | None, end: dt.date | None,
                actor: str | None = None) -> Rows:
        """Every statement (retracted included) stated within [start, end],
        of one actor if given, oldest first."""
        rows = self._chronological if actor is None else self._by_actor.get(actor, array("I"))
        return Rows(self._table, self._window(rows, start, end))

    def listing(self, start: dt.date | None, end: dt.date | None, actor: str | None = None,
                topic: str | None = None, include_retracted: bool = True) -> Rows:
        """`between`, narrowed to one topic and to current statements if asked,
        by the stored codes: no statement is built to be filtered out."""
        if actor is None and topic is not None:
            rows = self._window(self._by_topic.get(topic, array("I")), start, end)
            topic = None
        else:
            rows = self.between(start, end, actor)._rows
        keep_topic = None if topic is None else self._table.code_of("topic", topic)
        drop_status = None if include_retracted else self._table.code_of("status", "retracted")
        if topic is not None and keep_topic is None:
            rows = array("I")
        elif keep_topic is not None or drop_status is not None:
            topic_of, status_of = self._topic_of, self._status_of
            rows = array("I", (r for r in rows
                               if (keep_topic is None or topic_of[r] == keep_topic)
                               and status_of[r] != drop_status))
        return Rows(self._table, rows)

