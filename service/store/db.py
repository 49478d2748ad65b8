"""Engine per app, migrations on start, and the per-process read snapshot."""

from __future__ import annotations

import contextlib
import ctypes
import gc
import threading
from collections.abc import Iterator
from pathlib import Path

import orjson
import sqlalchemy as sa
from flask import Flask, current_app, has_request_context, request

from ..domain.dataset import Dataset
from . import tables
from .dataset_io import import_dataset, load_bundled
from .read import last_change, load_dataset, refresh_dataset

MIGRATIONS = Path(__file__).parent / "migrations"
# Any constant works: it only has to be the same for every instance, so two
# app instances starting together on one PostgreSQL never migrate at once.
PG_MIGRATION_LOCK = 7_150_320
# Held by every write transaction on PostgreSQL (see write_transaction).
PG_WRITE_LOCK = 7_150_321


def _sqlite_pragmas(dbapi_connection, _record):
    # Let SQLAlchemy's "begin" event (below) emit BEGIN itself, instead of
    # pysqlite's implicit deferred BEGIN before the first write statement.
    dbapi_connection.isolation_level = None
    cursor = dbapi_connection.cursor()
    # WAL lets readers go on while a writer commits; busy_timeout makes a
    # second writer wait for the lock instead of failing at once.
    cursor.execute("PRAGMA journal_mode=WAL")
    # FULL, not NORMAL: in WAL mode NORMAL survives a process crash but may
    # lose the last commits on power loss or an OS crash, after the client was
    # told 201. Writes are rare (an fsync per commit costs nothing that
    # matters) and an acknowledged statement must never vanish.
    cursor.execute("PRAGMA synchronous=FULL")
    cursor.execute("PRAGMA foreign_keys=ON")
    cursor.execute("PRAGMA busy_timeout=10000")
    cursor.close()


def _sqlite_begin(conn: sa.Connection) -> None:
    # A write transaction takes SQLite's write lock at BEGIN. A deferred
    # transaction that reads first and then writes must upgrade its lock, and
    # SQLite answers that upgrade with "database is locked" at once, without
    # waiting for busy_timeout, when another writer got there first.
    if conn.get_execution_options().get("standpoint_write"):
        conn.exec_driver_sql("BEGIN IMMEDIATE")
    else:
        conn.exec_driver_sql("BEGIN")


@contextlib.contextmanager
def write_transaction(engine_: sa.Engine) -> Iterator[sa.Connection]:
    """The one way to write: a transaction that holds the database's write
    lock from its first statement to its commit.

    SQLite: BEGIN IMMEDIATE. PostgreSQL: a transaction-scoped advisory lock,
    so writers commit one at a time and in the order of their `changes.seq`.
    Without it two writers could commit seq 11 before seq 10, and a reader
    (the change feed's cursor, the snapshot's data version) that saw 11 would
    never see 10. Writes are rare; serialising them costs nothing."""
    with engine_.connect() as conn:
        conn = conn.execution_options(standpoint_write=True)
        with conn.begin():
            if conn.dialect.name == "postgresql":
                conn.execute(sa.text("SELECT pg_advisory_xact_lock(:key)"), {"key": PG_WRITE_LOCK})
            yield conn


def make_engine(url: str) -> sa.Engine:
    if url.startswith("sqlite"):
        path = url.split("///", 1)[-1]
        if path and path != ":memory:":
            Path(path).parent.mkdir(parents=True, exist_ok=True)
        engine = sa.create_engine(url, json_deserializer=orjson.loads)
        sa.event.listen(engine, "connect", _sqlite_pragmas)
        sa.event.listen(engine, "begin", _sqlite_begin)
        return engine
    # pre_ping replaces connections a database restart broke; connect_timeout turns an
    # unreachable host into a quick 503 instead of a worker stuck until gunicorn kills it.
    return sa.create_engine(url, pool_pre_ping=True, pool_size=5, max_overflow=5,
                            json_deserializer=orjson.loads, connect_args={"connect_timeout": 5})


