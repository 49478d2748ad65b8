"""App and client fixtures. Every test that uses `app` runs on SQLite, and again
on PostgreSQL when STANDPOINT_TEST_POSTGRES_URL names a database it may wipe.

Building an app costs more than most tests (flask-smorest builds the spec), and
migrating a database more still, so each kind of database has one template,
migrated and seeded once, and one app built on it for the session. `app` and
`client` point that app at a fresh copy of the template for every test (a file
copy on SQLite, CREATE DATABASE ... TEMPLATE on PostgreSQL), so a test may write.
A module whose tests only read opts into one database shared by the session:

    pytestmark = pytest.mark.read_only

and a read_only test that changes the stored data fails; a test there that writes
is marked `@pytest.mark.writes` and gets a copy of its own.
"""

from __future__ import annotations

import contextlib
import os
import shutil
from collections.abc import Iterator

import pytest
import sqlalchemy as sa
from sqlalchemy.pool import NullPool

from service import create_app
from service.store.engine import make_engine

from .contract import ContractClient
from .helpers import data_version


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

# Without a PostgreSQL URL the suite runs once, on SQLite, and
# tests/store/test_postgresql.py reports the skipped PostgreSQL run once.
DATABASES = ["sqlite", "postgresql"] if POSTGRES_URL else ["sqlite"]


def wipe_postgres(url: str) -> None:
    engine = sa.create_engine(url)
    with engine.begin() as conn:
        conn.execute(sa.text("DROP SCHEMA public CASCADE"))
        conn.execute(sa.text("CREATE SCHEMA public"))
    engine.dispose()


def _postgres_admin() -> sa.Engine:
    # Creating or dropping a database needs no session open on it: work from the maintenance database.
    return sa.create_engine(sa.make_url(POSTGRES_URL).set(database="postgres"),
                            isolation_level="AUTOCOMMIT", poolclass=NullPool)


def copy_postgres(name: str, template: str | None = None) -> str:
    """The URL of database `name` on the test server, made anew: empty, or a copy of `template`.
    PostgreSQL copies a template file by file, far faster than migrating and seeding."""
    admin = _postgres_admin()
    with admin.connect() as conn:
        conn.execute(sa.text(f'DROP DATABASE IF EXISTS "{name}" WITH (FORCE)'))
        conn.execute(sa.text(f'CREATE DATABASE "{name}"' + (f' TEMPLATE "{template}"' if template else "")))
    admin.dispose()
    return sa.make_url(POSTGRES_URL).set(database=name).render_as_string(hide_password=False)


# PostgreSQL waits for a checkpoint to drop a database, seconds on a busy disk, so a test's
# copy is not made anew but reset: the template keeps its seeded rows and sequence values in
# a `seed` schema, and every copy of it can put them back in a few milliseconds.
SNAPSHOT = """
CREATE SCHEMA seed;
DO $$DECLARE t text; BEGIN
  FOR t IN SELECT tablename FROM pg_tables WHERE schemaname = 'public' LOOP
    EXECUTE format('CREATE TABLE seed.%I AS TABLE public.%I', t, t);
  END LOOP;
END$$;
CREATE TABLE seed.sequences AS SELECT sequencename, start_value, last_value
  FROM pg_sequences WHERE schemaname = 'public';
"""
RESET = """
SELECT pg_terminate_backend(pid) FROM pg_stat_activity
  WHERE datname = current_database() AND pid <> pg_backend_pid();
SET LOCAL session_replication_role = replica;
DO $$DECLARE t text; BEGIN
  EXECUTE (SELECT 'TRUNCATE ' || string_agg(format('public.%I', tablename), ', ')
           FROM pg_tables WHERE schemaname = 'public');
  FOR t IN SELECT tablename FROM pg_tables WHERE schemaname = 'public' LOOP
    EXECUTE format('INSERT INTO public.%I OVERRIDING SYSTEM VALUE SELECT * FROM seed.%I', t, t);
  END LOOP;
END$$;
SELECT setval(format('public.%I', sequencename), coalesce(last_value, start_value), last_value IS NOT NULL)
  FROM seed.sequences;
"""


def _run_script(url: str, script: str) -> None:
    engine = sa.create_engine(url, poolclass=NullPool)
    with engine.begin() as conn:  # straight to psycopg: without parameters, '%I' is format()'s
        conn.connection.driver_connection.execute(script)
    engine.dispose()


