"""Webhook subscriptions through the API: admin only, validated, safe targets,
the secret shown once, deliveries listed and queued again."""

from __future__ import annotations

import pytest

from .test_writes import STATEMENT, make_key, post

HOOK = {"url": "https://newsroom.example/standpoint-hook", "description": "Live desk",
        "actors": ["gb", "russia"], "verdicts": ["first_stated", "shifted", "reversed"]}
PROBLEM = "application/problem+json"


@pytest.fixture
def admin(app):
    return {"Authorization": "Bearer " + make_key(app, "data-team", "admin")}


@pytest.fixture
def editor(app):
    return {"Authorization": "Bearer " + make_key(app, "ap-desk", "editor")}


def subscribe(client, admin, **changes):
    response = post(client, "/v1/subscriptions", {**HOOK, **changes}, admin)
    assert response.status_code == 201, response.get_json()
    return response.get_json()


def operations(subscription_id="sub_0", delivery_id="msg_0"):
    item = f"/v1/subscriptions/{subscription_id}"
    return [("get", "/v1/subscriptions", None), ("post", "/v1/subscriptions", HOOK),
            ("get", item, None), ("patch", item, {"status": "paused"}), ("delete", item, None),
            ("get", item + "/deliveries", None),
            ("post", f"{item}/deliveries/{delivery_id}/redelivery", None)]


def test_every_operation_needs_an_admin_key(client, editor):
    for method, path, body in operations():
        anonymous = getattr(client, method)(path, json=body)
        assert anonymous.status_code == 401, (method, path)
        assert anonymous.mimetype == PROBLEM
        refused = getattr(client, method)(path, json=body, headers=editor)
        assert refused.status_code == 403, (method, path)
        assert refused.get_json()["type"].endswith("/forbidden")


def test_the_secret_is_shown_once_at_creation(client, admin):
    created = post(client, "/v1/subscriptions", HOOK, admin)
    assert created.status_code == 201
    body = created.get_json()
    assert body["secret"].startswith("whsec_") and len(body["secret"]) > 40
    assert created.headers["Location"] == f"/v1/subscriptions/{body['id']}"
    assert body["actors"] == ["uk", "russia"]  # aliases resolved
    assert (body["status"], body["created_by"]) == ("active", "data-team")
    item = client.get(created.headers["Location"], headers=admin)
    listing = client.get("/v1/subscriptions", headers=admin)
    for response in (item, listing):
        assert response.status_code == 200
        assert body["secret"] not in response.get_data(as_text=True)
        assert "secret" not in response.get_data(as_text=True)
        assert response.headers["Cache-Control"] == "no-store"
        assert "ETag" not in response.headers
    assert listing.get_json()["items"][0]["id"] == body["id"]


@pytest.mark.parametrize("body, field", [
    ({"description": "no url"}, "url"),
    ({"url": "ftp://newsroom.example/hook"}, "url"),
    ({"url": "newsroom.example/hook"}, "url"),
    ({**HOOK, "verdicts": ["flip_flopped"]}, "verdicts"),
    ({**HOOK, "actors": "uk"}, "actors"),
    ({**HOOK, "secret": "whsec_mine"}, "secret"),
])
def test_malformed_subscriptions_are_400(client, admin, body, field):
    response = post(client, "/v1/subscriptions", body, admin)
    assert response.status_code == 400
    assert response.mimetype == PROBLEM
    assert field in response.get_json()["errors"]


@pytest.mark.parametrize("url", [
    "http://127.0.0.1:8000/hook", "http://localhost/hook", "http://10.1.2.3/hook",
    "http://192.168.0.10/hook", "http://169.254.169.254/latest/meta-data",
    "http://[::1]/hook", "http://[fd00::1]/hook", "http://0.0.0.0/hook",
    "http://[::127.0.0.1]/hook", "http://[::ffff:0:7f00:1]/hook", "http://[64:ff9b::a9fe:a9fe]/hook",
    "http://[2002:a00:1::1]/hook", "http://[fec0::1]/hook",
    "https://user:pass@newsroom.example/hook",
])
def test_unsafe_targets_are_refused(client, admin, url):
    response = post(client, "/v1/subscriptions", {**HOOK, "url": url}, admin)
    assert response.status_code == 422, response.get_json()
    assert response.get_json()["type"].endswith("/unsafe-target")
    assert client.get("/v1/subscriptions", headers=admin).get_json()["total"] == 0


