"""/v1/proposals: a reporter proposes, another editor approves or returns, and an
approval writes exactly what the direct write would (docs/REVIEW.md).

The statements proposed here are invented for the tests; none is in the bundled record."""

from __future__ import annotations

import json

import pytest
import sqlalchemy as sa

from service.store import subscriptions, tables
from service.store.engine import write_transaction

from ..helpers import data_version
from .test_writes import make_key

# An invented statement: Ukraine narrowing the ceasefire it backs, a day after the
# bundled ukraine-ceasefire-scope-2025-03-20 (energy and civilian infrastructure).
NARROWER = {
    "actor": "ukraine", "topic": "ceasefire_scope", "stance": "energy_only",
    "summary": "Invented for a test: Ukraine backs a halt on energy strikes only.",
    "quote": "Energy infrastructure only.", "quote_kind": "paraphrase",
    "stated_on": "2025-03-21", "date_precision": "day",
    "source": {"publisher": "Test wire", "published_on": "2025-03-21"},
}
NARROWER_SENTENCE = ("If approved: Ukraine moved narrower on 21 March 2025: from Energy and "
                     "civilian infrastructure to Energy infrastructure only (1 step)")
NOTE = {"actor": "germany", "topic": "backstop", "text": "Considered ¶40: invented for a test.",
        "reader_text": "The report quotes no German view on a US guarantee.",
        "source": {"publisher": "Test wire", "published_on": "2025-03-20"}}


def bearer(key: str, **headers) -> dict:
    return {"Authorization": "Bearer " + key, **headers}


@pytest.fixture
def keys(app):
    """Two reporters, two editors and an admin."""
    return {name: make_key(app, name, scope) for name, scope in (
        ("kyiv-stringer", "reporter"), ("second-reporter", "reporter"), ("desk-editor", "editor"),
        ("night-editor", "editor"), ("data-team", "admin"))}


def propose(client, key, body=NARROWER, kind="statement", action="create", target=None,
            status=201):
    request = {"kind": kind, "action": action, "body": body,
               **({"target": target} if target else {})}
    response = client.post("/v1/proposals", json=request, headers=bearer(key))
    assert response.status_code == status, response.get_json()
    return response


def approve(client, key, proposal, **headers):
    return client.post(f"/v1/proposals/{proposal.get_json()['id']}/approval",
                       headers=bearer(key, **{"If-Match": proposal.headers["ETag"], **headers}))


def count(app, table, **where) -> int:
    with app.extensions["standpoint.engine"].connect() as conn:
        return conn.scalar(sa.select(sa.func.count()).select_from(table).where(
            *(table.c[column] == value for column, value in where.items())))


def subscribe(app) -> str:
    with write_transaction(app.extensions["standpoint.engine"]) as conn:
        return subscriptions.create(conn, {"url": "https://newsroom.example/hook"}, "test")[0].id


# -- the whole path ------------------------------------------------------------------

def test_a_reporter_proposes_an_editor_approves_and_everything_exists_once(app, client, keys):
    subscription = subscribe(app)
    version, logged = data_version(app), count(app, tables.changes)
    proposed = propose(client, keys["kyiv-stringer"])
    body = proposed.get_json()
    assert (body["status"], body["revision"], body["proposed_by"]) == ("pending", 1, "kyiv-stringer")
    assert proposed.headers["Location"] == f"/v1/proposals/{body['id']}"
    # Proposing writes nothing of the record: no statement, no event, no data version.
    assert data_version(app) == version
    assert count(app, tables.webhook_deliveries) == 0

    approved = approve(client, keys["desk-editor"], proposed)
    assert approved.status_code == 201, approved.get_json()
    result = approved.get_json()
    assert (result["status"], result["recorded_by"], result["result_revision"]) == (
        "approved", "desk-editor", 1)
    statement_id = result["result_id"]
    statement = client.get(f"/v1/statements/{statement_id}").get_json()
    assert (statement["actor"], statement["stance"], statement["revision"]) == (
        "ukraine", "energy_only", 1)
    # Once each: the statement, its revision, its change log entry and its webhook event.
    assert count(app, tables.current_statements, statement_id=statement_id) == 1
    assert count(app, tables.statement_revisions, statement_id=statement_id) == 1
    assert count(app, tables.changes, entity_id=statement_id) == 1
    with app.extensions["standpoint.engine"].connect() as conn:
        deliveries = conn.execute(sa.select(tables.webhook_deliveries)).all()
    assert len(deliveries) == 1
    assert deliveries[0].subscription_id == subscription
    event = json.loads(deliveries[0].body)["data"]
    assert (event["statement"]["id"], event["verdict"], event["direction"]) == (
        statement_id, "shifted", "narrower")
    # The recorded_by of the statement is the approving editor, as for her direct write.
    history = client.get(f"/v1/statements/{statement_id}/history").get_json()["revisions"]
    assert [r["recorded_by"] for r in history] == ["desk-editor"]
    # One entry in the change log, and a new data version. (Not necessarily version + 1:
    # on PostgreSQL a preview's rolled-back log entry still used up a sequence number.)
    assert count(app, tables.changes) == logged + 1
    assert data_version(app) > version


