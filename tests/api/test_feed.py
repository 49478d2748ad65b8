"""The change feed: every write in commit order, resumable with a cursor."""

from __future__ import annotations

import pytest

from .test_writes import STATEMENT, make_key, post

pytestmark = pytest.mark.read_only


@pytest.fixture
def admin(app):
    return {"Authorization": "Bearer " + make_key(app, "data-team", "admin")}


def _all(client, since=None, limit=100):
    url = "/v1/changes?limit=%d" % limit + (f"&since={since}" if since else "")
    return client.get(url).get_json()


@pytest.mark.writes
def test_feed_lists_the_seed_then_new_writes_in_order(client, admin):
    seed = _all(client, limit=500)
    assert not seed["has_more"]
    # The bundled record: 9 actors, 3 topics, 1 source, the English reading, 11 statements
    # and 12 editors' notes.
    assert {e["entity"] for e in seed["items"]} == {"actor", "topic", "statement", "note",
                                                    "source", "reading"}
    assert [e["entity"] for e in seed["items"]].count("note") == 12
    assert len(seed["items"]) == 9 + 3 + 1 + 1 + 11 + 12
    reading = next(e for e in seed["items"] if e["entity"] == "reading")
    assert (reading["id"], reading["href"]) == ("en", "/v1/sources")
    cursor = seed["next_cursor"]
    assert _all(client, cursor)["items"] == []  # nothing new: the cursor stays put
    assert _all(client, cursor)["next_cursor"] == cursor

    created = post(client, "/v1/statements", {**STATEMENT, "id": "s1"}, admin)
    post(client, "/v1/statements/s1/revisions", {"summary": "Fixed."}, admin,
         **{"If-Match": created.headers["ETag"]})
    post(client, "/v1/statements/s1/retraction", {"reason": "Misattributed."}, admin)
    post(client, "/v1/actors", {"id": "nato", "name": "NATO", "kind": "bloc"}, admin)
    client.patch("/v1/actors/nato", json={"name": "North Atlantic Treaty Organization"},
                 headers=admin)
    note = post(client, "/v1/notes", {"id": "n1", "actor": "nato", "topic": "peacekeepers",
                                      "text": "Considered and not coded.",
                                      "source": {"publisher": "Associated Press",
                                                 "published_on": "2025-03-20"}}, admin)
    post(client, "/v1/notes/n1/revisions", {"text": "Considered ¶27 and not coded."}, admin,
         **{"If-Match": note.headers["ETag"]})
    post(client, "/v1/notes/n1/retraction", {"reason": "NATO is not an actor here."}, admin)

    new = _all(client, cursor)
    assert [(e["entity"], e["id"], e["action"], e["revision"]) for e in new["items"]] == [
        ("statement", "s1", "created", 1),
        ("statement", "s1", "revised", 2),
        ("statement", "s1", "retracted", 3),
        ("actor", "nato", "created", None),
        ("actor", "nato", "updated", None),
        ("note", "n1", "created", 1),
        ("note", "n1", "revised", 2),
        ("note", "n1", "retracted", 3),
    ]
    assert [e["tombstone"] for e in new["items"]] == [False, False, True, False, False,
                                                      False, False, True]
    assert {e["recorded_by"] for e in new["items"]} == {"data-team"}
    assert new["items"][0]["href"] == "/v1/statements/s1"
    assert new["items"][-1]["href"] == "/v1/notes/n1"


def test_paging_with_cursors_visits_every_entry_once(client):
    everything = [e["cursor"] for e in _all(client, limit=500)["items"]]
    seen, cursor = [], None
    while True:
        page = _all(client, cursor, limit=7)
        seen += [e["cursor"] for e in page["items"]]
        cursor = page["next_cursor"]
        if not page["has_more"]:
            break
    assert seen == everything and len(set(seen)) == len(seen)


@pytest.mark.parametrize("cursor", ["nonsense!", "c2VxOmFiYw", "MTIz", "%ZZ"])
def test_bad_cursor_is_400(client, cursor):
    response = client.get(f"/v1/changes?since={cursor}")
    assert response.status_code == 400
    assert "since" in response.get_json()["errors"]
