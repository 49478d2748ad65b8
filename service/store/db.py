"""Engine per app, migrations on start, and the per-process read snapshot."""

from __future__ import annotations

import threading
from pathlib import Path

import sqlalchemy as sa
from alembic import command
from alembic.config import Config as AlembicConfig
from flask import Flask, current_app, g

from ..domain.dataset import Dataset
from . import tables
from .dataset_io import import_dataset, load_bundled
from .read import load_dataset

MIGRATIONS = Path(__file__).parent / "migrations"
# Any constant works: it only has to be the same for every instance, so two
# app instances starting together on one PostgreSQL never migrate at once.
PG_MIGRATION_LOCK = 7_150_320


def _sqlite_pragmas(dbapi_connection, _record):
    cursor = dbapi_connection.cursor()
    # WAL lets readers go on while a writer commits; busy_timeout makes a
    # second writer wait for the lock instead of failing at once.
    cursor.execute("PRAGMA journal_mode=WAL")
    cursor.execute("PRAGMA synchronous=NORMAL")
    cursor.execute("PRAGMA foreign_keys=ON")
    cursor.execute("PRAGMA busy_timeout=10000")
    cursor.close()


def make_engine(url: str) -> sa.Engine:
    if url.startswith("sqlite"):
        path = url.split("///", 1)[-1]
        if path and path != ":memory:":
            Path(path).parent.mkdir(parents=True, exist_ok=True)
        engine = sa.create_engine(url)
        sa.event.listen(engine, "connect", _sqlite_pragmas)
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
                with self.engine.connect() as conn:
                    cached = load_dataset(conn)
                self._snapshot = cached
        return cached


def current_version(conn: sa.Connection) -> int:
    return conn.execute(sa.select(sa.func.coalesce(sa.func.max(tables.changes.c.seq), 0))).scalar_one()


def engine() -> sa.Engine:
    return current_app.extensions["standpoint.store"].engine


def snapshot() -> Dataset:
    # The HTTP cache has already read this request's data version: reuse it.
    return current_app.extensions["standpoint.store"].snapshot(g.get("data_version"))


def migrate(engine_: sa.Engine) -> None:
    config = AlembicConfig()
    config.set_main_option("script_location", str(MIGRATIONS))
    with engine_.begin() as conn:
        if conn.dialect.name == "postgresql":
            conn.execute(sa.text("SELECT pg_advisory_xact_lock(:key)"), {"key": PG_MIGRATION_LOCK})
        config.attributes["connection"] = conn
        command.upgrade(config, "head")


def prepare_database(engine_: sa.Engine, seed: bool = True) -> None:
    """Bring the schema to head and, on the very first start, load the
    bundled dataset. A restart finds changes already recorded and loads nothing."""
    migrate(engine_)
    if seed:
        with engine_.begin() as conn:
            if conn.dialect.name == "postgresql":
                conn.execute(sa.text("SELECT pg_advisory_xact_lock(:key)"), {"key": PG_MIGRATION_LOCK})
            if current_version(conn) == 0:
                import_dataset(conn, load_bundled(), recorded_by="bundled dataset")


def init_app(app: Flask) -> None:
    store = Store(make_engine(app.config["DATABASE_URL"]))
    app.extensions["standpoint.store"] = store
    if app.config.get("PREPARE_DATABASE", True):
        prepare_database(store.engine, seed=app.config.get("SEED_DATASET", True))
