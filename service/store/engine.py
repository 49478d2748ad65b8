"""The database engine, and the one way to write: a transaction holding the write lock."""

from __future__ import annotations

import contextlib
from collections.abc import Iterator
from pathlib import Path

import sqlalchemy as sa

# Held by every write transaction on PostgreSQL (see write_transaction).
PG_WRITE_LOCK = 7_150_321


def _sqlite_pragmas(dbapi_connection, _record):
    # Let the "begin" event (below) emit BEGIN itself, instead of pysqlite's
    # implicit deferred BEGIN before the first write statement.
    dbapi_connection.isolation_level = None
    cursor = dbapi_connection.cursor()
    # WAL lets readers go on while a writer commits; busy_timeout makes a
    # second writer wait for the lock instead of failing at once.
    cursor.execute("PRAGMA journal_mode=WAL")
    # FULL: an acknowledged statement must survive power loss, not only a crash.
    cursor.execute("PRAGMA synchronous=FULL")
    cursor.execute("PRAGMA foreign_keys=ON")
    cursor.execute("PRAGMA busy_timeout=10000")
    cursor.close()


def _sqlite_begin(conn: sa.Connection) -> None:
    # A write takes SQLite's write lock at BEGIN: a deferred transaction that
    # reads first and then writes gets "database is locked" at once, without
    # waiting for busy_timeout, when another writer got there first.
    if conn.get_execution_options().get("standpoint_write"):
        conn.exec_driver_sql("BEGIN IMMEDIATE")
    else:
        conn.exec_driver_sql("BEGIN")


def make_engine(url: str) -> sa.Engine:
    if url.startswith("sqlite"):
        path = url.split("///", 1)[-1]
        if path and path != ":memory:":
            Path(path).parent.mkdir(parents=True, exist_ok=True)
        engine = sa.create_engine(url)
        sa.event.listen(engine, "connect", _sqlite_pragmas)
        sa.event.listen(engine, "begin", _sqlite_begin)
        return engine
    # pre_ping replaces connections a database restart broke; connect_timeout turns an
    # unreachable host into a quick 503 instead of a worker stuck until gunicorn kills it.
    return sa.create_engine(url, pool_pre_ping=True, pool_size=5, max_overflow=5,
                            connect_args={"connect_timeout": 5})


@contextlib.contextmanager
def read_transaction(engine: sa.Engine) -> Iterator[sa.Connection]:
    """A transaction in which every read sees the same committed state, so a
    data version and the data read beside it always agree."""
    with engine.connect() as conn:
        if conn.dialect.name == "postgresql":
            conn = conn.execution_options(isolation_level="REPEATABLE READ")
        with conn.begin():
            yield conn


@contextlib.contextmanager
def write_transaction(engine: sa.Engine) -> Iterator[sa.Connection]:
    """A transaction that holds the database's write lock from its first
    statement to its commit.

    SQLite: BEGIN IMMEDIATE. PostgreSQL: a transaction-scoped advisory lock,
    so writers commit one at a time and in the order of their `changes.seq`:
    a reader that saw seq 11 can never miss a seq 10 committed after it."""
    with engine.connect() as conn:
        conn = conn.execution_options(standpoint_write=True)
        with conn.begin():
            if conn.dialect.name == "postgresql":
                conn.execute(sa.text("SELECT pg_advisory_xact_lock(:key)"), {"key": PG_WRITE_LOCK})
            yield conn
