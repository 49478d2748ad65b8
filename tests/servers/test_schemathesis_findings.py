"""Regressions for what the schemathesis run found, each fixed in the server or the spec."""

from __future__ import annotations

from service.store import keys

from ..contract import spec_dict


def _admin(app) -> dict:
    key = keys.create_key(app.extensions["standpoint.engine"], "findings", "admin")
    return {"Authorization": f"Bearer {key}"}


def test_a_topic_without_direction_words_gets_the_default_ones(app, client):
    topic = {"id": "prisoner_exchange", "question": "Should prisoners be exchanged first?",
             "scale": [{"value": "no", "level": 0, "side": -1, "label": "No", "definition": "No."},
                       {"value": "yes", "level": 1, "side": 1, "label": "Yes", "definition": "Yes."}]}
    created = client.post("/v1/topics", json=topic, headers=_admin(app))
    assert created.status_code == 201, created.get_json()  # was a 500
    assert created.get_json()["directions"] == {"up": "towards support", "down": "towards opposition"}


def test_an_idempotency_key_is_what_the_spec_says(app, client):
    headers = _admin(app)
    actor = {"id": "nato", "name": "NATO", "kind": "bloc"}
    for bad in ("   ", "é-key", "a" * 256, " padded\t"):
        refused = client.post("/v1/actors", json=actor, headers={**headers, "Idempotency-Key": bad})
        assert refused.status_code == 400, bad
    assert client.post("/v1/actors", json=actor,
                       headers={**headers, "Idempotency-Key": "retry 1 of job/42"}).status_code == 201


def test_if_match_is_required_where_its_absence_is_428(client):
    revise = spec_dict()["paths"]["/v1/statements/{statement_id}/revisions"]["post"]
    if_match = next(p for p in revise["parameters"] if p["name"] == "If-Match")
    assert if_match["required"] is True
    response = client.post("/v1/statements/uk-backstop-2025-03-20/revisions", json={})
    assert response.status_code in (401, 428)


def test_list_items_are_documented_as_ids_or_comma_lists_of_ids(client):
    # A value of a list parameter may hold several ids separated by commas, and the spec
    # says so: back%2Cstop reaches the server as "back,stop", two ids, neither a topic.
    import re

    topics = next(p for p in spec_dict()["paths"]["/v1/positions"]["get"]["parameters"]
                  if p["name"] == "topics")
    assert topics["explode"] is True and topics["schema"]["type"] == "array"
    pattern = topics["schema"]["items"]["pattern"]
    assert re.match(pattern, "back,stop") and re.match(pattern, " backstop ")
    assert not re.match(pattern, "back,,stop") and not re.match(pattern, "back;stop")
    assert client.get("/v1/positions", query_string="topics=backstop, peacekeepers").status_code == 200
    split = client.get("/v1/positions", query_string="topics=back%2Cstop")
    assert split.status_code == 404 and "'back'" in split.get_json()["detail"]
