"""Storage: first start seeds, restarts never duplicate, imports are all-or-nothing and idempotent."""

from __future__ import annotations

import copy

import pytest
import sqlalchemy as sa

from service import create_app
from service.store import dataset_io, tables
from service.store.migrate import prepare_database
from service.store.read import data_version as current_version


def count(engine, table) -> int:
    with engine.connect() as conn:
        return conn.execute(sa.select(sa.func.count()).select_from(table)).scalar_one()


def test_first_start_seeds_and_restarts_never_duplicate(database_url):
    first = create_app({"DATABASE_URL": database_url})
    engine = first.extensions["standpoint.engine"]
    statements, changes = count(engine, tables.statement_revisions), count(engine, tables.changes)
    bundled = dataset_io.load_bundled()
    assert statements == len(bundled["statements"])
    for _ in range(2):  # restart twice
        again = create_app({"DATABASE_URL": database_url})
        again.extensions["standpoint.engine"].dispose()
    assert count(engine, tables.statement_revisions) == statements
    assert count(engine, tables.changes) == changes
    engine.dispose()


def test_importing_the_same_dataset_again_changes_nothing(app):
    engine = app.extensions["standpoint.engine"]
    with engine.begin() as conn:
        before = current_version(conn)
        counts = dataset_io.import_dataset(conn, dataset_io.load_bundled(), recorded_by="test")
        assert counts == {"actors": 0, "topics": 0, "sources": 0, "readings": 0, "statements": 0, "notes": 0}
        assert current_version(conn) == before


def test_a_changed_statement_imports_as_a_new_revision_keeping_the_old(app):
    engine = app.extensions["standpoint.engine"]
    document = copy.deepcopy(dataset_io.load_bundled())
    document["statements"][0]["summary"] = "Corrected summary."
    with engine.begin() as conn:
        counts = dataset_io.import_dataset(conn, document, recorded_by="test")
    assert counts["statements"] == 1
    statement_id = document["statements"][0]["id"]
    with engine.connect() as conn:
        rows = conn.execute(
            sa.select(tables.statement_revisions.c.revision, tables.statement_revisions.c.summary)
            .where(tables.statement_revisions.c.statement_id == statement_id)
            .order_by(tables.statement_revisions.c.revision)
        ).all()
    assert [r.revision for r in rows] == [1, 2]
    assert rows[1].summary == "Corrected summary." and rows[0].summary != rows[1].summary


@pytest.mark.parametrize(
    "breakage",
    [
        lambda d: d["statements"][-1].update(stance="enthusiastic"),
        lambda d: d["statements"][-1].update(actor="narnia"),
        lambda d: d["statements"][-1].update(stated_on="2025-02-30"),
        lambda d: d["statements"][-1].pop("source"),
        lambda d: d["statements"].append(dict(d["statements"][0])),
        lambda d: d["topics"][0]["scale"].reverse(),
    ],
    ids=["off-scale stance", "unknown actor", "impossible date", "no source", "duplicate id", "disordered scale"],
)
def test_an_invalid_import_writes_nothing(app, breakage):
    engine = app.extensions["standpoint.engine"]
    document = copy.deepcopy(dataset_io.load_bundled())
    document["actors"].append({"id": "nato", "name": "NATO", "kind": "bloc", "aliases": [], "spokespeople": []})
    breakage(document)
    with engine.connect() as conn:
        before = current_version(conn)
    with pytest.raises(dataset_io.DatasetError):
        with engine.begin() as conn:
            dataset_io.import_dataset(conn, document, recorded_by="test")
    with engine.connect() as conn:
        assert current_version(conn) == before
        assert conn.execute(sa.select(tables.actors.c.id).where(tables.actors.c.id == "nato")).first() is None


def test_export_then_import_into_an_empty_database_reproduces_it(app, tmp_path):
    engine = app.extensions["standpoint.engine"]
    with engine.connect() as conn:
        exported = dataset_io.export_dataset(conn)
    other = sa.create_engine(f"sqlite:///{tmp_path / 'other.db'}")
    prepare_database(other, seed=False)
    with other.begin() as conn:
        dataset_io.import_dataset(conn, exported, recorded_by="restore")
    with other.connect() as conn:
        again = dataset_io.export_dataset(conn)

    def content(document, kind="statements"):
        return sorted(
            ({k: v for k, v in s.items() if k not in ("recorded_at", "recorded_by", "revision")}
             for s in document[kind]),
            key=lambda s: s["id"],
        )

    assert content(again) == content(exported)
    # The editors' notes are part of the record too: all twelve come back, whole.
    assert len(exported["notes"]) == len(dataset_io.load_bundled()["notes"]) == 12
    assert content(again, "notes") == content(exported, "notes")
    assert again["actors"] == exported["actors"] and again["topics"] == exported["topics"]
    other.dispose()


def test_a_write_is_read_by_the_very_next_request_of_another_app(app, database_url):
    """No copy of the record in any worker: two apps on one database (two
    workers, two instances) read every write at once."""
    other = create_app({"DATABASE_URL": database_url, "TESTING": True}).test_client()
    statement_id = dataset_io.load_bundled()["statements"][0]["id"]
    before = other.get(f"/v1/statements/{statement_id}")
    document = copy.deepcopy(dataset_io.load_bundled())
    document["statements"][0]["summary"] = "A correction."
    with app.extensions["standpoint.engine"].begin() as conn:
        dataset_io.import_dataset(conn, document, recorded_by="test")
    after = other.get(f"/v1/statements/{statement_id}")
    assert after.get_json()["summary"] == "A correction."
    assert after.get_json()["revision"] == before.get_json()["revision"] + 1
    assert after.headers["ETag"] != before.headers["ETag"]
