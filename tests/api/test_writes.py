"""The editorial write path: keys, statements and their history, idempotency."""

from __future__ import annotations

import datetime as dt

import pytest

from service.store import keys

STATEMENT = {
    "actor": "gb",
    "topic": "backstop",
    "stance": "supports",
    "summary": "The UK backs a US security guarantee.",
    "quote": "We will need American support.",
    "quote_kind": "verbatim",
    "speaker": {"name": "Keir Starmer", "role": "Prime Minister"},
    "stated_on": "2025-03-25",
    "date_precision": "day",
    "source": {"publisher": "Associated Press", "published_on": "2025-03-25",
               "url": "https://apnews.com/example"},
}


def make_key(app, name, scope):
    return keys.create_key(app.extensions["standpoint.engine"], name, scope)


@pytest.fixture
def editor(app):
    return {"Authorization": "Bearer " + make_key(app, "ap-desk", "editor")}


@pytest.fixture
def admin(app):
    return {"Authorization": "Bearer " + make_key(app, "data-team", "admin")}


def post(client, url, body, headers, **extra):
    return client.post(url, json=body, headers={**headers, **extra})


# -- authentication ------------------------------------------------------------

def test_write_without_a_key_is_401_with_a_bearer_challenge(client):
    response = client.post("/v1/statements", json=STATEMENT)
    assert response.status_code == 401
    assert response.headers["WWW-Authenticate"].startswith("Bearer")
    assert response.get_json()["type"].endswith("/unauthorized")


def test_wrong_and_revoked_keys_are_401(app, client, editor):
    bad = client.post("/v1/statements", json=STATEMENT, headers={"Authorization": "Bearer sp_nope"})
    assert bad.status_code == 401
    keys.revoke_key(app.extensions["standpoint.engine"], "ap-desk")
    revoked = client.post("/v1/statements", json=STATEMENT, headers=editor)
    assert revoked.status_code == 401
    assert "invalid_token" in revoked.headers["WWW-Authenticate"]


def test_editor_key_cannot_touch_actors_but_admin_implies_editor(client, editor, admin):
    nato = {"id": "nato", "name": "NATO", "kind": "bloc"}
    assert post(client, "/v1/actors", nato, editor).status_code == 403
    assert post(client, "/v1/statements", STATEMENT, admin).status_code == 201


def test_only_the_hash_of_a_key_is_stored(app):
    import sqlalchemy as sa

    from service.store import tables

    key = make_key(app, "someone", "editor")
    with app.extensions["standpoint.engine"].connect() as conn:
        stored = conn.execute(sa.select(tables.api_keys.c.key_hash)).scalar_one()
    assert key not in stored and stored == keys.hash_key(key)


def test_reads_need_no_key(client):
    assert client.get("/v1/statements").status_code == 200


def test_write_operations_are_documented_with_bearer_security():
    from ..contract import spec_dict

    spec = spec_dict()
    assert spec["components"]["securitySchemes"]["bearerAuth"]["scheme"] == "bearer"
    writes = [(path, method, op) for path, item in spec["paths"].items()
              for method, op in item.items() if method in ("post", "patch", "put", "delete")]
    # statements, notes and sources: create, revise, retract; actors, topics; webhook
    # subscriptions: create, change, delete, redeliver; proposals: create, revise,
    # approve, return, withdraw
    assert len(writes) == 22
    for path, method, op in writes:
        assert op["security"] == [{"bearerAuth": []}], (method, path)
        assert {"401", "403"} <= {str(s) for s in op["responses"]}
    # Reads of the record are open, and say so; webhook subscriptions are an admin's,
    # proposals the desk's, a source's text and its candidate sentences an editor's.
    assert all(op["security"] == [] for path, item in spec["paths"].items()
               if not path.startswith(("/v1/subscriptions", "/v1/proposals"))
               for method, op in item.items() if method == "get"
               and op["operationId"] not in ("getSourceParagraphs", "getSourceCandidates"))


# -- creating statements ---------------------------------------------------------

def test_created_statement_is_readable_at_its_location(client, editor):
    response = post(client, "/v1/statements", {**STATEMENT, "id": "uk-backstop-2025-03-25"}, editor)
    assert response.status_code == 201
    assert response.headers["Location"] == "/v1/statements/uk-backstop-2025-03-25"
    created = response.get_json()
    assert created["actor"] == "uk"  # the alias was resolved
    assert created["revision"] == 1 and created["status"] == "current"
    read = client.get(response.headers["Location"])
    assert read.get_json() == created
    assert read.headers["ETag"] == response.headers["ETag"]
    positions = client.get("/v1/positions?as_of=2025-03-26&actors=uk&topics=backstop").get_json()
    assert positions["positions"][0]["stance"] == "supports"


