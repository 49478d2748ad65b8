"""Engine per app, migrations on start, and the per-process read snapshot."""

from __future__ import annotations

import contextlib
import threading
from collections.abc import Iterator
from pathlib import Path

import sqlalchemy as sa
from alembic import command
from alembic.config import Config as AlembicConfig
from flask import Flask, current_app

from ..domain.dataset import Dataset
from . import tables
from .dataset_io import import_dataset, load_bundled
from .read import load_dataset

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
        engine = sa.create_engine(url)
        sa.event.listen(engine, "connect", _sqlite_pragmas)
        sa.event.listen(engine, "begin", _sqlite_begin)
        return engine
    return sa.create_engine(url, pool_pre_ping=True, pool_size=5, max_overflow=5)


class Store:
    """What the app keeps of the database: the engine and the read snapshot."""

    def __init__(self, engine: sa.Engine):
        self.engine = engine
        self._snapshot: Dataset | None = None
        self._lock = threading.Lock()

    def version(self) -> int:
        with self.engine.connect() as conn:
            return current_version(conn)

    def snapshot(self) -> Dataset:
        """The whole record as of the current data version: one cheap version
        query per call, a rebuild only when another write has landed."""
        version = self.version()
        cached = self._snapshot
        if cached is not None and cached.version == version:
            return cached
        with self._lock:
            cached = self._snapshot
            if cached is None or cached.version != version:
                with self.engine.connect() as conn:
                    cached = load_dataset(conn)
                self._snapshot = cached
        return cached


def current_version(conn: sa.Connection) -> int:
    return conn.execute(sa.select(sa.func.coalesce(sa.func.max(tables.changes.c.seq), 0))).scalar_one()


def engine() -> sa.Engine:
    return current_app.extensions["standpoint.store"].engine


def snapshot() -> Dataset:
    return current_app.extensions["standpoint.store"].snapshot()


def migrate(engine_: sa.Engine) -> None:
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
    if app.config.get("PREPARE_DATABASE", True):
        prepare_database(store.engine, seed=app.config.get("SEED_DATASET", True))