class Databases:
    """Per kind of database: a migrated, seeded template, the one app built on it,
    and the copy that read_only tests share."""

    def __init__(self, folder):
        self.folder = folder
        self.templates: dict[str, str] = {}
        self.apps: dict = {}
        self.shared: dict[str, str] = {}
        self.copies: set[str] = set()  # PostgreSQL copies made this session

    @staticmethod
    def _build(url: str):
        app = create_app({"DATABASE_URL": url, "TESTING": True})  # migrates and seeds
        app.extensions["standpoint.engine"].dispose()  # SQLite: checkpoints the WAL into the file
        app.test_client_class = ContractClient
        return app

    def template(self, kind: str) -> str:
        if kind not in self.templates:
            if kind == "sqlite":
                url = f"sqlite:///{self.folder / 'template.db'}"
                self.apps[kind] = self._build(url)
            else:
                url = copy_postgres(f"{sa.make_url(POSTGRES_URL).database}_template")
                self.apps[kind] = self._build(url)
                _run_script(url, SNAPSHOT)
            self.templates[kind] = url
        return self.templates[kind]

    def app(self, kind: str):
        if kind not in self.apps:  # again, after a test added routes or hooks to it
            self.apps[kind] = self._build(self.template(kind))
        return self.apps[kind]

    def _postgres_copy(self, suffix: str) -> str:
        """The copy `<name>_<suffix>` of the template, as the template left it."""
        name = f"{sa.make_url(POSTGRES_URL).database}_{suffix}"
        url = sa.make_url(POSTGRES_URL).set(database=name).render_as_string(hide_password=False)
        if name in self.copies:
            try:
                _run_script(url, RESET)
                return url
            except sa.exc.DBAPIError:  # a test changed more than rows: copy it again
                pass
        self.copies.add(name)
        return copy_postgres(name, sa.make_url(self.template("postgresql")).database)

    def fresh(self, kind: str, folder) -> str:
        """A copy of the template of its own."""
        if kind == "sqlite":
            copy = folder / "standpoint.db"
            shutil.copyfile(sa.make_url(self.template(kind)).database, copy)
            return f"sqlite:///{copy}"
        return self._postgres_copy("fresh")

    def shared_copy(self, kind: str) -> str:
        """The copy every read_only test reads; made again if one of them wrote."""
        if kind not in self.shared:
            self.shared[kind] = (self.fresh(kind, self.folder / "shared") if kind == "sqlite"
                                 else self._postgres_copy("shared"))
        return self.shared[kind]


@pytest.fixture(scope="session")
def databases(tmp_path_factory):
    folder = tmp_path_factory.mktemp("databases")
    (folder / "shared").mkdir()
    return Databases(folder)


def pytest_configure(config):
    config.addinivalue_line("markers", "read_only: the module's tests only read, so `app`, "
                                       "`client` and `database_url` share one database for the session")
    config.addinivalue_line("markers", "writes: a test of a read_only module that writes (its own database)")


def _shares_database(request) -> bool:
    node = request.node
    return node.get_closest_marker("read_only") is not None and node.get_closest_marker("writes") is None


@pytest.fixture(params=DATABASES)
def database_url(request, databases, tmp_path):
    """A migrated, seeded database of this test's own (shared by read_only tests)."""
    if _shares_database(request):
        return databases.shared_copy(request.param)
    return databases.fresh(request.param, tmp_path)


def _setup_state(app) -> tuple:
    """What a test can add to an app before its first request: routes, blueprints, hooks."""
    hooks = (app.before_request_funcs, app.after_request_funcs, app.teardown_request_funcs,
             app.error_handler_spec, app.url_value_preprocessors, app.template_context_processors)
    return (len(list(app.url_map.iter_rules())), tuple(app.blueprints),
            tuple(sum(map(len, hook.values())) for hook in hooks))


@contextlib.contextmanager
def app_on(databases: Databases, url: str) -> Iterator:
    """The session's app for `url`'s kind of database, on `url`, as if new: its
    settings, rate-limit counts and first-request state are reset when done."""
    kind = sa.make_url(url).get_backend_name()
    app = databases.app(kind)
    settings, state = dict(app.config), _setup_state(app)
    app.config["DATABASE_URL"] = url
    app.extensions["standpoint.engine"] = engine = make_engine(url)
    for limiter in app.extensions.get("limiter", ()):
        limiter.reset()
    app._got_first_request = False  # a test may add a route before its first request, as on a new app
    try:
        yield app
    finally:
        engine.dispose()
        app.config.clear()
        app.config.update(settings)
        if _setup_state(app) != state:
            del databases.apps[kind]  # the next test gets an app without this one's additions


@pytest.fixture
def app(request, databases, database_url):
    with app_on(databases, database_url) as app:
        if not _shares_database(request):
            yield app
            return
        version = data_version(app)
        yield app
        if data_version(app) != version:
            del databases.shared[sa.make_url(database_url).get_backend_name()]
            pytest.fail("a read_only test changed the stored data: mark it @pytest.mark.writes")


# The longest files, started first: under pytest-xdist (`make test`) the contract run's
# two halves start one on each worker, and nothing long is left to start last.
LONGEST_FIRST = ("tests/servers/test_schemathesis.py", "tests/servers/test_schemathesis_rest.py",
                 "tests/servers/test_write_concurrency.py",
                 "tests/servers/test_worker_kill.py", "tests/servers/test_slow_clients.py")


def pytest_collection_modifyitems(config, items):
    def rank(item):
        path = item.nodeid.split("::")[0]
        return LONGEST_FIRST.index(path) if path in LONGEST_FIRST else len(LONGEST_FIRST)

    items.sort(key=rank)  # stable: the rest keep their order
