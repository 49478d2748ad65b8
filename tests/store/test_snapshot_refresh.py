"""After a write, each worker brings its snapshot up to date by reading only
what the change log says changed: the result must be exactly what a full
load gives."""

from __future__ import annotations

import pytest

from service.store import dataset_io
from service.store import db as store_db
from service.store.read import load_dataset


def write(app, change) -> None:
    engine = app.extensions["standpoint.store"].engine
    with engine.begin() as conn:
        document = dataset_io.export_dataset(conn)
        change(document)
        dataset_io.import_dataset(conn, document, recorded_by="test")


def full_load(app):
    with app.extensions["standpoint.store"].engine.connect() as conn:
        return load_dataset(conn)


def add_and_revise(document) -> None:
    statements = document["statements"]
    uk = next(s for s in statements if s["id"] == "uk-backstop-2025-03-20")
    statements.append({**uk, "id": "uk-backstop-2025-03-28", "stance": "supports",
                       "stated_on": "2025-03-28"})
    russia = next(s for s in statements if s["id"] == "russia-peacekeepers-2025-03-20")
    russia["status"] = "retracted"


def same_dataset(a, b) -> bool:
    return (a.version == b.version and a.statements == b.statements
            and [s.id for s in a.chronological] == [s.id for s in b.chronological]
            and a.actors == b.actors and a.topics == b.topics)


def test_statement_writes_refresh_the_snapshot_without_a_full_load(app, monkeypatch):
    store = app.extensions["standpoint.store"]
    before = store.snapshot()
    write(app, add_and_revise)

    def no_full_load(_conn):
        raise AssertionError("a statement write must not reload everything")

    monkeypatch.setattr(store_db, "load_dataset", no_full_load)
    after = store.snapshot()
    monkeypatch.undo()
    assert after.version > before.version
    assert same_dataset(after, full_load(app))
    assert after.statements["uk-backstop-2025-03-28"].stance == "supports"
    assert after.statements["russia-peacekeepers-2025-03-20"].retracted
    # Untouched statements were copied as stored; only the retracted one's old
    # revision is left behind, until the next full load.
    assert after.superseded_rows == before.superseded_rows + 1


def test_actor_or_topic_writes_load_everything_again(app):
    store = app.extensions["standpoint.store"]
    store.snapshot()

    def rename(document):
        document["actors"][0]["name"] = "Renamed"

    write(app, rename)
    after = store.snapshot()
    assert same_dataset(after, full_load(app))
    assert any(actor.name == "Renamed" for actor in after.actors.values())


@pytest.mark.parametrize("writes", [1, 3])
def test_refresh_after_several_writes_matches_a_full_load(app, writes):
    store = app.extensions["standpoint.store"]
    store.snapshot()
    for n in range(writes):
        def one_more(document, n=n):
            uk = next(s for s in document["statements"] if s["id"] == "uk-backstop-2025-03-20")
            document["statements"].append({**uk, "id": f"uk-backstop-2025-04-0{n + 1}",
                                           "stated_on": f"2025-04-0{n + 1}"})
        write(app, one_more)
    assert same_dataset(store.snapshot(), full_load(app))


def _tracked(obj) -> bool:
    """Whether the cyclic garbage collector would walk `obj` in a collection."""
    import gc

    return any(o is obj for o in gc.get_objects())  # every generation, not the frozen objects


def test_snapshots_are_kept_out_of_garbage_collections(app):
    # Full collections would otherwise walk every statement of the snapshot.
    store = app.extensions["standpoint.store"]
    assert not _tracked(store.snapshot())
    write(app, add_and_revise)  # a refresh: the new snapshot is frozen too
    assert not _tracked(store.snapshot())


def test_the_free_heap_is_handed_back_every_so_many_requests(app, monkeypatch):
    """Counted over requests the app computes (a new as_of each time): answers
    from the response cache never enter Flask, and allocate next to nothing."""
    import datetime as dt

    app.extensions["standpoint.store"].snapshot()  # a full load trims too: not counted here
    trims = []
    monkeypatch.setattr(store_db, "release_free_memory", lambda: trims.append(1))
    client = app.test_client()
    for n in range(store_db.TRIM_EVERY * 2 + 1):
        client.get(f"/v1/positions?as_of={dt.date(2025, 1, 1) + dt.timedelta(days=n)}")
    assert len(trims) == 2