def test_id_is_generated_when_absent(client, editor):
    response = post(client, "/v1/statements", STATEMENT, editor)
    assert response.status_code == 201
    assert response.get_json()["id"].startswith("uk-backstop-2025-03-25-")


def test_duplicate_id_is_409(client, editor):
    body = {**STATEMENT, "id": "uk-backstop-2025-03-20"}  # in the bundled dataset
    response = post(client, "/v1/statements", body, editor)
    assert response.status_code == 409


@pytest.mark.parametrize("change, field", [
    ({"stance": "full"}, "stance"),            # on another topic's scale only
    ({"stance": "no_position"}, "stance"),     # never recorded, only derived
    ({"actor": "narnia"}, "actor"),
    ({"topic": "weather"}, "topic"),
])
def test_statement_contradicting_the_record_is_422(client, editor, change, field):
    response = post(client, "/v1/statements", {**STATEMENT, **change}, editor)
    assert response.status_code == 422
    assert field in response.get_json()["errors"]


def test_unclear_is_always_a_valid_stance(client, editor):
    assert post(client, "/v1/statements", {**STATEMENT, "stance": "unclear"}, editor).status_code == 201


@pytest.mark.parametrize("change, field", [
    ({"mood": "angry"}, "mood"),
    ({"stated_on": "2025-02-30"}, "stated_on"),
    ({"stated_on": (dt.date.today() + dt.timedelta(days=2)).isoformat()}, "stated_on"),
    ({"source": {"publisher": "AP"}}, "source"),
    ({"quote_kind": "rumour"}, "quote_kind"),
    ({"date_precision": "week"}, "date_precision"),
    ({"id": "Has Spaces"}, "id"),
])
def test_malformed_statement_is_400_naming_the_field(client, editor, change, field):
    response = post(client, "/v1/statements", {**STATEMENT, **change}, editor)
    assert response.status_code == 400
    assert field in response.get_json()["errors"]


def test_missing_source_is_400(client, editor):
    body = {k: v for k, v in STATEMENT.items() if k != "source"}
    assert post(client, "/v1/statements", body, editor).status_code == 400


def test_non_json_body_is_415(client, editor):
    response = client.post("/v1/statements", data="actor=uk",
                           headers={**editor, "Content-Type": "application/x-www-form-urlencoded"})
    assert response.status_code == 415


# -- idempotency -------------------------------------------------------------------

def test_retry_with_the_same_idempotency_key_replays_and_creates_nothing(client, editor):
    first = post(client, "/v1/statements", STATEMENT, editor, **{"Idempotency-Key": "k-1"})
    again = post(client, "/v1/statements", STATEMENT, editor, **{"Idempotency-Key": "k-1"})
    assert first.status_code == again.status_code == 201
    assert again.get_json() == first.get_json()
    assert again.headers["Location"] == first.headers["Location"]
    assert again.headers["Idempotent-Replayed"] == "true"
    listed = client.get("/v1/statements?from=2025-03-25").get_json()
    assert listed["total"] == 1


def test_same_idempotency_key_with_another_body_is_422(client, editor):
    post(client, "/v1/statements", STATEMENT, editor, **{"Idempotency-Key": "k-2"})
    other = post(client, "/v1/statements", {**STATEMENT, "stance": "requires"}, editor,
                 **{"Idempotency-Key": "k-2"})
    assert other.status_code == 422
    assert other.get_json()["type"].endswith("/idempotency-key-reused")
    assert client.get("/v1/statements?from=2025-03-25").get_json()["total"] == 1


def test_idempotency_keys_are_scoped_to_the_api_key(app, client, editor):
    other = {"Authorization": "Bearer " + make_key(app, "reuters-desk", "editor")}
    a = post(client, "/v1/statements", STATEMENT, editor, **{"Idempotency-Key": "shared"})
    b = post(client, "/v1/statements", STATEMENT, other, **{"Idempotency-Key": "shared"})
    assert a.status_code == b.status_code == 201
    assert a.get_json()["id"] != b.get_json()["id"]


def test_refused_write_is_not_remembered_under_its_key(client, editor):
    bad = {**STATEMENT, "id": "uk-backstop-2025-03-20"}
    assert post(client, "/v1/statements", bad, editor, **{"Idempotency-Key": "k-3"}).status_code == 409
    good = {**bad, "id": "uk-backstop-fresh"}
    assert post(client, "/v1/statements", good, editor, **{"Idempotency-Key": "k-4"}).status_code == 201


# -- revisions, retraction, history ----------------------------------------------------

