"""App and client fixtures. Every test that uses `app` runs on SQLite, and again
on PostgreSQL when STANDPOINT_TEST_POSTGRES_URL names a database it may wipe."""

from __future__ import annotations

import os
import shutil

import pytest
import sqlalchemy as sa

from service import create_app

from .contract import ContractClient

def _database_of_this_worker(url: str | None) -> str | None:
    """Under pytest-xdist (`make test` runs two workers), each worker wipes and fills
    a database of its own, `<name>_<worker>`, made on first use beside the one named."""
    worker = os.environ.get("PYTEST_XDIST_WORKER")
    if not url or not worker:
        return url
    parsed = sa.make_url(url)
    name = f"{parsed.database}_{worker}"
    engine = sa.create_engine(url, isolation_level="AUTOCOMMIT")
    with engine.connect() as conn:
        if not conn.scalar(sa.text("SELECT 1 FROM pg_database WHERE datname = :name"), {"name": name}):
            conn.execute(sa.text(f'CREATE DATABASE "{name}"'))
    engine.dispose()
    return parsed.set(database=name).render_as_string(hide_password=False)


POSTGRES_URL = _database_of_this_worker(os.environ.get("STANDPOINT_TEST_POSTGRES_URL"))
POSTGRES_SKIP = (
    "PostgreSQL run skipped: set STANDPOINT_TEST_POSTGRES_URL (e.g. "
    "postgresql+psycopg://postgres@127.0.0.1:5432/test) to a database the tests may wipe"
)


def wipe_postgres(url: str) -> None:
    engine = sa.create_engine(url)
    with engine.begin() as conn:
        conn.execute(sa.text("DROP SCHEMA public CASCADE"))
        conn.execute(sa.text("CREATE SCHEMA public"))
    engine.dispose()


@pytest.fixture(scope="session")
def sqlite_template(tmp_path_factory):
    """A migrated, seeded SQLite file made once; each test gets a copy of it."""
    path = tmp_path_factory.mktemp("template") / "standpoint.db"
    template = create_app({"DATABASE_URL": f"sqlite:///{path}"})
    template.extensions["standpoint.engine"].dispose()  # checkpoints the WAL into the file
    return path


# Without a PostgreSQL URL the suite runs once, on SQLite, and
# tests/store/test_postgresql.py reports the skipped PostgreSQL run once.
DATABASES = ["sqlite", "postgresql"] if POSTGRES_URL else ["sqlite"]


@pytest.fixture(params=DATABASES)
def database_url(request, tmp_path):
    if request.param == "sqlite":
        copy = tmp_path / "standpoint.db"
        shutil.copyfile(request.getfixturevalue("sqlite_template"), copy)
        return f"sqlite:///{copy}"
    wipe_postgres(POSTGRES_URL)
    return POSTGRES_URL


@pytest.fixture
def app(database_url):
    # Migrations run on every app, as in production; on the SQLite copy they
    # find the schema at head already, and the seed finds data already there.
    app = create_app({"DATABASE_URL": database_url, "TESTING": True})
    app.test_client_class = ContractClient
    yield app
    app.extensions["standpoint.engine"].dispose()


# The longest files, started first: under pytest-xdist (`make test`) each runs on one
# worker while the other works through everything else, instead of starting last.
LONGEST_FIRST = ("tests/servers/test_schemathesis.py", "tests/servers/test_write_concurrency.py",
                 "tests/servers/test_worker_kill.py", "tests/servers/test_slow_clients.py")


def pytest_collection_modifyitems(config, items):
    def rank(item):
        path = item.nodeid.split("::")[0]
        return LONGEST_FIRST.index(path) if path in LONGEST_FIRST else len(LONGEST_FIRST)

    items.sort(key=rank)  # stable: the rest keep their order
