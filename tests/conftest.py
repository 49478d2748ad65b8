"""App and client fixtures. Every test that uses `app` runs on SQLite, and again
on PostgreSQL when STANDPOINT_TEST_POSTGRES_URL names a database it may wipe."""

from __future__ import annotations

import os
import shutil

import pytest
import sqlalchemy as sa

from service import create_app

from .contract import ContractClient

POSTGRES_URL = os.environ.get("STANDPOINT_TEST_POSTGRES_URL")
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