def test_unknown_actor_or_topic_in_the_filters_is_422(client, admin):
    for field, value in (("actors", ["narnia"]), ("topics", ["weather"])):
        response = post(client, "/v1/subscriptions", {**HOOK, field: value}, admin)
        assert response.status_code == 422
        assert field in response.get_json()["errors"]


def test_pause_resume_change_and_delete(client, admin):
    subscription = subscribe(client, admin)
    item = f"/v1/subscriptions/{subscription['id']}"
    paused = client.patch(item, json={"status": "paused"}, headers=admin)
    assert paused.status_code == 200 and paused.get_json()["status"] == "paused"
    resumed = client.patch(item, json={"status": "active", "topics": ["backstop"]}, headers=admin)
    assert resumed.get_json()["status"] == "active"
    assert resumed.get_json()["topics"] == ["backstop"]
    unsafe = client.patch(item, json={"url": "http://127.0.0.1/"}, headers=admin)
    assert unsafe.status_code == 422
    assert client.patch(item, json={"status": "gone"}, headers=admin).status_code == 400
    assert client.patch("/v1/subscriptions/sub_nope", json={"status": "paused"},
                        headers=admin).status_code == 404
    deleted = client.delete(item, headers=admin)
    assert deleted.status_code == 200 and deleted.get_json()["id"] == subscription["id"]
    missing = client.get(item, headers=admin)
    assert missing.status_code == 404 and missing.get_json()["type"].endswith("/unknown-subscription")
    assert client.delete(item, headers=admin).status_code == 404


def test_a_write_queues_its_event_and_a_delivery_can_be_queued_again(client, admin, editor):
    subscription = subscribe(client, admin)
    quiet = subscribe(client, admin, actors=["russia"])
    assert post(client, "/v1/statements", STATEMENT, editor).status_code == 201
    deliveries = client.get(f"/v1/subscriptions/{subscription['id']}/deliveries", headers=admin)
    assert deliveries.status_code == 200
    (delivery,) = deliveries.get_json()["items"]
    assert (delivery["status"], delivery["attempts"], delivery["last_error"]) == ("pending", 0, None)
    data = delivery["event"]["data"]
    assert (data["actor"], data["topic"], data["verdict"]) == ("uk", "backstop", "shifted")
    assert data["from"]["stance"] == "requires" and data["to"]["stance"] == "supports"
    assert client.get(f"/v1/subscriptions/{quiet['id']}/deliveries",
                      headers=admin).get_json()["total"] == 0
    failed = client.get(f"/v1/subscriptions/{subscription['id']}/deliveries?status=failed",
                        headers=admin)
    assert failed.get_json()["total"] == 0
    again = client.post(f"/v1/subscriptions/{subscription['id']}/deliveries/{delivery['id']}"
                        "/redelivery", headers=admin)
    assert again.status_code == 202 and again.get_json()["id"] == delivery["id"]
    assert client.post(f"/v1/subscriptions/{subscription['id']}/deliveries/msg_nope/redelivery",
                       headers=admin).status_code == 404


def test_idempotency_key_is_not_replayed_so_no_secret_is_shown_twice(client, admin):
    key = {"Idempotency-Key": "same-key"}
    first = post(client, "/v1/subscriptions", HOOK, admin, **key).get_json()
    second = post(client, "/v1/subscriptions", HOOK, admin, **key).get_json()
    assert first["id"] != second["id"] and first["secret"] != second["secret"]
