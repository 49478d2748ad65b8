"""Every statement of a snapshot, held as records in bytes instead of objects.

Each worker holds the whole record in memory. As one `Statement` object per
statement, each with its own `str` for id, summary and quote and its own
`Source`, 100k statements took about 100 MB per worker. Here a statement is
a row number:

- its record, in a bytes arena, is a fixed header of numbers (date,
  recording time, revision, the lengths of its text, and a code for every
  other field) followed by its id, summary and quote in UTF-8;
- a code points into a list of the field's distinct values (actors,
  stances, speakers, where in the article...), which repeat a great deal;
- articles and lists of conditions repeat too, but there are tens of
  thousands of distinct ones: they are records in the arena as well, each
  stored once.

That is about a third of the memory, and nearly none of it is small Python
objects: those cost several times their bytes, and long-lived ones made
amid the garbage of a load pin the allocator's arenas (measured: articles
and conditions as tuples of str kept 19 MB of arenas for 11 MB of objects
at 100k). A `Statement` is built only when an
answer shows one: one `unpack_from` of the header, three decodes, list
lookups (1.7-4.4 µs; one record is read from one place, so memory is
touched in one spot, not once per column). tests/domain/test_statement_table.py
checks that it is equal to the one put in.

Rows are only ever appended. A refreshed snapshot shares the old table's
arenas (immutable), copies its row locations (at C speed) and appends the
new revisions in an arena of their own; the rows they supersede stay
behind, no longer indexed, until the next full load.
"""

from __future__ import annotations

import datetime as dt
import struct
from array import array
from collections.abc import Hashable

from .model import Source, Statement

EPOCH = dt.datetime(1970, 1, 1, tzinfo=dt.timezone.utc)
ONE_MICROSECOND = dt.timedelta(microseconds=1)
NO_TIME = -(2 ** 63)  # recorded_at is None

# Fields stored as a code into a list of distinct values. `recorded_tz`
# keeps the recording time's own zone (UTC in practice).
POOLED = ("actor", "topic", "stance", "quote_kind", "date_precision", "status", "recorded_by",
          "speaker", "note", "location", "recorded_tz")
# Fields stored as a code into records of the arena: `article` is the source
# without `location` (many statements quote one article at different places).
STORED = ("article", "conditions")
# A record's header: stated_on.toordinal(), recorded_at in microseconds since
# 1970 UTC (NO_TIME for none), revision, the codes of POOLED and STORED, then
# the UTF-8 lengths of id, summary and quote, whose bytes follow it.
HEADER = struct.Struct("<iqI" + "I" * (len(POOLED) + len(STORED)) + "III")
CODE = {name: 3 + i for i, name in enumerate(POOLED + STORED)}  # a code's place in the header
ID_LENGTH = 3 + len(POOLED) + len(STORED)
# An article's record: published_on.toordinal(), then the UTF-8 lengths of
# publisher, title, byline and url (-1 for none), whose bytes follow it.
ARTICLE = struct.Struct("<iiiii")
# A list of conditions: how many, then each one's UTF-8 length, then the bytes.
COUNT = struct.Struct("<I")
NO_CONDITIONS = 0  # the code of (), the first record of every table
# A record's location: its arena's number above OFFSET_BITS, its offset below.
OFFSET_BITS = 40
OFFSET_MASK = (1 << OFFSET_BITS) - 1
# A refresh adds one arena; past this many a full load (one arena) is due.
MAX_ARENAS = 4096
# Decoded values that many statements share (articles, days, recording
# times) are immutable, so a table keeps the ones it decoded lately and hands
# out the same objects: at most this many of each, then it starts over.
RECENTLY_DECODED = 4096


def _pack_article(article: tuple) -> bytes:
    publisher, published_on, title, byline, url = article
    texts = [None if text is None else text.encode() for text in (publisher, title, byline, url)]
    return (ARTICLE.pack(published_on.toordinal(), *(-1 if t is None else len(t) for t in texts))
            + b"".join(t for t in texts if t))