VERSION_SQL = "SELECT coalesce(max(seq), 0) FROM changes"
# The WSGI environ key under which the response cache leaves the data version
# it read for this request, so the view reads the same one (and no second time).
DATA_VERSION = "standpoint.data_version"


class VersionProbe:
    """Reads the data version on every request, as cheaply as it can be done
    without ever reading a stale one: each thread keeps a connection of its
    own in autocommit, so there is no pool checkout, no pre-ping and no
    transaction, only the one indexed `max(seq)` query (about 15 us on
    SQLite, one round trip on PostgreSQL, against about 1 ms and 5 ms
    through a pooled SQLAlchemy connection). The answer is never remembered
    across requests: that is what keeps read-your-writes across instances."""

    def __init__(self, engine: sa.Engine):
        self.engine = engine
        self._local = threading.local()
        self._all: list = []  # every thread's connection, to close on dispose
        sa.event.listen(engine, "engine_disposed", self.close)

    def _connect(self):
        raw = self.engine.raw_connection()
        driver = raw.driver_connection
        if self.engine.dialect.name == "sqlite":
            driver.isolation_level = None  # autocommit: each SELECT sees the latest commit
        else:
            driver.autocommit = True
        self._all.append(raw)
        return raw

    def read(self) -> int:
        raw = getattr(self._local, "raw", None)
        try:
            if raw is None:
                raw = self._local.raw = self._connect()
            cursor = raw.driver_connection.cursor()
            try:
                cursor.execute(VERSION_SQL)
                return cursor.fetchone()[0]
            finally:
                cursor.close()
        except Exception:
            # A dropped connection (database restart...): forget it and ask
            # once through SQLAlchemy, whose errors the API turns into a 503.
            self._local.raw = None
            if raw is not None:
                self._discard(raw)
            with self.engine.connect() as conn:
                return current_version(conn)

    def _discard(self, raw) -> None:
        try:
            raw.invalidate()
        except Exception:  # already gone
            pass
        if raw in self._all:
            self._all.remove(raw)

    def close(self, *_args) -> None:
        for raw in list(self._all):
            self._discard(raw)
        self._local = threading.local()


class Store:
    """What the app keeps of the database: the engine and the read snapshot."""

    def __init__(self, engine: sa.Engine):
        self.engine = engine
        self._snapshot: Dataset | None = None
        self._marker: tuple | None = None  # identifies the change the snapshot is labelled with
        self._lock = threading.Lock()
        self._probe = VersionProbe(engine)

    def version(self) -> int:
        return self._probe.read()

    def snapshot(self, version: int | None = None) -> Dataset:
        """The whole record as of the current data version: one cheap version
        query per call (none when the caller has just read `version`), a
        rebuild only when another write has landed."""
        if version is None:
            version = self.version()
        cached = self._snapshot
        if cached is not None and cached.version == version:
            return cached
        with self._lock:
            cached = self._snapshot
            if cached is None or cached.version != version:
                cached = self._rebuild(cached)
        return cached

    def _rebuild(self, old: Dataset | None) -> Dataset:
        """A statement write costs reading that statement; anything else
        (actors, topics, a restore, a big import) a full load."""
        with self.engine.connect() as conn:
            fresh = refresh_dataset(conn, old, self._marker) if old is not None else None
            if fresh is None:
                self._snapshot = old = None  # let the old one go before the new one is built
                fresh = load_dataset(conn)
            self._marker = last_change(conn, fresh.version)
        self._snapshot = fresh
        settle_heap(full=old is None)
        if old is None:
            release_free_memory()
        return fresh


CURRENT_VERSION = sa.select(sa.func.coalesce(sa.func.max(tables.changes.c.seq), 0))