def test_the_preview_is_what_approval_then_sends(app, client, keys):
    subscribe(app)
    proposed = propose(client, keys["kyiv-stringer"])
    preview = client.get(proposed.headers["Location"],
                         headers=bearer(keys["desk-editor"])).get_json()["preview"]
    assert preview["sentences"] == [NARROWER_SENTENCE]
    assert preview["refused"] is None
    (previewed,) = preview["events"]
    assert approve(client, keys["desk-editor"], proposed).status_code == 201
    with app.extensions["standpoint.engine"].connect() as conn:
        sent = json.loads(conn.scalar(sa.select(tables.webhook_deliveries.c.body)))["data"]
    # The same event, but for what only the real write names: its sequence and the
    # statement's generated id.
    for field in ("change", "actor", "topic", "date", "current", "verdict", "distance",
                  "direction", "summary", "conditions_added", "conditions_removed"):
        assert previewed[field] == sent[field], field
    assert previewed["from"] == sent["from"]
    assert previewed["to"]["stance"] == sent["to"]["stance"]


def test_a_preview_leaves_nothing_behind(app, client, keys):
    subscribe(app)
    proposed = propose(client, keys["kyiv-stringer"])
    version = data_version(app)
    statements = count(app, tables.statement_revisions)
    for _ in range(2):
        assert client.get(proposed.headers["Location"],
                          headers=bearer(keys["desk-editor"])).status_code == 200
    assert (data_version(app), count(app, tables.statement_revisions),
            count(app, tables.webhook_deliveries)) == (version, statements, 0)


# -- nobody approves her own ------------------------------------------------------

def test_an_editor_cannot_approve_her_own_proposal(app, client, keys):
    proposed = propose(client, keys["desk-editor"])
    version = data_version(app)
    own = approve(client, keys["desk-editor"], proposed)
    assert own.status_code == 403
    assert own.mimetype == "application/problem+json"
    assert own.get_json()["type"] == "/problems/own-proposal"
    assert "another editor" in own.get_json()["detail"]
    assert data_version(app) == version
    # ... nor return it; another editor can approve it.
    returned = client.post(f"/v1/proposals/{proposed.get_json()['id']}/return",
                           json={"reason": "Mine."},
                           headers=bearer(keys["desk-editor"], **{"If-Match": proposed.headers["ETag"]}))
    assert returned.get_json()["type"] == "/problems/own-proposal"
    assert approve(client, keys["night-editor"], proposed).status_code == 201


def test_an_admin_cannot_approve_her_own_proposal_either(client, keys):
    proposed = propose(client, keys["data-team"])
    assert approve(client, keys["data-team"], proposed).get_json()["type"] == "/problems/own-proposal"


def test_a_reporter_cannot_approve_at_all(client, keys):
    proposed = propose(client, keys["kyiv-stringer"])
    for key in ("kyiv-stringer", "second-reporter"):
        refused = approve(client, keys[key], proposed)
        assert refused.status_code == 403
        assert refused.get_json()["type"] == "/problems/forbidden"


# -- a reporter only proposes -------------------------------------------------------

