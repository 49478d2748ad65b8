"""Hardening: security headers everywhere, no internals in errors, one JSON access-log line
per request, and gunicorn's own refusals in problem+json."""

from __future__ import annotations

import json
import logging
import socket

import pytest
from flask import Blueprint

from service import create_app
from service.api import security_headers
from service.api.access_log import JsonLineFormatter

from .server import live_server


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


def test_one_json_access_log_line_per_request(client, caplog):
    with caplog.at_level(logging.INFO, logger="standpoint.access"):
        response = client.get("/v1/actors/narnia", headers={"X-Request-ID": "trace-123"})
        response.close()  # the line is written when the server closes the answer
    lines = [r.msg for r in caplog.records if r.name == "standpoint.access"]
    assert len(lines) == 1
    line = lines[0]
    assert {k: line[k] for k in ("method", "path", "status", "request_id")} == {
        "method": "GET", "path": "/v1/actors/narnia", "status": 404, "request_id": "trace-123"}
    assert response.get_json()["request_id"] == "trace-123"
    assert line["duration_ms"] >= 0 and line["remote"] == "127.0.0.1"
    record = next(r for r in caplog.records if r.name == "standpoint.access")
    assert json.loads(JsonLineFormatter().format(record))["status"] == 404


def _raw_request(url: str, payload: bytes) -> bytes:
    host, port = url.removeprefix("http://").split(":")
    with socket.create_connection((host, int(port)), timeout=10) as sock:
        sock.sendall(payload)
        chunks = []
        while chunk := sock.recv(65536):
            chunks.append(chunk)
    return b"".join(chunks)


@pytest.mark.slow
def test_gunicorn_refusals_are_problem_json_and_logs_are_json(tmp_path):
    with live_server(tmp_path, workers=1) as server:
        long_line = b"GET /v1/positions?actors=" + b"a," * 6000 + b" HTTP/1.1\r\nHost: x\r\n\r\n"
        huge_header = (b"GET /v1/actors HTTP/1.1\r\nHost: x\r\nX-Big: " + b"a" * 9000 + b"\r\n\r\n")
        for payload, status in ((long_line, 414), (huge_header, 431)):
            head, _, body = _raw_request(server.url, payload).partition(b"\r\n\r\n")
            assert head.startswith(f"HTTP/1.1 {status}".encode()), head
            assert b"Content-Type: application/problem+json" in head
            assert b"X-Content-Type-Options: nosniff" in head
            problem = json.loads(body)
            assert problem["status"] == status and problem["type"].startswith("/problems/")
        assert server.get("/v1/actors/uk")[0] == 200
        log = server.log_once_it_has('"path":"/v1/actors/uk"')
    access = [json.loads(line) for line in log.splitlines() if line.startswith("{")]
    assert any(entry["path"] == "/v1/actors/uk" and entry["status"] == 200 for entry in access)
    assert all(set(entry) >= {"method", "path", "status", "duration_ms", "request_id", "remote"}
               for entry in access)
