"""The database in the app: one engine per app, one read transaction per
request, opened when the request first reads and closed when it ends (the
pattern of flaskr's get_db, closed per request rather than per app context:
an app context may outlive a request, in tests and CLI commands)."""

from __future__ import annotations

import contextlib

import sqlalchemy as sa
from flask import Flask, current_app, g

from .store.engine import make_engine, read_transaction
from .store.migrate import prepare_database
from .store.read import Record


def engine() -> sa.Engine:
    return current_app.extensions["standpoint.engine"]


def record() -> Record:
    """This request's view of the record."""
    if "record" not in g:
        g.record_transaction = contextlib.ExitStack()
        g.record = Record(g.record_transaction.enter_context(read_transaction(engine())))
    return g.record


def close_record(_exc: BaseException | None = None) -> None:
    g.pop("record", None)
    transaction = g.pop("record_transaction", None)
    if transaction is not None:
        transaction.close()


def init_app(app: Flask) -> None:
    app.extensions["standpoint.engine"] = make_engine(
        app.config["DATABASE_URL"], create_missing=app.config.get("PREPARE_DATABASE", True))
    app.teardown_request(close_record)
    app.teardown_appcontext(close_record)
    if app.config.get("PREPARE_DATABASE", True):
        prepare_database(app.extensions["standpoint.engine"],
                         seed=app.config.get("SEED_DATASET", True))