def _unpack_article(arena: bytes, at: int) -> tuple:
    # Straight-line, not a loop: it runs once per statement built.
    ordinal, publisher, title, byline, url = ARTICLE.unpack_from(arena, at)
    at += ARTICLE.size
    end = at + publisher
    publisher = arena[at:end].decode()
    if title >= 0:
        at, end = end, end + title
        title = arena[at:end].decode()
    else:
        title = None
    if byline >= 0:
        at, end = end, end + byline
        byline = arena[at:end].decode()
    else:
        byline = None
    url = arena[end:end + url].decode() if url >= 0 else None
    return publisher, _day(ordinal), title, byline, url


_DAYS: dict[int, dt.date] = {}


def _day(ordinal: int) -> dt.date:
    """dt.date.fromordinal, the same object for the same day (dates are immutable)."""
    day = _DAYS.get(ordinal)
    if day is None:
        if len(_DAYS) >= RECENTLY_DECODED:
            _DAYS.clear()
        day = _DAYS[ordinal] = dt.date.fromordinal(ordinal)
    return day


def _pack_conditions(conditions: tuple[str, ...]) -> bytes:
    texts = [condition.encode() for condition in conditions]
    return struct.pack(f"<I{len(texts)}I", len(texts), *map(len, texts)) + b"".join(texts)


def _unpack_conditions(arena: bytes, at: int) -> tuple[str, ...]:
    (count,) = COUNT.unpack_from(arena, at)
    lengths = struct.unpack_from(f"<{count}I", arena, at + COUNT.size)
    at += COUNT.size + 4 * count
    conditions = []
    for length in lengths:
        conditions.append(arena[at:at + length].decode())
        at += length
    return tuple(conditions)


class _Pool:
    """The distinct values of one field; a value's code is its position.

    The value -> code dict is needed only while rows are appended, and for
    a 100k table it is megabytes, so a sealed table drops it and a copy
    builds it again."""

    __slots__ = ("values", "codes")

    def __init__(self, values: list | None = None):
        self.values: list = values if values is not None else []
        self.codes: dict[Hashable, int] | None = {v: i for i, v in enumerate(self.values)}

    def code(self, value: Hashable) -> int:
        code = self.codes.get(value)
        if code is None:
            code = self.codes[value] = len(self.values)
            self.values.append(value)
        return code

    def find(self, value: Hashable) -> int | None:
        if self.codes is not None:
            return self.codes.get(value)
        try:
            return self.values.index(value)
        except ValueError:
            return None


class _Stored:
    """The distinct values of one field, as records in the table's arenas;
    a value's code is its position in `where`. As with _Pool, the value ->
    code dict lives only while rows are appended; a copy starts a new one,
    so a value seen before a refresh and again in it is stored twice (the
    refresh's few hundred bytes, until the next full load)."""

    __slots__ = ("where", "codes")

    def __init__(self, where: array | None = None, codes: dict | None = None):
        self.where = where if where is not None else array("Q")
        self.codes: dict[Hashable, int] | None = codes if codes is not None else {}


