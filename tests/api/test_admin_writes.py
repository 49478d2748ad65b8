"""Actors and topics through the API (scope admin)."""

from __future__ import annotations

import pytest

from .test_writes import STATEMENT, make_key, post

NATO = {"id": "nato", "name": "NATO", "kind": "bloc", "aliases": ["north-atlantic-alliance"]}
SANCTIONS = {
    "id": "sanctions_relief",
    "question": "Should sanctions on Russia be eased as part of a deal?",
    "scale": [
        {"value": "opposes", "level": -1, "side": -1, "label": "Opposes", "definition": "No easing."},
        {"value": "open", "level": 0, "side": 0, "label": "Open", "definition": "Would discuss it."},
        {"value": "demands", "level": 1, "side": 1, "label": "Demands", "definition": "A condition."},
    ],
    "directions": {"up": "towards easing", "down": "towards keeping"},
}


@pytest.fixture
def admin(app):
    return {"Authorization": "Bearer " + make_key(app, "data-team", "admin")}


def test_admin_adds_an_actor_and_it_resolves_by_alias(client, admin):
    response = post(client, "/v1/actors", NATO, admin)
    assert response.status_code == 201
    assert response.headers["Location"] == "/v1/actors/nato"
    assert client.get("/v1/actors/north-atlantic-alliance").get_json()["id"] == "nato"


def test_actor_id_or_alias_naming_another_actor_is_409(client, admin):
    assert post(client, "/v1/actors", {**NATO, "id": "uk"}, admin).status_code == 409
    clash = post(client, "/v1/actors", {**NATO, "aliases": ["gb"]}, admin)
    assert clash.status_code == 409
    assert clash.get_json()["valid_ids"] == ["uk"]
    post(client, "/v1/actors", NATO, admin)
    patched = client.patch("/v1/actors/nato", json={"aliases": ["usa"]}, headers=admin)
    assert patched.status_code == 409


def test_patch_actor_changes_only_what_is_sent(client, admin):
    response = client.patch("/v1/actors/uk", json={"aliases": ["gb", "united-kingdom", "britain"]},
                            headers=admin)
    assert response.status_code == 200
    actor = client.get("/v1/actors/britain").get_json()
    assert actor["id"] == "uk" and actor["name"] == "United Kingdom"


def test_patch_unknown_actor_is_404(client, admin):
    assert client.patch("/v1/actors/narnia", json={"name": "N"}, headers=admin).status_code == 404


def test_admin_adds_a_topic_that_statements_can_use(client, admin):
    assert post(client, "/v1/topics", SANCTIONS, admin).status_code == 201
    body = {**STATEMENT, "topic": "sanctions_relief", "stance": "opposes"}
    assert post(client, "/v1/statements", body, admin).status_code == 201


def test_topic_with_a_disordered_scale_is_422(client, admin):
    scale = list(reversed(SANCTIONS["scale"]))
    assert post(client, "/v1/topics", {**SANCTIONS, "scale": scale}, admin).status_code == 422


def test_scale_can_grow(client, admin):
    topic = client.get("/v1/topics/backstop").get_json()
    scale = topic["scale"] + [{"value": "guarantees", "level": 3, "side": 1, "label": "Guarantees",
                               "definition": "Offers a binding guarantee."}]
    response = client.patch("/v1/topics/backstop", json={"scale": scale}, headers=admin)
    assert response.status_code == 200
    assert [s["value"] for s in response.get_json()["scale"]][-1] == "guarantees"


def test_value_in_use_cannot_be_removed_or_renamed(client, admin):
    topic = client.get("/v1/topics/backstop").get_json()
    without = [s for s in topic["scale"] if s["value"] != "requires"]
    removed = client.patch("/v1/topics/backstop", json={"scale": without}, headers=admin)
    assert removed.status_code == 409
    assert "uk-backstop-2025-03-20" in removed.get_json()["statements"]
    renamed = [{**s, "value": "needs"} if s["value"] == "requires" else s for s in topic["scale"]]
    assert client.patch("/v1/topics/backstop", json={"scale": renamed},
                        headers=admin).status_code == 409
    assert client.get("/v1/topics/backstop").get_json() == topic


def test_unused_value_can_be_removed(client, admin):
    post(client, "/v1/topics", SANCTIONS, admin)
    scale = [s for s in SANCTIONS["scale"] if s["value"] != "open"]
    response = client.patch("/v1/topics/sanctions_relief", json={"scale": scale}, headers=admin)
    assert response.status_code == 200
