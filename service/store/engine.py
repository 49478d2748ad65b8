"""The database engine, and the one way to write: a transaction holding the write lock."""

from __future__ import annotations

import contextlib
import os
from collections.abc import Iterator
from pathlib import Path
from urllib.parse import quote, unquote

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


# What a database says when a connection cannot write: SQLite keeps a connection
# it opened on a read-only file read-only for good, PostgreSQL a session started
# read-only. And when a connection no longer reaches its file (gone, or a disk
# error). Either way the connection must leave the pool.
_READ_ONLY = ("attempt to write a readonly database",)
_FILE_LOST = ("disk i/o error", "unable to open database file")
PG_READ_ONLY_SQLSTATE = "25006"  # read_only_sql_transaction


def cannot_write(error: BaseException | None) -> bool:
    """The database refused a write because it (or this session) is read-only."""
    if getattr(error, "sqlstate", None) == PG_READ_ONLY_SQLSTATE:
        return True
    return any(message in str(error).lower() for message in _READ_ONLY)


def _stale_connection(error: BaseException | None) -> bool:
    return cannot_write(error) or any(message in str(error).lower() for message in _FILE_LOST)


def _heal_pool(context: sa.engine.ExceptionContext) -> None:
    # Treated as a disconnect, the error invalidates the pool (SQLAlchemy's
    # invalidate_pool_on_disconnect): the next checkout opens a fresh connection,
    # which writes again as soon as the file or the database does, with no restart.
    if _stale_connection(context.original_exception):
        context.is_disconnect = True
        # SQLite closes a connection for real only once its statements are
        # finalized; the failed one lives on in the exception's traceback, and
        # until the garbage collector frees it, the file stays open read-only,
        # and SQLite shares that read-only state with every new connection in
        # the process. Close the cursor now, so the file is really let go.
        cursor = getattr(context.execution_context, "cursor", None)
        if cursor is not None:
            with contextlib.suppress(Exception):
                cursor.close()


def sqlite_path(url: str) -> str | None:
    """The file a SQLite URL names, or None (not SQLite, or in memory)."""
    parsed = sa.make_url(url)
    if parsed.get_backend_name() != "sqlite" or parsed.database in (None, "", ":memory:"):
        return None
    if parsed.database.startswith("file:"):  # the URI form a worker opens (mode=rw)
        return unquote(parsed.database.removeprefix("file:"))
    return parsed.database


def sqlite_file_problem(path: str) -> str | None:
    """Why SQLite could not write `path` now, or None: the file gone, its filesystem
    remounted read-only, or the file or its folder (journal files) not writable."""
    folder = str(Path(path).parent)
    if not Path(path).exists():
        return "the database file is missing"
    if os.statvfs(folder).f_flag & os.ST_RDONLY:
        return "the database's filesystem is read-only"
    if not (os.access(path, os.W_OK) and os.access(folder, os.W_OK)):
        return "the database file or its folder is not writable"
    return None


def _replace_connections_opened_read_only(engine: sa.Engine, path: str) -> None:
    """SQLite opens a file it cannot write read-only, and the connection stays so
    after the file is writable again. Note which connections were opened that way,
    and have the pool replace one at checkout once the file is writable (SQLAlchemy's
    pessimistic-disconnect pattern: DisconnectionError makes the pool reconnect)."""
    @sa.event.listens_for(engine, "connect")
    def _note(_dbapi_connection, record):
        record.info["opened_read_only"] = sqlite_file_problem(path) is not None

    @sa.event.listens_for(engine, "checkout")
    def _replace(_dbapi_connection, record, _proxy):
        if record.info.get("opened_read_only") and sqlite_file_problem(path) is None:
            raise sa.exc.DisconnectionError("opened while the file was read-only")


def make_engine(url: str, create_missing: bool = True) -> sa.Engine:
    """The engine for `url`. A SQLite file is created only when `create_missing`
    (the process that migrates it): a worker opening a file that has gone missing
    gets an error (503), not a new empty database that answers "no data"."""
    parsed, path = sa.make_url(url), sqlite_path(url)
    if parsed.get_backend_name() == "sqlite":
        if path is not None:
            Path(path).parent.mkdir(parents=True, exist_ok=True)
        if path is not None and not create_missing:
            parsed = parsed.set(database=f"file:{quote(path)}",
                                query={**parsed.query, "mode": "rw", "uri": "true"})
        engine = sa.create_engine(parsed)
        sa.event.listen(engine, "connect", _sqlite_pragmas)
        sa.event.listen(engine, "begin", _sqlite_begin)
        if path is not None:
            _replace_connections_opened_read_only(engine, path)
    else:
        # pre_ping replaces connections a database restart broke; connect_timeout turns an
        # unreachable host into a quick 503 instead of a worker stuck until gunicorn kills it.
        engine = sa.create_engine(url, pool_pre_ping=True, pool_size=5, max_overflow=5,
                                  connect_args={"connect_timeout": 5})
    sa.event.listen(engine, "handle_error", _heal_pool)
    return engine


@contextlib.contextmanager
def read_transaction(engine: sa.Engine) -> Iterator[sa.Connection]:
    """A transaction in which every read sees the same committed state, so a
    data version and the data read beside it always agree."""
    with engine.connect() as conn:
        if conn.dialect.name == "postgresql":
            conn = conn.execution_options(isolation_level="REPEATABLE READ")
        transaction = conn.begin()
        try:
            yield conn
        finally:
            # Reads have nothing to commit. A rollback also ends a transaction whose
            # connection died mid-request, where a commit would raise
            # PendingRollbackError and turn the request's 503 into a 500.
            transaction.rollback()


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


@contextlib.contextmanager
def trial_transaction(engine: sa.Engine) -> Iterator[sa.Connection]:
    """A write transaction that is always rolled back: a write can be made for
    real, by the real code, to see what it would do (a proposal's preview),
    and leave nothing behind. It holds the write lock like any write, so what
    it sees is what a write made now would see."""
    with engine.connect() as conn:
        conn = conn.execution_options(standpoint_write=True)
        transaction = conn.begin()
        try:
            if conn.dialect.name == "postgresql":
                conn.execute(sa.text("SELECT pg_advisory_xact_lock(:key)"), {"key": PG_WRITE_LOCK})
            yield conn
        finally:
            transaction.rollback()


def why_not_writable(engine: sa.Engine) -> str | None:
    """Why a write would fail now, or None if it can succeed. Cheap enough for a
    readiness probe: it takes no write lock, so it never waits behind a writer.

    SQLite: the file, its folder and the filesystem must be writable (a file made
    read-only, a filesystem remounted read-only, a file gone). PostgreSQL: the
    session must not be read-only and the server not a standby; a pooled session
    that started read-only is dropped and the question asked again on a fresh one."""
    if engine.dialect.name == "sqlite":
        path = sqlite_path(str(engine.url))  # None for an in-memory database
        return sqlite_file_problem(path) if path else None
    for _attempt in range(2):
        with engine.connect() as conn:
            read_only, standby = conn.execute(sa.text(
                "SELECT current_setting('transaction_read_only') = 'on', pg_is_in_recovery()")).one()
            if standby:
                return "the database server is a read-only standby"
            if not read_only:
                return None
            conn.invalidate()  # a session that began read-only stays so; try a fresh one
    return "the database is read-only"