class StatementTable:
    """Append-only rows of statements; `statement(row)` builds one back.

    Rows are appended, then the table is sealed and only read from then on
    (by any number of threads); a refresh appends to a copy."""

    __slots__ = ("_arenas", "_pending", "_sealed", "_where", "_ordinal", "_pools", "_values",
                 "_articles", "_conditions", "_decoded_articles", "_decoded_times")

    def __init__(self) -> None:
        self._start([], array("Q"), array("i"), [_Pool() for _ in POOLED], _Stored(), _Stored())
        self._store(self._conditions, (), _pack_conditions)  # NO_CONDITIONS

    def _start(self, arenas: list[bytes], where: array, ordinal: array, pools: list[_Pool],
               articles: _Stored, conditions: _Stored) -> None:
        self._arenas = arenas  # sealed records, shared with the copies of this table
        self._pending = bytearray()  # records appended since the last seal
        self._sealed = False
        self._where = where  # per row: arena number and offset of its record
        self._ordinal = ordinal  # per row: stated_on.toordinal() again, to sort and bisect by date
        self._pools = pools
        self._values = tuple(pool.values for pool in pools)
        self._articles, self._conditions = articles, conditions
        self._decoded_articles: dict[int, tuple] = {}  # article code -> its fields
        self._decoded_times: dict[int, dt.datetime] = {}  # µs -> recorded_at (in UTC)

    def __len__(self) -> int:
        return len(self._where)

    @property
    def arenas(self) -> int:
        return len(self._arenas) + bool(self._pending)

    @property
    def ordinals(self) -> array:
        """stated_on.toordinal() by row, for bisecting an index by date."""
        return self._ordinal

    def _here(self) -> int:
        """Where the next record written goes."""
        return len(self._arenas) << OFFSET_BITS | len(self._pending)

    def _at(self, where: int) -> tuple[bytes, int]:
        return self._arenas[where >> OFFSET_BITS], where & OFFSET_MASK

    def _record(self, row: int) -> tuple[bytes, int]:
        return self._at(self._where[row])

    def _store(self, stored: _Stored, value: Hashable, pack) -> int:
        code = stored.codes.get(value)
        if code is None:
            code = stored.codes[value] = len(stored.where)
            stored.where.append(self._here())
            self._pending += pack(value)
        return code

    def header(self, row: int) -> tuple:
        return HEADER.unpack_from(*self._record(row))

    def columns(self, *names: str, since: int = 0, extend: tuple[array, ...] = ()) -> list[array]:
        """The codes of the POOLED fields `names` by row, each in the narrowest
        array that holds them; with `since` and `extend`, those arrays (of the
        rows before `since`) followed by the codes of the rows from `since` on."""
        if not self._sealed:
            raise RuntimeError("seal the table before reading columns")
        columns = []
        for i, name in enumerate(names):
            count = len(self._values[POOLED.index(name)])
            typecode = "B" if count <= 1 << 8 else "H" if count <= 1 << 16 else "I"
            old = extend[i] if extend else ()
            if old and old.typecode >= typecode:  # "B" < "H" < "I": already wide enough
                typecode = old.typecode
            columns.append(array(typecode, old))
        places = [CODE[name] for name in names]
        for row in range(since, len(self)):  # one header at a time: no list of 100k of them
            header = self.header(row)
            for column, place in zip(columns, places):
                column.append(header[place])
        return columns

    def value(self, row: int, name: str) -> Hashable:
        """Field `name` (one of POOLED) of `row`."""
        return self._values[POOLED.index(name)][self.header(row)[CODE[name]]]

    def order_key(self, row: int) -> tuple:
        """What orders rows: stated_on, then recorded_at, then the id."""
        arena, at = self._record(row)
        header = HEADER.unpack_from(arena, at)
        start = at + HEADER.size
        return header[0], header[1], arena[start:start + header[ID_LENGTH]]

    def code_of(self, name: str, value: Hashable) -> int | None:
        """The code `value` has in field `name`, None if no row has it."""
        return self._pools[POOLED.index(name)].find(value)

    def values(self, name: str) -> list:
        """The distinct values of field `name`, by code."""
        return self._values[POOLED.index(name)]

    def append(self, statement: Statement) -> int:
        """Add `statement` as a new row; returns its row number."""
        if self._sealed:
            raise RuntimeError("a sealed table is read-only: append to a copy")
        recorded = statement.recorded_at
        if recorded is None:
            microseconds, zone = NO_TIME, None
        else:
            zone = recorded.tzinfo or dt.timezone.utc  # stored times are UTC
            microseconds = (recorded.replace(tzinfo=zone) - EPOCH) // ONE_MICROSECOND
        source = statement.source
        values = (statement.actor, statement.topic, statement.stance, statement.quote_kind,
                  statement.date_precision, statement.status, statement.recorded_by,
                  statement.speaker, statement.note, source.location, zone)
        article = self._store(self._articles, (source.publisher, source.published_on,
                                               source.title, source.byline, source.url),
                              _pack_article)
        conditions = self._store(self._conditions, tuple(statement.conditions), _pack_conditions)
        texts = [value.encode() for value in (statement.id, statement.summary, statement.quote)]
        ordinal = statement.stated_on.toordinal()
        row = len(self)
        self._where.append(self._here())
        self._pending += HEADER.pack(
            ordinal, microseconds, statement.revision,
            *(pool.code(value) for pool, value in zip(self._pools, values)),
            article, conditions, *(len(text) for text in texts))
        for text in texts:
            self._pending += text
        self._ordinal.append(ordinal)
        return row

    def seal(self) -> StatementTable:
        """End appending: the records so far become an immutable arena; returns self."""
        if not self._sealed:
            if self._pending:
                self._arenas.append(bytes(self._pending))
                self._pending = bytearray()
            for pool in self._pools:
                pool.codes = None
            self._articles.codes = self._conditions.codes = None
            self._sealed = True
        return self

    def copy(self) -> StatementTable:
        """An unsealed table with the same rows (and arenas, shared), to append to."""
        self.seal()
        new = StatementTable.__new__(StatementTable)
        new._start(list(self._arenas), array("Q", self._where), array("i", self._ordinal),
                   [_Pool(list(pool.values)) for pool in self._pools],
                   _Stored(array("Q", self._articles.where)),
                   _Stored(array("Q", self._conditions.where), {(): NO_CONDITIONS}))
        return new

    def id_bytes(self, row: int) -> bytes:
        """The id as UTF-8: it sorts exactly as the `str` does, with no decoding."""
        return self.order_key(row)[2]

    def id(self, row: int) -> str:
        return self.id_bytes(row).decode()

    def statement(self, row: int) -> Statement:
        # On the hot path of every answer (a matrix builds a thousand).
        arena, at = self._record(row)
        (ordinal, recorded, revision, actor, topic, stance, quote_kind, precision, status,
         recorded_by, speaker, note, location, zone, article, conditions,
         id_length, summary_length, quote_length) = HEADER.unpack_from(arena, at)
        (actors, topics, stances, quote_kinds, precisions, statuses, recorders, speakers,
         notes, locations, zones) = self._values
        summary = at + HEADER.size + id_length
        quote = summary + summary_length
        decoded = self._decoded_articles
        fields = decoded.get(article)
        if fields is None:
            if len(decoded) >= RECENTLY_DECODED:
                decoded.clear()
            fields = decoded[article] = _unpack_article(*self._at(self._articles.where[article]))
        publisher, published_on, title, byline, url = fields
        if recorded == NO_TIME:
            recorded_at = None
        else:
            times = self._decoded_times
            recorded_at = times.get(recorded)
            if recorded_at is None:
                if len(times) >= RECENTLY_DECODED:
                    times.clear()
                recorded_at = times[recorded] = EPOCH + recorded * ONE_MICROSECOND
            if zones[zone] is not dt.timezone.utc:
                recorded_at = recorded_at.astimezone(zones[zone])
        return Statement(
            arena[summary - id_length:summary].decode(), actors[actor], topics[topic],
            stances[stance], arena[summary:quote].decode(),
            arena[quote:quote + quote_length].decode(), quote_kinds[quote_kind],
            _day(ordinal), precisions[precision],
            Source(publisher, published_on, title, byline, url, locations[location]),
            speakers[speaker],
            _unpack_conditions(*self._at(self._conditions.where[conditions]))
            if conditions != NO_CONDITIONS else (),
            statuses[status], revision, recorded_at, recorders[recorded_by], notes[note],
        )
