"""gunicorn's own refusals in problem+json, and its JSON access log with the request id."""

from __future__ import annotations

import json
import socket

import pytest

from .server import live_server


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
