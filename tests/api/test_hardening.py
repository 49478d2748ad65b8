"""Hardening: security headers everywhere, no internals in errors, request ids kept.
(gunicorn's own refusals and access log: tests/servers/test_gunicorn.py.)"""

from __future__ import annotations

import json

import pytest
from flask import Blueprint

from service import create_app
from service.http import security_headers

pytestmark = pytest.mark.read_only



@pytest.mark.parametrize("path, status", [
    ("/v1/positions?as_of=2025-03-20", 200),
    ("/v1/actors/narnia", 404),
    ("/v1/positions?as_of=2025-02-30", 400),
    ("/healthz", 200),
    ("/openapi.yaml", 200),
    ("/no/such/page", 404),
])
def test_every_answer_carries_the_security_headers(client, path, status):
    response = client.get(path)
    assert response.status_code == status
    assert response.headers["X-Content-Type-Options"] == "nosniff"
    assert response.headers["Referrer-Policy"] == "no-referrer"
    assert response.headers["Content-Security-Policy"].startswith("default-src 'none'")
    assert "X-Frame-Options" not in response.headers  # embeds must stay frameable where allowed
    assert response.headers["X-Request-ID"]


def test_a_304_carries_them_too(client):
    etag = client.get("/v1/actors").headers["ETag"]
    response = client.get("/v1/actors", headers={"If-None-Match": etag})
    assert response.status_code == 304
    assert response.headers["X-Content-Type-Options"] == "nosniff"


def test_the_docs_page_gets_a_policy_that_lets_it_run(client):
    response = client.get("/docs")
    assert response.status_code == 200
    policy = response.headers["Content-Security-Policy"]
    assert "script-src 'self'" in policy and "frame-ancestors 'none'" in policy


def test_a_blueprint_can_set_its_own_policy(tmp_path):
    app = create_app({"DATABASE_URL": f"sqlite:///{tmp_path / 'h.db'}", "TESTING": True})
    embed = Blueprint("embed_test", __name__)

    @embed.get("/embed-test")
    def page():
        return "<p>hi</p>"

    app.register_blueprint(embed)
    security_headers.override(app, "embed_test", {
        "Content-Security-Policy": "default-src 'self'; frame-ancestors *"})
    response = app.test_client().get("/embed-test")
    assert response.headers["Content-Security-Policy"] == "default-src 'self'; frame-ancestors *"
    assert response.headers["X-Content-Type-Options"] == "nosniff"  # other defaults still apply


def test_a_bug_answers_500_problem_without_internals(tmp_path):
    app = create_app({"DATABASE_URL": f"sqlite:///{tmp_path / 'h.db'}"})
    assert not app.debug

    @app.get("/boom")
    def boom():
        raise ZeroDivisionError("secret internals: /srv/standpoint/db.py line 42")

    response = app.test_client().get("/boom")
    assert response.status_code == 500
    assert response.mimetype == "application/problem+json"
    body = response.get_data(as_text=True)
    assert "ZeroDivisionError" not in body and "secret internals" not in body
    assert "Traceback" not in body
    assert json.loads(body)["request_id"] == response.headers["X-Request-ID"]


def test_a_callers_request_id_is_kept_in_the_answer_and_the_problem(client):
    response = client.get("/v1/actors/narnia", headers={"X-Request-ID": "trace-123"})
    assert response.headers["X-Request-ID"] == "trace-123"
    assert response.get_json()["request_id"] == "trace-123"
    made = client.get("/v1/actors/narnia", headers={"X-Request-ID": "not a plain id!"})
    assert made.headers["X-Request-ID"] != "not a plain id!"
    assert made.get_json()["request_id"] == made.headers["X-Request-ID"]
