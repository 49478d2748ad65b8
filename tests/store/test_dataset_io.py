"""Whole-dataset export and import: validated first, all or nothing, idempotent."""

from __future__ import annotations

import datetime as dt
import json

import pytest
import sqlalchemy as sa

from service import create_app
from service.store import tables
from service.store.dataset_io import bundled, load_bundled
from service.web.filters import long_date

from ..api.test_writes import STATEMENT, make_key, post

pytestmark = pytest.mark.read_only


def _run(app, *args):
    return app.test_cli_runner().invoke(args=list(args))


def _content(export: dict) -> dict:
    # The data version counts writes, not content: leave it out.
    return {k: v for k, v in export.items() if k != "version"}


@pytest.mark.writes
def test_export_imported_into_an_empty_database_reproduces_it(app, client, tmp_path):
    editor = {"Authorization": "Bearer " + make_key(app, "ap-desk", "editor")}
    created = post(client, "/v1/statements", {**STATEMENT, "id": "s1"}, editor)
    post(client, "/v1/statements/s1/revisions", {"summary": "Fixed."}, editor,
         **{"If-Match": created.headers["ETag"]})
    note = {"id": "uk-backstop-desk", "actor": "uk", "topic": "backstop",
            "text": "Checked against the Starmer interview.",
            "source": {"publisher": "Associated Press", "published_on": "2025-03-20",
                       "location": "¶28"}}
    assert post(client, "/v1/notes", note, editor).status_code == 201
    dump = tmp_path / "export.json"
    assert _run(app, "data", "export", "-o", str(dump)).exit_code == 0
    exported = json.loads(dump.read_text())
    assert any(s["id"] == "s1" and s["summary"] == "Fixed." for s in exported["statements"])
    # The twelve bundled notes and the new one travel with the statements.
    assert len(exported["notes"]) == 13
    assert any(n["id"] == "uk-backstop-desk" and n["text"] == note["text"]
               for n in exported["notes"])

    empty = create_app({"DATABASE_URL": f"sqlite:///{tmp_path / 'empty.db'}", "SEED_DATASET": False})
    result = _run(empty, "data", "import", str(dump))
    assert result.exit_code == 0, result.output
    again = tmp_path / "again.json"
    _run(empty, "data", "export", "-o", str(again))
    assert _content(json.loads(again.read_text())) == _content(exported)
    # importing the same file again changes nothing
    assert json.loads(_run(empty, "data", "import", str(dump)).output) == {
        "actors": 0, "topics": 0, "sources": 0, "readings": 0, "statements": 0, "notes": 0}
    empty.extensions["standpoint.engine"].dispose()


def test_invalid_import_writes_nothing(app, tmp_path):
    dump = tmp_path / "export.json"
    _run(app, "data", "export", "-o", str(dump))
    document = json.loads(dump.read_text())
    document["statements"].append({**document["statements"][0], "id": "new-one"})
    document["statements"].append({**document["statements"][0], "id": "bad", "topic": "backstop",
                                "stance": "full"})
    dump.write_text(json.dumps(document))
    engine = app.extensions["standpoint.engine"]
    with engine.connect() as conn:
        before = conn.execute(sa.select(sa.func.count()).select_from(tables.changes)).scalar()
    result = _run(app, "data", "import", str(dump))
    assert result.exit_code == 1 and "nothing written" in result.output
    with engine.connect() as conn:
        after = conn.execute(sa.select(sa.func.count()).select_from(tables.changes)).scalar()
    assert after == before


def test_bundled_seed_goes_through_the_import_path(app):
    engine = app.extensions["standpoint.engine"]
    with engine.connect() as conn:
        authors = set(conn.execute(sa.select(tables.changes.c.recorded_by)).scalars())
    assert authors == {"bundled dataset"}


def test_keys_cli_create_list_revoke(app):
    created = _run(app, "keys", "create", "--name", "desk", "--scope", "editor")
    assert created.exit_code == 0 and created.output.strip().startswith("sp_")
    duplicate = _run(app, "keys", "create", "--name", "desk", "--scope", "admin")
    assert duplicate.exit_code == 1
    listed = _run(app, "keys", "list").output
    assert "desk\teditor" in listed and "active" in listed
    assert created.output.strip() not in listed
    assert _run(app, "keys", "revoke", "desk").exit_code == 0
    assert "revoked" in _run(app, "keys", "list").output
    assert _run(app, "keys", "revoke", "desk").exit_code == 1


def test_keys_cli_makes_a_reporter_key_that_may_only_propose(app):
    created = _run(app, "keys", "create", "--name", "kyiv-stringer", "--scope", "reporter")
    assert created.exit_code == 0, created.output
    key = created.output.strip()
    assert "kyiv-stringer\treporter" in _run(app, "keys", "list").output
    client = app.test_client()
    headers = {"Authorization": f"Bearer {key}"}
    assert client.get("/v1/proposals", headers=headers).status_code == 200
    assert client.post("/v1/statements", json={}, headers=headers).status_code == 403
    unknown = _run(app, "keys", "create", "--name", "x", "--scope", "intern")
    assert unknown.exit_code == 2 and "reporter" in unknown.output


# -- "Last updated" is the editors' date, not the day of loading (issue 21) ------------------

def test_the_seed_records_the_bundled_files_own_edit_date_not_the_load_time(client):
    edited = bundled().edited_at
    assert edited is not None  # the bundled file says when it was last edited
    note = client.get("/v1/notes/us-backstop-considered").get_json()
    statement = client.get("/v1/statements/uk-backstop-2025-03-20").get_json()
    assert dt.datetime.fromisoformat(note["recorded_at"]) == edited
    assert dt.datetime.fromisoformat(statement["recorded_at"]) == edited
    page = client.get("/embed/matrix?as_of=2025-03-20").get_data(as_text=True)
    assert f"Last updated {long_date(edited.date())}." in page


def test_an_import_dates_the_record_by_the_files_edited_at(tmp_path):
    document = load_bundled()
    document["edited_at"] = "2025-03-21T09:30:00+00:00"
    dump = tmp_path / "edited.json"
    dump.write_text(json.dumps(document, default=str))
    empty = create_app({"DATABASE_URL": f"sqlite:///{tmp_path / 'empty.db'}", "SEED_DATASET": False})
    assert _run(empty, "data", "import", str(dump)).exit_code == 0
    client = empty.test_client()
    for path in ("/embed/matrix?as_of=2025-03-20", "/embed/compare?actors=uk,us&as_of=2025-03-20",
                 "/embed/actors/ukraine/timeline?to=2025-03-20",
                 "/embed/topics/peacekeepers/spectrum?as_of=2025-03-20",
                 "/embed/actors/ukraine/steps?topic=ceasefire_scope&to=2025-03-20"):
        page = client.get(path).get_data(as_text=True)
        assert "Last updated 21 March 2025." in page, path
    feed = client.get("/v1/changes").get_json()
    assert {entry["at"] for entry in feed["items"]} == {"2025-03-21T09:30:00+00:00"}
    empty.extensions["standpoint.engine"].dispose()