@pytest.mark.parametrize("method, url, body", [
    ("post", "/v1/statements", NARROWER),
    ("post", "/v1/notes", NOTE),
    ("post", "/v1/statements/uk-backstop-2025-03-20/revisions", {"quote": "Changed."}),
    ("post", "/v1/statements/uk-backstop-2025-03-20/retraction", {"reason": "Wrong."}),
    ("post", "/v1/notes/uk-peacekeepers-considered/retraction", {"reason": "Wrong."}),
])
def test_a_reporters_direct_write_is_403_pointing_at_proposals(app, client, keys, method, url, body):
    version = data_version(app)
    response = client.open(url, method=method.upper(), json=body,
                           headers=bearer(keys["kyiv-stringer"], **{"If-Match": "*"}))
    assert response.status_code == 403
    problem = response.get_json()
    assert problem["type"] == "/problems/forbidden"
    assert problem["proposals"] == "/v1/proposals"
    assert "POST /v1/proposals" in problem["detail"]
    assert data_version(app) == version


def test_a_reporter_cannot_touch_actors_or_subscriptions(client, keys):
    for url in ("/v1/actors", "/v1/subscriptions"):
        response = client.post(url, json={}, headers=bearer(keys["kyiv-stringer"]))
        assert response.status_code == 403
        assert "proposals" not in response.get_json()


# -- returned, revised, resubmitted ------------------------------------------------------

def test_returned_revised_and_approved_with_its_whole_history(client, keys):
    proposed = propose(client, keys["kyiv-stringer"])
    url = proposed.headers["Location"]
    no_reason = client.post(f"{url}/return", json={},
                            headers=bearer(keys["desk-editor"], **{"If-Match": proposed.headers["ETag"]}))
    assert no_reason.status_code == 400
    assert "reason" in no_reason.get_json()["errors"]
    returned = client.post(f"{url}/return", json={"reason": "Which paragraph says this?"},
                           headers=bearer(keys["desk-editor"], **{"If-Match": proposed.headers["ETag"]}))
    assert returned.status_code == 201
    assert (returned.get_json()["status"], returned.get_json()["reason"]) == (
        "returned", "Which paragraph says this?")
    # A returned proposal is not approved until its proposer resubmits it.
    assert approve(client, keys["night-editor"], returned).get_json()["type"] == "/problems/proposal-closed"
    # Only its proposer revises it, and only with its current ETag.
    other = client.post(f"{url}/revisions", json={"body": NARROWER},
                        headers=bearer(keys["second-reporter"], **{"If-Match": returned.headers["ETag"]}))
    assert (other.status_code, other.get_json()["type"]) == (403, "/problems/not-your-proposal")
    stale = client.post(f"{url}/revisions", json={"body": NARROWER},
                        headers=bearer(keys["kyiv-stringer"], **{"If-Match": proposed.headers["ETag"]}))
    assert stale.status_code == 412
    located = {**NARROWER, "source": {**NARROWER["source"], "location": "¶12"}}
    revised = client.post(f"{url}/revisions", json={"body": located, "reason": "Paragraph added."},
                          headers=bearer(keys["kyiv-stringer"], **{"If-Match": returned.headers["ETag"]}))
    assert revised.status_code == 201, revised.get_json()
    assert (revised.get_json()["status"], revised.get_json()["revision"]) == ("pending", 3)
    assert revised.get_json()["preview"]["sentences"] == [NARROWER_SENTENCE]
    approved = approve(client, keys["night-editor"], revised)
    assert approved.status_code == 201
    statement = client.get(f"/v1/statements/{approved.get_json()['result_id']}").get_json()
    assert statement["source"]["location"] == "¶12"
    history = client.get(f"{url}/history", headers=bearer(keys["kyiv-stringer"])).get_json()
    assert [(r["status"], r["recorded_by"], r["reason"]) for r in history["revisions"]] == [
        ("pending", "kyiv-stringer", None),
        ("returned", "desk-editor", "Which paragraph says this?"),
        ("pending", "kyiv-stringer", "Paragraph added."),
        ("approved", "night-editor", None)]
    assert history["revisions"][-1]["result_id"] == statement["id"]
    # Decided: nothing more happens to it.
    again = client.post(f"{url}/revisions", json={"body": NARROWER},
                        headers=bearer(keys["kyiv-stringer"], **{"If-Match": approved.headers["ETag"]}))
    assert (again.status_code, again.get_json()["type"]) == (409, "/problems/proposal-closed")
    assert client.get(url, headers=bearer(keys["desk-editor"])).get_json()["preview"] is None