def _create(client, editor, **change):
    response = post(client, "/v1/statements", {**STATEMENT, "id": "uk-backstop-x", **change}, editor)
    assert response.status_code == 201
    return response


def test_correction_needs_if_match_and_makes_a_new_revision(client, editor):
    created = _create(client, editor)
    url = "/v1/statements/uk-backstop-x/revisions"
    fix = {"quote": "We will need American support, clearly.", "note": "Quote was cut short."}
    assert post(client, url, fix, editor).status_code == 428
    assert post(client, url, fix, editor, **{"If-Match": '"r9-nope"'}).status_code == 412
    revised = post(client, url, fix, editor, **{"If-Match": created.headers["ETag"]})
    assert revised.status_code == 201
    assert revised.get_json()["revision"] == 2
    assert revised.get_json()["quote"] == fix["quote"]
    # the old ETag is now stale
    stale = post(client, url, {"summary": "x"}, editor, **{"If-Match": created.headers["ETag"]})
    assert stale.status_code == 412
    current = client.get("/v1/statements/uk-backstop-x")
    assert current.headers["ETag"] == revised.headers["ETag"]
    history = client.get("/v1/statements/uk-backstop-x/history").get_json()
    assert [r["revision"] for r in history["revisions"]] == [1, 2]
    assert history["revisions"][0]["quote"] == STATEMENT["quote"]  # the old one stays readable
    assert history["revisions"][1]["note"] == "Quote was cut short."
    assert {r["recorded_by"] for r in history["revisions"]} == {"ap-desk"}


def test_correction_is_validated_like_a_new_statement(client, editor):
    created = _create(client, editor)
    response = post(client, "/v1/statements/uk-backstop-x/revisions", {"stance": "full"}, editor,
                    **{"If-Match": created.headers["ETag"]})
    assert response.status_code == 422


def test_retraction_removes_the_statement_from_positions(client, editor):
    before = client.get("/v1/positions?as_of=2025-03-21&actors=uk&topics=backstop").get_json()
    assert before["positions"][0]["statement"]["id"] == "uk-backstop-2025-03-20"
    retracted = post(client, "/v1/statements/uk-backstop-2025-03-20/retraction",
                     {"reason": "Misattributed."}, editor)
    assert retracted.status_code == 201
    assert retracted.get_json()["status"] == "retracted"
    after = client.get("/v1/positions?as_of=2025-03-21&actors=uk&topics=backstop").get_json()
    assert after["positions"][0]["stance"] == "no_position"
    still = client.get("/v1/statements/uk-backstop-2025-03-20").get_json()
    assert still["status"] == "retracted"
    again = post(client, "/v1/statements/uk-backstop-2025-03-20/retraction",
                 {"reason": "twice"}, editor)
    assert again.status_code == 409
    history = client.get("/v1/statements/uk-backstop-2025-03-20/history").get_json()
    assert [r["status"] for r in history["revisions"]] == ["current", "retracted"]
    assert history["revisions"][-1]["note"] == "Misattributed."


def test_retracted_statement_cannot_be_revised(client, editor):
    post(client, "/v1/statements/uk-backstop-2025-03-20/retraction", {"reason": "x"}, editor)
    etag = client.get("/v1/statements/uk-backstop-2025-03-20").headers["ETag"]
    response = post(client, "/v1/statements/uk-backstop-2025-03-20/revisions", {"summary": "y"},
                    editor, **{"If-Match": etag})
    assert response.status_code == 409


def test_unknown_statement_history_and_revision_are_404(client, editor):
    assert client.get("/v1/statements/nope/history").status_code == 404
    response = post(client, "/v1/statements/nope/revisions", {"summary": "y"}, editor,
                    **{"If-Match": '"r1-x"'})
    assert response.status_code == 404


def test_retraction_with_a_stale_if_match_is_412(client, editor):
    created = _create(client, editor)
    post(client, "/v1/statements/uk-backstop-x/revisions", {"summary": "Fixed."}, editor,
         **{"If-Match": created.headers["ETag"]})
    stale = post(client, "/v1/statements/uk-backstop-x/retraction", {"reason": "x"}, editor,
                 **{"If-Match": created.headers["ETag"]})
    assert stale.status_code == 412
    assert client.get("/v1/statements/uk-backstop-x").get_json()["status"] == "current"


def test_get_statement_answers_304_for_its_etag(client):
    first = client.get("/v1/statements/uk-backstop-2025-03-20")
    again = client.get("/v1/statements/uk-backstop-2025-03-20",
                       headers={"If-None-Match": first.headers["ETag"]})
    assert again.status_code == 304