def settle_heap(full: bool) -> None:
    """Keep Python's cyclic garbage collector off the snapshot.

    A 100k-statement snapshot is a few hundred thousand long-lived container
    objects, and every full collection walks all of them (about 0.3 s at 100k,
    every few dozen large requests). None of them can ever be cyclic garbage,
    so after a build they are moved to the permanent generation
    (`gc.freeze()`); reference counting still frees them when a later
    snapshot replaces them. Before freezing, the garbage already there is
    collected, so none of it is kept for good. After a full load everything
    is unfrozen first, so objects frozen earlier that have since become
    cyclic garbage are collected too (a full load costs seconds anyway); a
    refresh after a statement write only collects what is not frozen, which
    is cheap."""
    if full:
        gc.unfreeze()
    gc.collect()
    gc.freeze()


def _malloc_trim():
    try:
        return ctypes.CDLL(None).malloc_trim
    except (OSError, AttributeError):  # not glibc: nothing to do
        return None


_MALLOC_TRIM = _malloc_trim()


def release_free_memory() -> None:
    """Hand the free heap back to the system (glibc keeps it otherwise), so
    a worker's RSS is what it really holds."""
    if _MALLOC_TRIM is not None:
        _MALLOC_TRIM(0)


# Requests between two trims of the heap (HeapTrimmer).
TRIM_EVERY = 100


class HeapTrimmer:
    """Every TRIM_EVERY requests, hand the free heap back to the system.

    Large answers (a matrix at 100k statements is 0.7 MB of JSON, then its
    compressed copy) come and go through glibc's heap, between the response
    cache's long-lived bodies; glibc only gives back free memory at the top
    of its heap, so a worker's heap ended the growth benchmark with about
    20 MB free but still resident. malloc_trim(0) releases the free pages
    wherever they are: about 0.5 ms on that heap, so 5 us a request here.
    (glibc's fixed mmap threshold, the other cure, made every large answer
    fault fresh pages in: 5-10% more CPU per uncached request at 100k.)"""

    def __init__(self) -> None:
        self._requests = 0

    def __call__(self, _exc: BaseException | None = None) -> None:
        self._requests += 1  # unlocked: a lost count only delays a trim
        if self._requests >= TRIM_EVERY:
            self._requests = 0
            release_free_memory()


def current_version(conn: sa.Connection) -> int:
    return conn.execute(CURRENT_VERSION).scalar_one()


def engine() -> sa.Engine:
    return current_app.extensions["standpoint.store"].engine


def snapshot() -> Dataset:
    # The response cache has already read this request's data version: reuse it.
    version = request.environ.get(DATA_VERSION) if has_request_context() else None
    return current_app.extensions["standpoint.store"].snapshot(version)


def migrate(engine_: sa.Engine) -> None:
    # Imported here: serving workers never migrate, and alembic is 10 MB.
    from alembic import command
    from alembic.config import Config as AlembicConfig

    config = AlembicConfig()
    config.set_main_option("script_location", str(MIGRATIONS))
    with write_transaction(engine_) as conn:
        if conn.dialect.name == "postgresql":
            conn.execute(sa.text("SELECT pg_advisory_xact_lock(:key)"), {"key": PG_MIGRATION_LOCK})
        config.attributes["connection"] = conn
        command.upgrade(config, "head")


def prepare_database(engine_: sa.Engine, seed: bool = True) -> None:
    """Bring the schema to head and, on the very first start, load the
    bundled dataset. A restart finds changes already recorded and loads nothing."""
    migrate(engine_)
    if seed:
        with write_transaction(engine_) as conn:
            if current_version(conn) == 0:
                import_dataset(conn, load_bundled(), recorded_by="bundled dataset")


def init_app(app: Flask) -> None:
    store = Store(make_engine(app.config["DATABASE_URL"]))
    app.extensions["standpoint.store"] = store
    app.teardown_request(HeapTrimmer())
    if app.config.get("PREPARE_DATABASE", True):
        prepare_database(store.engine, seed=app.config.get("SEED_DATASET", True))