def test_its_proposer_withdraws_it(client, keys):
    proposed = propose(client, keys["kyiv-stringer"])
    url = proposed.headers["Location"]
    by_editor = client.post(f"{url}/withdrawal", json={"reason": "No."}, headers=bearer(keys["desk-editor"]))
    assert by_editor.get_json()["type"] == "/problems/not-your-proposal"
    withdrawn = client.post(f"{url}/withdrawal", json={"reason": "A colleague proposed it."},
                            headers=bearer(keys["kyiv-stringer"]))
    assert withdrawn.status_code == 201
    assert withdrawn.get_json()["status"] == "withdrawn"
    assert approve(client, keys["desk-editor"], withdrawn).status_code == 409


# -- corrections, retractions, notes ---------------------------------------------------

def test_a_proposed_correction_is_made_against_the_revision_it_saw(client, keys):
    target = "ukraine-ceasefire-scope-2025-03-20"
    proposed = propose(client, keys["kyiv-stringer"], {"stance": "energy_only", "note": "Misread."},
                       action="revise", target=target)
    assert proposed.get_json()["target_revision"] == 1
    assert proposed.get_json()["preview"]["events"][0]["change"] == "changed"
    # The statement moves on before review: the preview says approval would be refused...
    current = client.get(f"/v1/statements/{target}")
    corrected = client.post(f"/v1/statements/{target}/revisions", json={"quote": "Fixed."},
                            headers=bearer(keys["data-team"], **{"If-Match": current.headers["ETag"]}))
    assert corrected.status_code == 201
    preview = client.get(proposed.headers["Location"], headers=bearer(keys["desk-editor"])).get_json()["preview"]
    assert preview["refused"]["type"] == "/problems/target-changed"
    assert preview["refused"]["status"] == 409
    # ... and it is; its proposer revises it against the current revision, and then it is not.
    refused = approve(client, keys["desk-editor"], proposed)
    assert (refused.status_code, refused.get_json()["type"]) == (409, "/problems/target-changed")
    revised = client.post(f"{proposed.headers['Location']}/revisions",
                          json={"body": {"stance": "energy_only", "note": "Misread."}},
                          headers=bearer(keys["kyiv-stringer"], **{"If-Match": proposed.headers["ETag"]}))
    assert revised.get_json()["target_revision"] == 2
    approved = approve(client, keys["desk-editor"], revised)
    assert (approved.get_json()["result_id"], approved.get_json()["result_revision"]) == (target, 3)
    statement = client.get(f"/v1/statements/{target}").get_json()
    assert (statement["stance"], statement["quote"]) == ("energy_only", "Fixed.")


def test_a_proposed_retraction_previews_the_withdrawn_position(client, keys):
    proposed = propose(client, keys["kyiv-stringer"], {"reason": "Misattributed."},
                       action="retract", target="uk-backstop-2025-03-20")
    (event,) = proposed.get_json()["preview"]["events"]
    assert (event["change"], event["verdict"]) == ("removed", "withdrawn")
    assert proposed.get_json()["preview"]["sentences"][0].startswith(
        "If approved: United Kingdom: the position Firmly for it was withdrawn")
    approved = approve(client, keys["desk-editor"], proposed)
    assert client.get("/v1/statements/uk-backstop-2025-03-20").get_json()["status"] == "retracted"
    assert approved.get_json()["result_revision"] == 2


def test_a_proposed_note_previews_the_readers_sentence(client, keys):
    proposed = propose(client, keys["kyiv-stringer"], NOTE, kind="note")
    assert proposed.get_json()["preview"] == {
        "events": [], "refused": None,
        "sentences": ["If approved: readers see, beside Germany on backstop: \u201cThe report "
                      "quotes no German view on a US guarantee.\u201d"]}
    approved = approve(client, keys["desk-editor"], proposed)
    note = client.get(f"/v1/notes/{approved.get_json()['result_id']}").get_json()
    assert note["reader_text"] == NOTE["reader_text"]


# -- refused proposals ---------------------------------------------------------------------

def test_a_proposal_is_checked_as_its_write_would_be(client, keys):
    off_scale = propose(client, keys["kyiv-stringer"], {**NARROWER, "stance": "requires"}, status=422)
    assert "stance" in off_scale.get_json()["errors"]["body"]
    malformed = propose(client, keys["kyiv-stringer"], {**NARROWER, "quote_kind": "rumour"}, status=400)
    assert "quote_kind" in malformed.get_json()["errors"]["body"]
    unknown = propose(client, keys["kyiv-stringer"], {"reason": "x"}, action="retract",
                      target="no-such-statement", status=422)
    assert "target" in unknown.get_json()["errors"]
    untargeted = propose(client, keys["kyiv-stringer"], {"reason": "x"}, action="retract", status=400)
    assert "target" in untargeted.get_json()["errors"]
    wrong_body = propose(client, keys["kyiv-stringer"], NARROWER, action="retract",
                         target="uk-backstop-2025-03-20", status=400)
    assert "body" in wrong_body.get_json()["errors"]
    for not_an_object in ("a statement", [NARROWER], None):
        assert "body" in propose(client, keys["kyiv-stringer"], not_an_object,
                                 status=400).get_json()["errors"]


def test_approval_needs_if_match_and_honours_idempotency_keys(app, client, keys):
    proposed = propose(client, keys["kyiv-stringer"])
    url = proposed.headers["Location"]
    missing = client.post(f"{url}/approval", headers=bearer(keys["desk-editor"]))
    assert missing.status_code == 428
    stale = client.post(f"{url}/approval", headers=bearer(keys["desk-editor"], **{"If-Match": '"r9-x"'}))
    assert stale.status_code == 412
    first = approve(client, keys["desk-editor"], proposed, **{"Idempotency-Key": "approve-1"})
    replay = approve(client, keys["desk-editor"], proposed, **{"Idempotency-Key": "approve-1"})
    assert first.status_code == replay.status_code == 201
    assert replay.headers["Idempotent-Replayed"] == "true"
    assert replay.get_json() == first.get_json()
    assert count(app, tables.statement_revisions, statement_id=first.get_json()["result_id"]) == 1
    # Without the key, a second approval is refused: it is approved already.
    assert approve(client, keys["desk-editor"], proposed).status_code in (409, 412)


# -- who reads what ---------------------------------------------------------------------------

def test_reporters_read_their_own_editors_read_all(client, keys):
    mine = propose(client, keys["kyiv-stringer"]).get_json()["id"]
    theirs = propose(client, keys["second-reporter"], NOTE, kind="note").get_json()["id"]
    listed = client.get("/v1/proposals?status=pending", headers=bearer(keys["kyiv-stringer"])).get_json()
    assert [p["id"] for p in listed["items"]] == [mine]
    queue = client.get("/v1/proposals?status=pending", headers=bearer(keys["desk-editor"]))
    assert [p["id"] for p in queue.get_json()["items"]] == [mine, theirs]
    assert queue.headers["Cache-Control"] == "no-store"
    refused = client.get(f"/v1/proposals/{theirs}", headers=bearer(keys["kyiv-stringer"]))
    assert (refused.status_code, refused.get_json()["type"]) == (403, "/problems/not-your-proposal")
    assert client.get(f"/v1/proposals/{theirs}").status_code == 401
    assert client.get("/v1/proposals/proposal-nope", headers=bearer(keys["desk-editor"])).status_code == 404
    assert client.get("/v1/proposals?status=approved",
                      headers=bearer(keys["desk-editor"])).get_json()["total"] == 0


def test_proposals_stay_out_of_the_public_change_feed(client, keys):
    before = client.get("/v1/changes").get_json()
    proposed = propose(client, keys["kyiv-stringer"])
    assert client.get("/v1/changes").get_json() == before
    approve(client, keys["desk-editor"], proposed)
    after = client.get("/v1/changes").get_json()
    assert after != before


# -- review required ---------------------------------------------------------------------------

@pytest.fixture
def review_required(app):
    app.config["REVIEW_REQUIRED"] = True


def test_with_review_required_editors_propose_and_admins_still_write(app, client, keys, review_required):
    version = data_version(app)
    direct = client.post("/v1/statements", json=NARROWER, headers=bearer(keys["desk-editor"]))
    assert direct.status_code == 403
    problem = direct.get_json()
    assert (problem["type"], problem["proposals"]) == ("/problems/review-required", "/v1/proposals")
    note = client.post("/v1/notes/uk-peacekeepers-considered/retraction", json={"reason": "x"},
                       headers=bearer(keys["night-editor"]))
    assert note.get_json()["type"] == "/problems/review-required"
    assert data_version(app) == version
    proposed = propose(client, keys["desk-editor"])
    assert approve(client, keys["night-editor"], proposed).status_code == 201
    assert client.post("/v1/statements", json={**NARROWER, "stated_on": "2025-03-22",
                                               "source": {**NARROWER["source"], "published_on": "2025-03-22"}},
                       headers=bearer(keys["data-team"])).status_code == 201
